import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { seedDemo } from '../seed/demo.js';
import { seedDemoAppointments } from '../seed/demo-live.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('A visit pushed to Ascora as a job', () => {
  it('carries ex-tax and inc-tax totals split by the tax settings, not the price twice', async () => {
    const t = await createTestContext({
      http: true,
      queue: true,
      ascora: {
        clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } },
        urls: { allowPrivate: true },
      },
    });
    closers.push(() => t.close());
    const fake = createFakeAscora();
    const server = await fake.listen();
    closers.push(() => server.close());
    const demo = await seedDemo(t.database.db, { secret: t.config.secret, origins: [] });
    await seedDemoAppointments(t.baseUrl!, demo, t.services.now);
    const base = `/api/v1/organizations/${demo.orgId}`;
    const api = (method: string, path: string, body: unknown) =>
      t.request(method, `${base}${path}`, { token: demo.secretKey, body });
    expect(
      (await api('PUT', '/ascora/connection', { apiKey: DEMO_API_KEY, baseUrl: server.url })).status,
    ).toBe(200);
    const taxSettings = await api('PUT', '/tax-settings', {
      taxName: 'GST',
      pricesIncludeTax: true,
      rounding: 'line',
      rates: [{ code: 'GST', name: 'GST', ratePercent: '10' }],
      defaultTaxCode: 'GST',
    });
    expect(taxSettings.status).toBe(200);
    const [visit] = await queryRows<{ id: string; price: number }>(
      t.database.db,
      sql`select id::text as id, price_minor as price from appointments where org_id = ${demo.orgId} order by id limit 1`,
    );
    const pushed = await api('POST', '/ascora/jobs', { appointmentId: visit!.id });
    expect(pushed.status, pushed.text).toBe(200);
    const tax = Math.round(visit!.price / 11);
    expect(pushed.body).toMatchObject({
      totalIncTaxMinor: visit!.price,
      totalExTaxMinor: visit!.price - tax,
    });
    const job = fake.store.jobs.get(pushed.body.ascoraId.toLowerCase());
    expect(job).toMatchObject({ totalIncTax: visit!.price / 100, totalExTax: (visit!.price - tax) / 100 });
  }, 120_000);
});
