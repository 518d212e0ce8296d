import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { queryRows } from '../db/index.js';
import type { Logger } from '../logger.js';
import { DrainLoop } from '../queue/drain-loop.js';
import type { JobQueue, QueueDefinition } from '../queue/queue.js';
import type { DomainEvent, DomainEventType } from './types.js';

/**
 * Something that acts on domain events: webhooks, notifications, the live stream. `handle` runs in
 * the dispatcher's transaction, which also marks the events dispatched; it should only write its
 * own rows (a delivery to make, a message to send), keyed so that writing them twice changes
 * nothing — e.g. unique (event_id, endpoint_id) with ON CONFLICT DO NOTHING. A transaction that
 * fails (a crash, a consumer throwing) is rolled back whole and its events are handed out again.
 */
export interface EventConsumer {
  /** Unique among the consumers of one services container; shown in logs. */
  name: string;
  handle(db: Db, events: DomainEvent[]): Promise<void>;
  /**
   * After the transaction that ran `handle` committed: the place to wake whatever sends the rows
   * `handle` wrote (they are visible to every process now). Must not throw.
   */
  afterCommit?(events: DomainEvent[]): void;
}

/** The pg-boss queue whose jobs drain the outbox; a cron schedule on it is the periodic sweep. */
export const dispatchQueue = 'domain-events';

export const eventQueues: QueueDefinition[] = [
  // `singleton`: one drain queued at a time is enough, as each drain empties the outbox.
  { name: dispatchQueue, policy: 'singleton', retryLimit: 20, retryDelaySeconds: 5, expireInSeconds: 300 },
];

interface EventRow {
  id: string;
  org_id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  occurred_at: string | Date;
  seq: string | number;
}

/**
 * Hands recorded events to every registered consumer, at least once, in the order they were
 * recorded. Each pass takes a batch of undispatched events with `FOR UPDATE SKIP LOCKED` — so any
 * number of processes drain one outbox side by side without taking the same event — and, in that
 * one transaction, gives the batch to each consumer and marks it dispatched.
 *
 * Three things start a pass: `poke()` right after a change commits in this process (within 200 ms),
 * a pg-boss job on `domain-events` (from any process), and a once-a-minute pg-boss schedule on the
 * same queue that sweeps up whatever a crashed process left behind.
 */
export class EventDispatcher {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #consumers = new Map<string, EventConsumer>();
  readonly #batchSize: number;
  readonly #loop: DrainLoop;

  constructor(
    db: Db,
    logger: Logger,
    {
      batchSize = 200,
      lingerMs = 200,
      sleep,
    }: { batchSize?: number; lingerMs?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.#db = db;
    this.#logger = logger;
    this.#batchSize = batchSize;
    // The sweep on failure: the events stay in the outbox meanwhile.
    this.#loop = new DrainLoop({
      queue: dispatchQueue,
      scheduleKey: 'sweep',
      drain: () => this.drain(),
      logger,
      failure: 'dispatching events failed',
      // A poke waits a fifth of a second for company: under load the commits of many bookings then
      // share one pass (each pass is some ten statements whatever its size, and the notifications'
      // settings and templates are read once a pass), and a webhook, an email or an Ascora push
      // leaves that much later. 50 ms measured ~85 % of the bookings/s with notifications on against off in the
      // booking bench, 200 ms ~97 % (docs/performance.md, 2026-12-02 third session).
      lingerMs,
      ...(sleep ? { sleep } : {}),
    });
  }

  register(consumer: EventConsumer): void {
    if (this.#consumers.has(consumer.name))
      throw new Error(`event consumer ${consumer.name} is registered twice`);
    this.#consumers.set(consumer.name, consumer);
  }

  get consumers(): readonly string[] {
    return [...this.#consumers.keys()];
  }

  /**
   * One pass: up to a batch of the oldest undispatched events to every consumer, then marked
   * dispatched, all in one transaction. Returns how many events it dispatched.
   */
  async dispatchBatch(): Promise<number> {
    const dispatched = await this.#db.transaction(async (tx) => {
      const rows = await queryRows<EventRow>(
        tx,
        sql`select id, org_id, type, subject, data, occurred_at, seq from domain_events
             where dispatched_at is null order by seq limit ${this.#batchSize}
             for update skip locked`,
      );
      if (rows.length === 0) return [];
      const events = rows.map(toEvent);
      for (const consumer of this.#consumers.values()) {
        try {
          await consumer.handle(tx, events);
        } catch (error) {
          // The whole batch goes back: it is handed out again, to every consumer, next pass.
          this.#logger.error(
            { err: error, consumer: consumer.name, events: events.length },
            'event consumer failed; the batch will be dispatched again',
          );
          throw error;
        }
      }
      await tx.execute(
        sql`update domain_events set dispatched_at = now()
             where id in (${sql.join(
               events.map((e) => sql`${e.id}`),
               sql`, `,
             )})`,
      );
      return events;
    });
    if (dispatched.length > 0)
      for (const consumer of this.#consumers.values()) consumer.afterCommit?.(dispatched);
    return dispatched.length;
  }

  /**
   * Passes until the outbox is empty (as far as this process can take); returns the events
   * dispatched. A short pass ends it: nothing more was waiting, or what was is locked by another
   * dispatcher, which hands it out. (Events recorded meanwhile come with a poke of their own.)
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const dispatched = await this.dispatchBatch();
      total += dispatched;
      if (dispatched < this.#batchSize) return total;
    }
  }

  /**
   * Says a change with events has just committed: a live dispatcher drains now, in the background.
   * Pokes during a drain make it look once more; otherwise they cost nothing.
   */
  poke(): void {
    this.#loop.poke();
  }

  /**
   * Connects the pg-boss queue to this dispatcher. Tests leave it at that and run
   * `queue.drain([dispatchQueue])` or `drain()` themselves.
   */
  attach(queue: JobQueue): void {
    this.#loop.attach(queue);
  }

  /** Drains on every poke from now on, and schedules the once-a-minute sweep (the server, not tests). */
  start(queue: JobQueue | undefined): Promise<void> {
    return this.#loop.start(queue);
  }

  /** Stops draining on pokes and waits for a drain under way. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }
}

/**
 * Adds a consumer of the domain events to a services container (the container's dispatcher is the
 * one that drains its database's outbox).
 */
export function registerConsumer(services: { events: EventDispatcher }, consumer: EventConsumer): void {
  services.events.register(consumer);
}

function toEvent(row: EventRow): DomainEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type as DomainEventType,
    subject: row.subject,
    data: row.data,
    occurredAt: new Date(row.occurred_at),
    seq: Number(row.seq),
  };
}
