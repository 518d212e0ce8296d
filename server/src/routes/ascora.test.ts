import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createTestContext,
  type TestContext,
  type TestOrg,
  testConfig,
  testDatabaseKind,
} from '../../test-support/harness.js';
import { createApp } from '../app.js';
import { openDatabase } from '../db/index.js';
import { ascoraConnections, ascoraMappings, customers } from '../db/schema.js';
import { createLogger } from '../logger.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup() {
  const t = await createTestContext({
    http: true,
    queue: true,
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    ascora: { clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } }, urls: { allowPrivate: true } },
  });
  const fake = createFakeAscora();
  fake.seed({ customers: 20, jobs: 10 });
  const server = await fake.listen();
  const queue = t.services.queue!;
  closers.push(
    () => t.close(),
    () => server.close(),
  );
  const org = await t.createOrg();
  const base = `/api/v1/organizations/${org.orgId}/ascora`;
  return { t, fake, url: server.url, queue, org, base };
}

describe('Ascora routes', () => {
  it('connects with a verified key, keeps it encrypted and never returns it', async () => {
    const { t, url, org, base } = await setup();
    const status = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url, settings: { conflictStrategy: 'manual' } },
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      connected: true,
      baseUrl: url,
      settings: { conflictStrategy: 'manual' },
    });
    expect(status.text).not.toContain(DEMO_API_KEY);
    const [row] = await t.database.db
      .select()
      .from(ascoraConnections)
      .where(eq(ascoraConnections.orgId, org.orgId));
    expect(row!.apiKeySealed).toMatch(/^v1\./);
    expect(row!.apiKeySealed).not.toContain(DEMO_API_KEY);
    const read = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(read.text).not.toContain(DEMO_API_KEY);
    expect(read.body.webhookUrl).toBeNull();
  });

  it('refuses a key Ascora rejects with 422 ascora_rejected and stores nothing', async () => {
    const { t, url, org, base } = await setup();
    const response = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: 'ascora_wrong_key', baseUrl: url },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('ascora_rejected');
    expect(await t.database.db.select().from(ascoraConnections)).toHaveLength(0);
  });

  it('registers webhooks on connect, syncs from the queue, and acts on a webhook once', async () => {
    const { t, fake, url, org, base, queue } = await setup();
    const connected = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url },
    });
    expect(fake.store.webhooks.size).toBe(5);
    await queue.drain();
    const sync = await t.request('GET', `${base}/sync/status`, { token: org.secretKey });
    expect(sync.body.run).toMatchObject({
      status: 'completed',
      trigger: 'connect',
      counts: { created: 30, failed: 0 },
    });

    const [remote] = [...fake.store.customers.values()];
    fake.store.updateCustomer(remote!.customerId, { customerName: 'Changed Through A Webhook' });
    await fake.flushWebhooks();
    // Ascora delivering the same event again is accepted and ignored.
    const again = await t.request('POST', connected.body.webhookUrl, {
      body: { ...fake.store.customers.get(remote!.customerId) },
    });
    expect(again.status).toBe(202);
    const { ran } = await queue.drain();
    expect(ran).toBe(1);
    const [row] = await t.database.db
      .select()
      .from(customers)
      .where(eq(customers.email, remote!.emailAddress!));
    expect(row!.name).toBe('Changed Through A Webhook');

    const wrong = await t.request('POST', `${base}/webhooks/${'x'.repeat(43)}`, {
      body: { customerId: remote!.customerId },
    });
    expect(wrong.status).toBe(404);

    const logs = await t.request('GET', `${base}/logs`, { token: org.secretKey });
    expect(logs.body.data).toHaveLength(1);
    const disconnected = await t.request('DELETE', `${base}/connection`, { token: org.secretKey });
    expect(disconnected.status).toBe(204);
    expect(fake.store.webhooks.size).toBe(0);
    const status = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(status.body).toMatchObject({ connected: false });
    const jobsPage = await t.request('GET', `/api/v1/organizations/${org.orgId}/jobs?limit=5`, {
      token: org.secretKey,
    });
    expect(jobsPage.body.data).toHaveLength(5);
    expect(jobsPage.body.data[0].ascoraId).toEqual(expect.any(String));
  });

  it("answers 404 to another organization's credential for status and connect", async () => {
    const { t, url, base } = await setup();
    const other = await t.createOrg();
    const foreign = await t.request('GET', `${base}/status`, { token: other.secretKey });
    expect(foreign.status).toBe(404);
    const connect = await t.request('PUT', `${base}/connection`, {
      token: other.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url },
    });
    expect(connect.status).toBe(404);
  });
});

const zone = 'Australia/Sydney';
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

/** Books one appointment through the API: a technician working weekdays, a service, a new customer. */
async function bookAppointment(t: TestContext, org: TestOrg) {
  const base = `/api/v1/organizations/${org.orgId}`;
  const token = org.secretKey;
  const technician = await t.request('POST', `${base}/technicians`, { token, body: { name: 'Sam' } });
  await t.request('PUT', `${base}/technicians/${technician.body.id}/schedule`, {
    token,
    body: {
      weeklyHours: Object.fromEntries(weekdays.map((day) => [day, [{ start: '08:00', end: '17:00' }]])),
    },
  });
  const item = await t.request('POST', `${base}/services/items`, {
    token,
    body: { name: 'Blocked drain', durationMinutes: 60, basePriceMinor: 18_000 },
  });
  let day = addDays(localDateOf(zone, Date.now()), 14);
  while (isoWeekday(day) !== 2) day = addDays(day, 1);
  const booked = await t.request('POST', `${base}/appointments`, {
    token,
    body: {
      serviceItemId: item.body.id,
      start: new Date(localToInstant(zone, day, 10 * 60)).toISOString(),
      customer: { name: 'Dana Drain', email: 'dana@drain.example' },
      notes: 'Kitchen sink',
    },
  });
  expect(booked.status).toBe(201);
  return booked.body as { id: string; customerId: string };
}

async function connect(context: Awaited<ReturnType<typeof setup>>, settings?: Record<string, unknown>) {
  const { t, url, org, base, queue } = context;
  const connected = await t.request('PUT', `${base}/connection`, {
    token: org.secretKey,
    body: { apiKey: DEMO_API_KEY, baseUrl: url, ...(settings ? { settings } : {}) },
  });
  expect(connected.status).toBe(200);
  const { failed } = await queue.drain();
  expect(failed).toEqual([]);
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

describe('Pushing an appointment to Ascora as a job', () => {
  it('creates the Ascora job once however often it is pushed, and records the mapping', async () => {
    const context = await setup();
    const { t, fake, org, base } = context;
    await connect(context);
    const appointment = await bookAppointment(t, org);
    const jobsBefore = fake.store.jobs.size;
    const customersBefore = fake.store.customers.size;

    // The first with a key, as the SDK sends it; the second without one, so it is really pushed
    // again rather than replayed.
    const first = await t.request('POST', `${base}/jobs`, {
      token: org.secretKey,
      headers: { 'idempotency-key': 'push-dana-1' },
      body: { appointmentId: appointment.id },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      name: 'Blocked drain',
      description: 'Kitchen sink',
      status: 'booked',
      siteCustomerId: appointment.customerId,
      totalExTaxMinor: 18_000,
      ascoraId: expect.any(String),
    });
    const second = await t.request('POST', `${base}/jobs`, {
      token: org.secretKey,
      body: { appointmentId: appointment.id },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, ascoraId: first.body.ascoraId });

    // One new job and its customer in Ascora, not two of each.
    expect(fake.store.jobs.size).toBe(jobsBefore + 1);
    expect(fake.store.customers.size).toBe(customersBefore + 1);
    const remote = fake.store.jobs.get(first.body.ascoraId);
    expect(remote).toMatchObject({ jobName: 'Blocked drain' });
    const mappings = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.localId, first.body.id)));
    expect(mappings).toEqual([expect.objectContaining({ entity: 'job', ascoraId: first.body.ascoraId })]);
    const [customerLink] = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.localId, appointment.customerId)));
    expect(remote!.siteCustomer?.id).toBe(customerLink!.ascoraId);

    const job = await t.request('GET', `/api/v1/organizations/${org.orgId}/jobs/${first.body.id}`, {
      token: org.secretKey,
    });
    expect(job.body).toEqual(second.body);
  });

  it('creates one Ascora job and one customer when ten pushes of one appointment arrive at once', async () => {
    const context = await setup();
    const { t, fake, org, base } = context;
    await connect(context);
    const appointment = await bookAppointment(t, org);
    const jobsBefore = fake.store.jobs.size;
    const customersBefore = fake.store.customers.size;
    // Each Ascora create takes a moment, as a real one does, so the pushes really overlap.
    fake.faults.latencyMs = 50;

    const pushes = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.request('POST', `${base}/jobs`, { token: org.secretKey, body: { appointmentId: appointment.id } }),
      ),
    );
    expect(pushes.map((push) => push.status)).toEqual(Array(10).fill(200));
    expect(new Set(pushes.map((push) => push.body.id)).size).toBe(1);
    expect(new Set(pushes.map((push) => push.body.ascoraId)).size).toBe(1);
    expect(fake.store.jobs.size).toBe(jobsBefore + 1);
    expect(fake.store.customers.size).toBe(customersBefore + 1);
    const links = await t.database.db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.localId, pushes[0]!.body.id)));
    expect(links).toHaveLength(1);
  });

  it.runIf(testDatabaseKind === 'postgres')(
    'creates one Ascora job and one customer when two server instances share ten pushes of one appointment',
    async () => {
      const context = await setup();
      const { t, fake, org, base } = context;
      await connect(context);
      const appointment = await bookAppointment(t, org);
      const jobsBefore = fake.store.jobs.size;
      const customersBefore = fake.store.customers.size;
      fake.faults.latencyMs = 50;
      // A second process's view: its own pool on the same database, its own app.
      const other = await openDatabase({ databaseUrl: t.database.url!, dataDir: 'memory://', poolSize: 5 });
      closers.push(() => other.close());
      const otherApp = createApp({
        database: other,
        config: testConfig({ allowPrivateUrls: true }),
        logger: createLogger({ level: 'silent' }),
      });
      const body = JSON.stringify({ appointmentId: appointment.id });
      const headers = { authorization: `Bearer ${org.secretKey}`, 'content-type': 'application/json' };

      const statuses = await Promise.all(
        Array.from({ length: 10 }, async (_, i) =>
          i % 2 === 0
            ? (
                await t.request('POST', `${base}/jobs`, {
                  token: org.secretKey,
                  body: { appointmentId: appointment.id },
                })
              ).status
            : (await otherApp.request(`${base}/jobs`, { method: 'POST', headers, body })).status,
        ),
      );
      expect(statuses).toEqual(Array(10).fill(200));
      expect(fake.store.jobs.size).toBe(jobsBefore + 1);
      expect(fake.store.customers.size).toBe(customersBefore + 1);
    },
  );

  it('keeps the database free for other requests while Ascora answers slowly', async () => {
    const context = await setup();
    const { t, fake, org, base } = context;
    await connect(context);
    const appointment = await bookAppointment(t, org);
    fake.faults.latencyMs = 1_500;
    const order: string[] = [];
    const requestsBefore = fake.requestCount;
    const push = t
      .request('POST', `${base}/jobs`, {
        token: org.secretKey,
        headers: { 'idempotency-key': 'slow-push' },
        body: { appointmentId: appointment.id },
      })
      .then((response) => {
        order.push('push');
        return response;
      });
    // The push is under way once Ascora has its first request (and is slow to answer it).
    await vi.waitUntil(() => fake.requestCount > requestsBefore);
    // Held inside the request's transaction, the push would keep PGlite's only connection until
    // Ascora answered, and this read would finish after it.
    const read = await t.request('GET', `/api/v1/organizations/${org.orgId}/customers`, {
      token: org.secretKey,
    });
    order.push('read');
    expect(read.status).toBe(200);
    expect((await push).status).toBe(200);
    expect(order).toEqual(['read', 'push']);
    fake.faults.latencyMs = 0;
    const replay = await t.request('POST', `${base}/jobs`, {
      token: org.secretKey,
      headers: { 'idempotency-key': 'slow-push' },
      body: { appointmentId: appointment.id },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it("answers 404 for an unknown appointment and for another organization's, and sends Ascora nothing", async () => {
    const context = await setup();
    const { t, fake, url, org, base } = context;
    await connect(context);
    const appointment = await bookAppointment(t, org);
    const other = await t.createOrg();
    const otherBase = `/api/v1/organizations/${other.orgId}/ascora`;
    await t.request('PUT', `${otherBase}/connection`, {
      token: other.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url },
    });
    const jobsBefore = fake.store.jobs.size;
    const before = await t.snapshot();

    const unknown = await t.request('POST', `${base}/jobs`, {
      token: org.secretKey,
      body: { appointmentId: '01900000-0000-7000-8000-00000000dead' },
    });
    expect(unknown.status).toBe(404);
    const foreignAppointment = await t.request('POST', `${otherBase}/jobs`, {
      token: other.secretKey,
      body: { appointmentId: appointment.id },
    });
    expect(foreignAppointment.status).toBe(404);
    const foreignCredential = await t.request('POST', `${base}/jobs`, {
      token: other.secretKey,
      body: { appointmentId: appointment.id },
    });
    expect(foreignCredential.status).toBe(404);
    const malformed = await t.request('POST', `${base}/jobs`, {
      token: org.secretKey,
      body: { appointmentId: 'not-a-uuid' },
    });
    expect(malformed.status).toBe(400);

    expect(fake.store.jobs.size).toBe(jobsBefore);
    expect(await t.snapshot()).toBe(before);
  });
});

describe('Ascora settings', () => {
  it('changes only the fields given, keeps invoices pulled, and reads back the same', async () => {
    const context = await setup();
    const { t, org, base } = context;
    await connect(context, { conflictStrategy: 'newest_wins' });
    const updated = await t.request('PATCH', `${base}/settings`, {
      token: org.secretKey,
      body: { syncIntervalMinutes: 60, directions: { payments: 'push' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.settings).toEqual({
      directions: { customers: 'both', jobs: 'both', invoices: 'pull', payments: 'push' },
      syncIntervalMinutes: 60,
      conflictStrategy: 'newest_wins',
      customFieldMappings: [],
    });
    const read = await t.request('GET', `${base}/status`, { token: org.secretKey });
    expect(read.body.settings).toEqual(updated.body.settings);
  });

  it('refuses invalid settings with a 400 problem naming the field, and changes nothing', async () => {
    const context = await setup();
    const { t, org, base } = context;
    await connect(context);
    const before = await t.snapshot();
    const invalid: [unknown, string][] = [
      [{}, 'body'],
      [{ syncIntervalMinutes: 4 }, 'syncIntervalMinutes'],
      [{ syncIntervalMinutes: 1441 }, 'syncIntervalMinutes'],
      [{ syncIntervalMinutes: 30.5 }, 'syncIntervalMinutes'],
      [{ conflictStrategy: 'coin_flip' }, 'conflictStrategy'],
      [{ directions: { invoices: 'push' } }, 'directions'],
      [{ directions: { customers: 'sideways' } }, 'customers'],
      [{ apiKey: 'ascora_other_key' }, 'apiKey'],
    ];
    for (const [body, field] of invalid) {
      const response = await t.request('PATCH', `${base}/settings`, { token: org.secretKey, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(JSON.stringify(response.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect(await t.snapshot()).toBe(before);
  });

  it('lets an admin change settings but refuses a dispatcher, and answers 404 when not connected', async () => {
    const context = await setup();
    const { t, org, base } = context;
    const admin = await userToken(t, org, 'admin');
    const dispatcher = await userToken(t, org, 'dispatcher');
    const notConnected = await t.request('PATCH', `${base}/settings`, {
      token: admin,
      body: { syncIntervalMinutes: 15 },
    });
    expect(notConnected.status).toBe(404);

    await connect(context);
    const before = await t.snapshot();
    const refused = await t.request('PATCH', `${base}/settings`, {
      token: dispatcher,
      body: { syncIntervalMinutes: 15 },
    });
    expect(refused.status).toBe(403);
    expect(await t.snapshot()).toBe(before);
    // A dispatcher may still look.
    expect((await t.request('GET', `${base}/status`, { token: dispatcher })).status).toBe(200);
    const allowed = await t.request('PATCH', `${base}/settings`, {
      token: admin,
      body: { syncIntervalMinutes: 15 },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body.settings.syncIntervalMinutes).toBe(15);
  });
});

describe('Resolving an Ascora conflict', () => {
  it('writes a field-by-field choice to both sides, and refuses to resolve it twice with 409', async () => {
    const context = await setup();
    const { t, fake, org, base, queue } = context;
    await connect(context, { conflictStrategy: 'manual' });
    const db = t.database.db;
    const [remote] = [...fake.store.customers.values()];
    const [link] = await db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, org.orgId), eq(ascoraMappings.ascoraId, remote!.customerId)));
    await db
      .update(customers)
      .set({ name: 'Name From Crewkit', phone: '0400 000 111', updatedAt: new Date() })
      .where(eq(customers.id, link!.localId));
    fake.store.updateCustomer(remote!.customerId, {
      customerName: 'Name From Ascora',
      phoneNumber: '07 3000 0000',
    });
    await fake.flushWebhooks();
    const sync = await t.request('POST', `${base}/sync`, {
      token: org.secretKey,
      headers: { 'idempotency-key': 'sync-for-conflict' },
    });
    expect(sync.status).toBe(202);
    expect((await queue.drain()).failed).toEqual([]);

    const open = await t.request('GET', `${base}/conflicts`, { token: org.secretKey });
    expect(open.body.data).toHaveLength(1);
    const conflict = open.body.data[0];
    expect(conflict).toMatchObject({ entity: 'customer', localId: link!.localId, status: 'open' });
    expect([...conflict.fields].sort()).toEqual(['name', 'phone']);
    const resolve = (choices: Record<string, string>, key?: string) =>
      t.request('POST', `${base}/conflicts/${conflict.id}/resolve`, {
        token: org.secretKey,
        ...(key ? { headers: { 'idempotency-key': key } } : {}),
        body: { choices },
      });

    const unknownField = await resolve({ shoeSize: 'local' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].path).toBe('body.choices.shoeSize');
    expect((await resolve({ name: 'mine' })).status).toBe(400);

    const resolved = await resolve({ name: 'local', phone: 'remote' }, 'resolve-dana');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolution: { name: 'local', phone: 'remote' },
      resolvedAt: expect.any(String),
    });
    const [local] = await db.select().from(customers).where(eq(customers.id, link!.localId));
    expect({ name: local!.name, phone: local!.phone }).toEqual({
      name: 'Name From Crewkit',
      phone: '07 3000 0000',
    });
    expect(fake.store.customers.get(remote!.customerId)).toMatchObject({
      customerName: 'Name From Crewkit',
      phoneNumber: '07 3000 0000',
    });

    // The same request again is a replay; another resolution of a settled conflict is refused.
    const replayed = await resolve({ name: 'local', phone: 'remote' }, 'resolve-dana');
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(resolved.body);
    const again = await resolve({ name: 'remote' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    expect(fake.store.customers.get(remote!.customerId)!.customerName).toBe('Name From Crewkit');
    const listed = await t.request('GET', `${base}/conflicts?status=resolved`, { token: org.secretKey });
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([conflict.id]);
    expect((await t.request('GET', `${base}/conflicts`, { token: org.secretKey })).body.data).toEqual([]);

    const other = await t.createOrg();
    const foreign = await t.request(
      'POST',
      `/api/v1/organizations/${other.orgId}/ascora/conflicts/${conflict.id}/resolve`,
      {
        token: other.secretKey,
        body: { choices: {} },
      },
    );
    expect(foreign.status).toBe(404);
  });
});

describe('Ascora sync logs', () => {
  it('lists the per-record failures of a run, and hides it from another organization', async () => {
    const context = await setup();
    const { t, fake, org, base } = context;
    fake.seed({ customers: 4, jobs: 2, malformed: 1 });
    const broken = [...fake.store.malformedIds];
    expect(broken.length).toBeGreaterThan(0);
    await connect(context);

    const logs = await t.request('GET', `${base}/logs`, { token: org.secretKey });
    const [run] = logs.body.data;
    const detail = await t.request('GET', `${base}/logs/${run.id}`, { token: org.secretKey });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: run.id, status: 'completed', trigger: 'connect' });
    expect(detail.body.counts.failed).toBe(detail.body.failures.length);
    expect(detail.body.failures.map((f: { ascoraId: string }) => f.ascoraId).sort()).toEqual(broken.sort());
    for (const failure of detail.body.failures) {
      expect(failure).toMatchObject({
        entity: expect.stringMatching(/^(customer|job)$/),
        localId: null,
        reason: expect.stringMatching(/^invalid record: /),
      });
    }

    const unknown = await t.request('GET', `${base}/logs/01900000-0000-7000-8000-00000000dead`, {
      token: org.secretKey,
    });
    expect(unknown.status).toBe(404);
    const other = await t.createOrg();
    const foreign = await t.request('GET', `/api/v1/organizations/${other.orgId}/ascora/logs/${run.id}`, {
      token: other.secretKey,
    });
    expect(foreign.status).toBe(404);
  });
});

describe('Queueing Ascora work from an idempotent request', () => {
  it('queues a webhook sent with an Idempotency-Key inside its transaction, so it neither hangs nor is lost', async () => {
    const context = await setup();
    const { t, fake, url, org, base, queue } = context;
    const connected = await t.request('PUT', `${base}/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: url },
    });
    expect((await queue.drain()).failed).toEqual([]);
    const [remote] = [...fake.store.customers.values()];
    // Changed without firing a webhook of its own, so only the delivery below reports it.
    fake.store.customers.set(remote!.customerId, { ...remote!, customerName: 'Renamed Before The Hook' });
    const delivered = await t.request('POST', connected.body.webhookUrl, {
      headers: { 'idempotency-key': 'ascora-delivery-1' },
      body: { customerId: remote!.customerId },
    });
    expect(delivered.status).toBe(202);
    const { ran, failed } = await queue.drain();
    expect({ ran, failed }).toEqual({ ran: 1, failed: [] });
    const [row] = await t.database.db
      .select()
      .from(customers)
      .where(and(eq(customers.orgId, org.orgId), eq(customers.email, remote!.emailAddress!)));
    expect(row!.name).toBe('Renamed Before The Hook');
  });
});
