import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { createAppWith, createServices } from '../app.js';
import { startJobQueue } from '../ascora/background.js';
import { connectAscora } from '../ascora/connection.js';
import { createLogger } from '../logger.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

// The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
const ascora = {
  clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } },
  urls: { allowPrivate: true },
};

async function fakeAscora() {
  const fake = createFakeAscora();
  fake.seed({ customers: 2, jobs: 1 });
  const server = await fake.listen();
  closers.push(() => server.close());
  return { fake, url: server.url };
}

async function context(options: { queue: boolean; now?: () => number }) {
  const t = await createTestContext({
    http: true,
    queue: options.queue,
    ascora,
    ...(options.now ? { now: options.now } : {}),
  });
  closers.push(() => t.close());
  const org = await t.createOrg();
  return { t, org, base: `/api/v1/organizations/${org.orgId}/ascora` };
}

async function syncRequest(t: TestContext, base: string, token: string) {
  return t.request('POST', `${base}/sync`, { token });
}

describe('A server without its job queue', () => {
  it('answers a sync request with 503 queue_unavailable instead of "already waiting", and queues nothing', async () => {
    const { t, org, base } = await context({ queue: false });
    const { url } = await fakeAscora();
    // Connected while a queue ran (say, before this process started without one).
    const { webhookPath } = await connectAscora(t.services.ascora.on(t.database.db), org.orgId, {
      apiKey: DEMO_API_KEY,
      baseUrl: url,
    });
    const before = await t.snapshot();

    const sync = await syncRequest(t, base, org.secretKey);
    expect(sync.status).toBe(503);
    expect(sync.body.code).toBe('queue_unavailable');

    // Ascora retries a refused delivery; a delivery recorded as seen would never be acted on.
    const webhook = await t.request('POST', webhookPath, { body: { jobNumber: 'J-1' } });
    expect(webhook.status).toBe(503);
    expect(webhook.body.code).toBe('queue_unavailable');
    expect(await t.snapshot()).toBe(before);
  });

  it('never borrows the queue of another app on the same database', async () => {
    const { t, org, base } = await context({ queue: false });
    const { url } = await fakeAscora();
    await connectAscora(t.services.ascora.on(t.database.db), org.orgId, {
      apiKey: DEMO_API_KEY,
      baseUrl: url,
    });
    const logger = createLogger({ level: 'silent' });
    const queue = await startJobQueue(t.database, logger);
    closers.push(() => queue.stop());
    const withQueue = createAppWith(
      createServices({ database: t.database, config: t.config, logger, queue, ascora }),
    );

    const queued = await withQueue.request(`${base}/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.secretKey}` },
    });
    expect(queued.status).toBe(202);
    expect(await queued.json()).toEqual({ queued: true });
    expect((await syncRequest(t, base, org.secretKey)).status).toBe(503);
  });
});

describe('Two apps in one process', () => {
  it('keep their queues and Ascora settings apart: each syncs, and registers webhooks, only for itself', async () => {
    const first = await context({ queue: true });
    const second = await context({ queue: true });
    const { fake, url } = await fakeAscora();
    for (const { t, org, base } of [first, second]) {
      const connected = await t.request('PUT', `${base}/connection`, {
        token: org.secretKey,
        body: { apiKey: DEMO_API_KEY, baseUrl: url },
      });
      expect(connected.status).toBe(200);
    }
    const hookUrls = [...fake.store.webhooks.values()].map((hook) => hook.hookUrl);
    expect(hookUrls.filter((hook) => hook.startsWith(`${first.t.baseUrl}/`))).toHaveLength(5);
    expect(hookUrls.filter((hook) => hook.startsWith(`${second.t.baseUrl}/`))).toHaveLength(5);

    // Each connect queued its first sync in its own app's queue, on its own database.
    expect(await first.t.services.queue!.drain()).toEqual({ ran: 1, failed: [] });
    expect(await second.t.services.queue!.drain()).toEqual({ ran: 1, failed: [] });

    expect((await syncRequest(first.t, first.base, first.org.secretKey)).body).toEqual({ queued: true });
    expect(await second.t.services.queue!.drain()).toEqual({ ran: 0, failed: [] });
    expect(await first.t.services.queue!.drain()).toEqual({ ran: 1, failed: [] });
    const runs = await first.t.request('GET', `${first.base}/logs`, { token: first.org.secretKey });
    expect(runs.body.data.map((run: { trigger: string }) => run.trigger)).toEqual(['manual', 'connect']);
  }, 60_000);
});

describe('The Ascora integration', () => {
  it("records when it connected and synced by the app's clock, not the machine's", async () => {
    const clock = Date.parse('2031-05-04T03:02:01.000Z');
    const { t, org, base } = await context({ queue: true, now: () => clock });
    const { url } = await fakeAscora();
    const connected = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url },
    });
    expect(connected.body.connectedAt).toBe('2031-05-04T03:02:01.000Z');
    expect(await t.services.queue!.drain()).toEqual({ ran: 1, failed: [] });
    const status = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(status.body.lastSyncAt).toBe('2031-05-04T03:02:01.000Z');
    const run = await t.request('GET', `${base}/sync/status`, { token: org.secretKey });
    expect(run.body.run.finishedAt).toBe('2031-05-04T03:02:01.000Z');
  });
});
