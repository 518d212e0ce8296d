import type { components } from '@crewkit/sdk/openapi';
import { and, eq, gt, sql } from 'drizzle-orm';
import { type AuditEntry, actorOf, recordAudit } from '../audit/audit.js';
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { revokeSessions, rotateSession, startSession } from '../auth/sessions.js';
import type { Services } from '../context.js';
import type { Db } from '../db/index.js';
import { signInAddresses, users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { type RateLimitResult, type RateLimitRule, rateLimitHeaders } from '../lib/rate-limiter.js';

type TokenPair = components['schemas']['TokenPair'];

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

export interface SignIn {
  email: string;
  password: string;
  /** The client's address, for throttling and for recognising where the owner signs in from. */
  address: string;
  requestId: string;
}

/** Checks the password (throttled, see `failures`) and starts a session. */
export async function signIn(db: Db, services: Services, attempt: SignIn): Promise<TokenPair> {
  const limiter = services.rateLimiter;
  const email = attempt.email.toLowerCase();
  const { address } = attempt;
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
  const valid = await verifyPassword(attempt.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !valid) {
    services.logger.info({ requestId: attempt.requestId, ip: address }, 'failed sign-in');
    // Only an existing account has an organization whose owners should see someone trying it.
    if (user) await recordAudit(db, sessionEntry(user, 'login.failed', attempt.requestId), services.now());
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
  const { sessionId, pair } = await startSession(db, services, signedIn ?? user);
  await recordAudit(
    db,
    { ...sessionEntry(user, 'login', attempt.requestId), credential: { type: 'session', id: sessionId } },
    services.now(),
  );
  return pair;
}

/** An entry about a user's own sign-in: the account is both who acted and what was acted on. */
function sessionEntry(user: { id: string; orgId: string }, operation: string, requestId: string): AuditEntry {
  return {
    orgId: user.orgId,
    actor: { type: 'user', id: user.id },
    credential: null,
    operation,
    target: { type: 'user', id: user.id },
    changes: {},
    requestId,
  };
}

export async function refresh(
  db: Db,
  services: Services,
  refreshToken: string,
  requestId: string,
): Promise<TokenPair> {
  const pair = await rotateSession(db, services, refreshToken, requestId);
  if (!pair) {
    throw new ApiError('unauthorized', {
      detail: 'The refresh token is unknown, expired, used or revoked; sign in again.',
    });
  }
  return pair;
}

/** Ends the session the request was made with; only users have one. */
export async function signOut(
  db: Db,
  services: Services,
  principal: Principal | undefined,
  requestId: string,
): Promise<void> {
  if (principal?.kind !== 'user') throw new ApiError('forbidden');
  await revokeSessions(db, services, { sessionId: principal.sessionId });
  await recordAudit(
    db,
    {
      orgId: principal.orgId,
      ...actorOf(principal),
      operation: 'logout',
      target: { type: 'user', id: principal.userId },
      changes: {},
      requestId,
    },
    services.now(),
  );
}

/** Who is calling: a user (who must still exist) or a secret key; publishable keys are not told. */
export async function whoAmI(db: Db, principal: Principal | undefined) {
  if (principal?.kind === 'user') {
    const [user] = await db.select().from(users).where(eq(users.id, principal.userId));
    if (!user) throw new ApiError('unauthorized');
    return { kind: 'user' as const, organizationId: principal.orgId, user };
  }
  if (principal?.kind === 'secret_key') {
    return { kind: 'secret_key' as const, organizationId: principal.orgId, apiKeyId: principal.keyId };
  }
  throw new ApiError('forbidden');
}
