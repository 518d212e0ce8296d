import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../logger.js';
import { JobQueue, registerQueue, unregisterQueue } from '../queue/queue.js';
import { ascoraUrlAllowance } from './connection.js';
import { setAscoraRuntime } from './deps.js';
import { ascoraQueues, registerAscoraWorkers } from './worker.js';

/**
 * Starts the durable job queue with the Ascora workers for a server process. Every process may run
 * one: pg-boss gives each job to one of them, and the `stately` sync queue keeps one sync per
 * organization at a time across all of them.
 */
export async function startBackgroundWork(
  database: Database,
  config: Config,
  logger: Logger,
  options: { publicBaseUrl?: string; workers?: boolean } = {},
): Promise<{ queue: JobQueue; stop(): Promise<void> }> {
  const queue = await JobQueue.start(database, ascoraQueues, logger);
  registerAscoraWorkers(queue, {
    db: database.db,
    secret: config.secret,
    logger,
    urls: ascoraUrlAllowance(config),
  });
  registerQueue(database.db, queue);
  setAscoraRuntime(database.db, options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {});
  if (options.workers ?? true) await queue.startWorkers();
  return {
    queue,
    async stop() {
      unregisterQueue(database.db);
      await queue.stop();
    },
  };
}
