import type { Database } from '../db/index.js';
import { eventQueues } from '../events/dispatcher.js';
import type { Logger } from '../logger.js';
import { JobQueue } from '../queue/queue.js';
import { importQueues } from '../services/imports.js';
import { notificationQueues } from '../services/notifications/service.js';
import { webhookQueues } from '../services/webhooks/sender.js';
import { ascoraQueues } from './worker.js';

/**
 * Starts the durable job queue with every queue the server defines. Every process may run one:
 * pg-boss gives each job to one of them, and the `stately` sync queue keeps one sync per
 * organization at a time across all of them. The services container connects the workers' code
 * (`createServices`); `startWorkers()` makes them poll.
 */
export function startJobQueue(database: Pick<Database, 'db' | 'kind'>, logger: Logger): Promise<JobQueue> {
  return JobQueue.start(
    database,
    [...ascoraQueues, ...eventQueues, ...webhookQueues, ...notificationQueues, ...importQueues],
    logger,
  );
}
