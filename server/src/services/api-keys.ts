import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { createApiKey } from '../auth/api-keys.js';
import type { Services } from '../context.js';
import type { Db } from '../db/index.js';
import { apiKeys } from '../db/schema.js';
import { ApiError, type FieldError } from '../errors.js';
import { decodeCursor } from '../lib/pagination.js';
import type { Input } from '../openapi/handlers.js';

type Schemas = components['schemas'];
type KeyRow = typeof apiKeys.$inferSelect;
/** A key just made: the secret is shown this once and never stored. */
export type NewKey = { row: KeyRow; secret: string };

async function findKey(db: Db, orgId: string, keyId: string): Promise<KeyRow> {
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId)));
  if (!key) throw new ApiError('not_found');
  return key;
}

function forgetKey(services: Services, keyId: string) {
  services.credentials.forget((p) => p.kind !== 'user' && p.keyId === keyId);
}

const secretKeyOrigins = {
  path: 'body.allowedOrigins',
  message: 'applies to publishable keys only; secret keys must never reach a browser',
};

/**
 * The spec's pattern keeps out paths; this keeps out what it lets through but a browser never sends
 * (`https://Plumber.example`, `https://plumber.example:443`), which would be stored and never match.
 */
function originErrors(origins: string[], path: string): FieldError[] {
  return origins.flatMap((origin, index) => {
    let canonical: string | undefined;
    try {
      canonical = new URL(origin).origin;
    } catch {
      canonical = undefined;
    }
    if (canonical === origin) return [];
    return [
      {
        path: `${path}.${index}`,
        message:
          canonical && canonical !== 'null'
            ? `must be written as a browser sends it: ${canonical}`
            : 'must be an origin such as https://plumber.example',
      },
    ];
  });
}

function assertLive(key: { revokedAt: Date | null; expiresAt: Date | null }, now: number, instead: string) {
  if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) {
    throw new ApiError('conflict', { detail: `This key is revoked or expired; ${instead}` });
  }
}

/** One page of keys, fetched with one extra row to tell whether another page exists. */
export async function listKeys(
  db: Db,
  orgId: string,
  filter: Input<'listApiKeys'>['query'],
): Promise<KeyRow[]> {
  const after = decodeCursor(filter.cursor);
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.orgId, orgId),
        after ? gt(apiKeys.id, after) : undefined,
        filter.includeRevoked ? undefined : isNull(apiKeys.revokedAt),
      ),
    )
    .orderBy(asc(apiKeys.id))
    .limit(filter.limit + 1);
}

export async function createKey(db: Db, orgId: string, body: Schemas['ApiKeyCreate']): Promise<NewKey> {
  const origins = body.allowedOrigins ?? [];
  if (body.kind === 'publishable' && origins.length === 0) {
    throw new ApiError('validation_failed', {
      errors: [
        { path: 'body.allowedOrigins', message: 'must list at least one origin for a publishable key' },
      ],
    });
  }
  if (body.kind === 'secret' && origins.length > 0) {
    throw new ApiError('validation_failed', { errors: [secretKeyOrigins] });
  }
  const invalid = originErrors(origins, 'body.allowedOrigins');
  if (invalid.length > 0) throw new ApiError('validation_failed', { errors: invalid });
  return createApiKey(db, { orgId, kind: body.kind, name: body.name, allowedOrigins: origins });
}

/** A new key like the old one; the old one stops working now or after `graceSeconds`. */
export async function rotateKey(
  db: Db,
  services: Services,
  orgId: string,
  keyId: string,
  graceSeconds: number,
): Promise<NewKey> {
  const old = await findKey(db, orgId, keyId);
  assertLive(old, services.now(), 'create a new key instead.');
  const created = await createApiKey(db, {
    orgId,
    kind: old.kind,
    name: old.name,
    allowedOrigins: old.allowedOrigins,
    rotatedFrom: old.id,
  });
  await db
    .update(apiKeys)
    .set(
      graceSeconds === 0
        ? { revokedAt: sql`now()` }
        : { expiresAt: sql`now() + make_interval(secs => ${graceSeconds})` },
    )
    .where(eq(apiKeys.id, old.id));
  forgetKey(services, old.id);
  return created;
}

export async function updateKey(
  db: Db,
  services: Services,
  orgId: string,
  keyId: string,
  body: Schemas['ApiKeyUpdate'],
): Promise<KeyRow> {
  const key = await findKey(db, orgId, keyId);
  assertLive(key, services.now(), 'create a new key instead of changing it.');
  if (body.allowedOrigins !== undefined) {
    if (key.kind !== 'publishable') throw new ApiError('validation_failed', { errors: [secretKeyOrigins] });
    const invalid = originErrors(body.allowedOrigins, 'body.allowedOrigins');
    if (invalid.length > 0) throw new ApiError('validation_failed', { errors: invalid });
  }
  const [updated] = await db
    .update(apiKeys)
    .set({
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.allowedOrigins === undefined ? {} : { allowedOrigins: [...new Set(body.allowedOrigins)] }),
    })
    .where(eq(apiKeys.id, key.id))
    .returning();
  // Cached principals carry the old origins; other servers drop theirs when the cache lapses.
  forgetKey(services, key.id);
  return updated ?? key;
}

export async function revokeKey(db: Db, services: Services, orgId: string, keyId: string): Promise<void> {
  const key = await findKey(db, orgId, keyId);
  if (!key.revokedAt) await db.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, key.id));
  forgetKey(services, key.id);
}
