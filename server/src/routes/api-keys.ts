import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { createApiKey } from '../auth/api-keys.js';
import type { AppContext } from '../context.js';
import { apiKeys } from '../db/schema.js';
import { ApiError, type FieldError } from '../errors.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toApiKey } from './serializers.js';

async function findKey(c: AppContext, orgId: string, keyId: string) {
  const [key] = await c.var.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId)));
  if (!key) throw new ApiError('not_found');
  return key;
}

function forgetKey(c: AppContext, keyId: string) {
  c.var.services.credentials.forget((p) => p.kind !== 'user' && p.keyId === keyId);
}

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

export const apiKeyHandlers = {
  async listApiKeys(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.orgId, params.orgId),
          after ? gt(apiKeys.id, after) : undefined,
          query.includeRevoked ? undefined : isNull(apiKeys.revokedAt),
        ),
      )
      .orderBy(asc(apiKeys.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toApiKey), 200);
  },

  async createApiKey(c, { params, body }) {
    const origins = body.allowedOrigins ?? [];
    if (body.kind === 'publishable' && origins.length === 0) {
      throw new ApiError('validation_failed', {
        errors: [
          { path: 'body.allowedOrigins', message: 'must list at least one origin for a publishable key' },
        ],
      });
    }
    if (body.kind === 'secret' && origins.length > 0) {
      throw new ApiError('validation_failed', {
        errors: [
          {
            path: 'body.allowedOrigins',
            message: 'applies to publishable keys only; secret keys must never reach a browser',
          },
        ],
      });
    }
    const invalid = originErrors(origins, 'body.allowedOrigins');
    if (invalid.length > 0) throw new ApiError('validation_failed', { errors: invalid });
    const { row, secret } = await createApiKey(c.var.db, {
      orgId: params.orgId,
      kind: body.kind,
      name: body.name,
      allowedOrigins: origins,
    });
    return c.json({ ...toApiKey(row), secret }, 201, { 'cache-control': 'no-store' });
  },

  async rotateApiKey(c, { params, body }) {
    const old = await findKey(c, params.orgId, params.keyId);
    assertLive(old, c.var.services.now(), 'create a new key instead.');
    const graceSeconds = body?.graceSeconds ?? 0;
    const { row, secret } = await createApiKey(c.var.db, {
      orgId: params.orgId,
      kind: old.kind,
      name: old.name,
      allowedOrigins: old.allowedOrigins,
      rotatedFrom: old.id,
    });
    await c.var.db
      .update(apiKeys)
      .set(
        graceSeconds === 0
          ? { revokedAt: sql`now()` }
          : { expiresAt: sql`now() + make_interval(secs => ${graceSeconds})` },
      )
      .where(eq(apiKeys.id, old.id));
    forgetKey(c, old.id);
    return c.json({ ...toApiKey(row), secret }, 201, { 'cache-control': 'no-store' });
  },

  async updateApiKey(c, { params, body }) {
    const key = await findKey(c, params.orgId, params.keyId);
    assertLive(key, c.var.services.now(), 'create a new key instead of changing it.');
    if (body.allowedOrigins !== undefined) {
      if (key.kind !== 'publishable') {
        throw new ApiError('validation_failed', {
          errors: [
            {
              path: 'body.allowedOrigins',
              message: 'applies to publishable keys only; secret keys must never reach a browser',
            },
          ],
        });
      }
      const invalid = originErrors(body.allowedOrigins, 'body.allowedOrigins');
      if (invalid.length > 0) throw new ApiError('validation_failed', { errors: invalid });
    }
    const [updated] = await c.var.db
      .update(apiKeys)
      .set({
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.allowedOrigins === undefined ? {} : { allowedOrigins: [...new Set(body.allowedOrigins)] }),
      })
      .where(eq(apiKeys.id, key.id))
      .returning();
    // Cached principals carry the old origins; other servers drop theirs when the cache lapses.
    forgetKey(c, key.id);
    return c.json(toApiKey(updated ?? key), 200);
  },

  async revokeApiKey(c, { params }) {
    const key = await findKey(c, params.orgId, params.keyId);
    if (!key.revokedAt)
      await c.var.db.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, key.id));
    forgetKey(c, key.id);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
