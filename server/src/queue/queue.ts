import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { fromPglite, PgBoss, type QueuePolicy, type SendOptions } from 'pg-boss';
import { type Database, underAdvisoryLock } from '../db/index.js';
import type { Logger } from '../logger.js';

export interface QueueDefinition {
  name: string;
  /** pg-boss policy; `stately` with a singleton key keeps one queued and one active job per key. */
  policy?: QueuePolicy;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How long a job may run before pg-boss considers its worker dead and retries it. */
  expireInSeconds?: number;
  /**
   * A running job's worker proves it is alive this often (pg-boss refreshes it while the handler
   * runs); a job whose worker stops (kill -9) is failed and retried within this plus one supervision
   * pass, instead of at `expireInSeconds`. At least 10.
   */
  heartbeatSeconds?: number;
}

// How often pg-boss looks for jobs whose worker died (heartbeat lost, expired); its default is a
// minute, which with the heartbeat made a killed sync wait up to two minutes for its retry.
const defaultSuperviseIntervalSeconds = 10;

/**
 * Recovery timings in place of production's, for tests that kill a worker and wait for its job to
 * be retried (test/ascora-restart.test.ts); production runs with the defaults.
 */
export interface QueueTimings {
  /** How often pg-boss looks for jobs whose worker died; 10 s by default, pg-boss allows 1. */
  superviseIntervalSeconds?: number;
  /** A heartbeat per queue name in place of its definition's; pg-boss allows no less than 10. */
  heartbeatSeconds?: Record<string, number>;
}

// Any fixed number works; it only has to be the same in every Crewkit process.
const queueInstallLockId = 7_215_031_224;

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;
/** Handles up to `batchSize` jobs of a queue at once; a throw fails (and retries) them all. */
export type BatchHandler = (data: Record<string, unknown>[]) => Promise<void>;

/**
 * The durable job queue: pg-boss in the application's own database, on PostgreSQL through the
 * application's pool and on PGlite through pg-boss's PGlite adapter — one queue, one behaviour.
 * Jobs survive restarts, and pg-boss's row locks (SKIP LOCKED) hand each job to one worker across
 * every server process.
 */
export class JobQueue {
  readonly boss: PgBoss;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #batchHandlers = new Map<string, { handler: BatchHandler; batchSize: number }>();
  readonly #heartbeats = new Map<string, number>();
  readonly #logger: Logger;
  #workersStarted = false;

  private constructor(boss: PgBoss, logger: Logger, queues: QueueDefinition[]) {
    this.boss = boss;
    this.#logger = logger;
    for (const queue of queues)
      if (queue.heartbeatSeconds) this.#heartbeats.set(queue.name, queue.heartbeatSeconds);
  }

  /** Installs or migrates pg-boss's schema (idempotent) and creates the queues. */
  static async start(
    database: Pick<Database, 'db' | 'kind'>,
    definitions: QueueDefinition[],
    logger: Logger,
    timings: QueueTimings = {},
  ): Promise<JobQueue> {
    const queues = definitions.map((queue) => {
      const heartbeatSeconds = timings.heartbeatSeconds?.[queue.name];
      return heartbeatSeconds ? { ...queue, heartbeatSeconds } : queue;
    });
    const superviseIntervalSeconds = timings.superviseIntervalSeconds ?? defaultSuperviseIntervalSeconds;
    const client = (database.db as unknown as { $client: unknown }).$client;
    const boss =
      database.kind === 'pglite'
        ? new PgBoss({
            db: fromPglite(client as PGlite),
            backend: 'pglite',
            schedule: true,
            superviseIntervalSeconds,
            monitorIntervalSeconds: superviseIntervalSeconds,
          })
        : new PgBoss({
            db: { executeSql: (text, values) => (client as pg.Pool).query(text, values as unknown[]) },
            schedule: true,
            superviseIntervalSeconds,
            monitorIntervalSeconds: superviseIntervalSeconds,
          });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    // Replicas deployed together start at once on one database: pg-boss's schema install and the
    // queue creation below are not safe to run side by side (a duplicate schema crashed one), so
    // they take turns. PGlite belongs to one process.
    const install = async () => {
      await boss.start();
      for (const queue of queues) await JobQueue.#defineQueue(boss, queue, logger);
    };
    if (database.kind === 'postgres') await underAdvisoryLock(client as pg.Pool, queueInstallLockId, install);
    else await install();
    return new JobQueue(boss, logger, queues);
  }

  /** Creates a queue, or brings an existing one's settings up to date (on every later start). */
  static async #defineQueue(boss: PgBoss, queue: QueueDefinition, logger: Logger) {
    const policy = queue.policy ?? 'standard';
    const settings = {
      retryLimit: queue.retryLimit ?? 5,
      retryDelay: queue.retryDelaySeconds ?? 10,
      retryBackoff: true,
      expireInSeconds: queue.expireInSeconds ?? 900,
      ...(queue.heartbeatSeconds ? { heartbeatSeconds: queue.heartbeatSeconds } : {}),
    };
    const existing = await boss.getQueue(queue.name);
    if (!existing) {
      await boss.createQueue(queue.name, { policy, ...settings });
      return;
    }
    // pg-boss refuses to change a queue's policy once created (it decides the queue's indexes).
    if (existing.policy !== policy) {
      logger.warn(
        { queue: queue.name, policy: existing.policy, wanted: policy },
        'job queue keeps the policy it was created with',
      );
    }
    await boss.updateQueue(queue.name, settings);
  }

  /** Registers the code for a queue; it runs from `work()` workers or from `drain()`. */
  handle(name: string, handler: JobHandler): void {
    this.#handlers.set(name, handler);
  }

  /**
   * Registers code that takes a queue's ready jobs together, up to `batchSize`: a backlog is worked
   * through in a few passes instead of one job per poll.
   */
  handleBatch(name: string, handler: BatchHandler, batchSize: number): void {
    this.#batchHandlers.set(name, { handler, batchSize });
  }

  /** Polls every handled queue in the background (the server); tests call `drain()` instead. */
  async startWorkers(pollingIntervalSeconds = 2): Promise<void> {
    if (this.#workersStarted) return;
    this.#workersStarted = true;
    for (const [name, { handler, batchSize }] of this.#batchHandlers) {
      await this.boss.work<Record<string, unknown>>(
        name,
        { pollingIntervalSeconds, batchSize },
        async (jobs) => {
          await handler(jobs.map((job) => job.data ?? {}));
        },
      );
    }
    for (const [name, handler] of this.#handlers) {
      await this.boss.work<Record<string, unknown>>(
        name,
        { pollingIntervalSeconds, batchSize: 1 },
        async (jobs) => {
          for (const job of jobs) await handler(job.data ?? {});
        },
      );
    }
  }

  send(name: string, data: Record<string, unknown>, options: SendOptions = {}): Promise<string | null> {
    return this.boss.send(name, data, options);
  }

  /**
   * Runs queued jobs of these queues in this process until none is ready: a deterministic way to
   * work the queue for tests and one-off commands. A failing job is failed in pg-boss (so its retry
   * policy applies) and reported in the result, not thrown.
   */
  async drain(
    names: string[] = [...this.#handlers.keys(), ...this.#batchHandlers.keys()],
    maxJobs = 1000,
  ): Promise<{ ran: number; failed: unknown[] }> {
    let ran = 0;
    const failed: unknown[] = [];
    let progressed = true;
    while (progressed && ran < maxJobs) {
      progressed = false;
      for (const name of names) {
        const batch = this.#batchHandlers.get(name);
        if (batch) {
          const jobs = await this.boss.fetch<Record<string, unknown>>(name, { batchSize: batch.batchSize });
          if (jobs.length === 0) continue;
          progressed = true;
          ran += jobs.length;
          const ids = jobs.map((job) => job.id);
          try {
            await batch.handler(jobs.map((job) => job.data ?? {}));
            await this.boss.complete(name, ids);
          } catch (error) {
            failed.push(error);
            this.#logger.warn({ err: error, queue: name }, 'job batch failed');
            await this.boss.fail(name, ids, {
              message: error instanceof Error ? error.message : String(error),
            });
          }
          continue;
        }
        const handler = this.#handlers.get(name);
        if (!handler) throw new Error(`No handler for queue ${name}`);
        const [job] = await this.boss.fetch<Record<string, unknown>>(name, { batchSize: 1 });
        if (!job) continue;
        progressed = true;
        ran += 1;
        // What work() does for its jobs: a job on a heartbeat queue that runs longer than its
        // heartbeat would otherwise be failed by the supervisor as if this process had died.
        const heartbeat = this.#heartbeats.get(name);
        const beat = heartbeat
          ? setInterval(() => void this.boss.touch(name, job.id).catch(() => {}), (heartbeat * 1000) / 2)
          : undefined;
        try {
          await handler(job.data ?? {});
          await this.boss.complete(name, job.id);
        } catch (error) {
          failed.push(error);
          this.#logger.warn({ err: error, queue: name }, 'job failed');
          await this.boss.fail(name, job.id, {
            message: error instanceof Error ? error.message : String(error),
          });
        } finally {
          clearInterval(beat);
        }
      }
    }
    return { ran, failed };
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, close: false, timeout: 10_000 });
  }
}
