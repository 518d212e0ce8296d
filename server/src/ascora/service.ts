import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import {
  type AscoraConflictStrategy,
  type AscoraCustomFieldMapping,
  type AscoraDirections,
  ascoraConflicts,
  ascoraConnections,
  ascoraSyncFailures,
  ascoraSyncRuns,
  ascoraWebhookReceipts,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import type { JobQueue } from '../queue/queue.js';
import { canonicalJson } from './canonical.js';
import {
  type AscoraDeps,
  type ConnectInput,
  type ConnectionRow,
  connectAscora,
  disconnectAscora,
  findConnection,
  verifyWebhookToken,
} from './connection.js';
import { checkMappings } from './custom-fields.js';
import { type RetryResult, retryFailure } from './failure-retry.js';
import { enqueueSync, enqueueWebhook, requireQueue, scheduleSync } from './worker.js';

/**
 * What the Ascora routes call: one function per operation. Each takes what a request brings
 * (`ascoraRequest(c)`): the Ascora settings on the request's database, this app's queue, and where
 * Ascora reaches this server.
 */
export interface AscoraRequest {
  deps: AscoraDeps;
  queue: JobQueue | undefined;
  publicBaseUrl: string | undefined;
}

export function ascoraRequest(c: AppContext): AscoraRequest {
  const { services } = c.var;
  return {
    deps: services.ascora.on(c.var.db),
    queue: services.queue,
    publicBaseUrl: services.ascora.publicBaseUrl,
  };
}

/**
 * Connects, schedules the periodic sync and queues the first one. A server still starting has no
 * queue yet: the connection is kept, and `catchUpAscora` schedules and queues its first sync the
 * moment the queue starts (it finds a connection that never synced).
 */
export async function connect(
  request: AscoraRequest,
  orgId: string,
  input: Omit<ConnectInput, 'publicBaseUrl'>,
): Promise<{ connection: ConnectionRow; webhookPath: string }> {
  const connected = await connectAscora(request.deps, orgId, {
    ...input,
    publicBaseUrl: request.publicBaseUrl,
  });
  if (request.queue) {
    await scheduleSync(request.queue, connected.connection);
    await enqueueSync(request.queue, orgId, 'connect');
  }
  return connected;
}

export async function disconnect(request: AscoraRequest, orgId: string): Promise<void> {
  const queue = requireQueue(request.queue);
  await disconnectAscora(request.deps, orgId);
  await scheduleSync(queue, { orgId, status: 'disconnected', syncIntervalMinutes: 0 });
}

export interface SettingsChange {
  directions?: Partial<AscoraDirections> | undefined;
  syncIntervalMinutes?: number | undefined;
  conflictStrategy?: AscoraConflictStrategy | undefined;
  customFieldMappings?: AscoraCustomFieldMapping[] | undefined;
}

/** Changes only the settings given (invoices always stay pulled) and moves the schedule with them. */
export async function updateSettings(
  request: AscoraRequest,
  orgId: string,
  change: SettingsChange,
): Promise<ConnectionRow> {
  const { db } = request.deps;
  if (change.customFieldMappings) checkMappings(change.customFieldMappings);
  const current = await findConnection(db, orgId);
  if (current?.status !== 'connected') throw new ApiError('not_found');
  // After the connection: an organization that is not connected is told so, queue or not.
  const queue = requireQueue(request.queue);
  const [row] = await db
    .update(ascoraConnections)
    .set({
      directions: { ...current.directions, ...change.directions, invoices: 'pull' },
      ...(change.syncIntervalMinutes === undefined
        ? {}
        : { syncIntervalMinutes: change.syncIntervalMinutes }),
      ...(change.conflictStrategy === undefined ? {} : { conflictStrategy: change.conflictStrategy }),
      ...(change.customFieldMappings === undefined
        ? {}
        : { customFieldMappings: change.customFieldMappings }),
      updatedAt: new Date(request.deps.now()),
    })
    .where(eq(ascoraConnections.orgId, orgId))
    .returning();
  await scheduleSync(queue, row!);
  return row!;
}

/** Queues a sync in the request's transaction; false when one is already waiting to start. */
export async function startSync(request: AscoraRequest, orgId: string): Promise<boolean> {
  const connection = await findConnection(request.deps.db, orgId);
  if (connection?.status !== 'connected') {
    throw new ApiError('conflict', { detail: 'This organization is not connected to Ascora.' });
  }
  return enqueueSync(request.queue, orgId, 'manual', request.deps.db);
}

/** Newest first; `limit + 1` rows, the extra one only telling whether another page exists. */
export function listRuns(
  db: AscoraDeps['db'],
  orgId: string,
  page: { limit: number; before?: string | undefined },
) {
  return db
    .select()
    .from(ascoraSyncRuns)
    .where(and(eq(ascoraSyncRuns.orgId, orgId), page.before ? lt(ascoraSyncRuns.id, page.before) : undefined))
    .orderBy(desc(ascoraSyncRuns.id))
    .limit(page.limit + 1);
}

/** One run and its first 500 per-record failures, or 404. */
export async function findRun(db: AscoraDeps['db'], orgId: string, runId: string) {
  const [run] = await db
    .select()
    .from(ascoraSyncRuns)
    .where(and(eq(ascoraSyncRuns.orgId, orgId), eq(ascoraSyncRuns.id, runId)));
  if (!run) throw new ApiError('not_found');
  const failures = await db
    .select()
    .from(ascoraSyncFailures)
    .where(and(eq(ascoraSyncFailures.orgId, orgId), eq(ascoraSyncFailures.runId, run.id)))
    .orderBy(asc(ascoraSyncFailures.id))
    .limit(500);
  return { run, failures };
}

/** Oldest first; `limit + 1` rows. */
export function listConflicts(
  db: AscoraDeps['db'],
  orgId: string,
  page: { status: 'open' | 'resolved'; limit: number; after?: string | undefined },
) {
  return db
    .select()
    .from(ascoraConflicts)
    .where(
      and(
        eq(ascoraConflicts.orgId, orgId),
        eq(ascoraConflicts.status, page.status),
        page.after ? gt(ascoraConflicts.id, page.after) : undefined,
      ),
    )
    .orderBy(asc(ascoraConflicts.id))
    .limit(page.limit + 1);
}

/**
 * Queues what an Ascora webhook points at, once. 404 for a token that is not the organization's
 * live one; 503 without a queue, before the delivery is recorded, so Ascora's retry is acted on.
 */
export async function receiveWebhook(
  request: AscoraRequest,
  orgId: string,
  token: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const { db } = request.deps;
  if (!(await verifyWebhookToken(db, orgId, token))) throw new ApiError('not_found');
  const queue = requireQueue(request.queue);
  // The proof that Ascora reaches this server, shown in the status.
  await db
    .update(ascoraConnections)
    .set({ lastWebhookAt: new Date(request.deps.now()) })
    .where(eq(ascoraConnections.orgId, orgId));
  // Ascora may deliver one event more than once: the same payload within ten minutes is work
  // done. Not longer: a record edited and then edited back sends that payload again, and since
  // the payload is only a hint (the record is fetched anew), a late repeat costs one fetch.
  const digest = sha256(canonicalJson(payload));
  await db
    .delete(ascoraWebhookReceipts)
    .where(
      and(
        eq(ascoraWebhookReceipts.orgId, orgId),
        lt(ascoraWebhookReceipts.receivedAt, sql`now() - interval '10 minutes'`),
      ),
    );
  const fresh = await db
    .insert(ascoraWebhookReceipts)
    .values({ orgId, digest })
    .onConflictDoNothing()
    .returning({ digest: ascoraWebhookReceipts.digest });
  if (fresh.length > 0) await enqueueWebhook(queue, orgId, payload, new Date(request.deps.now()), db);
}

/** Retries one failed record of a run; a record only a full sync can fix queues one instead. */
export function retrySyncFailure(
  request: AscoraRequest,
  orgId: string,
  runId: string,
  failureId: string,
): Promise<RetryResult> {
  return retryFailure(request.deps, orgId, runId, failureId, {
    queueSync: () => enqueueSync(request.queue, orgId, 'manual', request.deps.db),
  });
}
