import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, openTestDatabase, testConfig } from '../../test-support/harness.js';
import { createLogger } from '../logger.js';
import { type RunningServer, startServer } from '../server.js';
import { createOrganization } from '../services/organizations.js';
import { attachJobQueue, startJobQueue } from './background.js';
import { latestRun } from './sync.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function connectOver(server: RunningServer, ascoraUrl: string) {
  const { organization, secretKey } = await createOrganization(server.database.db, { name: 'Early Co' });
  const response = await fetch(`${server.url}/api/v1/organizations/${organization.id}/ascora/connection`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey: DEMO_API_KEY, baseUrl: ascoraUrl }),
  });
  return { orgId: organization.id, response };
}

describe('A connect that arrives while the server is still starting', () => {
  it('is kept without a queue, and the queue schedules and runs its first sync once it starts', async () => {
    const fake = createFakeAscora();
    fake.seed({ customers: 3, jobs: 2 });
    const ascora = await fake.listen(0);
    closers.push(() => ascora.close());
    const t = await createTestContext({
      config: { publicUrl: 'https://crewkit.example.com' },
      ascora: { urls: { allowPrivate: true } },
    });
    closers.push(() => t.close());
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}/ascora`;

    const connected = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    expect(connected.status).toBe(200);
    // The public URL is known from the configuration, not from a listener that may not exist yet.
    expect(connected.body.webhookUrl).toMatch(/^\/api\/v1\/organizations\//);
    expect([...fake.store.webhooks.values()].map((hook) => hook.hookUrl)).toEqual(
      Array(5).fill(`https://crewkit.example.com${connected.body.webhookUrl}`),
    );

    const queue = await startJobQueue(t.database, createLogger({ level: 'silent' }));
    closers.push(() => queue.stop());
    await attachJobQueue(t.services, queue);
    expect(await queue.boss.getSchedules('ascora-sync', org.orgId)).toHaveLength(1);
    expect(await queue.drain()).toEqual({ ran: 1, failed: [] });
    const sync = await t.request('GET', `${base}/sync/status`, { token: org.secretKey });
    expect(sync.body.run).toMatchObject({ status: 'completed', trigger: 'connect', counts: { created: 5 } });

    // A second start (another process, a restart) finds the organization synced and queues nothing.
    await attachJobQueue(t.services, queue);
    expect(await queue.drain()).toEqual({ ran: 0, failed: [] });
  }, 60_000);

  it('registers the webhooks, schedules the periodic sync and runs the first sync once the workers start', async () => {
    const fake = createFakeAscora();
    fake.seed({ customers: 3, jobs: 2 });
    const ascora = await fake.listen(0);
    closers.push(() => ascora.close());
    const server = await startServer(
      testConfig({ publicUrl: 'https://crewkit.example.com', allowPrivateUrls: true }),
      createLogger({ level: 'silent' }),
      { database: await openTestDatabase(), queue: true },
    );
    closers.push(() => server.close());
    // /healthz answers now; the workers have not started polling yet.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);

    const { orgId, response } = await connectOver(server, ascora.url);
    expect(response.status).toBe(200);
    expect([...fake.store.webhooks.values()].map((hook) => hook.hookUrl)).toEqual(
      Array(5).fill(expect.stringMatching(/^https:\/\/crewkit\.example\.com\/api\/v1\//)),
    );
    const queue = server.services.queue!;
    expect(await queue.boss.getSchedules('ascora-sync', orgId)).toHaveLength(1);

    await queue.startWorkers(1);
    const run = await until('the first sync', async () => {
      const latest = await latestRun(server.database.db, orgId);
      return latest?.status === 'completed' ? latest : undefined;
    });
    expect(run).toMatchObject({ trigger: 'connect', counts: { created: 5, failed: 0 } });
  }, 60_000);
});
