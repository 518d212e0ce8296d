import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/index.js';
import type { WebhookAttemptRecord } from '../../db/schema/webhooks.js';
import { webhookEndpoints } from '../../db/schema.js';
import type { EventConsumer } from '../../events/dispatcher.js';
import type { DomainEvent } from '../../events/types.js';
import { decrypt } from '../../lib/crypto.js';
import { newId } from '../../lib/ids.js';
import { type OutboundPolicy, type OutboundPost, outboundPost } from '../../lib/outbound-url.js';
import type { Logger } from '../../logger.js';
import { DrainLoop } from '../../queue/drain-loop.js';
import type { JobQueue, QueueDefinition } from '../../queue/queue.js';
import { DAY_MS } from '../../scheduling/time.js';
import type { DisabledEndpoint } from './disabled.js';
import { insertDeliveries } from './endpoints.js';
import { signatureHeader } from './signature.js';

/** The pg-boss queue whose jobs send due deliveries; a cron schedule on it retries the ones waiting. */
export const webhookQueue = 'webhook-deliveries';

export const webhookQueues: QueueDefinition[] = [
  { name: webhookQueue, policy: 'singleton', retryLimit: 20, retryDelaySeconds: 5, expireInSeconds: 300 },
];

/**
 * Seconds to wait after each failed attempt before the next: the Standard Webhooks reference
 * schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), eight attempts over about 27
 * hours. After the last, the delivery is `failed` (and can still be replayed).
 */
export const retryDelaysSeconds = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;

/** An endpoint that has failed every delivery for this long is switched off, and its owners told. */
export const disableAfterMs = 5 * DAY_MS;

const excerptBytes = 1024;

export interface WebhookSenderOptions {
  db: Db;
  now: () => number;
  logger: Logger;
  sealKey: Buffer;
  policy: OutboundPolicy;
  /** Replaces the SSRF-guarded POST (tests: a request that never ends). */
  post?: OutboundPost;
  /** Requests in flight at once, per process. */
  concurrency?: number;
  /** How long one request may take. */
  timeoutMs?: number;
  /** How long a claimed delivery is this process's before another may try it (a crash mid-send). */
  leaseMs?: number;
  /** How many due deliveries one pass claims. */
  batchSize?: number;
  /**
   * Told of each endpoint switched off, in the transaction that switches it off (the app: email its
   * owners). Without it the switch-off is only logged.
   */
  onEndpointDisabled?: (tx: Db, endpoint: DisabledEndpoint) => Promise<void>;
}

interface Claimed {
  id: string;
  event_id: string;
  body: string;
  attempts: number;
  endpoint_id: string;
  org_id: string;
  url: string;
  enabled: boolean;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | Date | null;
}

interface Outcome {
  id: string;
  endpointId: string;
  ok: boolean;
  status: 'pending' | 'succeeded' | 'failed';
  next: string | null;
  attempt: WebhookAttemptRecord | null;
}

/**
 * Sends webhook deliveries: the dispatcher's consumer writes one row per (event, subscribed
 * endpoint) in its transaction, and this claims due rows (`FOR UPDATE SKIP LOCKED`, then a lease,
 * so processes share the work and none holds a lock over the network), POSTs them signed, and
 * records each attempt. At least once: a crash between the receiver's answer and the record of it
 * sends the delivery again, with the same `webhook-id`, which is how receivers drop duplicates.
 */
export class WebhookSender {
  readonly #options: Required<WebhookSenderOptions>;
  readonly #loop: DrainLoop;
  readonly #unsealed = new Map<string, { current: string; previous: string | null }>();

  constructor(options: WebhookSenderOptions) {
    this.#options = {
      concurrency: 64,
      timeoutMs: 15_000,
      leaseMs: 60_000,
      batchSize: 500,
      onEndpointDisabled: async () => {},
      ...options,
      post: options.post ?? outboundPost(options.policy),
    };
    // The once-a-minute schedule sends retries as they fall due.
    this.#loop = new DrainLoop({
      queue: webhookQueue,
      scheduleKey: 'retries',
      drain: () => this.drain(),
      logger: options.logger,
      failure: 'sending webhooks failed',
    });
  }

  /** The outbox consumer: a delivery row per event and enabled endpoint subscribed to its type. */
  consumer(): EventConsumer {
    // Which batches made deliveries (the dispatcher hands `afterCommit` the array it gave `handle`):
    // a batch with no endpoint to go to wakes nobody.
    const enqueuedBy = new WeakSet<DomainEvent[]>();
    return {
      name: 'webhooks',
      handle: async (tx, events) => {
        if ((await this.#enqueue(tx, events)) > 0) enqueuedBy.add(events);
      },
      afterCommit: (events) => {
        if (enqueuedBy.has(events)) this.poke();
      },
    };
  }

  /** The deliveries a batch of events makes, in the dispatcher's transaction; returns how many. */
  async #enqueue(tx: Db, events: DomainEvent[]): Promise<number> {
    const orgIds = [...new Set(events.map((e) => e.orgId))];
    const endpoints = await tx
      .select({ id: webhookEndpoints.id, orgId: webhookEndpoints.orgId, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(
        sql`${webhookEndpoints.enabled} and ${webhookEndpoints.orgId} in (${sql.join(
          orgIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    if (endpoints.length === 0) return 0;
    const now = this.#options.now();
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.orgId === event.orgId && endpoint.events.includes(event.type))
        .map((endpoint) => ({ id: newId(now), eventId: event.id, endpointId: endpoint.id })),
    );
    // A batch handed out again after a crash finds its rows: the (event, endpoint) index keeps one.
    await insertDeliveries(tx, deliveries, now);
    return deliveries.length;
  }

  /** One pass: claims up to a batch of due deliveries, sends them, records the outcomes. Returns how many. */
  async deliverDue(): Promise<number> {
    const { db, batchSize, leaseMs, concurrency } = this.#options;
    const now = this.#options.now();
    const at = new Date(now).toISOString();
    const claimed = await queryRows<Claimed>(
      db,
      sql`update webhook_deliveries d
             set lease_until = ${new Date(now + leaseMs).toISOString()}::timestamptz
            from (select id from webhook_deliveries
                   where status = 'pending' and next_attempt_at <= ${at}::timestamptz
                     and (lease_until is null or lease_until <= ${at}::timestamptz)
                   order by next_attempt_at limit ${batchSize}
                   for update skip locked) due,
                 webhook_endpoints e
           where d.id = due.id and e.id = d.endpoint_id
       returning d.id, d.event_id, d.body, d.attempts, d.org_id, e.id as endpoint_id, e.url, e.enabled,
                 e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at`,
    );
    if (claimed.length === 0) return 0;
    const outcomes: Outcome[] = new Array(claimed.length);
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const index = next++;
        outcomes[index] = await this.#attempt(claimed[index]!, now);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    await this.#record(outcomes, now);
    return claimed.length;
  }

  async #attempt(delivery: Claimed, now: number): Promise<Outcome> {
    const base = { id: delivery.id, endpointId: delivery.endpoint_id };
    if (!delivery.enabled) {
      // Switched off since it was queued: nothing is sent; a replay can send it later.
      return { ...base, ok: false, status: 'failed', next: null, attempt: null };
    }
    const secrets = this.#secrets(delivery, now);
    const timestamp = Math.floor(now / 1000);
    const started = performance.now();
    let responseStatus: number | null = null;
    let responseExcerpt: string | null = null;
    let error: string | null = null;
    try {
      const response = await this.#options.post(
        delivery.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Crewkit-Webhooks/1',
          'webhook-id': delivery.event_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, delivery.body),
        },
        delivery.body,
        { timeoutMs: this.#options.timeoutMs, maxBodyBytes: excerptBytes },
      );
      responseStatus = response.status;
      responseExcerpt = response.body;
    } catch (failure) {
      error = describeFailure(failure);
    }
    const ok = responseStatus !== null && responseStatus >= 200 && responseStatus < 300;
    const attempts = delivery.attempts + 1;
    const delay = retryDelaysSeconds[attempts - 1];
    const attempt: WebhookAttemptRecord = {
      at: new Date(now).toISOString(),
      url: delivery.url,
      responseStatus,
      durationMs: Math.round(performance.now() - started),
      error: error ?? (ok ? null : `answered ${responseStatus}`),
      responseExcerpt,
    };
    if (ok) return { ...base, ok, status: 'succeeded', next: null, attempt };
    if (delay === undefined) return { ...base, ok, status: 'failed', next: null, attempt };
    return { ...base, ok, status: 'pending', next: new Date(now + delay * 1000).toISOString(), attempt };
  }

  /** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
  #secrets(delivery: Claimed, now: number): string[] {
    const { sealKey } = this.#options;
    // Unsealed once per endpoint and rotation, not once per delivery.
    const cacheKey = `${delivery.endpoint_id}:${delivery.secret_sealed}:${delivery.previous_secret_sealed ?? ''}`;
    let unsealed = this.#unsealed.get(cacheKey);
    if (!unsealed) {
      unsealed = {
        current: decrypt(sealKey, delivery.secret_sealed),
        previous: delivery.previous_secret_sealed ? decrypt(sealKey, delivery.previous_secret_sealed) : null,
      };
      if (this.#unsealed.size > 1000) this.#unsealed.clear();
      this.#unsealed.set(cacheKey, unsealed);
    }
    const previousUntil = delivery.previous_secret_expires_at
      ? new Date(delivery.previous_secret_expires_at).getTime()
      : 0;
    return unsealed.previous && previousUntil > now
      ? [unsealed.current, unsealed.previous]
      : [unsealed.current];
  }

  /** Every outcome of a pass in one statement, then the endpoints' health in one more. */
  async #record(outcomes: Outcome[], now: number): Promise<void> {
    const { db } = this.#options;
    const at = new Date(now).toISOString();
    await db.execute(sql`
      update webhook_deliveries d
         set status = r.status,
             attempts = d.attempts + (case when r.attempt is null then 0 else 1 end),
             next_attempt_at = r.next,
             lease_until = null,
             attempt_log = case when r.attempt is null then d.attempt_log else d.attempt_log || jsonb_build_array(r.attempt) end,
             updated_at = ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as r(id uuid, status text, next timestamptz, attempt jsonb)
       where d.id = r.id`);
    const health = new Map<string, boolean>();
    for (const outcome of outcomes) {
      if (!outcome.attempt) continue;
      health.set(outcome.endpointId, (health.get(outcome.endpointId) ?? false) || outcome.ok);
    }
    if (health.size === 0) return;
    const ids = [...health.keys()];
    await db.execute(sql`
      update webhook_endpoints e
         set failing_since = case when h.ok then null else coalesce(e.failing_since, ${at}::timestamptz) end
        from jsonb_to_recordset(${JSON.stringify(ids.map((id) => ({ id, ok: health.get(id) })))}::jsonb)
             as h(id uuid, ok boolean)
       where e.id = h.id`);
    // The switch-off and its owners' message commit together: a crash between them neither
    // loses the message nor, on the pass that disables it again, queues it twice.
    await db.transaction(async (tx) => {
      const disabled = await queryRows<{ id: string; orgId: string; url: string; reason: string }>(
        tx,
        sql`update webhook_endpoints
               set enabled = false, disabled_at = ${at}::timestamptz, updated_at = ${at}::timestamptz,
                   disabled_reason = 'Every delivery failed for 5 days.'
             where id in (${sql.join(
               ids.map((id) => sql`${id}`),
               sql`, `,
             )})
               and enabled and failing_since <= ${new Date(now - disableAfterMs).toISOString()}::timestamptz
         returning id, org_id as "orgId", url, disabled_reason as reason`,
      );
      for (const endpoint of disabled) {
        this.#options.logger.warn(
          { endpointId: endpoint.id, orgId: endpoint.orgId },
          'webhook endpoint disabled',
        );
        await this.#options.onEndpointDisabled(tx, { ...endpoint, disabledAt: new Date(now) });
      }
    });
  }

  /** Passes until nothing is due now; returns how many deliveries were attempted. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.deliverDue();
      total += sent;
      // Short: nothing more was due, or the rest is another sender's (SKIP LOCKED).
      if (sent < this.#options.batchSize) return total;
    }
  }

  /** New deliveries were committed: a live sender sends them now, in the background. */
  poke(): void {
    this.#loop.poke();
  }

  attach(queue: JobQueue): void {
    this.#loop.attach(queue);
  }

  /** Sends on every poke from now on; the once-a-minute schedule sends retries as they fall due. */
  start(queue: JobQueue | undefined): Promise<void> {
    return this.#loop.start(queue);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}

/** Why no response came, in words fit for the delivery log (never a stack or a secret). */
function describeFailure(failure: unknown): string {
  if (failure instanceof Error) {
    if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return 'timed out';
    if (failure.name === 'OutboundUrlRefusedError') return `refused: the URL ${failure.message}`;
    const code = (failure as NodeJS.ErrnoException).code;
    return code ? `connection failed (${code})` : failure.message.slice(0, 200);
  }
  return 'failed';
}
