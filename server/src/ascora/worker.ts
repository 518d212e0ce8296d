import { AscoraNotFoundError } from '@crewkit/ascora';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import type { Db } from '../db/index.js';
import { ascoraMappings } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { JobQueue, QueueDefinition } from '../queue/queue.js';
import { pullInvoices, pushPayments } from './accounting.js';
import { type AscoraDeps, clientFor, findConnection, requireConnection } from './connection.js';
import { pushAppointmentAsJob } from './manual.js';
import { pushCustomers, pushJobs } from './push.js';
import { applyCustomers, applyJobs, customerLinks } from './records.js';
import { runSync, type SyncTrigger } from './sync.js';

export const ascoraQueues: QueueDefinition[] = [
  // `stately` + the org as singleton key: one sync queued and one running per organization, across
  // every process; extra triggers while one waits collapse into it. A large sync may run for long,
  // so the job does not expire early; its heartbeat is what tells a killed process's job apart, and
  // the retry takes the run over at its checkpoint once the run's own heartbeat is stale too.
  {
    name: 'ascora-sync',
    policy: 'stately',
    retryLimit: 10,
    retryDelaySeconds: 5,
    expireInSeconds: 3600,
    heartbeatSeconds: 15,
  },
  { name: 'ascora-webhook', retryLimit: 5, retryDelaySeconds: 5 },
  { name: 'ascora-payment', retryLimit: 10, retryDelaySeconds: 30 },
  { name: 'ascora-appointment', retryLimit: 10, retryDelaySeconds: 30 },
];

/**
 * Sends through the request's own database handle. Inside a transaction (an idempotent POST runs in
 * one) the job commits with the request's writes, so a worker never sees a job for rows it cannot
 * see yet; and PGlite's single connection would otherwise wait on that transaction forever.
 */
const through = (within: Db | undefined) =>
  // Db is generic over both drivers, so its execute() result is typed unknown; both give `{ rows }`.
  within ? { db: fromDrizzle(within as unknown as Parameters<typeof fromDrizzle>[0], sql) } : {};

/**
 * The queue, or 503 `queue_unavailable`: a request that needs background work must not be answered
 * as if the work were queued when no queue runs in this process (an app built without one).
 */
export function requireQueue(queue: JobQueue | undefined): JobQueue {
  if (!queue) {
    throw new ApiError('queue_unavailable', {
      detail: 'The job queue is not running in this server process, so nothing can be queued.',
    });
  }
  return queue;
}

/** Queues a full sync; false when one for this organization is already waiting to start. */
export async function enqueueSync(
  queue: JobQueue | undefined,
  orgId: string,
  trigger: SyncTrigger,
  within?: Db,
): Promise<boolean> {
  const id = await requireQueue(queue).send(
    'ascora-sync',
    { orgId, trigger },
    { singletonKey: orgId, ...through(within) },
  );
  return id !== null;
}

type Hint = { kind: 'customer'; id: string } | { kind: 'job'; number: string } | { kind: 'invoice' };

/** What a webhook payload (Ascora's bare object) points at; everything else in it is ignored. */
export function hintFrom(payload: Record<string, unknown>): Hint | undefined {
  if (typeof payload.jobNumber === 'string') return { kind: 'job', number: payload.jobNumber };
  if (typeof payload.invoiceNumber === 'string') return { kind: 'invoice' };
  if (typeof payload.customerId === 'string') return { kind: 'customer', id: payload.customerId };
  return undefined;
}

export async function enqueueWebhook(
  queue: JobQueue,
  orgId: string,
  payload: Record<string, unknown>,
  seenAt: Date,
  within?: Db,
): Promise<void> {
  const hint = hintFrom(payload);
  if (!hint) return;
  await queue.send('ascora-webhook', { orgId, hint, seenAt: seenAt.toISOString() }, through(within));
}

export async function enqueuePaymentPush(
  queue: JobQueue,
  orgId: string,
  paymentId: string,
  within?: Db,
): Promise<void> {
  await queue.send('ascora-payment', { orgId, paymentId }, { singletonKey: paymentId, ...through(within) });
}

/** Queues a push of an appointment's job (its status, mostly), in the caller's transaction. */
export async function enqueueAppointmentPush(
  queue: JobQueue,
  orgId: string,
  appointmentId: string,
  within?: Db,
): Promise<void> {
  await queue.send('ascora-appointment', { orgId, appointmentId }, through(within));
}

function cronFor(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.max(1, Math.round(minutes / 60));
  return hours >= 24 ? '0 3 * * *' : `0 */${hours} * * *`;
}

/** Keeps the organization's periodic reconciliation in pg-boss's scheduler in step with its settings. */
export async function scheduleSync(
  queue: JobQueue,
  connection: { orgId: string; status: string; syncIntervalMinutes: number },
): Promise<void> {
  if (connection.status === 'connected') {
    await queue.boss.schedule(
      'ascora-sync',
      cronFor(connection.syncIntervalMinutes),
      {
        orgId: connection.orgId,
        trigger: 'schedule',
      },
      { key: connection.orgId, singletonKey: connection.orgId },
    );
  } else {
    await queue.boss.unschedule('ascora-sync', connection.orgId);
  }
}

/** Ascora calls made at once while a backlog of webhooks is fetched. */
const webhookFetchConcurrency = 8;

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** The record, or undefined when it was deleted in Ascora since the event: nothing to sync. */
async function unlessGone<T>(fetch: Promise<T>): Promise<T | undefined> {
  try {
    return await fetch;
  } catch (error) {
    if (error instanceof AscoraNotFoundError) return undefined;
    throw error;
  }
}

/** One webhook: see `processWebhooks`. */
export function processWebhook(deps: AscoraDeps, orgId: string, hint: Hint, seenAt: Date): Promise<void> {
  return processWebhooks(deps, orgId, [{ hint, seenAt }]);
}

/**
 * Webhooks are only hints: each record they point at is fetched again and applied like a page,
 * then any Crewkit side that won is pushed back. A backlog is taken together: every record once
 * however many events name it, fetched several at a time, applied in one transaction — 100 changes
 * cost 100 fetches and one commit, not 100 queue polls.
 */
export async function processWebhooks(
  deps: AscoraDeps,
  orgId: string,
  events: { hint: Hint; seenAt: Date }[],
): Promise<void> {
  if (events.length === 0) return;
  const connection = await requireConnection(deps.db, orgId);
  const client = clientFor(deps, connection);
  // The newest hint dates the batch: every change in it was made no later than that.
  const seenAt = new Date(Math.max(...events.map((event) => event.seenAt.getTime())));
  const context = { orgId, strategy: connection.conflictStrategy, remoteSeenAt: seenAt };
  const { customers: customerWay, jobs: jobWay } = connection.directions;
  const hints = events.map((event) => event.hint);
  const customerIds =
    customerWay === 'push' ? [] : [...new Set(hints.flatMap((h) => (h.kind === 'customer' ? [h.id] : [])))];
  const jobNumbers =
    jobWay === 'push' ? [] : [...new Set(hints.flatMap((h) => (h.kind === 'job' ? [h.number] : [])))];

  const remoteCustomers = (
    await mapLimited(customerIds, webhookFetchConcurrency, (id) => unlessGone(client.getCustomer(id)))
  ).filter((c) => c !== undefined);
  const remoteJobs = (
    await mapLimited(jobNumbers, webhookFetchConcurrency, (number) => unlessGone(client.getJob(number)))
  ).filter((j) => j !== undefined);
  // A job's customers must be in Crewkit before it: fetch those neither linked nor in this batch.
  const fetched = new Set(remoteCustomers.map((c) => c.customerId));
  const jobCustomerIds = [
    ...new Set(
      remoteJobs
        .flatMap((job) => [job.siteCustomer?.id, job.billingCustomer?.id])
        .filter((x): x is string => !!x),
    ),
  ].filter((id) => !fetched.has(id));
  const known = await customerLinks(deps.db, orgId, 'ascora', jobCustomerIds);
  const missing = (
    await mapLimited(
      jobCustomerIds.filter((id) => !known.has(id)),
      webhookFetchConcurrency,
      (id) => unlessGone(client.getCustomer(id)),
    )
  ).filter((c) => c !== undefined);

  await deps.db.transaction(async (tx) => {
    const allCustomers = [...remoteCustomers, ...missing];
    if (allCustomers.length > 0) await applyCustomers(tx, context, allCustomers);
    if (remoteJobs.length > 0) await applyJobs(tx, context, remoteJobs);
  });
  if (customerWay === 'both' && remoteCustomers.length > 0) {
    const links = await customerLinks(
      deps.db,
      orgId,
      'ascora',
      remoteCustomers.map((c) => c.customerId),
    );
    await pushCustomers(deps.db, client, orgId, [...links.values()], deps.now);
  }
  if (jobWay === 'both' && remoteJobs.length > 0) {
    const mapped = await localJobIds(
      deps.db,
      orgId,
      remoteJobs.map((job) => job.jobId),
    );
    if (mapped.length > 0) await pushJobs(deps.db, client, orgId, mapped, deps.now);
  }
  if (hints.some((h) => h.kind === 'invoice')) await pullInvoices(deps.db, client, orgId, deps.now);
}

async function localJobIds(db: Db, orgId: string, ascoraJobIds: string[]): Promise<string[]> {
  const rows = await db
    .select({ localId: ascoraMappings.localId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, 'job'),
        inArray(ascoraMappings.ascoraId, ascoraJobIds),
      ),
    );
  return rows.map((r) => r.localId);
}

/** Webhook jobs taken together by one worker pass. */
const webhookBatchSize = 200;

/** Connects the Ascora queues to their code. */
export function registerAscoraWorkers(queue: JobQueue, deps: AscoraDeps): void {
  queue.handle('ascora-sync', async (data) => {
    await runSync(deps, String(data.orgId), (data.trigger as SyncTrigger) ?? 'schedule');
  });
  queue.handleBatch(
    'ascora-webhook',
    async (batch) => {
      const byOrg = new Map<string, { hint: Hint; seenAt: Date }[]>();
      for (const data of batch) {
        const orgId = String(data.orgId);
        const events = byOrg.get(orgId) ?? [];
        events.push({ hint: data.hint as Hint, seenAt: new Date(String(data.seenAt)) });
        byOrg.set(orgId, events);
      }
      // One organization's trouble does not hold back the others'; a retry repeats them all, which
      // applying again makes harmless.
      let failure: unknown;
      for (const [orgId, events] of byOrg) {
        try {
          await processWebhooks(deps, orgId, events);
        } catch (error) {
          // Disconnected since: its webhooks have nothing left to sync.
          if (error instanceof ApiError && error.code === 'conflict') continue;
          failure ??= error;
        }
      }
      if (failure) throw failure;
    },
    webhookBatchSize,
  );
  queue.handle('ascora-appointment', async (data) => {
    const orgId = String(data.orgId);
    const connection = await findConnection(deps.db, orgId);
    if (connection?.status !== 'connected' || connection.directions.jobs === 'pull') return;
    try {
      await pushAppointmentAsJob(deps, orgId, String(data.appointmentId));
    } catch (error) {
      // Refused by Ascora, or the appointment is gone: retrying cannot help; the job's own push
      // step and the sync's failures report what Ascora refused. Unavailable is retried.
      if (error instanceof ApiError && error.code !== 'ascora_unavailable') {
        deps.logger.warn({ orgId, code: error.code }, 'ascora appointment push not retried');
        return;
      }
      throw error;
    }
  });
  queue.handle('ascora-payment', async (data) => {
    const orgId = String(data.orgId);
    const connection = await requireConnection(deps.db, orgId);
    if (connection.directions.payments === 'pull') return;
    await pushPayments(deps.db, clientFor(deps, connection), orgId, deps.now, String(data.paymentId));
  });
}
