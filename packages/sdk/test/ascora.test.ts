import {
  type AscoraConflict,
  type AscoraStatus,
  type AscoraSyncFailure,
  type AscoraSyncRun,
  type Crewkit,
  CrewkitError,
  type Invoice,
  type Job,
  type Payment,
  type Problem,
} from '@crewkit/sdk';
import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  json,
  ORG_PATH,
  OTHER_ORG,
  page,
  pathOf,
  problem,
  type RouteTable,
  searchOf,
  testClient,
  testRoutes,
  UUID,
} from './fake-fetch.js';

const APPOINTMENT_ID = '01900000-0000-7000-8000-0000000000a1';

/** Every method once, under the route it must call (relative to the client's organization). */
const routes: RouteTable = {
  'GET /ascora/status': (c) => c.ascora.status(),
  'PUT /ascora/connection': (c) => c.ascora.connect({ apiKey: 'ascora_demo_key' }),
  'DELETE /ascora/connection': (c) => c.ascora.disconnect(),
  'GET /ascora/status (settings.get)': (c) => c.ascora.settings.get(),
  'PATCH /ascora/settings': (c) => c.ascora.settings.update({ syncIntervalMinutes: 30 }),
  'POST /ascora/sync': (c) => c.ascora.sync.start(),
  'GET /ascora/sync/status': (c) => c.ascora.sync.status(),
  'GET /ascora/logs': (c) => c.ascora.logs.list(),
  'GET /ascora/logs/run-1': (c) => c.ascora.logs.get('run-1'),
  'POST /ascora/logs/run-1/failures/fail-1/retry': (c) => c.ascora.logs.retryFailure('run-1', 'fail-1'),
  'GET /ascora/conflicts': (c) => c.ascora.conflicts.list(),
  'POST /ascora/conflicts/con-1/resolve': (c) => c.ascora.conflicts.resolve('con-1', { name: 'local' }),
  'POST /ascora/jobs': (c) => c.ascora.pushJob({ appointmentId: APPOINTMENT_ID }),
  'POST /ascora/records/push': (c) =>
    c.ascora.records.push({ recordType: 'appointment', recordId: APPOINTMENT_ID }),
  'POST /ascora/records/pull': (c) =>
    c.ascora.records.pull({ recordType: 'customer', recordId: APPOINTMENT_ID }),
  'GET /jobs': (c) => c.jobs.list(),
  'GET /jobs/job-1': (c) => c.jobs.get('job-1'),
  'GET /invoices': (c) => c.invoices.list(),
  'GET /invoices/inv-1': (c) => c.invoices.get('inv-1'),
  'POST /invoices/inv-1/payments': (c) =>
    c.invoices.payments.create('inv-1', { amountMinor: 5000, paidOn: '2026-03-01', method: 'card' }),
};

describe('ascora, jobs and invoices namespaces', () => {
  testRoutes(routes);

  test('a call orgId wins over the client organizationId', async () => {
    const { crewkit, requests } = testClient(Array.from({ length: 5 }, () => json({})));
    await crewkit.ascora.status({ orgId: OTHER_ORG });
    await crewkit.ascora.logs.list({ orgId: OTHER_ORG });
    await crewkit.ascora.conflicts.resolve('con-1', {}, { orgId: OTHER_ORG });
    await crewkit.jobs.get('job-1', { orgId: OTHER_ORG });
    await crewkit.invoices.payments.create(
      'inv-1',
      { amountMinor: 1, paidOn: '2026-03-01', method: 'cash' },
      { orgId: OTHER_ORG },
    );
    expect(requests.map((r) => pathOf(r).split('/')[4])).toEqual(Array(5).fill(OTHER_ORG));
    expect(requests.map(searchOf).join('')).not.toContain('orgId');
  });
});

describe('ascora', () => {
  test('connect puts the key, base URL and settings as given, and returns the status without the key', async () => {
    const status = {
      connected: true,
      baseUrl: 'https://ascora.example',
      webhookUrl: `${ORG_PATH}/ascora/webhooks/tok`,
      settings: null,
      connectedAt: '2026-03-01T00:00:00.000Z',
      disconnectedAt: null,
      lastSyncAt: null,
    };
    const { crewkit, requests } = testClient([json(status)]);
    const body = {
      apiKey: 'ascora_demo_key',
      baseUrl: 'https://ascora.example',
      settings: { conflictStrategy: 'manual' as const },
    };
    const { data } = await crewkit.ascora.connect(body);
    expect(await requests[0]?.json()).toEqual(body);
    expect(data?.webhookUrl).toBe(status.webhookUrl);
  });

  test('a rejected key comes back as a 422 problem, not a throw', async () => {
    const { crewkit } = testClient([problem(422, 'ascora_rejected')]);
    const { data, error, response } = await crewkit.ascora.connect({ apiKey: 'ascora_wrong_key' });
    expect(data).toBeUndefined();
    expect(error?.code).toBe('ascora_rejected');
    expect(response.status).toBe(422);
  });

  test('settings.update patches only the fields given', async () => {
    const { crewkit, requests } = testClient([json({})]);
    await crewkit.ascora.settings.update({
      directions: { payments: 'push' },
      conflictStrategy: 'newest_wins',
    });
    expect(requests[0]?.method).toBe('PATCH');
    expect(await requests[0]?.json()).toEqual({
      directions: { payments: 'push' },
      conflictStrategy: 'newest_wins',
    });
  });

  test('sync.start sends no body and keeps the caller idempotency key', async () => {
    const { crewkit, requests } = testClient([json({ queued: true }, { status: 202 })]);
    const { data } = await crewkit.ascora.sync.start({ idempotencyKey: 'nightly-2026-03-01' });
    expect(data).toEqual({ queued: true });
    expect(requests[0]?.headers.get('Idempotency-Key')).toBe('nightly-2026-03-01');
    expect(await requests[0]?.text()).toBe('');
  });

  test('logs.list follows every page, newest first as the server sends them', async () => {
    const { crewkit, requests } = testClient([page(['r3', 'r2'], 'c2'), page(['r1'], null)]);
    const seen: string[] = [];
    for await (const run of crewkit.ascora.logs.list({ limit: 2 })) seen.push(run.id);
    expect(seen).toEqual(['r3', 'r2', 'r1']);
    expect(requests.map(searchOf)).toEqual(['?limit=2', '?limit=2&cursor=c2']);
  });

  test('conflicts.list passes its status filter on every page', async () => {
    const { crewkit, requests } = testClient([page(['c1'], 'n2'), page(['c2'], null)]);
    const all = await crewkit.ascora.conflicts.list({ status: 'resolved' }).toArray({ limit: 10 });
    expect(all.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(requests.map(searchOf)).toEqual(['?status=resolved', '?status=resolved&cursor=n2']);
  });

  test('conflicts.resolve wraps the field choices in the body the API expects', async () => {
    const { crewkit, requests } = testClient([json({ id: 'con-1', status: 'resolved' })]);
    await crewkit.ascora.conflicts.resolve('con-1', { name: 'local', phone: 'remote' });
    expect(await requests[0]?.json()).toEqual({ choices: { name: 'local', phone: 'remote' } });
  });

  test('a retried pushJob keeps its idempotency key, so the job is not pushed twice', async () => {
    const { crewkit, requests } = testClient([
      problem(503, 'unavailable', { 'Retry-After': '0' }),
      json({ id: 'job-1', ascoraId: 'asc-1' }),
    ]);
    const { data } = await crewkit.ascora.pushJob({ appointmentId: APPOINTMENT_ID });
    expect(data?.ascoraId).toBe('asc-1');
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map((r) => r.headers.get('Idempotency-Key'));
    expect(first).toMatch(UUID);
    expect(second).toBe(first);
    expect(await requests[1]?.json()).toEqual({ appointmentId: APPOINTMENT_ID });
  });

  test('a failing logs page during iteration throws a CrewkitError with the problem code', async () => {
    const { crewkit } = testClient([page(['r1'], 'c2'), problem(403, 'forbidden')]);
    const seen: string[] = [];
    const iterate = async () => {
      for await (const run of crewkit.ascora.logs.list()) seen.push(run.id);
    };
    const error = await iterate().catch((e: unknown) => e);
    expect(seen).toEqual(['r1']);
    expect(error).toBeInstanceOf(CrewkitError);
    expect((error as CrewkitError).code).toBe('forbidden');
  });
});

describe('jobs and invoices', () => {
  test('jobs.list and invoices.list follow every page with their limit', async () => {
    const { crewkit, requests } = testClient([
      page(['j1'], 'c2'),
      page(['j2'], null),
      page(['i1', 'i2'], null),
    ]);
    expect((await crewkit.jobs.list({ limit: 1 }).toArray({ limit: 5 })).map((j) => j.id)).toEqual([
      'j1',
      'j2',
    ]);
    expect((await crewkit.invoices.list({ limit: 2 }).toArray({ limit: 5 })).map((i) => i.id)).toEqual([
      'i1',
      'i2',
    ]);
    expect(requests.map((r) => `${pathOf(r)}${searchOf(r)}`)).toEqual([
      `${ORG_PATH}/jobs?limit=1`,
      `${ORG_PATH}/jobs?limit=1&cursor=c2`,
      `${ORG_PATH}/invoices?limit=2`,
    ]);
  });

  test('payments.create posts the payment under the caller idempotency key', async () => {
    const { crewkit, requests } = testClient([json({ id: 'pay-1', pushState: 'pending' }, { status: 201 })]);
    const payment = { amountMinor: 12_345, paidOn: '2026-03-01', method: 'card', reference: 'R-1' };
    const { data, response } = await crewkit.invoices.payments.create('inv-1', payment, {
      idempotencyKey: 'till-7-receipt-1',
    });
    expect(response.status).toBe(201);
    expect(data?.pushState).toBe('pending');
    expect(requests[0]?.headers.get('Idempotency-Key')).toBe('till-7-receipt-1');
    expect(await requests[0]?.json()).toEqual(payment);
  });
});

// Checked at compile time (npx tsc -p tsconfig.json); the function is never called.
declare const crewkit: Crewkit;
describe('types', () => {
  test('the ascora, jobs and invoices namespaces are typed from the spec', () => {
    async function _check() {
      const { data: status, error } = await crewkit.ascora.status();
      expectTypeOf(status).toEqualTypeOf<AscoraStatus | undefined>();
      expectTypeOf(error).toEqualTypeOf<Problem | undefined>();
      expectTypeOf((await crewkit.ascora.settings.get()).data).toEqualTypeOf<AscoraStatus | undefined>();
      expectTypeOf((await crewkit.ascora.logs.get('r')).data?.failures).toEqualTypeOf<
        AscoraSyncFailure[] | undefined
      >();
      for await (const run of crewkit.ascora.logs.list()) {
        expectTypeOf(run).toEqualTypeOf<AscoraSyncRun>();
      }
      for await (const conflict of crewkit.ascora.conflicts.list({ status: 'open' })) {
        expectTypeOf(conflict).toEqualTypeOf<AscoraConflict>();
      }
      expectTypeOf((await crewkit.ascora.pushJob({ appointmentId: 'a' })).data).toEqualTypeOf<
        Job | undefined
      >();
      expectTypeOf(await crewkit.jobs.list().toArray({ limit: 5 })).toEqualTypeOf<Job[]>();
      expectTypeOf(await crewkit.invoices.list().toArray({ limit: 5 })).toEqualTypeOf<Invoice[]>();
      expectTypeOf(
        (await crewkit.invoices.payments.create('i', { amountMinor: 1, paidOn: 'd', method: 'm' })).data,
      ).toEqualTypeOf<Payment | undefined>();

      // @ts-expect-error: a conflict field is settled with 'local' or 'remote', nothing else.
      await crewkit.ascora.conflicts.resolve('c', { name: 'mine' });
      // @ts-expect-error: invoices are only pulled from Ascora, so their direction cannot be set.
      await crewkit.ascora.settings.update({ directions: { invoices: 'push' } });
      // @ts-expect-error: a payment needs the day it was paid.
      await crewkit.invoices.payments.create('i', { amountMinor: 1, method: 'card' });
    }
    expectTypeOf(_check).toBeFunction();
  });
});
