import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { payments } from '../db/schema.js';
import type { JobQueue } from '../queue/queue.js';

// One database, fake Ascora and job queue for the whole file: setting them up costs seconds, and
// each test below works on records of its own (another invoice, another organization).
let t: TestContext;
let fake: FakeAscora;
let queue: JobQueue;
let org: TestOrg;
let closeFake: () => Promise<void>;
const orgPath = () => `/api/v1/organizations/${org.orgId}`;

interface InvoiceBody {
  id: string;
  number: string;
  jobId: string | null;
  totalExTaxMinor: number;
  lines: { amountExTaxMinor: number }[];
  payments: { id: string; origin: string; pushState: string | null; amountMinor: number }[];
  ascoraId: string | null;
}

async function drain() {
  const { failed } = await queue.drain();
  expect(failed).toEqual([]);
}

async function invoice(id: string): Promise<InvoiceBody> {
  const response = await t.request('GET', `${orgPath()}/invoices/${id}`, { token: org.secretKey });
  expect(response.status).toBe(200);
  return response.body;
}

async function allInvoices(token = org.secretKey, path = orgPath()): Promise<InvoiceBody[]> {
  const seen: InvoiceBody[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page = await t.request('GET', `${path}/invoices?limit=3${query}`, { token });
    expect(page.status).toBe(200);
    seen.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
}

beforeAll(async () => {
  t = await createTestContext({
    http: true,
    queue: true,
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    ascora: { clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } }, urls: { allowPrivate: true } },
  });
  fake = createFakeAscora();
  fake.seed({ customers: 6, jobs: 6, invoices: 5, payments: 3 });
  const server = await fake.listen();
  closeFake = server.close;
  queue = t.services.queue!;
  org = await t.createOrg();
  const connected = await t.request('PUT', `${orgPath()}/ascora/connection`, {
    token: org.secretKey,
    body: { apiKey: DEMO_API_KEY, baseUrl: server.url, settings: { directions: { payments: 'both' } } },
  });
  expect(connected.status).toBe(200);
});

afterAll(async () => {
  await closeFake?.();
  await t?.close();
});

describe('Invoices pulled from Ascora', () => {
  it('are listed only after a sync has pulled the accounting queue', async () => {
    expect(await allInvoices()).toEqual([]);
    await drain();
    expect(fake.store.invoiceQueue.size).toBe(0);
    const listed = await allInvoices();
    expect(listed.map((i) => i.ascoraId).sort()).toEqual([...fake.store.invoices.keys()].sort());
  });

  it('carry their lines, their Ascora payments and their linked job, page after page', async () => {
    const listed = await allInvoices();
    expect(listed).toHaveLength(5);
    // Oldest first, by id, and no invoice twice across pages.
    expect(listed.map((i) => i.id)).toEqual([...listed.map((i) => i.id)].sort());
    expect(new Set(listed.map((i) => i.id)).size).toBe(5);
    for (const local of listed) {
      const remote = fake.store.invoices.get(local.ascoraId!)!;
      expect(local.number).toBe(remote.invoiceNumber);
      expect(local.lines).toHaveLength(remote.lines.length);
      expect(local.totalExTaxMinor).toBe(local.lines.reduce((sum, line) => sum + line.amountExTaxMinor, 0));
      const job = await t.request('GET', `${orgPath()}/jobs/${local.jobId}`, { token: org.secretKey });
      expect(job.status).toBe(200);
      expect(job.body.ascoraId).toBe(remote.jobId);
    }
    const pulled = listed.flatMap((i) => i.payments);
    expect(pulled).toHaveLength(3);
    expect(pulled.every((p) => p.origin === 'ascora' && p.pushState === null)).toBe(true);
  });

  it('are read one at a time as they are listed, and an unknown id answers 404', async () => {
    const [first] = await allInvoices();
    expect(await invoice(first!.id)).toEqual(first);
    const unknown = await t.request('GET', `${orgPath()}/invoices/01900000-0000-7000-8000-00000000dead`, {
      token: org.secretKey,
    });
    expect(unknown.status).toBe(404);
    const missingJob = await t.request('GET', `${orgPath()}/jobs/01900000-0000-7000-8000-00000000dead`, {
      token: org.secretKey,
    });
    expect(missingJob.status).toBe(404);
  });

  it('stay invisible to another organization', async () => {
    const [first] = await allInvoices();
    const other = await t.createOrg();
    const otherPath = `/api/v1/organizations/${other.orgId}`;
    expect(await allInvoices(other.secretKey, otherPath)).toEqual([]);
    const foreignGet = await t.request('GET', `${otherPath}/invoices/${first!.id}`, {
      token: other.secretKey,
    });
    expect(foreignGet.status).toBe(404);
    const foreignCredential = await t.request('GET', `${orgPath()}/invoices/${first!.id}`, {
      token: other.secretKey,
    });
    expect(foreignCredential.status).toBe(404);
    const foreignPayment = await t.request('POST', `${otherPath}/invoices/${first!.id}/payments`, {
      token: other.secretKey,
      body: { amountMinor: 100, paidOn: '2026-03-01', method: 'cash' },
    });
    expect(foreignPayment.status).toBe(404);
  });
});

describe('Recording a payment', () => {
  it('refuses an invalid payment with a 400 problem naming the field, and records nothing', async () => {
    const [target] = await allInvoices();
    const before = await t.snapshot();
    const valid = { amountMinor: 5_000, paidOn: '2026-03-01', method: 'card' };
    const invalid: [unknown, string][] = [
      [{ ...valid, amountMinor: 0 }, 'amountMinor'],
      [{ ...valid, amountMinor: -100 }, 'amountMinor'],
      [{ ...valid, amountMinor: 12.5 }, 'amountMinor'],
      [{ ...valid, amountMinor: 1_000_000_001 }, 'amountMinor'],
      [{ ...valid, paidOn: 'yesterday' }, 'paidOn'],
      [{ ...valid, method: '' }, 'method'],
      [{ ...valid, reference: 'r'.repeat(101) }, 'reference'],
      [{ amountMinor: 5_000, method: 'card' }, 'paidOn'],
      [{ ...valid, pushState: 'pushed' }, 'pushState'],
    ];
    for (const [body, field] of invalid) {
      const response = await t.request('POST', `${orgPath()}/invoices/${target!.id}/payments`, {
        token: org.secretKey,
        body,
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(JSON.stringify(response.body.errors), JSON.stringify(body)).toContain(field);
    }
    const unknown = await t.request(
      'POST',
      `${orgPath()}/invoices/01900000-0000-7000-8000-00000000dead/payments`,
      { token: org.secretKey, body: valid },
    );
    expect(unknown.status).toBe(404);
    expect(await t.snapshot()).toBe(before);
  });

  it('is refused to a dispatcher, who may still read invoices', async () => {
    const [target] = await allInvoices();
    const email = 'records-dispatcher@example.com';
    await t.request('POST', `${orgPath()}/users`, {
      token: org.secretKey,
      body: { email, name: 'The dispatcher', role: 'dispatcher', password: 'dispatcher-password-123' },
    });
    const { accessToken } = await t.login(email, 'dispatcher-password-123');
    const refused = await t.request('POST', `${orgPath()}/invoices/${target!.id}/payments`, {
      token: accessToken,
      body: { amountMinor: 5_000, paidOn: '2026-03-01', method: 'card' },
    });
    expect(refused.status).toBe(403);
    expect(
      (await t.request('GET', `${orgPath()}/invoices/${target!.id}`, { token: accessToken })).status,
    ).toBe(200);
  });

  it('is pushed to Ascora with CreatePayment exactly once, and a replayed Idempotency-Key records nothing new', async () => {
    const [, target] = await allInvoices();
    const paymentsBefore = target!.payments.length;
    const pushedBefore = fake.store.createdPayments.length;
    const payment = { amountMinor: 12_345, paidOn: '2026-03-02', method: 'card', reference: 'Till 7' };
    const post = (body: unknown) =>
      t.request('POST', `${orgPath()}/invoices/${target!.id}/payments`, {
        token: org.secretKey,
        headers: { 'idempotency-key': 'till-7-receipt-1' },
        body,
      });

    const first = await post(payment);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      ...payment,
      invoiceId: target!.id,
      origin: 'local',
      pushState: 'pending',
    });
    const replay = await post(payment);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await post({ ...payment, amountMinor: 1 });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');

    await drain();
    const pushed = fake.store.createdPayments.slice(pushedBefore);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ invoiceNumber: target!.number, paymentAmount: 123.45 });
    const after = await invoice(target!.id);
    expect(after.payments).toHaveLength(paymentsBefore + 1);
    expect(after.payments.find((p) => p.id === first.body.id)).toMatchObject({ pushState: 'pushed' });

    // Another sync neither pushes it again nor records it twice.
    // With a key, as the SDK sends every POST: the job is queued inside the request's transaction.
    const sync = await t.request('POST', `${orgPath()}/ascora/sync`, {
      token: org.secretKey,
      headers: { 'idempotency-key': 'sync-after-payment' },
    });
    expect(sync.status).toBe(202);
    await drain();
    expect(fake.store.createdPayments.slice(pushedBefore)).toHaveLength(1);
    const rows = await t.database.db
      .select()
      .from(payments)
      .where(and(eq(payments.orgId, org.orgId), eq(payments.invoiceId, target!.id)));
    expect(rows).toHaveLength(paymentsBefore + 1);
  });

  it('is recorded but not pushed when payments only come from Ascora', async () => {
    const [, , target] = await allInvoices();
    const settings = await t.request('PATCH', `${orgPath()}/ascora/settings`, {
      token: org.secretKey,
      body: { directions: { payments: 'pull' } },
    });
    expect(settings.status).toBe(200);
    const pushedBefore = fake.store.createdPayments.length;
    const recorded = await t.request('POST', `${orgPath()}/invoices/${target!.id}/payments`, {
      token: org.secretKey,
      body: { amountMinor: 700, paidOn: '2026-03-03', method: 'cash' },
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body.pushState).toBeNull();
    await drain();
    expect(fake.store.createdPayments).toHaveLength(pushedBefore);
  });
});
