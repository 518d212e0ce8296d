import type { AddressInfo } from 'node:net';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { serve } from '@hono/node-server';
import { describe, expect, it, vi } from 'vitest';

const auth = { headers: { Auth: DEMO_API_KEY } };

describe('the fake Ascora', () => {
  it('answers a missing or wrong Auth header with 401 and { success: false, message }', async () => {
    const fake = createFakeAscora();
    for (const init of <RequestInit[]>[
      {},
      { headers: { Auth: 'ascora_wrong' } },
      { headers: { Authorization: `Bearer ${DEMO_API_KEY}` } },
    ]) {
      const response = await fake.app.request('/Customers/Customers', init);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ success: false, message: expect.any(String) });
    }
  });

  it('accepts only the keys it was given when apiKeys is set', async () => {
    const fake = createFakeAscora({ apiKeys: ['ascora_custom'] });
    expect((await fake.app.request('/Customers/Customers', auth)).status).toBe(401);
    expect(
      (await fake.app.request('/Customers/Customers', { headers: { Auth: 'ascora_custom' } })).status,
    ).toBe(200);
  });

  it('matches paths and query parameter names without regard to case', async () => {
    const fake = createFakeAscora();
    fake.seed({ jobs: 5 });
    const documented = await (await fake.app.request('/Jobs/Jobs?Page=1&PageSize=2', auth)).json();
    const lower = await (await fake.app.request('/jobs/jobs?page=1&pagesize=2', auth)).json();
    expect(lower).toEqual(documented);
    expect(documented.results).toHaveLength(2);
    const byNumber = await (await fake.app.request('/JOBS/JOB/j2', auth)).json();
    expect(byNumber.job.jobNumber).toBe('J2');
  });

  it('serves 250 records a page by default and at most 1000', async () => {
    const fake = createFakeAscora();
    fake.seed({ customers: 1200 });
    const byDefault = await (await fake.app.request('/Customers/Customers', auth)).json();
    expect(byDefault).toMatchObject({ success: true, totalPages: 5, totalRecords: 1200 });
    expect(byDefault.results).toHaveLength(250);
    const capped = await (await fake.app.request('/Customers/Customers?PageSize=5000', auth)).json();
    expect(capped.results).toHaveLength(1000);
    expect(capped.totalPages).toBe(2);
    const beyond = await (await fake.app.request('/Customers/Customers?Page=9', auth)).json();
    expect(beyond.results).toEqual([]);
  });

  it('sends the accounting queues as bare arrays', async () => {
    const fake = createFakeAscora();
    fake.seed({ invoices: 2, payments: 1 });
    const invoices = await (
      await fake.app.request('/Accounting/GetInvoicesToSend?priorToDate=2100-01-01', auth)
    ).json();
    const payments = await (
      await fake.app.request('/Accounting/GetPaymentsToSend?priorToDate=2100-01-01', auth)
    ).json();
    expect(Array.isArray(invoices) && invoices.length).toBe(2);
    expect(Array.isArray(payments) && payments.length).toBe(1);
    const missingDate = await fake.app.request('/Accounting/GetInvoicesToSend', auth);
    expect(await missingDate.json()).toMatchObject({ success: false });
  });

  it('writes some timestamps without a zone, as Ascora does, and a numeric jobStatus with its text', async () => {
    const fake = createFakeAscora();
    fake.seed({ jobs: 10 });
    const jobs = [...fake.store.jobs.values()];
    expect(jobs.some((job) => job.dateCreated.endsWith('Z'))).toBe(true);
    expect(jobs.some((job) => !/Z|[+-]\d\d:\d\d$/.test(job.dateCreated))).toBe(true);
    for (const job of jobs) {
      expect(typeof job.jobStatus).toBe('number');
      expect(job.jobStatusText).toMatch(/^(New|In Progress|Completed|Cancelled|Booked)$/);
    }
  });

  it('seeds the same records from the same seed and different ones from another', () => {
    const snapshot = (seed: number) => {
      const fake = createFakeAscora({ seed, now: () => new Date('2026-03-01T00:00:00Z') });
      fake.seed({ customers: 20, jobs: 20, invoices: 5, payments: 5, malformed: 2 });
      return JSON.stringify([
        ...fake.store.customers.values(),
        ...fake.store.jobs.values(),
        ...fake.store.invoices.values(),
      ]);
    };
    expect(snapshot(42)).toBe(snapshot(42));
    expect(snapshot(42)).not.toBe(snapshot(43));
  });

  it('seeds malformed records only when asked', () => {
    const fake = createFakeAscora();
    fake.seed({ customers: 50, jobs: 50 });
    expect(fake.store.malformedIds.size).toBe(0);
    fake.seed({ customers: 10, malformed: 2 });
    expect(fake.store.malformedIds.size).toBe(2);
  });

  it('seeds 10,000 customers and 10,000 jobs', () => {
    const fake = createFakeAscora();
    fake.seed({ customers: 10_000, jobs: 10_000 });
    expect(fake.store.customers.size).toBe(10_000);
    expect(fake.store.jobs.size).toBe(10_000);
  });

  it('rate-limits with a token bucket: a second’s worth passes, the rest get 429 with Retry-After', async () => {
    let elapsed = 0;
    // Time stands still while the eight arrive, however slow the machine: none refills the bucket.
    const fake = createFakeAscora({ faults: { rateLimitPerSecond: 5 }, elapsedMs: () => elapsed });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => fake.app.request('/Customers/Customers?PageSize=1', auth)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    const limited = responses.filter((response) => response.status === 429);
    expect(limited).toHaveLength(3);
    expect(limited[0]!.headers.get('Retry-After')).toBe('1');
    expect(await limited[0]!.json()).toEqual({ success: false, message: expect.any(String) });
    expect(fake.requestCount).toBe(8);
    elapsed += 1_000;
    const later = await fake.app.request('/Customers/Customers?PageSize=1', auth);
    expect(later.status, 'a second later the bucket has refilled').toBe(200);
  });

  it('answers every request with a 5xx at errorRate 1 without acting on it', async () => {
    const fake = createFakeAscora({ faults: { errorRate: 1 } });
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const response = await fake.app.request('/Customers/Customer', {
        method: 'POST',
        headers: { Auth: DEMO_API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ customerName: 'Never stored' }),
      });
      statuses.push(response.status);
    }
    expect(new Set(statuses)).toEqual(new Set([500, 502, 503]));
    expect(fake.store.customers.size).toBe(0);
  });

  it('adds the configured latency to each request', async () => {
    // On a fake timer: the answer is held for exactly the latency, however fast the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const fake = createFakeAscora({ faults: { latencyMs: 60 } });
      let answered = false;
      const request = Promise.resolve(fake.app.request('/Customers/Customers', auth)).then((response) => {
        answered = true;
        return response;
      });
      await vi.advanceTimersByTimeAsync(59);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await request).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fires JobCreated for a job created through the API and InvoiceCreated for a new invoice', async () => {
    const events: string[] = [];
    const fake = createFakeAscora({
      webhookFetch: async (input) => {
        events.push(new URL(String(input)).pathname);
        return new Response('ok');
      },
    });
    fake.seed({ customers: 1 });
    for (const hookEvent of ['JobCreated', 'InvoiceCreated', 'InvoiceModified']) {
      await fake.app.request('/WebHooks', {
        method: 'POST',
        headers: { Auth: DEMO_API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          hookUrl: `https://crewkit.test/${hookEvent}`,
          systemName: 'Crewkit',
          hookEvent,
        }),
      });
    }
    const [site] = [...fake.store.customers.values()];
    const created = await fake.app.request('/Jobs/Job', {
      method: 'POST',
      headers: { Auth: DEMO_API_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ siteCustomer: { id: site!.customerId }, jobName: 'From the API' }),
    });
    expect((await created.json()).success).toBe(true);
    const invoice = fake.store.addInvoice();
    fake.store.updateInvoice(invoice.id, { invoiceNumber: 'INV-EDITED' });
    await fake.flushWebhooks();
    expect(events).toEqual(['/JobCreated', '/InvoiceCreated', '/InvoiceModified']);
  });

  it('delivers webhooks over real HTTP to a listening receiver and records the outcome', async () => {
    const bodies: unknown[] = [];
    const receiver = serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: async (request) => {
        bodies.push(await request.json());
        return new Response(null, { status: 202 });
      },
    });
    await new Promise((resolve) => receiver.once('listening', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      const fake = createFakeAscora();
      fake.seed({ customers: 1 });
      fake.store.webhooks.set('hook', {
        subscriptionId: 'hook',
        hookUrl: `http://127.0.0.1:${port}/ascora/tok_secret`,
        systemName: 'Crewkit',
        hookEvent: 'CustomerModified',
      });
      const [customer] = [...fake.store.customers.values()];
      fake.store.updateCustomer(customer!.customerId, { onHold: true });
      const [delivery] = await fake.flushWebhooks();
      expect(delivery).toMatchObject({ status: 202, hookEvent: 'CustomerModified' });
      expect(bodies).toEqual([expect.objectContaining({ customerId: customer!.customerId, onHold: true })]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('closes promptly even while a request hangs on the timeout switch', async () => {
    const fake = createFakeAscora({ faults: { timeoutRate: 1, timeoutMs: 60_000 } });
    const server = await fake.listen(0);
    const hung = fetch(`${server.url}/Customers/Customers`, auth).catch(() => 'aborted');
    await vi.waitUntil(() => fake.requestCount === 1);
    // Closing waits for no 60 s timer: a close that did would outlast the test's own timeout.
    await server.close();
    expect(await hung).toBe('aborted');
  });
});
