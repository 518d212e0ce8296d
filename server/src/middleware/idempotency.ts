import { and, eq, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { idempotencyKeys } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { decrypt, encrypt, sha256 } from '../lib/crypto.js';

/** How long a first response is kept for replay. */
const retentionSql = sql`now() - interval '24 hours'`;
/** A claim older than this belongs to a process that died mid-request; the next retry takes over. */
const staleClaimSql = sql`now() - interval '60 seconds'`;

interface StoredResponse {
  contentType: string | null;
  body: string;
}

/**
 * The body as JSON with every object's keys sorted: the same request sent by another JSON encoder,
 * or rebuilt by a retrying client, hashes the same.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Whose keys these are: a retry comes from the same credential, and nobody else sees its response. */
function credentialScope(c: AppContext): string {
  const principal = c.var.principal;
  if (!principal) return '';
  return principal.kind === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`;
}

/**
 * Runs a POST (or a status change) at most once per (organization, credential, Idempotency-Key).
 *
 * The key is claimed in its own statement, so a concurrent retry sees it at once and gets 409. The
 * handler then runs in a transaction that also records its response: the work and the record of it
 * commit together, so a crash can never leave work done but unrecorded (which a retry would redo).
 */
export async function runIdempotent(
  c: AppContext,
  key: string,
  body: unknown,
  handler: () => Response | Promise<Response>,
  options: { transaction: boolean } = { transaction: true },
): Promise<Response> {
  const { db, idempotencyKey } = c.var.services;
  const orgId = c.req.param('orgId') as string;
  const scope = credentialScope(c);
  const requestHash = sha256(`${c.req.method} ${c.req.path}\n${canonicalJson(body)}`);
  const where = and(
    eq(idempotencyKeys.orgId, orgId),
    eq(idempotencyKeys.scope, scope),
    eq(idempotencyKeys.key, key),
  );

  const claim = async () =>
    (
      await db
        .insert(idempotencyKeys)
        .values({ orgId, scope, key, requestHash, state: 'in_progress', lockedAt: sql`now()` })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key })
    ).length === 1;

  let claimed = await claim();
  if (!claimed) {
    // An expired record no longer counts: forget it and claim afresh.
    const expired = await db
      .delete(idempotencyKeys)
      .where(and(where, lt(idempotencyKeys.createdAt, retentionSql)))
      .returning();
    if (expired.length > 0) claimed = await claim();
  }
  if (!claimed) {
    const [existing] = await db.select().from(idempotencyKeys).where(where);
    if (!existing) return runIdempotent(c, key, body, handler, options); // deleted between our statements
    if (existing.requestHash !== requestHash) {
      throw new ApiError('idempotency_key_reused', {
        detail:
          'This Idempotency-Key was first used with a different request; use a new key for a new request.',
      });
    }
    if (existing.state === 'completed' && existing.responseBody !== null) {
      const stored = JSON.parse(decrypt(idempotencyKey, existing.responseBody)) as StoredResponse;
      return new Response(stored.body || null, {
        status: existing.responseStatus ?? 200,
        headers: {
          ...(stored.contentType ? { 'content-type': stored.contentType } : {}),
          'idempotent-replayed': 'true',
        },
      });
    }
    const takenOver = await db
      .update(idempotencyKeys)
      .set({ lockedAt: sql`now()` })
      .where(
        and(where, eq(idempotencyKeys.state, 'in_progress'), lt(idempotencyKeys.lockedAt, staleClaimSql)),
      )
      .returning({ key: idempotencyKeys.key });
    if (takenOver.length === 0) {
      throw new ApiError('idempotency_request_in_progress', {
        detail: 'A request with this Idempotency-Key is still running; retry after it finishes.',
        headers: { 'retry-after': '1' },
      });
    }
  }

  const keep = async (within: typeof db, response: Response) => {
    const stored: StoredResponse = {
      contentType: response.headers.get('content-type'),
      body: await response.clone().text(),
    };
    await within
      .update(idempotencyKeys)
      .set({
        state: 'completed',
        responseStatus: response.status,
        responseBody: encrypt(idempotencyKey, JSON.stringify(stored)),
      })
      .where(where);
  };
  try {
    if (!options.transaction) {
      // The handler calls another service: it runs on its own, and its response is kept after.
      // A crash in between leaves the key to be taken over, and the retry repeats the operation,
      // which is why such operations are written to be safe to repeat.
      const response = await handler();
      if (response.status >= 300) throw new ResponseNotKept(response);
      await keep(db, response);
      return response;
    }
    return await db.transaction(async (tx) => {
      c.set('db', tx);
      const response = await handler();
      if (response.status >= 300) throw new ResponseNotKept(response);
      await keep(tx, response);
      return response;
    });
  } catch (error) {
    // Nothing was committed, so the key is released and a retry runs the request again.
    await db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.state, 'in_progress')));
    if (error instanceof ResponseNotKept) return error.response;
    throw error;
  } finally {
    c.set('db', db);
  }
}

/** Carries an unsuccessful response out of the transaction so that it rolls back. */
class ResponseNotKept extends Error {
  constructor(readonly response: Response) {
    super('response not kept');
  }
}
