import { ascoraCustomerSchema, ascoraJobSchema, createAscoraClient } from '@crewkit/ascora';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { describe, expect, it } from 'vitest';

// How fast these run is measured by test/bench/ascora-parsing.ts (npm run bench), not asserted here:
// an elapsed-time bound in a test measures the machine's neighbours as much as the code.
describe('large pages', () => {
  const fake = createFakeAscora({ seed: 9 });
  fake.seed({ customers: 1000, jobs: 1000 });
  const customers = [...fake.store.customers.values()];
  const jobs = [...fake.store.jobs.values()];

  it('validates every record of a 1000-record page of customers and of jobs', () => {
    expect(customers.map((customer) => ascoraCustomerSchema.safeParse(customer).success)).not.toContain(
      false,
    );
    expect(jobs.map((job) => ascoraJobSchema.safeParse(job).success)).not.toContain(false);
  });

  it('turns a 1000-record page from the wire into 1000 records', async () => {
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
    const customerPage = await client.listCustomers({ page: 1, pageSize: 1000 });
    const jobPage = await client.listJobs({ page: 1, pageSize: 1000 });
    expect(customerPage.results).toHaveLength(1000);
    expect(customerPage.invalid).toEqual([]);
    expect(jobPage.results).toHaveLength(1000);
    expect(jobPage.invalid).toEqual([]);
  });

  it('serves and parses 10,000 customers at PageSize 250 from the fake over real HTTP', async () => {
    const big = createFakeAscora({ seed: 10 });
    big.seed({ customers: 10_000 });
    const server = await big.listen(0);
    try {
      const client = createAscoraClient({ baseUrl: server.url, apiKey: DEMO_API_KEY });
      let total = 0;
      let pages = 1;
      for (let page = 1; page <= pages; page++) {
        const result = await client.listCustomers({ page, pageSize: 250 });
        pages = result.totalPages;
        total += result.results.length;
      }
      expect(total).toBe(10_000);
      expect(big.requestCount).toBe(40);
    } finally {
      await server.close();
    }
  });
});
