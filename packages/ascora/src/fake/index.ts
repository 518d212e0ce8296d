import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AscoraWebhookEvent } from '../schemas.js';
import { createFakeAscoraApp, DEFAULT_FAULTS, type FakeAscoraFaults } from './app.js';
import { createRandom } from './random.js';
import { FakeAscoraStore, type FakeWebhook, type SeedCounts } from './store.js';

export type { FakeAscoraFaults } from './app.js';
export type { CreatedPayment, FakeWebhook, SeedCounts } from './store.js';
export { FakeAscoraStore } from './store.js';

/** Accepted by every fake unless `apiKeys` says otherwise, so the demo connects out of the box. */
export const DEMO_API_KEY = 'ascora_demo_key';

export interface FakeAscoraOptions {
  /** Keys accepted in the `Auth` header. Default: [DEMO_API_KEY]. */
  apiKeys?: string[];
  /** The business clock: creation dates of new jobs, the window seeded records fall in. */
  now?: () => Date;
  /** PRNG seed: the same seed and the same calls give the same records. Default 1. */
  seed?: number;
  /**
   * Monotonic milliseconds the rate limit refills by: `performance.now` by default. A test that
   * injects its client's sleep moves this clock instead of waiting out each `Retry-After`.
   */
  elapsedMs?: () => number;
  /** Initial fault switches; change `fake.faults` later at will. */
  faults?: Partial<FakeAscoraFaults>;
  /** How webhooks are delivered. Default: the global fetch (real HTTP). */
  webhookFetch?: typeof fetch;
}

export interface WebhookDelivery {
  subscriptionId: string;
  hookUrl: string;
  hookEvent: AscoraWebhookEvent;
  /** The receiver's status; undefined when it could not be reached (see `error`). */
  status?: number;
  error?: string;
}

export interface FakeAscora {
  /** The Hono app: `app.request()` in tests, or use `fetch` below as a client's fetch. */
  app: Hono;
  /** A fetch that serves requests from the app in-process, without a socket. */
  fetch: typeof fetch;
  /** Serves real HTTP on 127.0.0.1 (port 0 = any free port). */
  listen(port?: number): Promise<{ url: string; close(): Promise<void> }>;
  /** Adds generated records; deterministic for a given seed and sequence of calls. */
  seed(counts: SeedCounts): void;
  faults: FakeAscoraFaults;
  store: FakeAscoraStore;
  /** HTTP requests served, rejected ones included. Assignable, e.g. to 0 between phases. */
  requestCount: number;
  /** One promise per webhook delivery started; never rejects. */
  webhookDeliveries: Promise<WebhookDelivery>[];
  /** Deliveries finished so far, in completion order. */
  deliveredWebhooks: WebhookDelivery[];
  /** Waits for every delivery started so far (and any they cause), then returns all finished ones. */
  flushWebhooks(): Promise<WebhookDelivery[]>;
}

/** How long a webhook receiver may take before the delivery counts as failed. */
const WEBHOOK_TIMEOUT_MS = 10_000;

export function createFakeAscora(options: FakeAscoraOptions = {}): FakeAscora {
  const now = options.now ?? (() => new Date());
  const seed = options.seed ?? 1;
  const webhookFetch = options.webhookFetch ?? ((input, init) => globalThis.fetch(input, init));
  const webhookDeliveries: Promise<WebhookDelivery>[] = [];
  const deliveredWebhooks: WebhookDelivery[] = [];

  /** Posts the bare record to every URL registered for the event, after the caller's change returns. */
  function emit(event: AscoraWebhookEvent, payload: unknown) {
    const body = JSON.stringify(payload); // the record as it is now, not as it is when sent
    for (const hook of store.webhooks.values()) {
      if (hook.hookEvent === event) webhookDeliveries.push(Promise.resolve().then(() => deliver(hook, body)));
    }
  }

  async function deliver(hook: FakeWebhook, body: string): Promise<WebhookDelivery> {
    const delivery: WebhookDelivery = {
      subscriptionId: hook.subscriptionId,
      hookUrl: hook.hookUrl,
      hookEvent: hook.hookEvent,
    };
    try {
      const response = await webhookFetch(hook.hookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      delivery.status = response.status;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    deliveredWebhooks.push(delivery);
    return delivery;
  }

  const store = new FakeAscoraStore({ random: createRandom(seed), now, emit });
  const faults: FakeAscoraFaults = { ...DEFAULT_FAULTS, ...options.faults };
  let requestCount = 0;
  const app = createFakeAscoraApp({
    store,
    faults,
    apiKeys: new Set(options.apiKeys ?? [DEMO_API_KEY]),
    faultRandom: createRandom(seed ^ 0x5eed),
    now,
    elapsedMs: options.elapsedMs ?? (() => performance.now()),
    onRequest: () => {
      requestCount++;
    },
  });

  const fake: FakeAscora = {
    app,
    fetch: async (input, init) => app.fetch(new Request(input, init)),
    async listen(port = 0) {
      const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
        started.once('error', reject);
      });
      const address = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((resolve, reject) => {
            // Requests hanging on the timeout switch would hold close() for their full timeoutMs.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close((error) => (error ? reject(error) : resolve()));
          }),
      };
    },
    seed: (counts) => store.seed(counts),
    faults,
    store,
    get requestCount() {
      return requestCount;
    },
    set requestCount(value: number) {
      requestCount = value;
    },
    webhookDeliveries,
    deliveredWebhooks,
    async flushWebhooks() {
      let settled = 0;
      while (settled < webhookDeliveries.length) {
        const pending = webhookDeliveries.slice(settled);
        settled = webhookDeliveries.length;
        await Promise.all(pending);
      }
      return deliveredWebhooks;
    },
  };
  return fake;
}

export interface StartFakeAscoraOptions extends FakeAscoraOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  counts?: SeedCounts;
}

/** A seeded fake on its own port, for the demo and for benchmarks in another process. */
export async function startFakeAscora(options: StartFakeAscoraOptions = {}) {
  const { port = 4010, counts, ...fakeOptions } = options;
  const fake = createFakeAscora(fakeOptions);
  if (counts) fake.seed(counts);
  const server = await fake.listen(port);
  return { fake, ...server };
}
