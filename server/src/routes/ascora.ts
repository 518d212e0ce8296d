import type { components } from '@crewkit/sdk/openapi';
import { type ConnectionRow, findConnection } from '../ascora/connection.js';
import { toJob } from '../ascora/jobs-and-invoices.js';
import { type ConflictRow, pushAppointmentAsJob, resolveConflict } from '../ascora/manual.js';
import { pullRecordFromAscora, pushRecordToAscora } from '../ascora/record-sync.js';
import {
  ascoraRequest,
  connect,
  disconnect,
  findRun,
  listConflicts,
  listRuns,
  receiveWebhook,
  startSync,
  updateSettings,
} from '../ascora/service.js';
import { latestRun, type RunRow, stageIndex } from '../ascora/sync.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toSyncFailure } from './ascora-retry.js';

type Schemas = components['schemas'];

function toStatus(row: ConnectionRow | undefined, webhookUrl: string | null = null): Schemas['AscoraStatus'] {
  const connected = row?.status === 'connected';
  return {
    connected,
    baseUrl: row?.baseUrl ?? null,
    webhookUrl,
    webhooks: {
      registered: connected && (row?.webhookSubscriptionIds.length ?? 0) > 0,
      lastDeliveryAt: iso(row?.lastWebhookAt ?? null),
      reachable: connected && row?.lastWebhookAt && row.lastWebhookAt >= row.connectedAt ? true : null,
    },
    settings: row
      ? {
          directions: row.directions,
          syncIntervalMinutes: row.syncIntervalMinutes,
          conflictStrategy: row.conflictStrategy,
          customFieldMappings: row.customFieldMappings,
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
    progress: Object.entries(row.progress)
      .sort(([a], [b]) => stageIndex(a) - stageIndex(b))
      .map(([stage, { done, expected }]) => ({ stage, done, expected })),
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
    const { connection, webhookPath } = await connect(ascoraRequest(c), params.orgId, {
      apiKey: body.apiKey,
      baseUrl: body.baseUrl,
      directions: body.settings?.directions,
      syncIntervalMinutes: body.settings?.syncIntervalMinutes,
      conflictStrategy: body.settings?.conflictStrategy,
    });
    return c.json(toStatus(connection, webhookPath), 200, { 'cache-control': 'no-store' });
  },

  async disconnectAscora(c, { params }) {
    await disconnect(ascoraRequest(c), params.orgId);
    return c.body(null, 204);
  },

  async updateAscoraSettings(c, { params, body }) {
    return c.json(toStatus(await updateSettings(ascoraRequest(c), params.orgId, body)), 200);
  },

  async startAscoraSync(c, { params }) {
    return c.json({ queued: await startSync(ascoraRequest(c), params.orgId) }, 202);
  },

  async getAscoraSyncStatus(c, { params }) {
    const run = await latestRun(c.var.db, params.orgId);
    return c.json({ run: run ? toRun(run) : null }, 200);
  },

  async listAscoraSyncRuns(c, { params, query }) {
    const limit = query.limit ?? 25;
    const rows = await listRuns(c.var.db, params.orgId, { limit, before: decodeCursor(query.cursor) });
    return c.json(toPage(rows, limit, toRun), 200);
  },

  async getAscoraSyncRun(c, { params }) {
    const { run, failures } = await findRun(c.var.db, params.orgId, params.runId);
    return c.json({ ...toRun(run), failures: failures.map(toSyncFailure) }, 200);
  },

  async listAscoraConflicts(c, { params, query }) {
    const limit = query.limit ?? 25;
    const rows = await listConflicts(c.var.db, params.orgId, {
      status: query.status ?? 'open',
      limit,
      after: decodeCursor(query.cursor),
    });
    return c.json(toPage(rows, limit, toConflict), 200);
  },

  async resolveAscoraConflict(c, { params, body }) {
    const { deps } = ascoraRequest(c);
    return c.json(
      toConflict(await resolveConflict(deps, params.orgId, params.conflictId, body.choices)),
      200,
    );
  },

  async pushAppointmentToAscora(c, { params, body }) {
    const job = await pushAppointmentAsJob(ascoraRequest(c).deps, params.orgId, body.appointmentId);
    return c.json(await toJob(c.var.db, params.orgId, job), 200);
  },

  async pushToAscora(c, { params, body }) {
    return c.json(await pushRecordToAscora(ascoraRequest(c).deps, params.orgId, body), 200);
  },

  async pullFromAscora(c, { params, body }) {
    return c.json(await pullRecordFromAscora(ascoraRequest(c).deps, params.orgId, body), 200);
  },

  async receiveAscoraWebhook(c, { params, body }) {
    await receiveWebhook(ascoraRequest(c), params.orgId, params.token, body as Record<string, unknown>);
    return c.body(null, 202);
  },
} satisfies HandlerTable;
