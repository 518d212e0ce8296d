import { eq } from 'drizzle-orm';
import type { Services } from '../context.js';
import type { Database } from '../db/index.js';
import { ascoraConnections } from '../db/schema.js';
import { eventQueues } from '../events/dispatcher.js';
import { retentionQueues } from '../events/retention.js';
import type { Logger } from '../logger.js';
import { JobQueue, type QueueTimings } from '../queue/queue.js';
import { importQueues } from '../services/imports.js';
import { jobSheetQueues } from '../services/job-sheet/sweeper.js';
import { notificationQueues } from '../services/notifications/service.js';
import { webhookQueues } from '../services/webhooks/sender.js';
import { defaultStaleRunMs, latestRun } from './sync.js';
import { ascoraQueues, enqueueSync, registerAscoraWorkers, scheduleSync } from './worker.js';

/**
 * Starts the durable job queue with every queue the server defines. Every process may run one:
 * pg-boss gives each job to one of them, and the `stately` sync queue keeps one sync per
 * organization at a time across all of them. `attachJobQueue` connects the workers' code;
 * `startWorkers()` makes them poll. `timings` shorten recovery for tests; production passes none.
 */
export function startJobQueue(
  database: Pick<Database, 'db' | 'kind'>,
  logger: Logger,
  timings?: QueueTimings,
): Promise<JobQueue> {
  return JobQueue.start(
    database,
    [
      ...ascoraQueues,
      ...eventQueues,
      ...webhookQueues,
      ...notificationQueues,
      ...importQueues,
      ...jobSheetQueues,
      ...retentionQueues,
    ],
    logger,
    timings,
  );
}

/**
 * Gives a running app its queue, then catches up with whatever the queue missed while it was not
 * there (see `catchUpAscora`). A server answers requests before its queue has started; a connect
 * made then must not be a connection without a schedule and without its first sync.
 */
export async function attachJobQueue(services: Services, queue: JobQueue): Promise<void> {
  services.queue = queue;
  registerAscoraWorkers(queue, services.ascora.deps);
  await catchUpAscora(queue, services);
}

/**
 * For every connected organization: its periodic sync is (re)scheduled, and a first sync is queued
 * when none ever ran (connected while no queue ran) or the last one was left running by a process
 * that died — the sync queue's heartbeat fails the dead process's job, and this run takes over.
 * Safe to repeat: schedules are keyed by organization, and the `stately` queue collapses a second
 * waiting sync into the first.
 */
export async function catchUpAscora(
  queue: JobQueue,
  services: Pick<Services, 'db' | 'logger' | 'now' | 'ascora'>,
): Promise<void> {
  const connected = await services.db
    .select()
    .from(ascoraConnections)
    .where(eq(ascoraConnections.status, 'connected'));
  const staleMs = services.ascora.deps.staleRunMs ?? defaultStaleRunMs;
  for (const connection of connected) {
    await scheduleSync(queue, connection);
    const last = await latestRun(services.db, connection.orgId);
    const abandoned = last?.status === 'running' && services.now() - last.heartbeatAt.getTime() >= staleMs;
    if (!last || abandoned) {
      await enqueueSync(queue, connection.orgId, last ? 'schedule' : 'connect');
      services.logger.info(
        { orgId: connection.orgId, reason: last ? 'abandoned run' : 'never synced' },
        'ascora sync queued at start',
      );
    }
  }
}
