import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { ascoraSyncFailures, ascoraSyncRuns } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { seedDemo } from '../seed/demo.js';
import { seedDemoAppointments } from '../seed/demo-live.js';

// One database, fake Ascora and queue for the file (setting them up costs seconds); each test
// works on customers or visits of its own.
let t: TestContext;
let fake: FakeAscora;
let orgId: string;
let token: string;
let closeFake: () => Promise<void>;
let fakeUrl: string;

const api = (method: string, path: string, body?: unknown) =>
  t.request(method, `/api/v1/organizations/${orgId}${path}`, {
    token,
    ...(body === undefined ? {} : { body }),
  });

async function drain() {
  const { failed } = await t.services.queue!.drain();
  expect(failed).toEqual([]);
}

async function sync() {
  expect((await api('POST', '/ascora/sync')).status).toBe(202);
  await drain();
}

/** A demo customer with an email of its own, and its Ascora id (it was pushed at the first sync). */
async function linkedCustomer(index: number) {
  const list = await api('GET', '/customers?limit=100');
  const customer = list.body.data.filter((c: { email: string | null }) => c.email)[index];
  expect(customer.ascora).toMatchObject({ state: 'linked' });
  return customer as { id: string; name: string; phone: string | null; ascora: { ascoraId: string } };
}

async function visits(): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    t.database.db,
    sql`select id::text as id from appointments where org_id = ${orgId} and rescheduled_to_id is null
      and status not in ('cancelled', 'no_show') order by id`,
  );
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  t = await createTestContext({
    http: true,
    queue: true,
    ascora: { clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } }, urls: { allowPrivate: true } },
  });
  fake = createFakeAscora();
  fake.seed({ customers: 3, jobs: 2 });
  const server = await fake.listen();
  closeFake = server.close;
  fakeUrl = server.url;
  const demo = await seedDemo(t.database.db, { secret: t.config.secret, origins: [] });
  await seedDemoAppointments(t.baseUrl!, demo, t.services.now);
  orgId = demo.orgId;
  token = demo.secretKey;
}, 120_000);

afterAll(async () => {
  await closeFake?.();
  await t?.close();
});

describe('The Ascora link of customers and appointments', () => {
  it('is null everywhere while the organization is not connected', async () => {
    const list = await api('GET', '/customers?limit=5');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.every((c: { ascora: unknown }) => c.ascora === null)).toBe(true);
    const [visit] = await visits();
    const appointment = await api('GET', `/appointments/${visit}`);
    expect(appointment.body.ascora).toBeNull();
  });

  it('shows every customer linked after the first sync, with its Ascora id and when it last synced', async () => {
    const connected = await api('PUT', '/ascora/connection', { apiKey: DEMO_API_KEY, baseUrl: fakeUrl });
    expect(connected.status).toBe(200);
    await drain();
    const list = await api('GET', '/customers?limit=100');
    const pulledIds = new Set(fake.store.customerList().map((c) => c.customerId.toLowerCase()));
    expect(list.body.data.length).toBeGreaterThan(3);
    for (const customer of list.body.data) {
      expect(customer.ascora).toMatchObject({ state: 'linked', lastError: null, ascoraNumber: null });
      expect(pulledIds.has(customer.ascora.ascoraId.toLowerCase())).toBe(true);
      expect(Date.parse(customer.ascora.lastSyncedAt)).not.toBeNaN();
    }
    const created = await api('POST', '/customers', { name: 'Walk-in', email: 'walk-in@example.com' });
    expect((await api('GET', `/customers/${created.body.id}`)).body.ascora).toBeNull();
  });

  it('turns pending when the customer is edited here, and linked again once pushed on demand', async () => {
    const customer = await linkedCustomer(0);
    const edited = await api('PATCH', `/customers/${customer.id}`, { phone: '+61 400 111 222' });
    expect(edited.body.ascora).toMatchObject({ state: 'pending', ascoraId: customer.ascora.ascoraId });
    const pushed = await api('POST', '/ascora/records/push', {
      recordType: 'customer',
      recordId: customer.id,
    });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body).toMatchObject({
      recordType: 'customer',
      id: customer.id,
      ascora: { state: 'linked', ascoraId: customer.ascora.ascoraId, lastError: null },
    });
    expect(fake.store.customers.get(customer.ascora.ascoraId.toLowerCase())?.phoneNumber).toBe(
      '+61 400 111 222',
    );
    expect((await api('GET', `/customers/${customer.id}`)).body.ascora.state).toBe('linked');
    const [entry] = await queryRows<{ actor: string }>(
      t.database.db,
      sql`select actor_id as actor from audit_log where org_id = ${orgId} and operation = 'pushToAscora'`,
    );
    expect(entry).toBeDefined();
  });

  it('takes Ascora’s side when pulled on demand, over an edit here that was not pushed', async () => {
    const customer = await linkedCustomer(1);
    fake.store.updateCustomer(customer.ascora.ascoraId.toLowerCase(), { customerName: 'Renamed in Ascora' });
    await api('PATCH', `/customers/${customer.id}`, { name: 'Renamed here' });
    const pulled = await api('POST', '/ascora/records/pull', {
      recordType: 'customer',
      recordId: customer.id,
    });
    expect(pulled.status, pulled.text).toBe(200);
    expect(pulled.body.ascora.state).toBe('linked');
    expect((await api('GET', `/customers/${customer.id}`)).body.name).toBe('Renamed in Ascora');
  });

  it('shows a conflict the sync queued, and a push settles it with this side’s fields', async () => {
    expect((await api('PATCH', '/ascora/settings', { conflictStrategy: 'manual' })).status).toBe(200);
    const customer = await linkedCustomer(2);
    fake.store.updateCustomer(customer.ascora.ascoraId.toLowerCase(), { customerName: 'Their name' });
    await api('PATCH', `/customers/${customer.id}`, { name: 'Our name' });
    await sync();
    expect((await api('GET', `/customers/${customer.id}`)).body.ascora.state).toBe('conflict');
    const pushed = await api('POST', '/ascora/records/push', {
      recordType: 'customer',
      recordId: customer.id,
    });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body.ascora.state).toBe('linked');
    expect(fake.store.customers.get(customer.ascora.ascoraId.toLowerCase())?.customerName).toBe('Our name');
    const open = await api('GET', '/ascora/conflicts?status=open');
    expect(open.body.data.map((c: { localId: string }) => c.localId)).not.toContain(customer.id);
    expect((await api('PATCH', '/ascora/settings', { conflictStrategy: 'newest_wins' })).status).toBe(200);
  });

  it('shows a sync’s failure with its reason until the customer syncs past it', async () => {
    const customer = await linkedCustomer(3);
    const runId = newId();
    await t.database.db.insert(ascoraSyncRuns).values({
      id: runId,
      orgId,
      trigger: 'schedule',
      status: 'completed',
      counts: { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 1 },
    });
    await t.database.db.insert(ascoraSyncFailures).values({
      id: newId(),
      orgId,
      runId,
      entity: 'customer',
      ascoraId: customer.ascora.ascoraId,
      localId: customer.id,
      reason: 'Ascora refused the customer: VALIDATION-FAILED',
    });
    const failed = await api('GET', `/customers/${customer.id}`);
    expect(failed.body.ascora).toMatchObject({
      state: 'error',
      lastError: 'Ascora refused the customer: VALIDATION-FAILED',
    });
    const pushed = await api('POST', '/ascora/records/push', {
      recordType: 'customer',
      recordId: customer.id,
    });
    expect(pushed.body.ascora).toMatchObject({ state: 'linked', lastError: null });
  });

  it('links an appointment through its work order when pushed, and shows it on the job with its visits', async () => {
    const [visit] = await visits();
    expect((await api('GET', `/appointments/${visit}`)).body.ascora).toBeNull();
    const pushed = await api('POST', '/ascora/records/push', { recordType: 'appointment', recordId: visit });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body).toMatchObject({ recordType: 'appointment', id: visit, ascora: { state: 'linked' } });
    expect(pushed.body.ascora.ascoraNumber).toMatch(/^J\d+$/);
    const appointment = await api('GET', `/appointments/${visit}`);
    expect(appointment.body.ascora).toEqual(pushed.body.ascora);
    const listed = await api('GET', `/appointments?limit=100`);
    const row = listed.body.data.find((a: { id: string }) => a.id === visit);
    expect(row.ascora).toEqual(pushed.body.ascora);
    const jobs = await api('GET', '/jobs?limit=100');
    const job = jobs.body.data.find((j: { number: string }) => j.number === pushed.body.ascora.ascoraNumber);
    expect(job.ascora).toEqual(pushed.body.ascora);
    expect(job.visits.map((v: { appointmentId: string }) => v.appointmentId)).toEqual([visit]);
  });

  it('pulls an appointment’s work order from Ascora on demand', async () => {
    const [, visit] = await visits();
    const pushed = await api('POST', '/ascora/records/push', { recordType: 'appointment', recordId: visit });
    expect(pushed.status, pushed.text).toBe(200);
    const remote = fake.store.findJobByNumber(pushed.body.ascora.ascoraNumber)!;
    fake.store.updateJob(remote.jobId, { jobName: 'Renamed in Ascora' });
    const pulled = await api('POST', '/ascora/records/pull', { recordType: 'appointment', recordId: visit });
    expect(pulled.status, pulled.text).toBe(200);
    expect(pulled.body.ascora.state).toBe('linked');
    const jobs = await api('GET', '/jobs?limit=100');
    const job = jobs.body.data.find((j: { number: string }) => j.number === pushed.body.ascora.ascoraNumber);
    expect(job.name).toBe('Renamed in Ascora');
  });

  it('refuses to pull a record Ascora does not have yet, and changes nothing', async () => {
    const [, , visit] = await visits();
    const before = await t.snapshot();
    const pulled = await api('POST', '/ascora/records/pull', { recordType: 'appointment', recordId: visit });
    expect(pulled.status).toBe(409);
    expect(pulled.body.code).toBe('conflict');
    expect(await t.snapshot()).toBe(before);
  });

  it('answers 404 for another organization’s customer or appointment, which stays untouched', async () => {
    const other = await t.createOrg();
    const customer = await linkedCustomer(0);
    const [visit] = await visits();
    for (const [recordType, recordId] of [
      ['customer', customer.id],
      ['appointment', visit],
    ]) {
      for (const way of ['push', 'pull']) {
        const response = await t.request(
          'POST',
          `/api/v1/organizations/${other.orgId}/ascora/records/${way}`,
          {
            token: other.secretKey,
            body: { recordType, recordId },
          },
        );
        expect(response.status, `${way} ${recordType}`).toBe(404);
      }
    }
  });
});
