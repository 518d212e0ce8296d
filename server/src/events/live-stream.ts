import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/index.js';
import { queryRows } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The channel the `domain_events` insert trigger notifies (migration `…_live_event_stream.sql`), payload the org id. */
export const eventsChannel = 'crewkit_domain_events';

/** One event as the stream sends it; `position` is its SSE `id:`. */
export interface StreamedEvent {
  position: string;
  id: string;
  type: string;
  subject: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Where a subscriber is in the organization's events: the transaction id and position of the last
 * event it was sent. See `readSettled` for why the transaction id comes first.
 */
interface Cursor {
  tx: bigint;
  seq: bigint;
}

export interface LiveStreamOptions {
  /** Open streams one instance serves per organization; past it, 429. */
  maxPerOrganization?: number;
  /** Open streams one instance serves in all. */
  maxTotal?: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /**
   * How often every organization with subscribers is read even without a notification: catches
   * events a lost LISTEN connection missed, and events held back by a long transaction elsewhere.
   */
  sweepMs?: number;
  /** Events read per query; a subscriber far behind catches up over several. */
  batchSize?: number;
}

interface Subscriber {
  cursor: Cursor;
  send(events: StreamedEvent[]): void;
}

interface OrgFeed {
  subscribers: Set<Subscriber>;
  reading: Promise<void> | undefined;
  /** A notification arrived while reading: read again when done. */
  again: boolean;
}

const encoder = new TextEncoder();

/**
 * The live stream behind `streamEvents`: server-sent events of an organization's domain changes,
 * read from the outbox (`domain_events`) in the order they settle, woken by PostgreSQL
 * LISTEN/NOTIFY so a change made on any instance reaches every instance's subscribers.
 *
 * One read per organization serves all its subscribers on this instance (each skips what it already
 * has), so 200 dispatchers watching one organization cost one query per change, not 200.
 */
export class LiveEventStream {
  readonly #feeds = new Map<string, OrgFeed>();
  readonly #options: Required<LiveStreamOptions>;
  #open = 0;
  #listening: Promise<() => Promise<void>> | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;
  readonly #closers = new Set<() => void>();
  #closed = false;

  constructor(
    private readonly database: Pick<Database, 'db' | 'listen'>,
    private readonly logger: Logger,
    options: LiveStreamOptions = {},
  ) {
    this.#options = {
      maxPerOrganization: 250,
      maxTotal: 2000,
      heartbeatMs: 15_000,
      sweepMs: 2_000,
      batchSize: 500,
      ...options,
    };
  }

  /** Streams currently open on this instance. */
  get openStreams(): number {
    return this.#open;
  }

  /**
   * Opens a stream for the organization, starting after `lastEventId` when the client resumes, or
   * at the next change otherwise. The response ends when the client goes away or `close` is called.
   */
  async open(orgId: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
    if (this.#closed) {
      throw new ApiError('unavailable', {
        detail: 'This server is shutting down; reconnect to another.',
        headers: { 'retry-after': '1' },
      });
    }
    const feed = this.#feeds.get(orgId);
    if (
      (feed?.subscribers.size ?? 0) >= this.#options.maxPerOrganization ||
      this.#open >= this.#options.maxTotal
    ) {
      throw new ApiError('rate_limited', {
        detail: 'Too many event streams are open for this organization on this server; retry shortly.',
        headers: { 'retry-after': '5' },
      });
    }
    await this.#startListening();
    const cursor = lastEventId ? parsePosition(lastEventId) : await this.#settledEnd(orgId);
    const { heartbeatMs } = this.#options;
    let subscriber: Subscriber | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      signal.removeEventListener('abort', finish);
      this.#closers.delete(finish);
      if (subscriber) this.#unsubscribe(orgId, subscriber);
    };
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const write = (text: string) => {
          if (finished) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            finish();
          }
        };
        subscriber = {
          cursor,
          send: (events) => write(events.map(formatMessage).join('')),
        };
        const end = finish;
        const closeStream = () => {
          end();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        };
        this.#closers.add(closeStream);
        signal.addEventListener('abort', closeStream, { once: true });
        // How long to wait before reconnecting, and where the stream starts: a client that drops
        // before the first event resumes from here, not from whatever is new when it comes back.
        write(`retry: 2000\nid: ${formatPosition(cursor)}\n\n`);
        heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
        heartbeat.unref?.();
        this.#subscribe(orgId, subscriber);
      },
      cancel: finish,
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx and similar proxies buffer responses unless told not to.
        'x-accel-buffering': 'no',
      },
    });
  }

  /** Ends every stream (clients reconnect, to another instance when this one shuts down) and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const close of [...this.#closers]) close();
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) await (await listening.catch(() => async () => {}))();
  }

  /** Reads the organization's new events for its subscribers (called on NOTIFY, and by the sweep). */
  wake(orgId: string): Promise<void> {
    const feed = this.#feeds.get(orgId);
    if (!feed) return Promise.resolve();
    if (feed.reading) {
      feed.again = true;
      return feed.reading;
    }
    feed.reading = (async () => {
      try {
        do {
          feed.again = false;
          await this.#deliver(orgId, feed);
        } while (feed.again && feed.subscribers.size > 0);
      } catch (error) {
        // The sweep reads again; a subscriber sees a delay, never a gap (cursors did not move).
        this.logger.warn({ err: error, orgId }, 'live event stream: read failed');
      } finally {
        feed.reading = undefined;
      }
    })();
    return feed.reading;
  }

  async #deliver(orgId: string, feed: OrgFeed): Promise<void> {
    for (;;) {
      const subscribers = [...feed.subscribers];
      if (subscribers.length === 0) return;
      const from = subscribers.map((s) => s.cursor).reduce((a, b) => (compare(a, b) <= 0 ? a : b));
      const events = await readSettled(this.database.db, orgId, from, this.#options.batchSize);
      if (events.length === 0) return;
      for (const subscriber of subscribers) {
        const unseen = events.filter((event) => compare(event.cursor, subscriber.cursor) > 0);
        if (unseen.length === 0) continue;
        subscriber.cursor = unseen.at(-1)!.cursor;
        subscriber.send(unseen.map((event) => event.event));
      }
      if (events.length < this.#options.batchSize) return;
    }
  }

  #subscribe(orgId: string, subscriber: Subscriber): void {
    let feed = this.#feeds.get(orgId);
    if (!feed) {
      feed = { subscribers: new Set(), reading: undefined, again: false };
      this.#feeds.set(orgId, feed);
    }
    feed.subscribers.add(subscriber);
    this.#open += 1;
    // A resuming client gets what it missed at once; a new one, anything settled since its start.
    void this.wake(orgId);
  }

  #unsubscribe(orgId: string, subscriber: Subscriber): void {
    const feed = this.#feeds.get(orgId);
    if (!feed?.subscribers.delete(subscriber)) return;
    this.#open -= 1;
    if (feed.subscribers.size === 0 && !feed.reading) this.#feeds.delete(orgId);
  }

  /** LISTEN once per instance, from the first stream on, and sweep on a timer while listening. */
  #startListening(): Promise<unknown> {
    this.#listening ??= this.database.listen(eventsChannel, (payload) => {
      if (payload) void this.wake(payload);
      // Reconnected: notifications may have been missed, so every organization is read again.
      else for (const orgId of this.#feeds.keys()) void this.wake(orgId);
    });
    if (!this.#sweep) {
      this.#sweep = setInterval(() => {
        for (const orgId of this.#feeds.keys()) void this.wake(orgId);
      }, this.#options.sweepMs);
      this.#sweep.unref?.();
    }
    return this.#listening;
  }

  /** Where a new subscriber starts: after the last event that has settled. */
  async #settledEnd(orgId: string): Promise<Cursor> {
    const [row] = await queryRows<{ tx: string | null; seq: string | null }>(
      this.database.db,
      sql`select tx_id::text as tx, seq::text as seq from domain_events
          where org_id = ${orgId} and tx_id < pg_snapshot_xmin(pg_current_snapshot())
          order by tx_id desc, seq desc limit 1`,
    );
    return row?.tx ? { tx: BigInt(row.tx), seq: BigInt(row.seq!) } : { tx: 0n, seq: 0n };
  }
}

/**
 * The organization's events after `after` that can no longer be joined by an earlier one, in the
 * order they settled.
 *
 * Why not simply `seq > last seen`: `seq` is taken when a row is inserted, but rows become visible
 * when their transaction commits, and transactions commit in any order. A reader that sees seq 11
 * (committed) while seq 10's transaction is still open would move past 10 and never send it. A time
 * horizon ("only events older than 2 s") shrinks that window without closing it, and delays every
 * event by the horizon.
 *
 * Instead each event carries the id of the transaction that wrote it (`tx_id`, a 64-bit xid8 that
 * never wraps), and only events of transactions older than every transaction still running
 * (`pg_snapshot_xmin` of the current snapshot) are read. Those transactions have all ended, so no
 * event can ever appear before the cursor: order by (tx_id, seq) is final, and resuming from a cursor
 * is exact. The cost: an event waits for transactions that began before its own to end — milliseconds
 * here, where transactions are short; a long one elsewhere in the cluster delays the stream until it
 * ends (the sweep then reads what it held back).
 */
export async function readSettled(
  db: Db,
  orgId: string,
  after: Cursor,
  limit: number,
): Promise<Array<{ cursor: Cursor; event: StreamedEvent }>> {
  const rows = await queryRows<{
    tx: string;
    seq: string;
    id: string;
    type: string;
    subject: string;
    occurred_at: string | Date;
    data: Record<string, unknown> | string;
  }>(
    db,
    sql`select tx_id::text as tx, seq::text as seq, id, type, subject, occurred_at, data
        from domain_events
        where org_id = ${orgId}
          and (tx_id, seq) > (${after.tx.toString()}::xid8, ${after.seq.toString()}::bigint)
          and tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by tx_id, seq
        limit ${limit}`,
  );
  return rows.map((row) => {
    const cursor = { tx: BigInt(row.tx), seq: BigInt(row.seq) };
    return {
      cursor,
      event: {
        position: formatPosition(cursor),
        id: row.id,
        type: row.type,
        subject: row.subject,
        occurredAt: new Date(row.occurred_at).toISOString(),
        data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
      },
    };
  });
}

function compare(a: Cursor, b: Cursor): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/** The SSE `id:` of an event, `<tx_id>-<seq>`: `Last-Event-ID` hands it back unchanged. */
export function formatPosition({ tx, seq }: Cursor): string {
  return `${tx}-${seq}`;
}

/** The cursor in a `Last-Event-ID` (its shape is checked against the spec before this runs). */
export function parsePosition(position: string): Cursor {
  const [tx, seq] = position.split('-');
  return { tx: BigInt(tx!), seq: BigInt(seq!) };
}

function formatMessage(event: StreamedEvent): string {
  const { position, ...message } = event;
  return `id: ${position}\nevent: ${event.type}\ndata: ${JSON.stringify(message)}\n\n`;
}
