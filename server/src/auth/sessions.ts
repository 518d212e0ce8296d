import type { components } from '@crewkit/sdk/openapi';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Services } from '../context.js';
import type { Db } from '../db/index.js';
import { sessions, users } from '../db/schema.js';
import { randomToken, sha256 } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { toUser } from '../routes/serializers.js';
import { accessTokenSeconds } from './credentials.js';

export const refreshTokenSeconds = 30 * 24 * 3600;
/** A refresh token presented again within this window is a retried request whose response was lost. */
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

export async function startSession(db: Db, services: Services, user: UserRow): Promise<TokenPair> {
  const sessionId = newId();
  const refreshToken = randomToken('rt_');
  await db.insert(sessions).values({
    id: sessionId,
    orgId: user.orgId,
    userId: user.id,
    refreshHash: sha256(refreshToken),
    expiresAt: sql`now() + make_interval(secs => ${refreshTokenSeconds})`,
  });
  return tokenPair(services, user, sessionId, refreshToken);
}

/**
 * Rotates a refresh token: each works once. A token used a second time revokes its session (it
 * was probably stolen), except just after rotation, when it is a retry of a lost response.
 */
export async function rotateSession(
  db: Db,
  services: Services,
  presented: string,
): Promise<TokenPair | undefined> {
  const hash = sha256(presented);
  const next = randomToken('rt_');
  const live = and(isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`));
  const rotate = (match: ReturnType<typeof and>) =>
    db
      .update(sessions)
      .set({
        refreshHash: sha256(next),
        previousRefreshHash: sql`case when ${sessions.refreshHash} = ${hash} then ${hash} else ${sessions.previousRefreshHash} end`,
        rotatedAt: sql`now()`,
      })
      .where(and(match, live))
      .returning({ id: sessions.id, userId: sessions.userId });

  let [session] = await rotate(eq(sessions.refreshHash, hash));
  if (!session) {
    [session] = await rotate(
      and(
        eq(sessions.previousRefreshHash, hash),
        gt(sessions.rotatedAt, sql`now() - make_interval(secs => ${retryGraceSeconds})`),
      ),
    );
  }
  if (!session) {
    const reused = await db
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.previousRefreshHash, hash), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    for (const { id } of reused) services.credentials.forget((p) => p.kind === 'user' && p.sessionId === id);
    return undefined;
  }
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  return user ? tokenPair(services, user, session.id, next) : undefined;
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
