import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test-support/harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('The Ascora status', () => {
  it('says the webhooks are registered, and that Ascora reaches them once a delivery has arrived', async () => {
    const t = await createTestContext({ http: true, queue: true, ascora: { urls: { allowPrivate: true } } });
    closers.push(() => t.close());
    const fake = createFakeAscora();
    fake.seed({ customers: 2 });
    const ascora = await fake.listen();
    closers.push(() => ascora.close());
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}/ascora`;
    await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    const before = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(before.body.webhooks).toEqual({ registered: true, lastDeliveryAt: null, reachable: null });

    const [customer] = [...fake.store.customers.values()];
    fake.store.updateCustomer(customer!.customerId, { customerName: 'Reached' });
    expect((await fake.flushWebhooks()).map((d) => d.status)).toEqual([202]);
    const after = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(after.body.webhooks).toEqual({
      registered: true,
      lastDeliveryAt: expect.any(String),
      reachable: true,
    });
  });

  it('says no webhooks are registered when the server knows no public URL', async () => {
    const t = await createTestContext({ ascora: { urls: { allowPrivate: true } } });
    closers.push(() => t.close());
    const ascora = await createFakeAscora().listen();
    closers.push(() => ascora.close());
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}/ascora`;
    await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    const status = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(status.body.webhooks).toEqual({ registered: false, lastDeliveryAt: null, reachable: null });
  });
});
