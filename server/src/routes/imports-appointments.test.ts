import { and, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { domainEvents, notifications } from '../db/schema.js';
import { parseStart } from '../services/import-appointments.js';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const zone = 'Australia/Sydney';

/** The clock every service reads: a Monday morning, so 8 March 2027 is next week. */
const clock = Date.parse('2027-03-01T09:00:00Z');

interface Visit {
  id: string;
  reference: string;
  status: string;
  start: string;
  end: string;
  technicianId: string;
  customerId: string;
  serviceItemId: string;
  price: { amountMinor: number };
  notes: string | null;
  internalNotes: string | null;
  siteAddress: { line1?: string; city?: string; country?: string } | null;
  assignment: { reason: string };
}

describe('importing appointments (createImport kind appointments)', () => {
  let t: TestContext;
  let org: TestOrg;
  const ids = { sam: '', priya: '', tapFix: '', inspection: '', ada: '', bo: '' };
  const api = async (method: string, path: string, body?: unknown, o: TestOrg = org) => {
    const response = await t.request(method, `/api/v1/organizations/${o.orgId}${path}`, {
      token: o.secretKey,
      ...(body === undefined ? {} : { body }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${response.text}`);
    return response.body;
  };
  const run = async (body: Record<string, unknown>) => {
    const queued = await api('POST', '/imports', body);
    await t.services.queue!.drain(['imports']);
    return api('GET', `/imports/${queued.id}`);
  };
  const csv = (...lines: string[]) => ({
    kind: 'appointments',
    format: 'csv',
    content: base64(lines.join('\r\n')),
  });
  const visits = async (): Promise<Visit[]> => (await api('GET', '/appointments?limit=100&sort=start')).data;

  beforeAll(async () => {
    t = await createTestContext({ queue: true, now: () => clock });
    org = await t.createOrg({ timeZone: zone });
    ids.sam = (
      await api('POST', '/technicians', {
        name: 'Sam Okafor',
        email: 'sam@example.com',
        skills: [{ skill: 'plumbing', proficiency: 4 }],
      })
    ).id;
    ids.priya = (
      await api('POST', '/technicians', { name: 'Priya Nair', email: 'priya@example.com', skills: [] })
    ).id;
    ids.tapFix = (
      await api('POST', '/services/items', {
        name: 'Tap fix',
        durationMinutes: 60,
        bufferAfterMinutes: 15,
        basePriceMinor: 9900,
        requiredSkills: [{ skill: 'plumbing', minProficiency: 3 }],
      })
    ).id;
    ids.inspection = (
      await api('POST', '/services/items', { name: 'Inspection', durationMinutes: 30, basePriceMinor: 5000 })
    ).id;
    ids.ada = (await api('POST', '/customers', { name: 'Ada Lovelace', email: 'ada@example.com' })).id;
    ids.bo = (await api('POST', '/customers', { name: 'Bo Chen', email: 'bo@example.com' })).id;
  });
  afterAll(() => t?.close());

  it('imports visits named by email, id or name, at local or offset times, past work included, and sends no confirmations', async () => {
    const done = await run(
      csv(
        'customer,service,technician,start,duration_minutes,status,notes,internal_notes,site_line1,site_city,site_country',
        'ada@example.com,Tap fix,sam@example.com,2027-03-08 09:00,,scheduled,Back gate,Dog is friendly,1 Harbour St,Sydney,au',
        `${ids.bo},${ids.inspection},Priya Nair,2027-03-08T09:00:00+11:00,45,,,,,,`,
        // Last month, before anyone's hours (07:30), done already, and nobody named: Sam is the
        // one qualified for a tap fix.
        'ADA@example.com,tap fix,,2027-02-01 07:30,,completed,,,,,',
      ),
    );
    expect(done).toMatchObject({
      kind: 'appointments',
      status: 'succeeded',
      totalRows: 3,
      importedRows: 3,
      errors: [],
    });

    const [past, tap, inspection] = await visits();
    expect(tap).toMatchObject({
      status: 'scheduled',
      technicianId: ids.sam,
      customerId: ids.ada,
      serviceItemId: ids.tapFix,
      price: { amountMinor: 9900 },
      notes: 'Back gate',
      internalNotes: 'Dog is friendly',
      siteAddress: { line1: '1 Harbour St', city: 'Sydney', country: 'AU' },
      assignment: { reason: 'imported' },
    });
    expect(Date.parse(tap!.start)).toBe(Date.parse('2027-03-07T22:00:00Z'));
    expect(Date.parse(tap!.end)).toBe(Date.parse('2027-03-07T23:00:00Z'));
    expect(inspection).toMatchObject({ technicianId: ids.priya, customerId: ids.bo, status: 'scheduled' });
    expect(Date.parse(inspection!.end) - Date.parse(inspection!.start)).toBe(45 * 60_000);
    expect(past).toMatchObject({ status: 'completed', technicianId: ids.sam });
    expect(Date.parse(past!.start)).toBe(Date.parse('2027-01-31T20:30:00Z'));

    // Webhooks, the live board and notifications see each visit as created, through the outbox …
    const subjects = [past!.id, tap!.id, inspection!.id];
    const events = await t.database.db
      .select({ type: domainEvents.type })
      .from(domainEvents)
      .where(and(eq(domainEvents.orgId, org.orgId), inArray(domainEvents.subject, subjects)));
    expect(events.map((e) => e.type)).toEqual(Array(3).fill('appointment.created'));
    // … but nobody is told about a booking they made elsewhere.
    await t.services.events.drain();
    const messages = await t.database.db
      .select({ type: notifications.type })
      .from(notifications)
      .where(inArray(notifications.appointmentId, subjects));
    expect(messages.map((m) => m.type)).not.toContain('confirmation');
    expect(messages.map((m) => m.type)).not.toContain('technician_assigned');

    // Who queued the file, and what it made, on the import's audit trail.
    const audit = (await api('GET', `/audit-log?targetType=import&targetId=${done.id}`)).data;
    expect(audit).toMatchObject([
      {
        operation: 'imports.applyAppointments',
        actor: { type: 'system', id: 'imports' },
        changes: { kind: 'appointments', importedRows: 3 },
      },
      { operation: 'createImport', actor: { type: 'api_key' } },
    ]);
  });

  it('refuses the whole file when a row double-books a technician or names what does not exist, listing every problem', async () => {
    const other = await t.createOrg({ timeZone: zone });
    const stranger = (await api('POST', '/customers', { name: 'Not ours', email: 'x@example.com' }, other))
      .id;
    const before = (await visits()).length;
    const done = await run(
      csv(
        'customer,service,technician,start,status',
        // Sam has the 09:00 tap fix next Monday (and its 15 minutes after).
        'bo@example.com,Inspection,Sam Okafor,2027-03-08 10:10,',
        'bo@example.com,Inspection,priya@example.com,2027-03-09 10:00,',
        'ada@example.com,Inspection,priya@example.com,2027-03-09 10:15,',
        `${stranger},Boiler service,Zed,2027-02-30 09:00,en_route`,
        // Called off: it keeps nobody busy, so it may sit on Sam's visit.
        'ada@example.com,Tap fix,Sam Okafor,2027-03-08 09:00,cancelled',
        // Nobody qualified is free: Sam, the only plumber, has the 09:00 tap fix.
        'bo@example.com,Tap fix,,2027-03-08 09:30,',
      ),
    );
    expect(done.status).toBe('failed');
    expect(done.importedRows).toBe(0);
    expect(done.errors).toEqual([
      {
        row: 2,
        field: 'technician',
        message: expect.stringMatching(
          /^Sam Okafor is already booked then \(visit [A-Z0-9]{3}-[A-Z0-9]{3}\)$/,
        ),
      },
      { row: 4, field: 'technician', message: 'Priya Nair is already booked then (row 3 of this file)' },
      { row: 5, field: 'customer', message: `no customer has the id or email “${stranger}”` },
      { row: 5, field: 'service', message: 'nothing is called “Boiler service”' },
      { row: 5, field: 'technician', message: 'nothing is called “Zed”' },
      {
        row: 5,
        field: 'status',
        message: 'must be one of requested, scheduled, completed, cancelled, no_show',
      },
      {
        row: 5,
        field: 'start',
        message: 'must be a date and time, e.g. 2026-03-02T09:00+11:00, or 2026-03-02 09:00 in local time',
      },
      { row: 7, field: 'technician', message: 'no qualified technician is free then; name one' },
    ]);
    expect((await visits()).length).toBe(before);
  });

  it('imports from XLSX, reading a date cell as local time in the organization’s zone', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('appointments');
    sheet.addRow(['customer', 'service', 'technician', 'start', 'end']);
    // A spreadsheet's date has no zone: 14:00 as typed, which in Sydney is 03:00 UTC.
    sheet.addRow(['bo@example.com', 'Inspection', 'Priya Nair', new Date(Date.UTC(2027, 2, 10, 14, 0)), '']);
    sheet.addRow([
      'ada@example.com',
      'Tap fix',
      'Sam Okafor',
      '2027-03-10T15:00:00+11:00',
      '2027-03-10T17:00:00+11:00',
    ]);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const done = await run({ kind: 'appointments', format: 'xlsx', content });
    expect(done).toMatchObject({ status: 'succeeded', importedRows: 2 });
    const imported = (await visits()).filter((v) => v.start.startsWith('2027-03-10'));
    expect(imported.map((v) => [Date.parse(v.start), Date.parse(v.end)])).toEqual([
      [Date.parse('2027-03-10T03:00:00Z'), Date.parse('2027-03-10T03:30:00Z')],
      [Date.parse('2027-03-10T04:00:00Z'), Date.parse('2027-03-10T06:00:00Z')],
    ]);
  });

  it('reads its own export: the same file imported again is refused row by row as double booking, not duplicated', async () => {
    const exported = await t.request(
      'GET',
      `/api/v1/organizations/${org.orgId}/exports?kind=appointments&format=csv`,
      {
        token: org.secretKey,
      },
    );
    expect(exported.status).toBe(200);
    const stored = await visits();
    const done = await run({
      kind: 'appointments',
      format: 'csv',
      content: Buffer.from(exported.text).toString('base64'),
    });
    expect(done.status).toBe('failed');
    expect(done.errors).toHaveLength(stored.length);
    for (const problem of done.errors) {
      expect(problem.field).toBe('technician');
      expect(problem.message).toMatch(/is already booked then \(visit /);
    }
    expect((await visits()).length).toBe(stored.length);
  });

  it('reads a local start by the organization’s clock on the day daylight saving ends, and refuses days that do not exist', () => {
    // Sydney leaves daylight saving on 4 April 2027: 09:00 that morning is UTC+10 again.
    expect(parseStart('2027-04-04 09:00', zone)).toBe(Date.parse('2027-04-03T23:00:00Z'));
    expect(parseStart('2027-04-03 09:00', zone)).toBe(Date.parse('2027-04-02T22:00:00Z'));
    expect(parseStart('2027-03-08T09:00+1100', zone)).toBe(Date.parse('2027-03-07T22:00:00Z'));
    expect(parseStart('2027-02-29 09:00', zone)).toBeNull();
    expect(parseStart('2027-03-08 24:00', zone)).toBeNull();
    expect(parseStart('8/3/2027 9am', zone)).toBeNull();
  });
});
