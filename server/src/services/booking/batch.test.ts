import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../../test-support/harness.js';
import { type Db, queryRows } from '../../db/index.js';
import { ApiError } from '../../errors.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../../scheduling/time.js';
import {
  BookingBatcher,
  type BookingRequest,
  bookAppointments,
  prepareBookings,
  settle,
  writeBookings,
} from './batch.js';

const zone = 'Australia/Sydney';
const monday = (() => {
  let date = addDays(localDateOf(zone, Date.now()), 14);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
})();
const at = (time: string, date = monday) =>
  new Date(localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)))).toISOString();

/** An organization with `count` equally skilled technicians working Mondays 08:00–17:00, and one item. */
async function crew(t: TestContext, count: number) {
  const org = await t.createOrg();
  const base = `/api/v1/organizations/${org.orgId}`;
  const technicianIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const tech = await t.request('POST', `${base}/technicians`, {
      token: org.secretKey,
      body: { name: `Tech ${i}`, skills: [{ skill: 'plumbing', proficiency: 3 }] },
    });
    await t.request('PUT', `${base}/technicians/${tech.body.id}/schedule`, {
      token: org.secretKey,
      body: { weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] } },
    });
    technicianIds.push(tech.body.id);
  }
  const item = await t.request('POST', `${base}/services/items`, {
    token: org.secretKey,
    body: {
      name: 'Service call',
      durationMinutes: 60,
      basePriceMinor: 12000,
      requiredSkills: [{ skill: 'plumbing', minProficiency: 1 }],
    },
  });
  return { org, technicianIds, itemId: item.body.id as string };
}

let visitors = 0;
function request(org: TestOrg, serviceItemId: string, start: string, extra: object = {}): BookingRequest {
  visitors += 1;
  return {
    orgId: org.orgId,
    body: {
      serviceItemId,
      start,
      customer: { name: `Visitor ${visitors}`, email: `visitor${visitors}@example.com` },
      ...extra,
    },
    caller: { publicOnly: false, actor: 'test' },
    now: Date.now(),
  };
}

/** Each outcome as the route would answer it: the appointment or the error's code. */
async function settled(db: Db, outcomes: Awaited<ReturnType<typeof bookAppointments>>) {
  return Promise.all(
    outcomes.map((outcome) =>
      settle(db, outcome).then(
        (row) => ({ row }),
        (error: unknown) => ({ code: error instanceof ApiError ? error.code : String(error) }),
      ),
    ),
  );
}

describe('group commit of bookings', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('spreads one batch of requests for one start over as many technicians, and refuses the one too many', async () => {
    const { org, technicianIds, itemId } = await crew(t, 4);
    const requests = Array.from({ length: 5 }, () => request(org, itemId, at('09:00')));
    const results = await settled(t.database.db, await bookAppointments(t.database.db, requests));
    const booked = results.flatMap((r) => ('row' in r ? [r.row] : []));
    expect(booked).toHaveLength(4);
    expect(new Set(booked.map((row) => row.technicianId))).toEqual(new Set(technicianIds));
    // The first in line is refused nothing: arrival order decides who gets a technician.
    expect(results.slice(0, 4).every((r) => 'row' in r)).toBe(true);
    expect(results[4]).toEqual({ code: 'slot_unavailable' });
    const [{ n }] = (await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from reservations where org_id = ${org.orgId} and released_at is null`,
    )) as [{ n: number }];
    expect(n).toBe(4);
  });

  it('ranks the day’s work within the batch: equal technicians share a day of back-to-back starts', async () => {
    const { org, technicianIds, itemId } = await crew(t, 3);
    const starts = ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00'].map((time) => at(time));
    const results = await settled(
      t.database.db,
      await bookAppointments(
        t.database.db,
        starts.map((start) => request(org, itemId, start)),
      ),
    );
    const perTechnician = technicianIds.map(
      (id) => results.filter((r) => 'row' in r && r.row.technicianId === id).length,
    );
    expect(perTechnician).toEqual([2, 2, 2]);
  });

  it('refuses only the requests that are wrong, and books the rest of the batch', async () => {
    const { org, itemId } = await crew(t, 2);
    const other = await crew(t, 1);
    const results = await settled(t.database.db, [
      ...(await bookAppointments(t.database.db, [
        request(org, itemId, at('09:00')),
        request(org, '0190aaaa-0000-7000-8000-000000000000', at('09:00')),
        // Another organization's item is not found, whatever the batch holds.
        request(org, other.itemId, at('09:00')),
        request(org, itemId, at('09:00'), {
          customerId: '0190aaaa-0000-7000-8000-000000000001',
          customer: undefined,
        }),
        request(org, itemId, at('07:00')),
        request(org, itemId, at('09:00')),
      ])),
    ]);
    expect(results.map((r) => ('row' in r ? 201 : r.code))).toEqual([
      201,
      'not_found',
      'not_found',
      'validation_failed',
      'slot_unavailable',
      201,
    ]);
  });

  it('keeps each booking of a mixed batch in its own organization', async () => {
    const a = await crew(t, 1);
    const b = await crew(t, 1);
    const results = await settled(
      t.database.db,
      await bookAppointments(t.database.db, [
        request(a.org, a.itemId, at('09:00')),
        request(b.org, b.itemId, at('09:00')),
        request(a.org, a.itemId, at('10:00')),
      ]),
    );
    const rows = results.map((r) => ('row' in r ? r.row : undefined));
    expect(rows.map((row) => row?.orgId)).toEqual([a.org.orgId, b.org.orgId, a.org.orgId]);
    expect(rows.map((row) => row?.technicianId)).toEqual([
      a.technicianIds[0],
      b.technicianIds[0],
      a.technicianIds[0],
    ]);
    const customers = await queryRows<{ id: string; org_id: string }>(
      t.database.db,
      sql`select a.id, c.org_id from appointments a join customers c on c.id = a.customer_id
           where a.id in (${rows[0]!.id}, ${rows[1]!.id}, ${rows[2]!.id})`,
    );
    const customerOrg = new Map(customers.map((c) => [c.id, c.org_id]));
    expect(rows.map((row) => customerOrg.get(row!.id))).toEqual([a.org.orgId, b.org.orgId, a.org.orgId]);
  });

  it('creates a new customer once when the batch books them twice', async () => {
    const { org, itemId } = await crew(t, 2);
    const customer = { name: 'Twice', email: 'twice@example.com' };
    const results = await settled(
      t.database.db,
      await bookAppointments(t.database.db, [
        request(org, itemId, at('09:00'), { customer }),
        request(org, itemId, at('11:00'), { customer: { ...customer, email: 'TWICE@example.com' } }),
      ]),
    );
    const ids = results.map((r) => ('row' in r ? r.row.customerId : undefined));
    expect(ids[0]).toBeTruthy();
    expect(ids[1]).toBe(ids[0]);
    const rows = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from customers where org_id = ${org.orgId}`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('writes the batch one by one when it fails, so only the request at fault fails', async () => {
    const { org, itemId } = await crew(t, 3);
    const customer = await t.request('POST', `/api/v1/organizations/${org.orgId}/customers`, {
      token: org.secretKey,
      body: { name: 'Gone Soon', email: 'gone@example.com' },
    });
    const prepared = await prepareBookings(t.database.db, [
      request(org, itemId, at('09:00')),
      request(org, itemId, at('09:00'), { customerId: customer.body.id, customer: undefined }),
      request(org, itemId, at('09:00')),
    ]);
    expect(prepared.entries).toHaveLength(3);
    // Deleted between the read and the write: that entry's appointment now breaks a foreign key.
    await t.request('DELETE', `/api/v1/organizations/${org.orgId}/customers/${customer.body.id}`, {
      token: org.secretKey,
    });
    const results = await settled(t.database.db, await writeBookings(t.database.db, prepared));
    expect(results.map((r) => 'row' in r)).toEqual([true, false, true]);
    // Its reservation went back with it: nothing half-written.
    const rows = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from reservations where org_id = ${org.orgId} and released_at is null`,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('ranks a batch against the one still being written, whose rows it cannot see yet', async () => {
    const { org, itemId } = await crew(t, 2);
    const first = await prepareBookings(t.database.db, [request(org, itemId, at('09:00'))]);
    const second = await prepareBookings(t.database.db, [request(org, itemId, at('09:00'))], first.taken);
    const firstChoice = first.entries[0]!.entry.technicianIds[0];
    // Still a candidate (the first batch may yet land elsewhere), but the last one tried.
    expect(second.entries[0]!.entry.technicianIds).toEqual([
      expect.not.stringMatching(firstChoice!),
      firstChoice,
    ]);
    const results = await settled(t.database.db, [
      ...(await writeBookings(t.database.db, first)),
      ...(await writeBookings(t.database.db, second)),
    ]);
    const technicians = results.map((r) => ('row' in r ? r.row.technicianId : undefined));
    expect(technicians[0]).toBe(firstChoice);
    expect(technicians[1]).toBe(second.entries[0]!.entry.technicianIds[0]);
  });

  it('answers simultaneous requests over the API: one 201 per technician, then 409 with alternatives', async () => {
    const { org, technicianIds, itemId } = await crew(t, 4);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.request('POST', `/api/v1/organizations/${org.orgId}/appointments`, {
          token: org.secretKey,
          body: {
            serviceItemId: itemId,
            start: at('10:00'),
            customer: { name: `Racer ${i}`, email: `racer${i}@example.com` },
          },
        }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(4);
    expect(new Set(created.map((r) => r.body.technicianId))).toEqual(new Set(technicianIds));
    for (const refused of responses.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'slot_unavailable', alternatives: expect.any(Array) });
    }
  });

  it('books an idempotent request in its own transaction, once, however often it is sent', async () => {
    const { org, itemId } = await crew(t, 1);
    const send = (key: string, start: string) =>
      t.request('POST', `/api/v1/organizations/${org.orgId}/appointments`, {
        token: org.secretKey,
        headers: { 'idempotency-key': key },
        body: { serviceItemId: itemId, start, customer: { name: 'Once', email: 'once@example.com' } },
      });
    const first = await send('booking-1', at('09:00'));
    const again = await send('booking-1', at('09:00'));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    // A refused slot leaves the key free for a corrected retry.
    const taken = await send('booking-2', at('09:30'));
    expect(taken.status).toBe(409);
    const corrected = await send('booking-2', at('11:00'));
    expect(corrected.status).toBe(201);
    const rows = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from appointments where org_id = ${org.orgId}`,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('sends the first booking at once and the ones that queue behind it together', async () => {
    const { org, itemId } = await crew(t, 10);
    let statements = 0;
    const db = t.database.db;
    const counting = new Proxy(db, {
      get(target, property) {
        if (property === 'execute') {
          return (query: Parameters<Db['execute']>[0]) => {
            statements += 1;
            return target.execute(query);
          };
        }
        // A write is one transaction: the bookings' statement and their events'.
        if (property === 'transaction') {
          return (work: Parameters<Db['transaction']>[0]) => {
            statements += 1;
            return target.transaction(work);
          };
        }
        return Reflect.get(target, property);
      },
    });
    const batcher = new BookingBatcher(counting);
    const rows = await Promise.all(
      Array.from({ length: 10 }, () => batcher.book(request(org, itemId, at('14:00')))),
    );
    expect(new Set(rows.map((row) => row.technicianId)).size).toBe(10);
    // A read and a write for the first, alone; then one read and one write for the other nine
    // (a write: the bookings' statement and their events', in one transaction).
    expect(statements).toBe(4);
    // An eleventh for the same start is refused with the nearest starts still free.
    const refused = await batcher.book(request(org, itemId, at('14:00'))).catch((error: ApiError) => error);
    expect(refused).toMatchObject({ code: 'slot_unavailable' });
    const alternatives = (refused as ApiError).options.extensions?.alternatives as string[];
    expect(alternatives.map(Date.parse).sort()).toEqual(
      ['12:30', '13:00', '15:00'].map((time) => Date.parse(at(time))),
    );
  });
});
