/**
 * The audit entry of a booking, a hold or a move commits in the transaction of the change itself,
 * though these run outside the request's transaction (the group commit, the moves' own locks):
 * when the entry cannot be written, the change does not happen either.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../server/src/db/index.js';
import { createTestContext, type TestContext } from '../server/test-support/harness.js';
import { type DemoOrg, seedDemoOrg } from './support/demo-org.js';

describe('an audit entry that cannot be written', () => {
  let t: TestContext;
  let demo: DemoOrg;
  let slots: string[];
  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1/organizations/${demo.orgId}${path}`, {
      token: demo.secretKey,
      ...(body === undefined ? {} : { body }),
    });
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!
      .n;
  /** Makes the audit log refuse entries of one operation, as a full disk or a bad deploy might. */
  const refuseEntriesOf = async (operation: string) => {
    const db = t.database.db;
    await db.execute(sql`create or replace function refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit log unavailable'; end $$`);
    await db.execute(sql`drop trigger if exists refuse_audit on audit_log`);
    await db.execute(sql`create trigger refuse_audit before insert on audit_log for each row
      when (new.operation = ${sql.raw(`'${operation}'`)}) execute function refuse_audit()`);
  };

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    demo = await seedDemoOrg(t, ['https://widget.example']);
    const day = (days: number) => new Date(t.services.now() + days * 86_400_000).toISOString().slice(0, 10);
    const availability = await api(
      'GET',
      `/technicians/availability?serviceItemId=${demo.ids.itemId}&from=${day(21)}&to=${day(28)}`,
    );
    slots = (availability.body.days as Array<{ slots: Array<{ start: string }> }>).flatMap((d) =>
      d.slots.map((s) => s.start),
    );
  });
  afterAll(() => t.close());

  it('leaves no booking behind, though bookings are written by the group commit', async () => {
    await refuseEntriesOf('createAppointment');
    const before = await count('appointments');
    const response = await api('POST', '/appointments', {
      serviceItemId: demo.ids.itemId,
      start: slots.pop(),
      customer: { name: 'Ada Example', email: 'ada@example.com' },
    });
    expect(response.status).toBe(500);
    expect(await count('appointments')).toBe(before);
  });

  it('leaves no hold behind', async () => {
    await refuseEntriesOf('createHold');
    const before = await count('reservations');
    const response = await api('POST', '/holds', { serviceItemId: demo.ids.itemId, start: slots.pop() });
    expect(response.status).toBe(500);
    expect(await count('reservations')).toBe(before);
  });

  it('leaves a reschedule undone', async () => {
    await refuseEntriesOf('rescheduleAppointment');
    const { id } = await booked();
    const response = await api('POST', `/appointments/${id}/reschedule`, { start: slots.pop() });
    expect(response.status).toBe(500);
    expect((await api('GET', `/appointments/${id}`)).body.status).toBe('scheduled');
  });

  it('leaves a reassignment undone', async () => {
    await refuseEntriesOf('assignTechnician');
    const appointment = await booked();
    const technicians = (await api('GET', '/technicians?limit=100')).body.data as { id: string }[];
    const before = appointment.technicianId;
    let failed = false;
    for (const other of technicians.filter((tech) => tech.id !== before)) {
      const response = await api('POST', `/appointments/${appointment.id}/assign-technician`, {
        technicianId: other.id,
      });
      // Another technician may be busy or unqualified (409): only a write that failed tells us anything.
      failed = response.status === 500;
      if (failed) break;
    }
    expect(failed).toBe(true);
    expect((await api('GET', `/appointments/${appointment.id}`)).body.technicianId).toBe(before);
  });

  async function booked(): Promise<{ id: string; technicianId: string }> {
    const response = await api('POST', '/appointments', {
      serviceItemId: demo.ids.itemId,
      start: slots.pop(),
      customer: { name: 'Ada Example', email: 'ada@example.com' },
    });
    expect(response.status).toBe(201);
    return response.body;
  }
});
