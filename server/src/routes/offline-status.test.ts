import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestResponse } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';

const zone = 'Australia/Sydney';
const MINUTE = 60_000;

function mondayAhead(weeks: number): string {
  let date = addDays(localDateOf(zone, Date.now()), 7 * weeks);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
}
const at = (date: string, time: string) =>
  localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A technician in a basement taps "Start work" with no signal; the tap reaches the server when
 * they come back up. Labour is measured from the status history, so the history must say when
 * the tap happened, not when it arrived.
 */
describe('status changes sent after the fact', () => {
  let t: TestContext;
  let clock = Date.now();
  let api: (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<TestResponse>;
  let item: string;
  let customer: string;
  const monday = mondayAhead(2);

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock });
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}`;
    api = (method, path, body, headers) =>
      t.request(method, `${base}${path}`, {
        token: org.secretKey,
        ...(body === undefined ? {} : { body }),
        ...(headers ? { headers } : {}),
      });
    const technician = (await api('POST', '/technicians', { name: 'Sam', skills: [] })).body.id as string;
    await api('PUT', `/technicians/${technician}/schedule`, {
      weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] },
    });
    item = (
      await api('POST', '/services/items', { name: 'Quote visit', durationMinutes: 30, basePriceMinor: 0 })
    ).body.id as string;
    customer = (await api('POST', '/customers', { name: 'Casey', email: `casey-${org.orgId}@example.com` }))
      .body.id as string;
  });
  afterAll(() => t.close());

  const book = async (time: string) => {
    clock = Date.now();
    const booked = await api('POST', '/appointments', {
      serviceItemId: item,
      start: iso(at(monday, time)),
      customerId: customer,
    });
    expect(booked.status).toBe(201);
    return booked.body.id as string;
  };
  const change = (id: string, status: string, occurredAt?: number, key?: string) =>
    api(
      'PUT',
      `/appointments/${id}/status`,
      { status, ...(occurredAt === undefined ? {} : { occurredAt: iso(occurredAt) }) },
      key ? { 'idempotency-key': key } : undefined,
    );
  const labour = async (id: string) => (await api('GET', `/appointments/${id}/job-sheet`)).body.labour;

  it('measures labour from when the taps happened on the device, not from when they arrived', async () => {
    const id = await book('09:00');
    const tappedStart = at(monday, '09:02');
    // Back in signal at 10:30: start (09:02), pause (09:47) and resume (10:00) arrive together.
    clock = at(monday, '10:30');
    expect((await change(id, 'in_progress', tappedStart)).status).toBe(200);
    expect((await change(id, 'paused', tappedStart + 45 * MINUTE)).status).toBe(200);
    expect((await change(id, 'in_progress', tappedStart + 58 * MINUTE)).status).toBe(200);

    expect(await labour(id)).toMatchObject({
      workMinutes: 45 + 30,
      pausedMinutes: 13,
      runningStatus: 'in_progress',
      runningSince: iso(tappedStart + 58 * MINUTE),
    });
    const history = (await api('GET', `/appointments/${id}/history`)).body.data as Array<{
      toStatus: string;
      at: string;
    }>;
    expect(history.slice(-3).map((h) => [h.toStatus, h.at])).toEqual([
      ['in_progress', iso(tappedStart)],
      ['paused', iso(tappedStart + 45 * MINUTE)],
      ['in_progress', iso(tappedStart + 58 * MINUTE)],
    ]);
  });

  it('records when the change happened in its audit entry and its event, and when it arrived on the event', async () => {
    const id = await book('11:00');
    const tapped = at(monday, '11:05');
    clock = at(monday, '11:40');
    expect((await change(id, 'en_route', tapped)).status).toBe(200);

    const audit = (await api('GET', '/audit-log')).body.data as Array<{
      operation: string;
      target: { id: string };
      changes: Record<string, unknown>;
    }>;
    const entry = audit.find((e) => e.operation === 'changeAppointmentStatus' && e.target.id === id);
    expect(entry?.changes).toMatchObject({ status: 'en_route', occurredAt: iso(tapped) });

    const [event] = await queryRows<{ data: { status: string; occurredAt: string }; occurred_at: string }>(
      t.database.db,
      sql`select data, occurred_at from domain_events
           where subject = ${id} and type = 'appointment.status_changed' order by id desc limit 1`,
    );
    expect(event?.data).toMatchObject({ status: 'en_route', occurredAt: iso(tapped) });
    expect(new Date(event!.occurred_at).getTime()).toBe(clock);
  });

  it('keeps recording changes at the server’s time when the device sends none', async () => {
    const id = await book('12:00');
    clock = at(monday, '12:01');
    await change(id, 'in_progress');
    clock += 20 * MINUTE;
    expect(await labour(id)).toMatchObject({ workMinutes: 20, runningSince: iso(at(monday, '12:01')) });
  });

  it('refuses a time in the future beyond clock skew, and changes nothing', async () => {
    const id = await book('13:00');
    clock = at(monday, '13:00');
    const before = await t.snapshot();
    const refused = await change(id, 'in_progress', clock + 5 * MINUTE);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'body.occurredAt' })]);
    expect(await t.snapshot()).toBe(before);
    // A phone whose clock runs a minute fast is believed.
    expect((await change(id, 'in_progress', clock + MINUTE)).status).toBe(200);
  });

  it('refuses a time before the latest recorded change, or more than a week old, and changes nothing', async () => {
    const id = await book('14:00');
    clock = at(monday, '14:00');
    await change(id, 'in_progress');
    clock += 30 * MINUTE;
    const before = await t.snapshot();
    const outOfOrder = await change(id, 'paused', at(monday, '13:50'));
    expect(outOfOrder.status).toBe(400);
    expect(outOfOrder.body.errors).toEqual([expect.objectContaining({ path: 'body.occurredAt' })]);
    const stale = await change(id, 'paused', clock - 8 * 24 * 60 * MINUTE);
    expect(stale.status).toBe(400);
    expect(stale.body.errors).toEqual([expect.objectContaining({ path: 'body.occurredAt' })]);
    expect(await t.snapshot()).toBe(before);
    expect((await api('GET', `/appointments/${id}`)).body.status).toBe('in_progress');
  });

  it('does not refuse a queued tap because the office edited the visit meanwhile', async () => {
    const id = await book('15:00');
    const tapped = at(monday, '15:00');
    clock = tapped + 10 * MINUTE;
    expect((await api('PATCH', `/appointments/${id}`, { internalNotes: 'Gate code 1234' })).status).toBe(200);
    clock += 20 * MINUTE;
    expect((await change(id, 'in_progress', tapped)).status).toBe(200);
    expect(await labour(id)).toMatchObject({ workMinutes: 30, runningSince: iso(tapped) });
  });

  it('applies a change sent again with the same Idempotency-Key once, answering the first response', async () => {
    const id = await book('16:00');
    const tapped = at(monday, '16:00');
    clock = tapped + 15 * MINUTE;
    const first = await change(id, 'in_progress', tapped, 'start-work-1');
    expect(first.status).toBe(200);
    const before = await t.snapshot();
    clock += 5 * MINUTE;
    const again = await change(id, 'in_progress', tapped, 'start-work-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.snapshot()).toBe(before);
    const starts = (await api('GET', `/appointments/${id}/history`)).body.data.filter(
      (h: { toStatus: string }) => h.toStatus === 'in_progress',
    );
    expect(starts).toHaveLength(1);
  });
});
