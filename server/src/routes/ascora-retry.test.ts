import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { ascoraMappings, customers, jobs } from '../db/schema.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Failure {
  id: string;
  entity: string;
  ascoraId: string | null;
  localId: string | null;
  reason: string;
  retriedAt: string | null;
  resolvedAt: string | null;
}

/**
 * A server with a running job queue and a fake Ascora over HTTP. Ascora "refuses" customer saves
 * while `refuse.customers` is set, as it would a record it finds invalid.
 */
async function setup(seed: Parameters<ReturnType<typeof createFakeAscora>['seed']>[0]) {
  const fake = createFakeAscora();
  fake.seed({ customers: 6, jobs: 4 });
  fake.seed(seed);
  const server = await fake.listen();
  const refuse = { customers: false };
  const refusingFetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    if (refuse.customers && request.method === 'POST' && /\/customers\/customer$/i.test(url.pathname)) {
      return Response.json({ success: false, message: 'CUSTOMER-NAME-NOT-ALLOWED' }, { status: 400 });
    }
    return fetch(request);
  };
  const t = await createTestContext({
    queue: true,
    ascora: {
      clientOptions: { retry: { limit: 1, initialDelayMs: 5, maxDelayMs: 20 }, fetch: refusingFetch },
      // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
      urls: { allowPrivate: true },
    },
  });
  const queue = t.services.queue!;
  closers.push(
    () => t.close(),
    () => server.close(),
  );
  const org = await t.createOrg();
  const base = `/api/v1/organizations/${org.orgId}/ascora`;
  const connected = await t.request('PUT', `${base}/connection`, {
    token: org.secretKey,
    body: { apiKey: DEMO_API_KEY, baseUrl: server.url },
  });
  expect(connected.status).toBe(200);
  expect((await queue.drain()).failed).toEqual([]);
  return { t, fake, queue, org, base, refuse };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function latestRun({ t, org, base }: Setup) {
  const logs = await t.request('GET', `${base}/logs`, { token: org.secretKey });
  const detail = await t.request('GET', `${base}/logs/${logs.body.data[0].id}`, { token: org.secretKey });
  expect(detail.status).toBe(200);
  return detail.body as { id: string; failures: Failure[] };
}

async function syncNow(context: Setup) {
  const { t, org, base, queue } = context;
  const started = await t.request('POST', `${base}/sync`, { token: org.secretKey });
  expect(started.status).toBe(202);
  expect((await queue.drain()).failed).toEqual([]);
  return latestRun(context);
}

function retry(context: Setup, runId: string, failureId: string, token = context.org.secretKey) {
  return context.t.request('POST', `${context.base}/logs/${runId}/failures/${failureId}/retry`, { token });
}

async function userToken(t: TestContext, org: TestOrg, role: 'admin' | 'dispatcher' | 'technician') {
  const email = `${role}-${org.orgId.slice(-6)}@example.com`;
  const password = `${role}-password-123`;
  const created = await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
    token: org.secretKey,
    body: { email, name: `The ${role}`, role, password },
  });
  expect(created.status).toBe(201);
  return (await t.login(email, password)).accessToken;
}

describe('Retrying one failed Ascora record', () => {
  it('fails again with the new reason while the customer is broken, and syncs it once Ascora has it right', async () => {
    const context = await setup({ customers: 2, malformed: 1 });
    const { t, fake, org } = context;
    const run = await latestRun(context);
    const broken = [...fake.store.malformedIds].find((id) => fake.store.customers.has(id))!;
    const failure = run.failures.find((f) => f.ascoraId === broken)!;
    expect(failure).toMatchObject({
      id: expect.any(String),
      entity: 'customer',
      localId: null,
      retriedAt: null,
      resolvedAt: null,
    });

    // Still broken in Ascora, now in another way: the failure stays open with the new reason.
    const record = fake.store.customers.get(broken)!;
    fake.store.customers.set(broken, { ...record, customerName: 'Kim Broken', emailAddress: 42 } as never);
    const again = await retry(context, run.id, failure.id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^invalid record: /),
    });
    expect(again.body.reason).not.toBe(failure.reason);
    expect(again.body.failure).toMatchObject({
      id: failure.id,
      reason: again.body.reason,
      retriedAt: expect.any(String),
      resolvedAt: null,
    });

    fake.store.customers.set(broken, {
      ...record,
      customerName: 'Kim Fixed',
      emailAddress: 'kim@fixed.example',
    });
    const fixed = await retry(context, run.id, failure.id);
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ outcome: 'synced', reason: null });
    expect(fixed.body.failure.resolvedAt).toEqual(expect.any(String));
    const [mapping] = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.ascoraId, broken)));
    const [local] = await t.database.db.select().from(customers).where(eq(customers.id, mapping!.localId));
    expect(local).toMatchObject({ orgId: org.orgId, name: 'Kim Fixed', email: 'kim@fixed.example' });

    // The run's log shows it resolved, and a resolved failure is not retried again.
    const reread = await latestRun(context);
    expect(reread.failures.find((f) => f.id === failure.id)!.resolvedAt).toBe(fixed.body.failure.resolvedAt);
    const twice = await retry(context, run.id, failure.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('conflict');
  });

  it('pushes a customer Ascora refused once Ascora accepts it, and keeps it failing while it refuses', async () => {
    const context = await setup({});
    const { t, fake, org, refuse } = context;
    const created = await t.request('POST', `/api/v1/organizations/${org.orgId}/customers`, {
      token: org.secretKey,
      body: { name: 'Robin Refused', email: 'robin@refused.example' },
    });
    expect(created.status).toBe(201);
    refuse.customers = true;
    const run = await syncNow(context);
    const failure = run.failures.find((f) => f.localId === created.body.id)!;
    expect(failure).toMatchObject({ entity: 'customer', ascoraId: null, resolvedAt: null });
    expect(failure.reason).toContain('CUSTOMER-NAME-NOT-ALLOWED');

    const refused = await retry(context, run.id, failure.id);
    expect(refused.body).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('CUSTOMER-NAME-NOT-ALLOWED'),
      failure: { resolvedAt: null, retriedAt: expect.any(String) },
    });

    refuse.customers = false;
    const customersBefore = fake.store.customers.size;
    const pushed = await retry(context, run.id, failure.id);
    expect(pushed.body).toMatchObject({ outcome: 'synced', failure: { resolvedAt: expect.any(String) } });
    expect(fake.store.customers.size).toBe(customersBefore + 1);
    const [mapping] = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.localId, created.body.id)));
    expect(fake.store.customers.get(mapping!.ascoraId)).toMatchObject({ customerName: 'Robin Refused' });
  });

  it('fetches a job again by the number Crewkit knows, and queues a full sync for one it does not', async () => {
    const context = await setup({ jobs: 2, invoices: 2, malformed: 1 });
    const { t, fake, org, queue, base } = context;
    const first = await latestRun(context);

    // A new job Ascora sent malformed has no number Crewkit knows: only a full sync finds it again.
    const unknownJob = first.failures.find((f) => f.entity === 'job')!;
    expect(unknownJob.localId).toBeNull();
    const queued = await retry(context, first.id, unknownJob.id);
    expect(queued.body).toMatchObject({
      outcome: 'queued',
      reason: expect.stringContaining('number'),
      failure: { resolvedAt: null, retriedAt: expect.any(String) },
    });
    const invoice = first.failures.find((f) => f.entity === 'invoice')!;
    const invoiceRetry = await retry(context, first.id, invoice.id);
    expect(invoiceRetry.body).toMatchObject({ outcome: 'queued', failure: { resolvedAt: null } });
    const { ran, failed } = await queue.drain();
    expect({ ran, failed }).toEqual({ ran: 1, failed: [] });
    const logs = await t.request('GET', `${base}/logs`, { token: org.secretKey });
    expect(logs.body.data[0]).toMatchObject({ trigger: 'manual', status: 'completed' });

    // A job Crewkit already has, broken in Ascora since: retried by its number.
    const [linked] = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.entity, 'job')))
      .limit(1);
    const remote = fake.store.jobs.get(linked!.ascoraId.toLowerCase())!;
    // Through the store's own edit, so its cached job list sees the change too.
    fake.store.updateJob(remote.jobId, { jobStatus: 'Completed' as never });
    const second = await syncNow(context);
    const failure = second.failures.find((f) => f.ascoraId === remote.jobId)!;
    expect(failure).toMatchObject({ entity: 'job', reason: expect.stringMatching(/^invalid record: /) });
    const stillBroken = await retry(context, second.id, failure.id);
    expect(stillBroken.body).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^invalid record/),
    });

    fake.store.updateJob(remote.jobId, { jobName: 'Renamed While Broken', jobStatus: 2 });
    const fixed = await retry(context, second.id, failure.id);
    expect(fixed.body).toMatchObject({ outcome: 'synced', reason: null });
    const [job] = await t.database.db.select().from(jobs).where(eq(jobs.id, linked!.localId));
    expect(job).toMatchObject({ name: 'Renamed While Broken', status: 'completed' });
  });

  it('answers ascora_unavailable and leaves the failure as it was when Ascora does not answer', async () => {
    const context = await setup({ customers: 2, malformed: 1 });
    const { fake } = context;
    const run = await latestRun(context);
    const [failure] = run.failures;
    fake.faults.errorRate = 1;
    const response = await retry(context, run.id, failure!.id);
    expect(response.status).toBe(502);
    expect(response.body.code).toBe('ascora_unavailable');
    fake.faults.errorRate = 0;
    const after = await latestRun(context);
    expect(after.failures.find((f) => f.id === failure!.id)).toEqual(failure);
  });

  it('refuses a retry once the organization is disconnected', async () => {
    const context = await setup({ customers: 2, malformed: 1 });
    const { t, org, base } = context;
    const run = await latestRun(context);
    expect((await t.request('DELETE', `${base}/connection`, { token: org.secretKey })).status).toBe(204);
    const response = await retry(context, run.id, run.failures[0]!.id);
    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('not connected');
  });

  it('hides another organization’s failures and an unknown one behind 404', async () => {
    const context = await setup({ customers: 2, malformed: 1 });
    const { t } = context;
    const run = await latestRun(context);
    const failure = run.failures[0]!;
    const other = await t.createOrg();
    const foreignToken = await retry(context, run.id, failure.id, other.secretKey);
    expect(foreignToken.status).toBe(404);
    const ownOrgPath = await t.request(
      'POST',
      `/api/v1/organizations/${other.orgId}/ascora/logs/${run.id}/failures/${failure.id}/retry`,
      { token: other.secretKey },
    );
    expect(ownOrgPath.status).toBe(404);
    const unknown = await retry(context, run.id, '01900000-0000-7000-8000-00000000dead');
    expect(unknown.status).toBe(404);
    const otherRun = await retry(context, '01900000-0000-7000-8000-00000000beef', failure.id);
    expect(otherRun.status).toBe(404);
    expect((await latestRun(context)).failures[0]).toEqual(failure);
  });

  it('lets owners and admins retry, and refuses dispatchers and technicians with 403', async () => {
    const context = await setup({ customers: 2, malformed: 1 });
    const { t, org } = context;
    const run = await latestRun(context);
    const failure = run.failures[0]!;
    for (const role of ['dispatcher', 'technician'] as const) {
      const response = await retry(context, run.id, failure.id, await userToken(t, org, role));
      expect(response.status).toBe(403);
    }
    expect((await latestRun(context)).failures[0]!.retriedAt).toBeNull();
    const admin = await retry(context, run.id, failure.id, await userToken(t, org, 'admin'));
    expect(admin.status).toBe(200);
    expect(admin.body.outcome).toBe('failed');
  });
});
