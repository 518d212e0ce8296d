import { and, eq, gt, sql } from 'drizzle-orm';
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import { revokeSessions, rotateSession, startSession } from '../auth/sessions.js';
import type { Db } from '../db/index.js';
import { signInAddresses, users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { type RateLimitResult, type RateLimitRule, rateLimitHeaders } from '../lib/rate-limiter.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { clientAddress } from '../openapi/pipeline.js';
import { toUser } from './serializers.js';

/**
 * Sign-in throttling. Every attempt is counted up front (so simultaneous guesses cannot all slip
 * under a limit) and refunded when it succeeds, so the counters hold failures. Each counts in a
 * fixed 15-minute window shared by all instances:
 *
 * 1. per address, any account: 50 — one address spraying many accounts;
 * 2. per account and address: 5 — one address guessing one account;
 * 3. per account: 20 — many addresses guessing one account. It counts only attempts that passed
 *    1 and 2, so one address adds at most 5, and it is not applied to an address that signed in to
 *    this account successfully within the last 30 days.
 *
 * So a guesser slows only themselves: the owner is never refused from an address they have
 * signed in from, and from a new one only while four or more addresses are guessing at once.
 * Refused attempts answer 429 with Retry-After and check no password. Unknown emails are counted
 * the same way, so throttling does not reveal whether an account exists.
 */
const failures = {
  perAddress: { requests: 50, perSeconds: 15 * 60 },
  perAccountAndAddress: { requests: 5, perSeconds: 15 * 60 },
  perAccount: { requests: 20, perSeconds: 15 * 60 },
};
const knownAddressDays = 30;

function tooManyAttempts(limit: RateLimitResult): ApiError {
  return new ApiError('rate_limited', {
    detail: `Too many failed sign-ins; wait ${limit.resetSeconds} s before trying again.`,
    headers: rateLimitHeaders(limit),
  });
}

async function signedInFrom(db: Db, userId: string, address: string, since: Date): Promise<boolean> {
  const [row] = await db
    .select({ at: signInAddresses.lastSuccessAt })
    .from(signInAddresses)
    .where(
      and(
        eq(signInAddresses.userId, userId),
        eq(signInAddresses.address, address),
        gt(signInAddresses.lastSuccessAt, since),
      ),
    );
  return row !== undefined;
}

export const authHandlers = {
  async login(c, { body }) {
    const { db, services } = { db: c.var.db, services: c.var.services };
    const limiter = services.rateLimiter;
    const email = body.email.toLowerCase();
    const address = clientAddress(c);
    const counted: [string, RateLimitRule][] = [];
    const count = async (key: string, rule: RateLimitRule) => {
      const limit = await limiter.hit(key, rule);
      counted.push([key, rule]);
      return limit;
    };

    for (const [key, rule] of [
      [`sign-in:address:${address}`, failures.perAddress],
      [`sign-in:account-address:${email}:${address}`, failures.perAccountAndAddress],
    ] as const) {
      const limit = await count(key, rule);
      if (!limit.allowed) throw tooManyAttempts(limit);
    }
    const [user] = await db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email));
    const accountLimit = await count(`sign-in:account:${email}`, failures.perAccount);
    if (!accountLimit.allowed) {
      const since = new Date(services.now() - knownAddressDays * 24 * 3600 * 1000);
      if (!user || !(await signedInFrom(db, user.id, address, since))) throw tooManyAttempts(accountLimit);
    }

    // Always check a hash, so the response time does not reveal whether the account exists.
    const valid = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !valid) {
      services.logger.info({ requestId: c.var.requestId, ip: address }, 'failed sign-in');
      throw new ApiError('unauthorized', { detail: 'The email or password is wrong.' });
    }
    for (const [key, rule] of counted) await limiter.undo(key, rule);
    const at = new Date(services.now());
    await db
      .insert(signInAddresses)
      .values({ userId: user.id, address, lastSuccessAt: at })
      .onConflictDoUpdate({
        target: [signInAddresses.userId, signInAddresses.address],
        set: { lastSuccessAt: at },
      });
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
