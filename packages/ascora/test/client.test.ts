import {
  AscoraAuthenticationError,
  type AscoraJobInput,
  AscoraNotFoundError,
  AscoraUnavailableError,
  AscoraValidationError,
  createAscoraClient,
} from '@crewkit/ascora';
import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST_RETRY } from './helpers.js';

const NOW = new Date('2026-03-01T00:00:00Z');

describe('the client against the fake Ascora over real HTTP', () => {
  let fake: FakeAscora;
  let server: { url: string; close(): Promise<void> };
  const invalid: { entity: string; id: string | null; issues: string }[] = [];
  const connect = (apiKey = DEMO_API_KEY) =>
    createAscoraClient({
      baseUrl: `${server.url}/`,
      apiKey,
      retry: FAST_RETRY,
      onInvalidRecord: (info) => invalid.push(info),
    });

  beforeAll(async () => {
    fake = createFakeAscora({ now: () => NOW, seed: 7 });
    fake.seed({ customers: 600, jobs: 300, invoices: 12, payments: 6 });
    server = await fake.listen(0);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    invalid.length = 0;
    fake.faults.failureStatus = 'alternate';
  });

  it('probes successfully with the demo key and fails with AscoraAuthenticationError on a wrong key', async () => {
    await expect(connect().probe()).resolves.toBeUndefined();
    const error = await connect('ascora_wrong')
      .probe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraAuthenticationError);
    expect(error).toMatchObject({ status: 401, retryable: false });
  });

  it('pages through every customer exactly once using totalPages', async () => {
    const client = connect();
    const first = await client.listCustomers({ page: 1, pageSize: 250 });
    expect(first).toMatchObject({ totalPages: 3, totalRecords: 600, invalid: [] });
    const ids = new Set(first.results.map((c) => c.customerId));
    for (let page = 2; page <= first.totalPages; page++) {
      const next = await client.listCustomers({ page, pageSize: 250 });
      for (const customer of next.results) ids.add(customer.customerId);
    }
    expect(ids.size).toBe(600);
    expect(ids).toEqual(new Set(fake.store.customers.keys()));
  });

  it('uses the default page size of 250 when none is given', async () => {
    const page = await connect().listCustomers({ page: 1 });
    expect(page.results).toHaveLength(250);
  });

  it('finds customers by FilterText', async () => {
    const someone = [...fake.store.customers.values()][42]!;
    const page = await connect().listCustomers({ page: 1, filterText: someone.emailAddress! });
    expect(page.results.map((c) => c.customerId)).toEqual([someone.customerId]);
  });

  it('normalises zoneless timestamps to UTC with Z, reading the same instant Ascora wrote', async () => {
    const page = await connect().listJobs({ page: 1, pageSize: 20 });
    const zoneless = page.results.find((job) => !fake.store.jobs.get(job.jobId)!.dateCreated.endsWith('Z'));
    expect(zoneless).toBeDefined();
    const wire = fake.store.jobs.get(zoneless!.jobId)!.dateCreated;
    expect(zoneless!.dateCreated).toBe(`${wire}Z`);
    for (const job of page.results) expect(job.dateCreated).toMatch(/Z$/);
  });

  it('filters jobs by status and created-date window', async () => {
    const client = connect();
    const completed = await client.listJobs({ page: 1, pageSize: 1000, jobStatus: 'COMPLETED' });
    expect(completed.results.length).toBeGreaterThan(0);
    expect(completed.results.every((job) => job.jobStatus === 2 && job.jobStatusText === 'Completed')).toBe(
      true,
    );
    const window = await client.listJobs({
      page: 1,
      pageSize: 1000,
      startDate: '2026-02-01',
      endDate: '2026-02-28',
    });
    const expected = [...fake.store.jobs.values()].filter((job) => {
      const created = new Date(job.dateCreated.endsWith('Z') ? job.dateCreated : `${job.dateCreated}Z`);
      return created >= new Date('2026-02-01T00:00:00Z') && created < new Date('2026-03-01T00:00:00Z');
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(window.totalRecords).toBe(expected.length);
  });

  it('gets a job by its number, not its GUID', async () => {
    const client = connect();
    const job = await client.getJob('J3');
    expect(job.jobNumber).toBe('J3');
    await expect(client.getJob(job.jobId)).rejects.toBeInstanceOf(AscoraNotFoundError);
  });

  it('reports a missing record as AscoraNotFoundError whether Ascora answers 200 or 404', async () => {
    const client = connect();
    fake.faults.failureStatus = 'always-200';
    const with200 = await client.getCustomer('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    fake.faults.failureStatus = 'http';
    const with404 = await client.getCustomer('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(with200).toBeInstanceOf(AscoraNotFoundError);
    expect(with200).toMatchObject({ status: 200, ascoraMessage: 'CUSTOMER-NOT-FOUND' });
    expect(with404).toBeInstanceOf(AscoraNotFoundError);
    expect(with404).toMatchObject({ status: 404, ascoraMessage: 'CUSTOMER-NOT-FOUND' });
  });

  it('creates a customer, then updates it by customerId', async () => {
    const client = connect();
    const created = await client.saveCustomer({
      customerName: 'Harbour Cafe',
      emailAddress: 'hi@harbour.example',
    });
    expect(fake.store.customers.get(created.customerId)?.customerName).toBe('Harbour Cafe');
    const updated = await client.saveCustomer({
      customerId: created.customerId,
      customerName: 'Harbour Cafe & Bar',
    });
    expect(updated).toMatchObject({ customerId: created.customerId, emailAddress: 'hi@harbour.example' });
    expect(fake.store.customers.get(created.customerId)?.customerName).toBe('Harbour Cafe & Bar');
    await expect(client.getCustomer(created.customerId)).resolves.toMatchObject({
      customerName: 'Harbour Cafe & Bar',
    });
    const partial = await client.saveCustomer({
      customerId: created.customerId,
      phoneNumber: '07 3555 0101',
    });
    expect(partial).toMatchObject({ customerName: 'Harbour Cafe & Bar', phoneNumber: '07 3555 0101' });
    const before = fake.requestCount;
    await expect(client.saveCustomer({ emailAddress: 'nameless@example.com' })).rejects.toBeInstanceOf(
      AscoraValidationError,
    );
    expect(fake.requestCount).toBe(before);
  });

  it('creates a job for a site customer and updates it by jobId', async () => {
    const client = connect();
    const site = [...fake.store.customers.values()][0]!;
    const job = await client.saveJob({
      siteCustomer: { id: site.customerId },
      jobName: 'Leaking tap',
      totalExTax: 100,
    });
    expect(job).toMatchObject({ jobStatus: 0, jobStatusText: 'New', siteCustomer: { id: site.customerId } });
    expect(job.jobNumber).toMatch(/^J\d+$/);
    const updated = await client.saveJob({
      jobId: job.jobId,
      siteCustomer: { id: site.customerId },
      totalIncTax: 110,
    });
    expect(updated).toMatchObject({ jobName: 'Leaking tap', totalExTax: 100, totalIncTax: 110 });
    await expect(client.getJob(job.jobNumber)).resolves.toMatchObject({ totalIncTax: 110 });
  });

  it('refuses a job without a site customer before sending anything', async () => {
    const before = fake.requestCount;
    // @ts-expect-error siteCustomer is required by the type as well
    const orphan: AscoraJobInput = { jobName: 'Orphan' };
    const error = await connect()
      .saveJob(orphan)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraValidationError);
    expect(fake.requestCount).toBe(before);
  });

  it('reports a job for an unknown site customer as AscoraNotFoundError with Ascora’s message', async () => {
    fake.faults.failureStatus = 'http';
    const error = await connect()
      .saveJob({ siteCustomer: { id: '00000000-0000-4000-8000-000000000000' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraNotFoundError);
    expect(error).toMatchObject({ ascoraMessage: 'CUSTOMER-NOT-FOUND', status: 404 });
  });

  it('takes invoices from the queue, marks them as sent once, and no longer sees them', async () => {
    const client = connect();
    const { invoices, invalid: bad } = await client.getInvoicesToSend('2026-03-01');
    expect(invoices).toHaveLength(12);
    expect(bad).toEqual([]);
    expect(invoices[0]!.lines.length).toBeGreaterThan(0);
    await client.markInvoicesAsSent(invoices.map((invoice) => invoice.id));
    expect(fake.store.markedInvoiceIds).toEqual(invoices.map((invoice) => invoice.id));
    await expect(client.getInvoicesToSend('2026-03-01')).resolves.toEqual({ invoices: [], invalid: [] });
  });

  it('takes payments from their queue and marks them as sent once', async () => {
    const client = connect();
    const { payments } = await client.getPaymentsToSend(NOW);
    expect(payments).toHaveLength(6);
    for (const payment of payments) expect(payment.paymentDate).toMatch(/Z$/);
    await client.markPaymentsAsSent(payments.map((payment) => payment.id));
    await client.markPaymentsAsSent([]);
    expect(fake.store.markedPaymentIds).toHaveLength(6);
    expect((await client.getPaymentsToSend(NOW)).payments).toEqual([]);
  });

  it('records a payment against an invoice number and refuses an unknown invoice', async () => {
    const client = connect();
    const invoice = [...fake.store.invoices.values()][0]!;
    await client.createPayment({
      invoiceNumber: invoice.invoiceNumber,
      paymentAmount: 99.5,
      paymentDate: '2026-03-01',
      paymentMethod: 'EFT',
    });
    expect(fake.store.createdPayments.at(-1)).toMatchObject({
      invoiceNumber: invoice.invoiceNumber,
      paymentAmount: 99.5,
    });
    fake.faults.failureStatus = 'always-200';
    await expect(
      client.createPayment({
        invoiceNumber: 'INV-NOPE',
        paymentAmount: 1,
        paymentDate: '2026-03-01',
        paymentMethod: 'EFT',
      }),
    ).rejects.toBeInstanceOf(AscoraNotFoundError);
  });
});

describe('the client against a misbehaving fake Ascora over real HTTP', () => {
  async function pullAllCustomers(fake: FakeAscora, pageSize: number, sleep?: (ms: number) => Promise<void>) {
    const server = await fake.listen(0);
    try {
      const client = createAscoraClient({
        baseUrl: server.url,
        apiKey: DEMO_API_KEY,
        retry: { ...FAST_RETRY, limit: 6 },
        ...(sleep ? { sleep } : {}),
      });
      const ids: string[] = [];
      let totalPages = 1;
      for (let page = 1; page <= totalPages; page++) {
        const result = await client.listCustomers({ page, pageSize });
        totalPages = result.totalPages;
        ids.push(...result.results.map((customer) => customer.customerId));
      }
      return ids;
    } finally {
      await server.close();
    }
  }

  it('pulls every page through a rate limit by waiting as Retry-After says', async () => {
    // One clock for both sides: the client's waits move the time the fake's bucket refills by.
    let elapsed = 0;
    const waits: number[] = [];
    const fake = createFakeAscora({ seed: 2, faults: { rateLimitPerSecond: 3 }, elapsedMs: () => elapsed });
    fake.seed({ customers: 60 });
    const ids = await pullAllCustomers(fake, 10, async (ms) => {
      waits.push(ms);
      elapsed += ms;
    });
    expect(ids).toHaveLength(60);
    expect(new Set(ids)).toEqual(new Set(fake.store.customers.keys()));
    // Three pages use the bucket up; the fourth is turned away with 429 and Retry-After: 1, the
    // client waits that second, and the refilled bucket lets the last three through.
    expect(fake.requestCount).toBe(7);
    expect(waits).toEqual([1_000]);
  });

  it('gets every record exactly once through 30% random 5xx answers', async () => {
    const fake = createFakeAscora({ seed: 4, faults: { errorRate: 0.3 } });
    fake.seed({ customers: 600 });
    const ids = await pullAllCustomers(fake, 50);
    expect(ids).toHaveLength(600);
    expect(new Set(ids)).toEqual(new Set(fake.store.customers.keys()));
    expect(fake.requestCount).toBeGreaterThan(12);
  });
});

describe('the client against the fake Ascora in-process', () => {
  it('works over the fake’s fetch without a socket', async () => {
    const fake = createFakeAscora({ seed: 3 });
    fake.seed({ customers: 5 });
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
    });
    const page = await client.listCustomers({ page: 1 });
    expect(page.totalRecords).toBe(5);
    expect(fake.requestCount).toBe(1);
  });

  it('skips malformed records, reporting each with its id, and keeps the rest', async () => {
    const fake = createFakeAscora({ seed: 11 });
    fake.seed({ customers: 40, jobs: 40, invoices: 10, payments: 10, malformed: 3 });
    const reported: { entity: string; id: string | null }[] = [];
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
      onInvalidRecord: ({ entity, id }) => reported.push({ entity, id }),
    });
    const customers = await client.listCustomers({ page: 1, pageSize: 1000 });
    const jobs = await client.listJobs({ page: 1, pageSize: 1000 });
    const { invoices, invalid: badInvoices } = await client.getInvoicesToSend('2100-01-01');
    const { payments, invalid: badPayments } = await client.getPaymentsToSend('2100-01-01');

    expect(customers.results).toHaveLength(37);
    expect(jobs.results).toHaveLength(37);
    expect(invoices).toHaveLength(7);
    expect(payments).toHaveLength(7);
    const skipped = [...customers.invalid, ...jobs.invalid, ...badInvoices, ...badPayments];
    expect(new Set(skipped.map((record) => record.id))).toEqual(fake.store.malformedIds);
    expect(reported).toHaveLength(12);
    expect(customers.invalid[0]!.issues).toMatch(/customerName|emailAddress/);
    expect(jobs.invalid.map((record) => record.issues).join(' ')).toMatch(/jobStatus|dateCreated/);
  });

  it('reports a malformed single record as an error naming the record', async () => {
    const fake = createFakeAscora({ seed: 11 });
    fake.seed({ jobs: 2, malformed: 1 });
    const [brokenId] = [...fake.store.malformedIds];
    const broken = fake.store.jobs.get(brokenId!)!;
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
      onInvalidRecord: () => {},
    });
    await expect(client.getJob(broken.jobNumber)).rejects.toMatchObject({
      name: 'AscoraInvalidRecordError',
      recordId: brokenId,
    });
  });

  it('registers webhooks, delivers the bare record to their URL, and stops after deletion', async () => {
    const received: { event: string | null; body: unknown }[] = [];
    const fake = createFakeAscora({
      seed: 5,
      webhookFetch: async (input, init) => {
        const request = new Request(input, init);
        received.push({ event: new URL(request.url).searchParams.get('event'), body: await request.json() });
        return new Response(null, { status: 204 });
      },
    });
    fake.seed({ customers: 3, jobs: 3 });
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
    });
    const customerHook = await client.createWebhook({
      hookUrl: 'https://crewkit.test/hooks/secret?event=customer',
      systemName: 'Crewkit',
      hookEvent: 'CustomerModified',
    });
    await client.createWebhook({
      hookUrl: 'https://crewkit.test/hooks/secret?event=status',
      systemName: 'Crewkit',
      hookEvent: 'JobStatusChanged',
    });
    expect(fake.store.webhooks.size).toBe(2);

    const [customer] = [...fake.store.customers.values()];
    fake.store.updateCustomer(customer!.customerId, { phoneNumber: '07 3000 0000' });
    const [job] = [...fake.store.jobs.values()];
    fake.store.updateJob(job!.jobId, { jobName: 'Renamed' }); // no status change: no JobStatusChanged
    fake.store.updateJob(job!.jobId, { jobStatus: job!.jobStatus === 3 ? 1 : 3 });
    const deliveries = await fake.flushWebhooks();

    expect(deliveries.map((d) => d.status)).toEqual([204, 204]);
    expect(received).toEqual([
      {
        event: 'customer',
        body: expect.objectContaining({ customerId: customer!.customerId, phoneNumber: '07 3000 0000' }),
      },
      { event: 'status', body: expect.objectContaining({ jobId: job!.jobId, jobName: 'Renamed' }) },
    ]);

    await client.deleteWebhook(customerHook.subscriptionId);
    fake.store.updateCustomer(customer!.customerId, { phoneNumber: '07 3000 0001' });
    await fake.flushWebhooks();
    expect(received).toHaveLength(2);
    await expect(client.deleteWebhook(customerHook.subscriptionId)).rejects.toBeInstanceOf(
      AscoraNotFoundError,
    );
  });

  it('gives up with AscoraUnavailableError when every attempt times out, after the configured retries', async () => {
    const fake = createFakeAscora({ faults: { timeoutRate: 1, timeoutMs: 2_000 } });
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
      retry: { ...FAST_RETRY, limit: 2 },
      timeouts: { listMs: 50 },
    });
    const error = await client.listCustomers({ page: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraUnavailableError);
    // The client's 50 ms limit ended each attempt, not the fake's 2 s hang.
    expect((error as Error).message).toMatch(/within 50 ms/);
    expect(fake.requestCount).toBe(3);
  });
});
