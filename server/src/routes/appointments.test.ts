import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';

const zone = 'Australia/Sydney';
const origin = 'https://plumber.example';

function mondayAhead(weeks: number): string {
  let date = addDays(localDateOf(zone, Date.now()), 7 * weeks);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
}
const at = (date: string, time: string) =>
  new Date(localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)))).toISOString();

describe('booking and the appointment workflow', () => {
  let t: TestContext;
  let org: TestOrg;
  let monday: string;
  let tapFix: string;
  let gasJob: string;
  let sam: string;
  let priya: string;
  const base = () => `/api/v1/organizations/${org.orgId}`;
  const asWidget = { headers: { origin } };
  const book = (body: Record<string, unknown>, token = org.secretKey) =>
    t.request('POST', `${base()}/appointments`, {
      token,
      body,
      ...(token === org.publishableKey ? asWidget : {}),
    });
  const visitor = (n: number) => ({ name: `Visitor ${n}`, email: `visitor${n}@example.com` });

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg({ allowedOrigins: [origin] });
    monday = mondayAhead(2);
    await t.request('PATCH', base(), {
      token: org.secretKey,
      body: { bookingSettings: { minimumNoticeMinutes: 120, horizonDays: 90 } },
    });
    const hours = {
      weeklyHours: {
        monday: [{ start: '08:00', end: '17:00' }],
        tuesday: [{ start: '08:00', end: '17:00' }],
      },
    };
    const make = async (name: string, skills: unknown[]) => {
      const tech = await t.request('POST', `${base()}/technicians`, {
        token: org.secretKey,
        body: { name, skills },
      });
      await t.request('PUT', `${base()}/technicians/${tech.body.id}/schedule`, {
        token: org.secretKey,
        body: hours,
      });
      return tech.body.id as string;
    };
    sam = await make('Sam', [{ skill: 'gas', proficiency: 5 }]);
    priya = await make('Priya', [{ skill: 'gas', proficiency: 3 }]);
    tapFix = (
      await t.request('POST', `${base()}/services/items`, {
        token: org.secretKey,
        body: { name: 'Tap fix', durationMinutes: 60, bufferAfterMinutes: 30, basePriceMinor: 9900 },
      })
    ).body.id;
    gasJob = (
      await t.request('POST', `${base()}/services/items`, {
        token: org.secretKey,
        body: {
          name: 'Gas',
          durationMinutes: 60,
          basePriceMinor: 19900,
          requiredSkills: [{ skill: 'gas', minProficiency: 4 }],
        },
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('books from the widget for a new customer, assigning a technician and keeping the price', async () => {
    const response = await book(
      { serviceItemId: tapFix, start: at(monday, '09:00'), customer: visitor(1), notes: 'Leaking tap' },
      org.publishableKey,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'scheduled',
      price: { amountMinor: 9900, currency: 'AUD' },
      bufferAfterMinutes: 30,
      assignment: { reason: expect.any(String) },
      reference: expect.stringMatching(/^[A-Z0-9]{3}-[A-Z0-9]{3}$/),
    });
    const again = await book(
      {
        serviceItemId: tapFix,
        start: at(monday, '13:00'),
        customer: { ...visitor(1), email: 'VISITOR1@example.com' },
      },
      org.publishableKey,
    );
    const asStaff = async (id: string) =>
      (await t.request('GET', `${base()}/appointments/${id}`, { token: org.secretKey })).body;
    expect((await asStaff(again.body.id)).customerId).toBe((await asStaff(response.body.id)).customerId);
  });

  it('answers a widget booking alike whether or not its email belongs to a customer', async () => {
    const regular = await t.request('POST', `${base()}/customers`, {
      token: org.secretKey,
      body: { name: 'Rita Regular', email: 'rita.regular@example.com' },
    });
    await t.request('PUT', `${base()}/customers/${regular.body.id}/preferences`, {
      token: org.secretKey,
      body: { preferredTechnicianId: priya, communicationChannels: [], specialInstructions: null },
    });
    // Two days on which both technicians are free and have nothing booked.
    const monday = mondayAhead(11);
    const known = await book(
      {
        serviceItemId: tapFix,
        start: at(monday, '09:00'),
        customer: { name: 'Someone Else', email: 'RITA.Regular@example.com' },
      },
      org.publishableKey,
    );
    const unknown = await book(
      {
        serviceItemId: tapFix,
        start: at(addDays(monday, 1), '09:00'),
        customer: { name: 'Someone Else', email: 'nobody.yet@example.com' },
      },
      org.publishableKey,
    );
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(201);
    const withoutIdsAndTimes = ({ body }: { body: Record<string, unknown> }) => {
      const {
        id,
        reference,
        technicianId,
        start,
        end,
        createdAt,
        updatedAt,
        assignment,
        notifications,
        ...rest
      } = body;
      // Each is told of the confirmation to the email it typed, so only the masked address differs.
      const channels = (notifications as Array<{ channel: string; type: string }>).map((n) => [
        n.channel,
        n.type,
      ]);
      return { ...rest, reason: (assignment as { reason: string }).reason, channels };
    };
    expect(known.body).not.toHaveProperty('customerId');
    expect(withoutIdsAndTimes(known)).toEqual(withoutIdsAndTimes(unknown));
    // The booking is still the regular's, and staff booking for them still get their technician.
    const seen = await t.request('GET', `${base()}/appointments/${known.body.id}`, { token: org.secretKey });
    expect(seen.body.customerId).toBe(regular.body.id);
    const byStaff = await book({
      serviceItemId: tapFix,
      start: at(monday, '13:00'),
      customerId: regular.body.id,
    });
    expect(byStaff.body.assignment).toEqual({ technicianId: priya, reason: 'preferred_technician' });
  });

  it('assigns only qualified technicians, the most proficient first', async () => {
    const response = await book({ serviceItemId: gasJob, start: at(monday, '11:00'), customer: visitor(2) });
    expect(response.body.assignment).toEqual({ technicianId: sam, reason: 'only_available' });
  });

  it('refuses a taken slot with 409 slot_unavailable and nearby alternatives, changing nothing', async () => {
    await book({ serviceItemId: gasJob, start: at(monday, '14:00'), customer: visitor(3) });
    const before = await t.snapshot();
    const lost = await book({ serviceItemId: gasJob, start: at(monday, '14:00'), customer: visitor(4) });
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('slot_unavailable');
    expect(lost.body.alternatives.length).toBeGreaterThan(0);
    expect(lost.body.alternatives.length).toBeLessThanOrEqual(3);
    expect(await t.snapshot()).toBe(before);
  });

  it('enforces the buffers, notice, hours and horizon the widget shows', async () => {
    // Sam's 14:00 gas job ends 15:00; the tap fix's 30-minute buffer after… and before nothing.
    const outside = await book({
      serviceItemId: tapFix,
      start: at(monday, '16:30'),
      customer: visitor(5),
      technicianId: priya,
    });
    expect(outside.body).toMatchObject({ code: 'slot_unavailable', slotReason: 'outside_working_hours' });
    const soon = new Date(Date.now() + 30 * 60_000);
    soon.setUTCMinutes(0, 0, 0);
    const tooSoon = await book({ serviceItemId: tapFix, start: soon.toISOString(), customer: visitor(5) });
    expect(tooSoon.status).toBe(409);
    const farAway = await book({
      serviceItemId: tapFix,
      start: at(mondayAhead(20), '09:00'),
      customer: visitor(5),
    });
    expect(farAway.body.slotReason).toBe('beyond_horizon');
    const offGrid = await book({ serviceItemId: tapFix, start: at(monday, '09:07'), customer: visitor(5) });
    expect(offGrid.status).toBe(409);
  });

  it('holds a slot for the visitor, which then becomes their appointment', async () => {
    const tuesday = addDays(monday, 1);
    const hold = await t.request('POST', `${base()}/holds`, {
      token: org.publishableKey,
      ...asWidget,
      body: { serviceItemId: gasJob, start: at(tuesday, '10:00') },
    });
    expect(hold.status).toBe(201);
    expect(Date.parse(hold.body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    const other = await book({ serviceItemId: gasJob, start: at(tuesday, '10:00'), customer: visitor(6) });
    expect(other.status).toBe(409);
    const mine = await book(
      { serviceItemId: gasJob, start: at(tuesday, '10:00'), customer: visitor(7), holdId: hold.body.id },
      org.publishableKey,
    );
    expect(mine.status).toBe(201);
    expect(mine.body.assignment).toEqual({ technicianId: hold.body.technicianId, reason: 'held_slot' });
  });

  it('limits how many slots one client can hold', async () => {
    const tuesday = addDays(monday, 1);
    const statuses: number[] = [];
    for (const time of ['08:00', '12:00', '14:00', '15:30']) {
      statuses.push(
        (
          await t.request('POST', `${base()}/holds`, {
            token: org.publishableKey,
            ...asWidget,
            body: { serviceItemId: tapFix, start: at(tuesday, time) },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('limits how many slots one client can hold, however many it asks for at once', async () => {
    // A widget of its own, holding nothing yet.
    const widget = await t.request('POST', `${base()}/api-keys`, {
      token: org.secretKey,
      body: { kind: 'publishable', name: 'Second widget', allowedOrigins: [origin] },
    });
    const monday = mondayAhead(1);
    const starts = [monday, addDays(monday, 1)].flatMap((date) =>
      ['08:00', '09:30', '11:00', '12:30', '14:00'].map((time) => at(date, time)),
    );
    const statuses = await Promise.all(
      starts.map(
        async (start) =>
          (
            await t.request('POST', `${base()}/holds`, {
              token: widget.body.secret,
              ...asWidget,
              body: { serviceItemId: tapFix, start },
            })
          ).status,
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s !== 201)).toEqual(Array.from({ length: 7 }, () => 429));
  });

  it('frees the time of a released hold', async () => {
    const date = addDays(mondayAhead(3), 1);
    const start = at(date, '11:00');
    const hold = await t.request('POST', `${base()}/holds`, {
      token: org.secretKey,
      body: { serviceItemId: gasJob, start },
    });
    expect((await book({ serviceItemId: gasJob, start, customer: visitor(8) })).status).toBe(409);
    expect(
      (await t.request('DELETE', `${base()}/holds/${hold.body.id}`, { token: org.secretKey })).status,
    ).toBe(204);
    expect((await book({ serviceItemId: gasJob, start, customer: visitor(8) })).status).toBe(201);
  });

  it('moves through the workflow, refusing other changes with the allowed ones, and keeps history', async () => {
    const appt = await book({
      serviceItemId: tapFix,
      start: at(mondayAhead(3), '08:00'),
      customer: visitor(9),
    });
    const path = `${base()}/appointments/${appt.body.id}`;
    const move = (status: string) =>
      t.request('PUT', `${path}/status`, { token: org.secretKey, body: { status, reason: `to ${status}` } });
    const skipped = await move('completed');
    expect(skipped.status).toBe(409);
    expect(skipped.body.allowed).toEqual(['en_route', 'in_progress', 'cancelled', 'no_show']);
    for (const status of ['en_route', 'in_progress', 'paused', 'in_progress', 'completed'])
      expect((await move(status)).status).toBe(200);
    expect((await move('cancelled')).status).toBe(409);
    const history = await t.request('GET', `${path}/history`, { token: org.secretKey });
    expect(history.body.data.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'scheduled',
      'en_route',
      'in_progress',
      'paused',
      'in_progress',
      'completed',
    ]);
    expect(history.body.data[1]).toMatchObject({
      fromStatus: 'scheduled',
      reason: 'to en_route',
      actor: expect.stringMatching(/^secret_key:/),
    });
  });

  it('frees the technician when an appointment is cancelled', async () => {
    const start = at(mondayAhead(4), '09:00');
    const first = await book({ serviceItemId: gasJob, start, customer: visitor(10) });
    expect((await book({ serviceItemId: gasJob, start, customer: visitor(11) })).status).toBe(409);
    await t.request('PUT', `${base()}/appointments/${first.body.id}/status`, {
      token: org.secretKey,
      body: { status: 'cancelled' },
    });
    expect((await book({ serviceItemId: gasJob, start, customer: visitor(11) })).status).toBe(201);
  });

  it('reschedules by linking old and new and freeing the old time; never a cancelled one', async () => {
    const day = mondayAhead(5);
    const old = await book({ serviceItemId: gasJob, start: at(day, '09:00'), customer: visitor(12) });
    const moved = await t.request('POST', `${base()}/appointments/${old.body.id}/reschedule`, {
      token: org.secretKey,
      body: { start: at(day, '09:30') },
    });
    expect(moved.status).toBe(201);
    expect(moved.body.rescheduledFromId).toBe(old.body.id);
    const previous = await t.request('GET', `${base()}/appointments/${old.body.id}`, {
      token: org.secretKey,
    });
    expect(previous.body).toMatchObject({ status: 'cancelled', rescheduledToId: moved.body.id });
    const again = await t.request('POST', `${base()}/appointments/${old.body.id}/reschedule`, {
      token: org.secretKey,
      body: { start: at(day, '13:00') },
    });
    expect(again.status).toBe(409);
  });

  it('reassigns only to a technician who is qualified and free', async () => {
    const day = mondayAhead(6);
    const appt = await book({
      serviceItemId: tapFix,
      start: at(day, '10:00'),
      customer: visitor(13),
      technicianId: sam,
    });
    const toPriya = await t.request('POST', `${base()}/appointments/${appt.body.id}/assign-technician`, {
      token: org.secretKey,
      body: { technicianId: priya },
    });
    expect(toPriya.status).toBe(200);
    expect(toPriya.body.assignment).toEqual({ technicianId: priya, reason: 'reassigned' });
    const gas = await book({ serviceItemId: gasJob, start: at(day, '13:00'), customer: visitor(13) });
    const unqualified = await t.request('POST', `${base()}/appointments/${gas.body.id}/assign-technician`, {
      token: org.secretKey,
      body: { technicianId: priya },
    });
    expect(unqualified.status).toBe(409);
  });

  it('lists with filters, sort and pagination', async () => {
    const all = await t.request('GET', `${base()}/appointments?limit=100&sort=start`, {
      token: org.secretKey,
    });
    const starts = all.body.data.map((a: { start: string }) => a.start);
    expect([...starts].sort()).toEqual(starts);
    const cancelled = await t.request('GET', `${base()}/appointments?status=cancelled&status=completed`, {
      token: org.secretKey,
    });
    expect(
      cancelled.body.data.every((a: { status: string }) => ['cancelled', 'completed'].includes(a.status)),
    ).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await t.request(
        'GET',
        `${base()}/appointments?limit=4&sort=-start${cursor ? `&cursor=${cursor}` : ''}`,
        { token: org.secretKey },
      );
      seen.push(...page.body.data.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(all.body.data.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('finds appointments by reference or customer name or email, with the customer and the next allowed statuses', async () => {
    const day = mondayAhead(9);
    const olivia = await book({
      serviceItemId: tapFix,
      start: at(day, '08:00'),
      customer: { name: 'Olivia Quartermaine', email: 'olivia.q@harbour.example' },
    });
    const other = await book({
      serviceItemId: tapFix,
      start: at(day, '13:00'),
      customer: { name: 'Ben 100% Tiles', email: 'ben@tiles.example' },
    });
    await t.request('PUT', `${base()}/appointments/${other.body.id}/status`, {
      token: org.secretKey,
      body: { status: 'cancelled' },
    });
    // Another organization's customer of the same name stays invisible.
    const stranger = await t.createOrg();
    await t.request('POST', `/api/v1/organizations/${stranger.orgId}/customers`, {
      token: stranger.secretKey,
      body: { name: 'Olivia Quartermaine', email: 'olivia.q@harbour.example' },
    });

    const ids = async (q: string) => {
      const response = await t.request('GET', `${base()}/appointments?q=${encodeURIComponent(q)}`, {
        token: org.secretKey,
      });
      expect(response.status).toBe(200);
      return response.body.data.map((a: { id: string }) => a.id);
    };
    expect(await ids('quarterMAINE')).toEqual([olivia.body.id]);
    expect(await ids('@HARBOUR.example')).toEqual([olivia.body.id]);
    expect(await ids(olivia.body.reference.toLowerCase())).toEqual([olivia.body.id]);
    // LIKE wildcards are matched literally: "%" finds only the name that contains one.
    expect(await ids('%')).toEqual([other.body.id]);
    expect(await ids('nobody-by-this-name')).toEqual([]);

    const listed = await t.request(
      'GET',
      `${base()}/appointments?q=example&from=${at(day, '00:00')}&to=${at(addDays(day, 1), '00:00')}&sort=start`,
      {
        token: org.secretKey,
      },
    );
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([olivia.body.id, other.body.id]);
    expect(listed.body.data[0]).toMatchObject({
      customer: {
        id: olivia.body.customerId,
        name: 'Olivia Quartermaine',
        email: 'olivia.q@harbour.example',
      },
      allowedTransitions: ['en_route', 'in_progress', 'cancelled', 'no_show'],
    });
    expect(listed.body.data[1]).toMatchObject({ status: 'cancelled', allowedTransitions: [] });

    const tooLong = await t.request('GET', `${base()}/appointments?q=${'x'.repeat(201)}`, {
      token: org.secretKey,
    });
    expect(tooLong.status).toBe(400);
  });

  it('shows a customer’s upcoming appointments and, once rated, their service history', async () => {
    const day = mondayAhead(7);
    const first = await book({ serviceItemId: tapFix, start: at(day, '08:00'), customer: visitor(20) });
    const second = await book({ serviceItemId: tapFix, start: at(day, '13:00'), customer: visitor(20) });
    const customer = `${base()}/customers/${first.body.customerId}`;
    const upcoming = await t.request('GET', `${customer}/upcoming-appointments`, { token: org.secretKey });
    expect(upcoming.body.data.map((a: { id: string }) => a.id)).toEqual([first.body.id, second.body.id]);

    const path = `${base()}/appointments/${first.body.id}`;
    const early = await t.request('PUT', `${path}/feedback`, { token: org.secretKey, body: { rating: 5 } });
    expect(early.status).toBe(409);
    for (const status of ['in_progress', 'completed']) {
      await t.request('PUT', `${path}/status`, { token: org.secretKey, body: { status } });
    }
    const rated = await t.request('PUT', `${path}/feedback`, {
      token: org.secretKey,
      body: { rating: 4, feedback: 'Quick and tidy' },
    });
    expect(rated.body).toMatchObject({ rating: 4, feedback: 'Quick and tidy' });
    const history = await t.request('GET', `${customer}/service-history`, { token: org.secretKey });
    expect(history.body.data).toEqual([
      expect.objectContaining({ id: first.body.id, rating: 4, feedback: 'Quick and tidy' }),
    ]);
    const after = await t.request('GET', `${customer}/upcoming-appointments`, { token: org.secretKey });
    expect(after.body.data.map((a: { id: string }) => a.id)).toEqual([second.body.id]);
  });

  it('shows a technician only their own appointments of a customer, as the appointment list does', async () => {
    const day = mondayAhead(10);
    const email = 'priya.the.technician@example.com';
    const user = await t.request('POST', `${base()}/users`, {
      token: org.secretKey,
      body: { email, name: 'Priya', role: 'technician', password: 'technician-password-123' },
    });
    await t.request('PATCH', `${base()}/technicians/${priya}`, {
      token: org.secretKey,
      body: { userId: user.body.id },
    });
    const token = (await t.login(email, 'technician-password-123')).accessToken;
    const customer = visitor(22);
    const samsVisit = await book({
      serviceItemId: tapFix,
      start: at(day, '08:00'),
      customer,
      technicianId: sam,
    });
    const priyasVisit = await book({
      serviceItemId: tapFix,
      start: at(day, '13:00'),
      customer,
      technicianId: priya,
    });
    for (const visit of [samsVisit, priyasVisit]) {
      for (const status of ['in_progress', 'completed']) {
        await t.request('PUT', `${base()}/appointments/${visit.body.id}/status`, {
          token: org.secretKey,
          body: { status },
        });
      }
    }
    const samsNext = await book({
      serviceItemId: tapFix,
      start: at(day, '10:30'),
      customer,
      technicianId: sam,
    });
    const priyasNext = await book({
      serviceItemId: tapFix,
      start: at(addDays(day, 1), '10:30'),
      customer,
      technicianId: priya,
    });
    const path = `${base()}/customers/${samsVisit.body.customerId}`;
    const ids = async (url: string) =>
      (await t.request('GET', url, { token })).body.data.map((a: { id: string }) => a.id);

    expect(await ids(`${base()}/appointments?customerId=${samsVisit.body.customerId}`)).toEqual([
      priyasVisit.body.id,
      priyasNext.body.id,
    ]);
    expect(await ids(`${path}/upcoming-appointments`)).toEqual([priyasNext.body.id]);
    expect(await ids(`${path}/service-history`)).toEqual([priyasVisit.body.id]);
    // Staff still see the customer's whole record.
    const all = await t.request('GET', `${path}/upcoming-appointments`, { token: org.secretKey });
    expect(all.body.data.map((a: { id: string }) => a.id)).toEqual([samsNext.body.id, priyasNext.body.id]);
  });

  it('draws a calendar per technician with hours, time off and appointments', async () => {
    const day = mondayAhead(8);
    const appt = await book({
      serviceItemId: tapFix,
      start: at(day, '09:00'),
      customer: visitor(21),
      technicianId: priya,
    });
    await t.request('POST', `${base()}/technicians/${priya}/time-off`, {
      token: org.secretKey,
      body: { startsAt: at(day, '14:00'), endsAt: at(day, '16:00'), reason: 'Dentist' },
    });
    const view = await t.request('GET', `${base()}/appointments/calendar-view?from=${day}&to=${day}`, {
      token: org.secretKey,
    });
    expect(view.status).toBe(200);
    expect(view.body.timeZone).toBe(zone);
    const lane = view.body.lanes.find((l: { technician: { id: string } }) => l.technician.id === priya);
    expect(lane.workingHours).toEqual([{ start: at(day, '08:00'), end: at(day, '17:00') }]);
    expect(lane.timeOff).toEqual([{ start: at(day, '14:00'), end: at(day, '16:00'), reason: 'Dentist' }]);
    expect(lane.appointments.map((a: { id: string }) => a.id)).toEqual([appt.body.id]);
    const tooLong = await t.request(
      'GET',
      `${base()}/appointments/calendar-view?from=${day}&to=${addDays(day, 70)}`,
      { token: org.secretKey },
    );
    expect(tooLong.status).toBe(400);
  });

  it('never lets two live reservations of one technician overlap (checked in SQL)', async () => {
    const overlaps = await queryRows(
      t.database.db,
      sql`select a.id from reservations a join reservations b
          on a.technician_id = b.technician_id and a.id < b.id
         and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
       where a.released_at is null and b.released_at is null`,
    );
    expect(overlaps).toEqual([]);
  });
});
