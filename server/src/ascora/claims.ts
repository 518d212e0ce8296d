import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { type AscoraEntity, ascoraPushClaims } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { randomToken } from '../lib/crypto.js';

export interface ClaimTiming {
  /** A claim outlives its holder by this much at most: longer than any create with its retries. */
  leaseMs?: number;
  /** How long to wait for another push of the same record before answering 409. */
  waitMs?: number;
}

const defaults: Required<ClaimTiming> = { leaseMs: 5 * 60_000, waitMs: 60_000 };

/** Takes the record's claim if it is free or its holder's lease ran out; one row per record, so one winner. */
async function tryClaim(
  db: Db,
  key: { orgId: string; entity: AscoraEntity; localId: string },
  token: string,
  leaseMs: number,
): Promise<boolean> {
  const expiresAt = sql`now() + make_interval(secs => ${leaseMs / 1000})`;
  const taken = await db
    .insert(ascoraPushClaims)
    .values({ ...key, token, expiresAt })
    .onConflictDoUpdate({
      target: [ascoraPushClaims.orgId, ascoraPushClaims.entity, ascoraPushClaims.localId],
      set: { token, expiresAt },
      setWhere: sql`${ascoraPushClaims.expiresAt} < now()`,
    })
    .returning({ token: ascoraPushClaims.token });
  return taken.length > 0;
}

/**
 * Runs `work` holding the claim on one record, so no other push of it (in this process or another)
 * runs `work` at the same time. The claim is a row rather than a lock held by a transaction: the
 * work waits on Ascora for seconds, and PGlite's one connection must stay free meanwhile.
 */
export async function withRecordClaim<T>(
  db: Db,
  key: { orgId: string; entity: AscoraEntity; localId: string },
  work: () => Promise<T>,
  timing: ClaimTiming = {},
): Promise<T> {
  const { leaseMs, waitMs } = { ...defaults, ...timing };
  const token = randomToken();
  const giveUpAt = Date.now() + waitMs;
  let pause = 10;
  while (!(await tryClaim(db, key, token, leaseMs))) {
    if (Date.now() >= giveUpAt) {
      throw new ApiError('conflict', {
        detail: `Another push of this ${key.entity} to Ascora is still running; try again shortly.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 250);
  }
  try {
    return await work();
  } finally {
    await db
      .delete(ascoraPushClaims)
      .where(
        and(
          eq(ascoraPushClaims.orgId, key.orgId),
          eq(ascoraPushClaims.entity, key.entity),
          eq(ascoraPushClaims.localId, key.localId),
          eq(ascoraPushClaims.token, token),
        ),
      );
  }
}
