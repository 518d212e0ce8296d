import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test-support/harness.js';
import { customers } from '../db/schema.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('A backlog of Ascora webhooks', () => {
  it('is applied in one pass of the queue, fetching each changed record once however often it changed', async () => {
    const t = await createTestContext({
      http: true,
      queue: true,
      ascora: { urls: { allowPrivate: true } },
    });
    closers.push(() => t.close());
    const fake = createFakeAscora();
    fake.seed({ customers: 60 });
    const ascora = await fake.listen();
    closers.push(() => ascora.close());
    const org = await t.createOrg();
    const connected = await t.request('PUT', `/api/v1/organizations/${org.orgId}/ascora/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    expect(connected.status).toBe(200);
    const queue = t.services.queue!;
    expect(await queue.drain()).toEqual({ ran: 1, failed: [] });

    // 100 changes: 50 customers edited twice each in Ascora, every edit a webhook to this server.
    const edited = [...fake.store.customers.values()].slice(0, 50);
    for (const round of [1, 2]) {
      for (const customer of edited) {
        fake.store.updateCustomer(customer.customerId, {
          customerName: `${customer.customerName} #${round}`,
        });
      }
    }
    const deliveries = await fake.flushWebhooks();
    expect(deliveries.filter((d) => d.status === 202)).toHaveLength(100);

    const requestsBefore = fake.requestCount;
    expect(await queue.drain()).toEqual({ ran: 100, failed: [] });
    expect(fake.requestCount - requestsBefore).toBe(50);
    const names = new Set(
      (await t.database.db.select().from(customers).where(eq(customers.orgId, org.orgId))).map((c) => c.name),
    );
    for (const customer of edited) expect(names).toContain(`${customer.customerName} #2`);
  }, 120_000);
});
