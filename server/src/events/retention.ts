import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { queryRows } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { JobQueue, QueueDefinition } from '../queue/queue.js';

/** The pg-boss queue of the pruning job; an hourly schedule on it is what runs it in a server. */
export const retentionQueue = 'events-retention';

export const retentionQueues: QueueDefinition[] = [
  // One prune at a time across all processes: a second would only race the first for the same rows.
  { name: retentionQueue, policy: 'singleton', retryLimit: 3, retryDelaySeconds: 60, expireInSeconds: 1800 },
];

const DAY_MS = 86_400_000;

/** How long each log is kept, in days (CREWKIT_EVENT_RETENTION_DAYS and the two after it). */
export interface RetentionSettings {
  /** Dispatched domain events (`domain_events`). */
  eventDays: number;
  /** Finished webhook deliveries (`webhook_deliveries`). */
  webhookDeliveryDays: number;
  /** Finished messages of the notification delivery log (`notifications`). */
  notificationDays: number;
}

export const defaultRetentionDays = 30;

export const defaultRetention: RetentionSettings = {
  eventDays: defaultRetentionDays,
  webhookDeliveryDays: defaultRetentionDays,
  notificationDays: defaultRetentionDays,
};

export interface PruneResult {
  events: number;
  webhookDeliveries: number;
  notifications: number;
}

/**
 * The smallest UUIDv7 of a millisecond, as hex without dashes: every id made (`newId`) before that
 * millisecond sorts below it, so "older than" is a range of the primary key rather than a scan.
 */
function idFloor(ms: number): string {
  return `${Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')}${'0'.repeat(20)}`;
}

const asUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * Deletes what the outbox and the two delivery logs no longer need, a bounded batch per statement so
 * a prune never holds many locks or one long transaction, and with SKIP LOCKED so it never waits
 * on (or blocks) a dispatcher or sender working on the same rows.
 *
 * What is never deleted, whatever the age:
 * - an event not yet dispatched (`dispatched_at is null`): its consumers have not written their rows;
 * - a webhook delivery still to be sent or retried (`pending`);
 * - a message still queued or to be retried (`next_attempt_at` set) — a reminder booked months ahead
 *   waits in the log since the booking, and its age counts from its last change, not its creation.
 *
 * The live event stream resumes a client from its `Last-Event-ID` with every event after it that the
 * outbox still holds; events younger than the retention (at least a day: the configuration refuses
 * less) are all held, so a client that reconnects within it misses nothing. Replaying a webhook
 * delivery resends its stored body and needs no event; "replay since" offers the events still held.
 */
export class RetentionSweeper {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly settings: RetentionSettings;

  constructor(options: {
    db: Db;
    now: () => number;
    logger: Logger;
    settings?: Partial<RetentionSettings> | undefined;
    /** Rows per delete statement. */
    batchSize?: number;
  }) {
    this.#db = options.db;
    this.#now = options.now;
    this.#logger = options.logger;
    this.#batchSize = options.batchSize ?? 1000;
    this.settings = { ...defaultRetention, ...options.settings };
  }

  /** Prunes all three logs, batch by batch, until nothing old enough is left; returns the counts. */
  async prune(): Promise<PruneResult> {
    const now = this.#now();
    const result: PruneResult = {
      events: await this.#drain((limit) => this.#pruneEvents(now - this.settings.eventDays * DAY_MS, limit)),
      webhookDeliveries: await this.#drain((limit) =>
        this.#pruneDeliveries(now - this.settings.webhookDeliveryDays * DAY_MS, limit),
      ),
      notifications: await this.#drain((limit) =>
        this.#pruneNotifications(now - this.settings.notificationDays * DAY_MS, limit),
      ),
    };
    if (result.events + result.webhookDeliveries + result.notifications > 0)
      this.#logger.info({ ...result }, 'pruned old events and deliveries');
    return result;
  }

  async #drain(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await batch(this.#batchSize);
      total += deleted;
      if (deleted < this.#batchSize) return total;
    }
  }

  async #pruneEvents(cutoff: number, limit: number): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.#db,
      sql`with doomed as (
            select id from domain_events
             where id < ${`evt_${idFloor(cutoff)}`}
               and occurred_at < ${new Date(cutoff).toISOString()}::timestamptz
               and dispatched_at is not null
             order by id
             limit ${limit}
               for update skip locked)
          delete from domain_events e using doomed where e.id = doomed.id
          returning e.id`,
    );
    return rows.length;
  }

  async #pruneDeliveries(cutoff: number, limit: number): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.#db,
      sql`with doomed as (
            select id from webhook_deliveries
             where id < ${asUuid(idFloor(cutoff))}::uuid
               and status in ('succeeded', 'failed')
               and updated_at < ${new Date(cutoff).toISOString()}::timestamptz
             order by id
             limit ${limit}
               for update skip locked)
          delete from webhook_deliveries d using doomed where d.id = doomed.id
          returning d.id`,
    );
    return rows.length;
  }

  async #pruneNotifications(cutoff: number, limit: number): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.#db,
      sql`with doomed as (
            select id from notifications
             where id < ${asUuid(idFloor(cutoff))}::uuid
               and status <> 'queued'
               and next_attempt_at is null
               and updated_at < ${new Date(cutoff).toISOString()}::timestamptz
             order by id
             limit ${limit}
               for update skip locked)
          delete from notifications n using doomed where n.id = doomed.id
          returning n.id`,
    );
    return rows.length;
  }

  /** Connects the queue's `events-retention` jobs to `prune`. */
  attach(queue: JobQueue): void {
    queue.handle(retentionQueue, async () => {
      await this.prune();
    });
  }

  /** Schedules the hourly prune (the server, not tests: they call `prune` or drain the queue). */
  async start(queue: JobQueue | undefined): Promise<void> {
    if (queue) await queue.boss.schedule(retentionQueue, '17 * * * *', {}, { key: 'hourly' });
  }
}
