import { AscoraNotFoundError } from '@crewkit/ascora';
import { and, eq, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import type { Db } from '../db/index.js';
import { ascoraMappings } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { JobQueue, QueueDefinition } from '../queue/queue.js';
import { pullInvoices, pushPayments } from './accounting.js';
import { type AscoraDeps, clientFor, requireConnection } from './connection.js';
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

/**
 * A webhook is only a hint: the record is fetched again and applied like a page of one, then any
 * Crewkit side that won is pushed back.
 */
export async function processWebhook(
  deps: AscoraDeps,
  orgId: string,
  hint: Hint,
  seenAt: Date,
): Promise<void> {
  const connection = await requireConnection(deps.db, orgId);
  const client = clientFor(deps, connection);
  const context = { orgId, strategy: connection.conflictStrategy, remoteSeenAt: seenAt };
  const { customers: customerWay, jobs: jobWay } = connection.directions;
  try {
    if (hint.kind === 'customer' && customerWay !== 'push') {
      const remote = await client.getCustomer(hint.id);
      await deps.db.transaction((tx) => applyCustomers(tx, context, [remote]));
      if (customerWay === 'both') {
        const links = await customerLinks(deps.db, orgId, 'ascora', [remote.customerId]);
        await pushCustomers(deps.db, client, orgId, [...links.values()], deps.now);
      }
    } else if (hint.kind === 'job' && jobWay !== 'push') {
      const remote = await client.getJob(hint.number);
      const customerIds = [remote.siteCustomer?.id, remote.billingCustomer?.id].filter(
        (x): x is string => !!x,
      );
      const known = await customerLinks(deps.db, orgId, 'ascora', customerIds);
      const missing = await Promise.all(
        customerIds.filter((id) => !known.has(id)).map((id) => client.getCustomer(id)),
      );
      await deps.db.transaction(async (tx) => {
        if (missing.length > 0) await applyCustomers(tx, context, missing);
        await applyJobs(tx, context, [remote]);
      });
      if (jobWay === 'both') {
        const [mapped] = await localJobIds(deps.db, orgId, remote.jobId);
        if (mapped) await pushJobs(deps.db, client, orgId, [mapped], deps.now);
      }
    } else if (hint.kind === 'invoice') {
      await pullInvoices(deps.db, client, orgId, deps.now);
    }
  } catch (error) {
    // Deleted in Ascora since the event: nothing to sync.
    if (error instanceof AscoraNotFoundError) return;
    throw error;
  }
}

async function localJobIds(db: Db, orgId: string, ascoraJobId: string): Promise<string[]> {
  const rows = await db
    .select({ localId: ascoraMappings.localId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, 'job'),
        eq(ascoraMappings.ascoraId, ascoraJobId),
      ),
    );
  return rows.map((r) => r.localId);
}

/** Connects the Ascora queues to their code. */
export function registerAscoraWorkers(queue: JobQueue, deps: AscoraDeps): void {
  queue.handle('ascora-sync', async (data) => {
    await runSync(deps, String(data.orgId), (data.trigger as SyncTrigger) ?? 'schedule');
  });
  queue.handle('ascora-webhook', async (data) => {
    await processWebhook(deps, String(data.orgId), data.hint as Hint, new Date(String(data.seenAt)));
  });
  queue.handle('ascora-payment', async (data) => {
    const orgId = String(data.orgId);
    const connection = await requireConnection(deps.db, orgId);
    if (connection.directions.payments === 'pull') return;
    await pushPayments(deps.db, clientFor(deps, connection), orgId, deps.now, String(data.paymentId));
  });
}
