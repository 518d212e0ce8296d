import { randomUUID } from 'node:crypto';
import { ascoraCustomerSchema } from '@crewkit/ascora';
import type { components } from '@crewkit/sdk/openapi';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { applyCustomers } from '../ascora/records.js';
import { queryRows } from '../db/index.js';
import { AuditWriter } from './audit.js';

const day = 86_400_000;
type AuditEntry = components['schemas']['AuditEntry'];

describe('the audit log', () => {
  let t: TestContext;
  let org: TestOrg;
  let clock = Date.parse('2027-01-10T09:00:00Z');
  const base = () => `/api/v1/organizations/${org.orgId}`;
  const auditLog = async (query = '') => {
    const response = await t.request('GET', `${base()}/audit-log${query}`, { token: org.secretKey });
    expect(response.status).toBe(200);
    return response.body.data as AuditEntry[];
  };
  const keyIdOf = async (orgId: string) =>
    (
      await queryRows<{ id: string }>(
        t.database.db,
        sql`select id from api_keys where org_id = ${orgId} and kind = 'secret' limit 1`,
      )
    )[0]!.id;

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock });
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('says which key created a customer, for which request, without the customer’s name or email', async () => {
    const created = await t.request('POST', `${base()}/customers`, {
      token: org.secretKey,
      body: { name: 'Olivia Hart', email: 'olivia.hart@example.com', phone: '+61 400 000 000' },
    });
    expect(created.status).toBe(201);
    const [entry] = await auditLog();
    const keyId = await keyIdOf(org.orgId);
    expect(entry).toMatchObject({
      actor: { type: 'api_key', id: keyId },
      credential: { type: 'secret_key', id: keyId },
      operation: 'createCustomer',
      target: { type: 'customer', id: created.body.id },
      changes: { name: 'changed', email: 'changed', phone: 'changed' },
      requestId: created.headers.get('x-request-id'),
      at: new Date(clock).toISOString(),
    });
    const stored = await queryRows(t.database.db, sql`select * from audit_log`);
    expect(JSON.stringify(stored)).not.toMatch(/Olivia|olivia\.hart|400 000/);
  });

  it('says which signed-in user changed settings, keeping values that cannot be personal data', async () => {
    const { accessToken } = await t.login(org.owner.email, org.owner.password);
    const response = await t.request('PATCH', base(), {
      token: accessToken,
      body: { name: 'Hart Plumbing', bookingSettings: { minimumNoticeMinutes: 60 } },
    });
    expect(response.status).toBe(200);
    const [entry] = await auditLog();
    expect(entry).toMatchObject({
      actor: { type: 'user', id: org.owner.id },
      credential: { type: 'session', id: expect.any(String) },
      operation: 'updateOrganization',
      target: { type: 'organization', id: org.orgId },
      changes: { name: 'changed', 'bookingSettings.minimumNoticeMinutes': 60 },
    });
  });

  it('never keeps a secret such as a new user’s password', async () => {
    await t.request('POST', `${base()}/users`, {
      token: org.secretKey,
      body: {
        email: 'dana@example.com',
        name: 'Dana',
        role: 'dispatcher',
        password: 'a long secret passphrase',
      },
    });
    const stored = await queryRows(t.database.db, sql`select * from audit_log`);
    expect(JSON.stringify(stored)).not.toContain('a long secret passphrase');
    expect((await auditLog())[0]).toMatchObject({
      operation: 'createUser',
      changes: { password: 'changed', role: 'dispatcher' },
    });
  });

  it('writes nothing for a refused change, nor for one that found nothing to change', async () => {
    const before = await auditLog();
    const refused = await t.request('PATCH', base(), {
      token: org.secretKey,
      body: { timeZone: 'Mars/Olympus_Mons' },
    });
    expect(refused.status).toBe(400);
    const missing = await t.request('DELETE', `${base()}/customers/${randomUUID()}`, {
      token: org.secretKey,
    });
    expect(missing.status).toBe(404);
    expect(await auditLog()).toEqual(before);
  });

  it('filters by actor, target and time, and pages newest first', async () => {
    clock += day;
    // Signed in after the clock moved: an access token lives 15 minutes on the app's clock.
    const { accessToken } = await t.login(org.owner.email, org.owner.password);
    // After the sign-in, which is an entry of its own.
    clock += 1000;
    const from = new Date(clock).toISOString();
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      const created = await t.request('POST', `${base()}/customers`, { token: accessToken, body: { name } });
      ids.push(created.body.id);
      clock += 1000;
    }
    const byOwnerToday = await auditLog(`?actorId=${org.owner.id}&from=${from}`);
    expect(byOwnerToday.map((e) => e.target.id)).toEqual([...ids].reverse());
    expect(
      await auditLog(`?actorType=user&from=${from}&to=${new Date(clock - 1000).toISOString()}`),
    ).toHaveLength(2);
    const forB = await auditLog(`?targetType=customer&targetId=${ids[1]}`);
    expect(forB.map((e) => e.operation)).toEqual(['createCustomer']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2&actorType=user&from=${from}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request('GET', `${base()}/audit-log${query}`, { token: org.secretKey });
      seen.push(...page.body.data.map((e: { target: { id: string } }) => e.target.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('is for owners and admins only', async () => {
    const login = await t.login('dana@example.com', 'a long secret passphrase');
    const response = await t.request('GET', `${base()}/audit-log`, { token: login.accessToken });
    expect(response.status).toBe(403);
  });

  it('forgets entries older than the organization’s retention as new ones are written', async () => {
    const other = await t.createOrg();
    const write = (name: string) =>
      t.request('POST', `/api/v1/organizations/${other.orgId}/customers`, {
        token: other.secretKey,
        body: { name },
      });
    const list = async () =>
      (
        await t.request('GET', `/api/v1/organizations/${other.orgId}/audit-log`, { token: other.secretKey })
      ).body.data.map((e: { target: { id: string } }) => e.target.id);

    const settings = await t.request('PATCH', `/api/v1/organizations/${other.orgId}`, {
      token: other.secretKey,
      body: { auditRetentionDays: 30 },
    });
    expect(settings.body.auditRetentionDays).toBe(30);
    const old = (await write('Old')).body.id;
    clock += 29 * day;
    const recent = (await write('Recent')).body.id;
    expect(await list()).toContain(old);
    clock += 2 * day;
    const latest = (await write('Latest')).body.id;
    expect(await list()).toEqual([latest, recent]);
    // The other organization keeps its default year.
    expect((await auditLog()).length).toBeGreaterThan(5);
  });

  it('records what the Ascora sync writes under the system actor, without the customer’s details', async () => {
    const remote = ascoraCustomerSchema.parse({
      customerId: randomUUID(),
      customerName: 'Noah Ascora',
      emailAddress: 'noah@example.com',
    });
    await t.database.db.transaction((tx) =>
      applyCustomers(tx, { orgId: org.orgId, strategy: 'newest_wins', remoteSeenAt: new Date() }, [remote]),
    );
    const [entry] = await auditLog('?actorType=system');
    expect(entry).toMatchObject({
      actor: { type: 'system', id: 'ascora-sync' },
      credential: null,
      operation: 'ascora.applyCustomers',
      target: { type: 'customer', id: expect.any(String) },
      changes: { name: 'changed', email: 'changed' },
    });
    const stored = await queryRows(t.database.db, sql`select * from audit_log`);
    expect(JSON.stringify(stored)).not.toContain('noah');
  });
});

describe('a change whose audit entry cannot be written', () => {
  let t: TestContext;
  afterAll(() => t?.close());

  it('is not made either, because both are one transaction', async () => {
    t = await createTestContext();
    const org = await t.createOrg();
    await t.database.db.execute(
      sql.raw(`create function refuse_audit() returns trigger language plpgsql as $$
                 begin raise exception 'audit log unavailable'; end $$`),
    );
    await t.database.db.execute(
      sql.raw(
        'create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()',
      ),
    );
    const path = `/api/v1/organizations/${org.orgId}`;
    const before = await t.request('GET', path, { token: org.secretKey });
    const response = await t.request('PATCH', path, { token: org.secretKey, body: { name: 'Never saved' } });
    expect(response.status).toBe(500);
    const after = await t.request('GET', path, { token: org.secretKey });
    expect(after.body.name).toBe(before.body.name);
  });
});

describe('the audit writer for changes committed outside a request transaction', () => {
  let t: TestContext;
  afterAll(() => t?.close());

  it('writes every entry of a burst, and fails the callers whose entries could not be written', async () => {
    t = await createTestContext();
    const org = await t.createOrg();
    const writer = new AuditWriter(t.database.db);
    const entry = (orgId: string, n: number) => ({
      orgId,
      actor: { type: 'system' as const, id: 'test' },
      operation: 'createAppointment',
      target: { type: 'appointment', id: `burst-${n}` },
      changes: {},
    });
    await Promise.all(Array.from({ length: 20 }, (_, n) => writer.record(entry(org.orgId, n))));
    const [written] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where org_id = ${org.orgId} and target_id like 'burst-%'`,
    );
    expect(written!.n).toBe(20);
    await expect(writer.record(entry(randomUUID(), 0))).rejects.toThrow();
    // A failed write leaves the writer able to write the next entries.
    await writer.record(entry(org.orgId, 20));
  });
});
