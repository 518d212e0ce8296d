import type { components } from '@crewkit/sdk/openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/audit.js';
import type { Services } from '../context.js';
import { type Db, queryRows } from '../db/index.js';
import { sessions, users } from '../db/schema.js';
import { decrypt, deriveKey, encrypt, randomToken, sha256 } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { toUser } from '../serializers/access.js';
import { accessTokenSeconds } from './credentials.js';

export const refreshTokenSeconds = 30 * 24 * 3600;
/**
 * A refresh token presented again within this window of its rotation is a retry whose response was
 * lost; it gets the same new token as the first request did.
 */
const retryGraceSeconds = 30;

type TokenPair = components['schemas']['TokenPair'];
type UserRow = typeof users.$inferSelect;

async function tokenPair(
  services: Services,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
): Promise<TokenPair> {
  return {
    tokenType: 'Bearer',
    accessToken: await services.credentials.issueAccessToken({
      userId: user.id,
      orgId: user.orgId,
      sessionId,
    }),
    expiresIn: accessTokenSeconds,
    refreshToken,
    refreshExpiresIn: refreshTokenSeconds,
    user: toUser(user),
  };
}

/** Who ends a session whose refresh token was played back: not the user, who may not know. */
const sessionGuard = { type: 'system', id: 'session-guard' } as const;

export async function startSession(
  db: Db,
  services: Services,
  user: UserRow,
): Promise<{ sessionId: string; pair: TokenPair }> {
  const sessionId = newId();
  const refreshToken = randomToken('rt_');
  await db.insert(sessions).values({
    id: sessionId,
    orgId: user.orgId,
    userId: user.id,
    refreshHash: sha256(refreshToken),
    expiresAt: sql`now() + make_interval(secs => ${refreshTokenSeconds})`,
  });
  return { sessionId, pair: await tokenPair(services, user, sessionId, refreshToken) };
}

/**
 * Rotates a refresh token; each works once, and a session is one chain of tokens descended from one
 * sign-in.
 *
 * - The current token gets a new pair. Simultaneous rotations queue on the session row's lock:
 *   the first rotates, the rest find the token already rotated.
 * - The token just rotated away from, presented again within `retryGraceSeconds`, is a retry whose
 *   response was lost (or a simultaneous request that lost the race): it gets the same new token
 *   back, never a second chain.
 * - Any other token the session has held is reuse: someone copied it. The whole session ends, the
 *   thief's chain and the real client's alike.
 */
export async function rotateSession(
  db: Db,
  services: Services,
  presented: string,
  requestId: string,
): Promise<TokenPair | undefined> {
  const hash = sha256(presented);
  const next = randomToken('rt_');
  const sealing = deriveKey(services.config.secret, 'refresh-tokens');
  const [rotated] = await queryRows<{ id: string; user_id: string }>(
    db,
    sql`with rotated as (
          update sessions set
            refresh_hash = ${sha256(next)},
            previous_refresh_hash = ${hash},
            refresh_sealed = ${encrypt(sealing, next)},
            rotated_at = now()
          where refresh_hash = ${hash} and revoked_at is null and expires_at > now()
          returning id, user_id
        ), retired as (
          insert into retired_refresh_tokens (token_hash, session_id)
          select ${hash}, id from rotated on conflict do nothing
        )
        select id, user_id from rotated`,
  );
  if (rotated) return pairFor(db, services, rotated.id, rotated.user_id, next);

  const [retried] = await queryRows<{ id: string; user_id: string; refresh_sealed: string }>(
    db,
    sql`select id, user_id, refresh_sealed from sessions
        where previous_refresh_hash = ${hash} and refresh_sealed is not null
          and rotated_at > now() - make_interval(secs => ${retryGraceSeconds})
          and revoked_at is null and expires_at > now()`,
  );
  if (retried) {
    return pairFor(db, services, retried.id, retried.user_id, decrypt(sealing, retried.refresh_sealed));
  }

  const reused = await queryRows<{ id: string; org_id: string; user_id: string }>(
    db,
    sql`update sessions set revoked_at = now()
        where revoked_at is null and (
          previous_refresh_hash = ${hash}
          or id = (select session_id from retired_refresh_tokens where token_hash = ${hash}))
        returning id, org_id, user_id`,
  );
  if (reused.length > 0) {
    const ids = new Set(reused.map((r) => r.id));
    services.credentials.forget((p) => p.kind === 'user' && ids.has(p.sessionId));
    services.logger.warn({ sessions: [...ids] }, 'refresh token reused; session revoked');
    // The owners should see that a copied token was played back and the session ended for it.
    await recordAudit(
      db,
      reused.map((session) => ({
        orgId: session.org_id,
        actor: sessionGuard,
        credential: { type: 'session' as const, id: session.id },
        operation: 'refreshToken.reused',
        target: { type: 'user', id: session.user_id },
        changes: { sessionRevoked: true },
        requestId,
      })),
      services.now(),
    );
  }
  return undefined;
}

async function pairFor(
  db: Db,
  services: Services,
  sessionId: string,
  userId: string,
  refreshToken: string,
): Promise<TokenPair | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  return user ? tokenPair(services, user, sessionId, refreshToken) : undefined;
}

export async function revokeSessions(
  db: Db,
  services: Services,
  where: { sessionId?: string; userId?: string; exceptSessionId?: string },
) {
  const conditions = [isNull(sessions.revokedAt)];
  if (where.sessionId) conditions.push(eq(sessions.id, where.sessionId));
  if (where.userId) conditions.push(eq(sessions.userId, where.userId));
  if (where.exceptSessionId) conditions.push(sql`${sessions.id} <> ${where.exceptSessionId}`);
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  const ids = new Set(revoked.map((r) => r.id));
  services.credentials.forget((p) => p.kind === 'user' && ids.has(p.sessionId));
}
