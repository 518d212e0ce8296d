import { eq, sql } from 'drizzle-orm';
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import { revokeSessions, rotateSession, startSession } from '../auth/sessions.js';
import { users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { clientAddress } from '../openapi/pipeline.js';
import { toUser } from './serializers.js';

// Per account, on top of the per-address limit every anonymous operation has: slows password
// guessing against one account from many addresses.
const perAccountLogins = { requests: 10, perSeconds: 15 * 60 };

export const authHandlers = {
  async login(c, { body }) {
    const { db, services } = { db: c.var.db, services: c.var.services };
    const email = body.email.toLowerCase();
    const limited = await services.rateLimiter.hit(`login:${email}`, perAccountLogins);
    if (!limited.allowed) {
      throw new ApiError('rate_limited', {
        detail: 'Too many sign-in attempts for this account; wait before trying again.',
        headers: { 'retry-after': String(limited.resetSeconds) },
      });
    }
    const [user] = await db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email));
    // Always check a hash, so the response time does not reveal whether the account exists.
    const valid = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !valid) {
      services.logger.info({ requestId: c.var.requestId, ip: clientAddress(c) }, 'failed sign-in');
      throw new ApiError('unauthorized', { detail: 'The email or password is wrong.' });
    }
    const [signedIn] = await db
      .update(users)
      .set({ lastLoginAt: sql`now()` })
      .where(eq(users.id, user.id))
      .returning();
    return c.json(await startSession(db, services, signedIn ?? user), 200, { 'cache-control': 'no-store' });
  },

  async refreshToken(c, { body }) {
    const pair = await rotateSession(c.var.db, c.var.services, body.refreshToken);
    if (!pair)
      throw new ApiError('unauthorized', {
        detail: 'The refresh token is unknown, expired, used or revoked; sign in again.',
      });
    return c.json(pair, 200, { 'cache-control': 'no-store' });
  },

  async logout(c) {
    const principal = c.var.principal;
    if (principal?.kind !== 'user') throw new ApiError('forbidden');
    await revokeSessions(c.var.db, c.var.services, { sessionId: principal.sessionId });
    return c.body(null, 204);
  },

  async getCurrentPrincipal(c) {
    const principal = c.var.principal;
    if (principal?.kind === 'user') {
      const [user] = await c.var.db.select().from(users).where(eq(users.id, principal.userId));
      if (!user) throw new ApiError('unauthorized');
      return c.json({ kind: 'user' as const, organizationId: principal.orgId, user: toUser(user) }, 200);
    }
    if (principal?.kind === 'secret_key') {
      return c.json(
        { kind: 'secret_key' as const, organizationId: principal.orgId, apiKeyId: principal.keyId },
        200,
      );
    }
    throw new ApiError('forbidden');
  },
} satisfies HandlerTable;
