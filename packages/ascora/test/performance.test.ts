import { ascoraCustomerSchema, ascoraJobSchema, createAscoraClient } from '@crewkit/ascora';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { describe, expect, it } from 'vitest';

/**
 * The fastest of `runs` timings of `work`, after a warm-up so the JIT has seen the code. The fastest,
 * not the median, because these tests share a small machine with others: the minimum measures the
 * code, the median mostly measures the neighbours.
 */
async function fastest(runs: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < 5; i++) await work();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('parsing speed', () => {
  const fake = createFakeAscora({ seed: 9 });
  fake.seed({ customers: 1000, jobs: 1000 });
  const customers = [...fake.store.customers.values()];
  const jobs = [...fake.store.jobs.values()];

  it('validates a 1000-record page of customers and of jobs in a few milliseconds', async () => {
    const customerMs = await fastest(21, () => {
      for (const customer of customers) ascoraCustomerSchema.parse(customer);
    });
    const jobMs = await fastest(21, () => {
      for (const job of jobs) ascoraJobSchema.parse(job);
    });
    console.info(
      `zod, 1000 records: customers ${customerMs.toFixed(2)} ms, jobs ${jobMs.toFixed(2)} ms (fastest of 21)`,
    );
    expect(customerMs).toBeLessThan(20);
    expect(jobMs).toBeLessThan(20);
  });

  it('turns a 1000-record page from the wire into records in a few milliseconds', async () => {
    const customerBody = JSON.stringify({
      success: true,
      results: customers,
      totalPages: 1,
      totalRecords: 1000,
    });
    const jobBody = JSON.stringify({ success: true, results: jobs, totalPages: 1, totalRecords: 1000 });
    const client = createAscoraClient({
      baseUrl: 'https://api.ascora.com.au',
      apiKey: DEMO_API_KEY,
      fetch: async (input) =>
        new Response(String(new Request(input).url).includes('Jobs') ? jobBody : customerBody, {
          headers: { 'Content-Type': 'application/json' },
        }),
    });
    const customerMs = await fastest(21, () => client.listCustomers({ page: 1, pageSize: 1000 }));
    const jobMs = await fastest(21, () => client.listJobs({ page: 1, pageSize: 1000 }));
    console.info(
      `client call incl. JSON.parse, 1000 records (${(customerBody.length / 1024).toFixed(0)} KiB / ` +
        `${(jobBody.length / 1024).toFixed(0)} KiB): customers ${customerMs.toFixed(2)} ms, jobs ${jobMs.toFixed(2)} ms (fastest of 21)`,
    );
    expect(customerMs).toBeLessThan(40);
    expect(jobMs).toBeLessThan(40);
  });

  it('serves and parses 10,000 customers at PageSize 250 from the fake over real HTTP', async () => {
    const big = createFakeAscora({ seed: 10 });
    big.seed({ customers: 10_000 });
    const server = await big.listen(0);
    try {
      const client = createAscoraClient({ baseUrl: server.url, apiKey: DEMO_API_KEY });
      const started = performance.now();
      let total = 0;
      let pages = 1;
      for (let page = 1; page <= pages; page++) {
        const result = await client.listCustomers({ page, pageSize: 250 });
        pages = result.totalPages;
        total += result.results.length;
      }
      const elapsed = performance.now() - started;
      console.info(`10,000 customers, 40 pages over loopback, sequential: ${elapsed.toFixed(0)} ms`);
      expect(total).toBe(10_000);
      expect(big.requestCount).toBe(40);
    } finally {
      await server.close();
    }
  });
});
