import type { components } from '@crewkit/sdk/openapi';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { canonicalJson } from '../ascora/canonical.js';
import {
  type ConnectionRow,
  connectAscora,
  disconnectAscora,
  findConnection,
  verifyWebhookToken,
} from '../ascora/connection.js';
import { depsFromContext } from '../ascora/deps.js';
import { pushAppointmentAsJob, resolveConflict } from '../ascora/manual.js';
import { latestRun } from '../ascora/sync.js';
import { enqueueSync, enqueueWebhook, requireQueue, scheduleSync } from '../ascora/worker.js';
import {
  ascoraConflicts,
  ascoraConnections,
  ascoraSyncFailures,
  ascoraSyncRuns,
  ascoraWebhookReceipts,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toJob } from './ascora-records.js';
import { toSyncFailure } from './ascora-retry.js';

type Schemas = components['schemas'];
type RunRow = typeof ascoraSyncRuns.$inferSelect;
type ConflictRow = typeof ascoraConflicts.$inferSelect;

function toStatus(row: ConnectionRow | undefined, webhookUrl: string | null = null): Schemas['AscoraStatus'] {
  const connected = row?.status === 'connected';
  return {
    connected,
    baseUrl: row?.baseUrl ?? null,
    webhookUrl,
    settings: row
      ? {
          directions: row.directions,
          syncIntervalMinutes: row.syncIntervalMinutes,
          conflictStrategy: row.conflictStrategy,
        }
      : null,
    connectedAt: row ? iso(row.connectedAt) : null,
    disconnectedAt: iso(row?.disconnectedAt ?? null),
    lastSyncAt: iso(row?.lastSyncAt ?? null),
  };
}

function toRun(row: RunRow): Schemas['AscoraSyncRun'] {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    stage: row.checkpoint?.stage ?? null,
    page: row.checkpoint?.page ?? null,
    totalPages: row.totalPages,
    counts: row.counts,
    error: row.error,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function toConflict(row: ConflictRow): Schemas['AscoraConflict'] {
  return {
    id: row.id,
    entity: row.entity as 'customer' | 'job',
    localId: row.localId,
    ascoraId: row.ascoraId,
    fields: row.fields,
    local: row.local,
    remote: row.remote,
    status: row.status,
    resolution: row.resolution,
    createdAt: iso(row.createdAt),
    resolvedAt: iso(row.resolvedAt),
  };
}

export const ascoraHandlers = {
  async getAscoraStatus(c, { params }) {
    return c.json(toStatus(await findConnection(c.var.db, params.orgId)), 200);
  },

  async connectAscora(c, { params, body }) {
    const queue = requireQueue(c.var.services.queue);
    const deps = depsFromContext(c);
    const { connection, webhookPath } = await connectAscora(deps, params.orgId, {
      apiKey: body.apiKey,
      baseUrl: body.baseUrl,
      directions: body.settings?.directions,
      syncIntervalMinutes: body.settings?.syncIntervalMinutes,
      conflictStrategy: body.settings?.conflictStrategy,
      publicBaseUrl: c.var.services.ascora.publicBaseUrl,
    });
    await scheduleSync(queue, connection);
    await enqueueSync(queue, params.orgId, 'connect');
    return c.json(toStatus(connection, webhookPath), 200, { 'cache-control': 'no-store' });
  },

  async disconnectAscora(c, { params }) {
    const queue = requireQueue(c.var.services.queue);
    await disconnectAscora(depsFromContext(c), params.orgId);
    await scheduleSync(queue, {
      orgId: params.orgId,
      status: 'disconnected',
      syncIntervalMinutes: 0,
    });
    return c.body(null, 204);
  },

  async updateAscoraSettings(c, { params, body }) {
    const queue = requireQueue(c.var.services.queue);
    const current = await findConnection(c.var.db, params.orgId);
    if (current?.status !== 'connected') throw new ApiError('not_found');
    const [row] = await c.var.db
      .update(ascoraConnections)
      .set({
        directions: { ...current.directions, ...body.directions, invoices: 'pull' },
        ...(body.syncIntervalMinutes === undefined ? {} : { syncIntervalMinutes: body.syncIntervalMinutes }),
        ...(body.conflictStrategy === undefined ? {} : { conflictStrategy: body.conflictStrategy }),
        updatedAt: new Date(c.var.services.now()),
      })
      .where(eq(ascoraConnections.orgId, params.orgId))
      .returning();
    await scheduleSync(queue, row!);
    return c.json(toStatus(row), 200);
  },

  async startAscoraSync(c, { params }) {
    const connection = await findConnection(c.var.db, params.orgId);
    if (connection?.status !== 'connected') {
      throw new ApiError('conflict', { detail: 'This organization is not connected to Ascora.' });
    }
    const queued = await enqueueSync(c.var.services.queue, params.orgId, 'manual', c.var.db);
    return c.json({ queued }, 202);
  },

  async getAscoraSyncStatus(c, { params }) {
    const run = await latestRun(c.var.db, params.orgId);
    return c.json({ run: run ? toRun(run) : null }, 200);
  },

  async listAscoraSyncRuns(c, { params, query }) {
    const limit = query.limit ?? 25;
    const before = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(ascoraSyncRuns)
      .where(and(eq(ascoraSyncRuns.orgId, params.orgId), before ? lt(ascoraSyncRuns.id, before) : undefined))
      .orderBy(desc(ascoraSyncRuns.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toRun), 200);
  },

  async getAscoraSyncRun(c, { params }) {
    const [run] = await c.var.db
      .select()
      .from(ascoraSyncRuns)
      .where(and(eq(ascoraSyncRuns.orgId, params.orgId), eq(ascoraSyncRuns.id, params.runId)));
    if (!run) throw new ApiError('not_found');
    const failures = await c.var.db
      .select()
      .from(ascoraSyncFailures)
      .where(and(eq(ascoraSyncFailures.orgId, params.orgId), eq(ascoraSyncFailures.runId, run.id)))
      .orderBy(asc(ascoraSyncFailures.id))
      .limit(500);
    return c.json(
      {
        ...toRun(run),
        failures: failures.map(toSyncFailure),
      },
      200,
    );
  },

  async listAscoraConflicts(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(ascoraConflicts)
      .where(
        and(
          eq(ascoraConflicts.orgId, params.orgId),
          eq(ascoraConflicts.status, query.status ?? 'open'),
          after ? gt(ascoraConflicts.id, after) : undefined,
        ),
      )
      .orderBy(asc(ascoraConflicts.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toConflict), 200);
  },

  async resolveAscoraConflict(c, { params, body }) {
    const row = await resolveConflict(depsFromContext(c), params.orgId, params.conflictId, body.choices);
    return c.json(toConflict(row), 200);
  },

  async pushAppointmentToAscora(c, { params, body }) {
    const job = await pushAppointmentAsJob(depsFromContext(c), params.orgId, body.appointmentId);
    return c.json(await toJob(c.var.db, params.orgId, job), 200);
  },

  async receiveAscoraWebhook(c, { params, body }) {
    if (!(await verifyWebhookToken(c.var.db, params.orgId, params.token))) throw new ApiError('not_found');
    // Before the receipt: Ascora retries a refused delivery, and a recorded receipt would drop it.
    const queue = requireQueue(c.var.services.queue);
    // Ascora may deliver one event more than once: the same payload within ten minutes is work
    // done. Not longer: a record edited and then edited back sends that payload again, and since
    // the payload is only a hint (the record is fetched anew), a late repeat costs one fetch.
    const digest = sha256(canonicalJson(body));
    await c.var.db
      .delete(ascoraWebhookReceipts)
      .where(
        and(
          eq(ascoraWebhookReceipts.orgId, params.orgId),
          lt(ascoraWebhookReceipts.receivedAt, sql`now() - interval '10 minutes'`),
        ),
      );
    const fresh = await c.var.db
      .insert(ascoraWebhookReceipts)
      .values({ orgId: params.orgId, digest })
      .onConflictDoNothing()
      .returning({ digest: ascoraWebhookReceipts.digest });
    if (fresh.length > 0)
      await enqueueWebhook(
        queue,
        params.orgId,
        body as Record<string, unknown>,
        new Date(c.var.services.now()),
        c.var.db,
      );
    return c.body(null, 202);
  },
} satisfies HandlerTable;
