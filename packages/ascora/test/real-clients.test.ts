/**
 * The fake answers what public Ascora clients send as Ascora does (issue #16 §9): Pipedream's
 * `components/ascora` and corsair's `packages/ascora`, whose request bodies and expectations are
 * reproduced here; and the client reads what those integrations have seen Ascora answer.
 */
import { AscoraNotFoundError, createAscoraClient } from '@crewkit/ascora';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { describe, expect, it } from 'vitest';

function post(fake: ReturnType<typeof createFakeAscora>, path: string, body: unknown) {
  return fake.app.request(path, {
    method: 'POST',
    headers: { Auth: DEMO_API_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('the fake Ascora, for real clients', () => {
  it("creates the customer Pipedream's action sends: contact names and a { Name } lead source, no customerName", async () => {
    const fake = createFakeAscora({ faults: { failureStatus: 'http' } });
    const response = await post(fake, '/Customers/Customer', {
      companyName: undefined,
      contactFirstName: 'Pat',
      contactLastName: 'Lee',
      emailAddress: 'pat@example.com',
      leadSource: { Name: 'Website' },
      customerType: { Name: 'Residential' },
    });
    expect(response.status).toBe(200);
    const { success, customer } = await response.json();
    expect(success).toBe(true);
    expect(customer).toMatchObject({
      customerName: 'Pat Lee',
      leadSource: { id: expect.any(String), name: 'Website' },
      customerType: { id: expect.any(String), name: 'Residential' },
    });
  });

  it("creates the customer corsair's upsert sends with a company name alone", async () => {
    const fake = createFakeAscora({ faults: { failureStatus: 'http' } });
    const response = await post(fake, '/Customers/Customer', { companyName: 'New Co' });
    expect(response.status).toBe(200);
    expect((await response.json()).customer).toMatchObject({ customerName: 'New Co', companyName: 'New Co' });
  });

  it('gives a job created without totals numbers, not nulls, as the clients’ schemas expect', async () => {
    const fake = createFakeAscora();
    const site = fake.store.createCustomer();
    const response = await post(fake, '/Jobs/Job', {
      siteCustomer: { id: site.customerId },
      jobName: 'Leak',
    });
    expect((await response.json()).job).toMatchObject({
      totalIncTax: 0,
      totalExTax: 0,
      jobStatusText: 'New',
    });
  });

  it("lists jobs with corsair's IncludeChildJobs and refuses a value that is not a boolean", async () => {
    const fake = createFakeAscora();
    fake.seed({ jobs: 3 });
    const auth = { headers: { Auth: DEMO_API_KEY } };
    const listed = await fake.app.request('/Jobs/Jobs?Page=1&JobStatus=ALL&IncludeChildJobs=true', auth);
    expect((await listed.json()).totalRecords).toBe(3);
    const refused = await fake.app.request('/Jobs/Jobs?IncludeChildJobs=maybe', auth);
    expect((await refused.json()).success).toBe(false);
  });
});

describe('the client, against what Ascora answers', () => {
  it('reads "No Matching Job Found (X)" with status 200 as a missing job', async () => {
    const fake = createFakeAscora({ faults: { failureStatus: 'always-200' } });
    const client = createAscoraClient({
      baseUrl: 'http://ascora.test',
      apiKey: DEMO_API_KEY,
      fetch: fake.fetch,
    });
    const raw = await fake.app.request('/Jobs/Job/J404', { headers: { Auth: DEMO_API_KEY } });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ success: false, message: 'No Matching Job Found (J404)' });
    await expect(client.getJob('J404')).rejects.toBeInstanceOf(AscoraNotFoundError);
  });

  it('sends IncludeChildJobs when asked', async () => {
    const fake = createFakeAscora();
    fake.seed({ jobs: 2 });
    const seen: string[] = [];
    const client = createAscoraClient({
      baseUrl: 'http://ascora.test',
      apiKey: DEMO_API_KEY,
      fetch: (input, init) => {
        const request = new Request(input, init);
        seen.push(request.url);
        return fake.fetch(request);
      },
    });
    const page = await client.listJobs({ page: 1, jobStatus: 'ALL', includeChildJobs: true });
    expect(page.results).toHaveLength(2);
    expect(seen[0]).toContain('IncludeChildJobs=true');
  });
});
