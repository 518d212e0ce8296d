import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { newId } from '../lib/ids.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';

const zone = 'Australia/Sydney';

/** A Monday two to three weeks ahead, as a Sydney date. */
function nextMonday(): string {
  let date = addDays(localDateOf(zone, Date.now()), 14);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
}

describe('availability', () => {
  let t: TestContext;
  let org: TestOrg;
  let monday: string;
  let itemId: string;
  let gasItemId: string;
  let samId: string;
  let priyaId: string;
  const base = () => `/api/v1/organizations/${org.orgId}`;
  const availability = async (query: string, token = org.secretKey, headers: Record<string, string> = {}) =>
    t.request('GET', `${base()}/technicians/availability?${query}`, { token, headers });
  const startsOn = (body: { days: { date: string; slots: { start: string }[] }[] }, date: string) =>
    body.days.find((d) => d.date === date)!.slots.map((s) => s.start.slice(11, 16));

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg({ allowedOrigins: ['https://plumber.example'] });
    monday = nextMonday();
    await t.request('PATCH', base(), {
      token: org.secretKey,
      body: { bookingSettings: { minimumNoticeMinutes: 0, horizonDays: 365, slotStepMinutes: 30 } },
    });
    const hours = { monday: [{ start: '08:00', end: '12:00' }] };
    const sam = await t.request('POST', `${base()}/technicians`, {
      token: org.secretKey,
      body: {
        name: 'Sam',
        skills: [{ skill: 'gas', proficiency: 4 }],
        certifications: [{ name: 'gas', expiresOn: addDays(monday, 7) }],
      },
    });
    const priya = await t.request('POST', `${base()}/technicians`, {
      token: org.secretKey,
      body: { name: 'Priya' },
    });
    samId = sam.body.id;
    priyaId = priya.body.id;
    for (const id of [samId, priyaId]) {
      await t.request('PUT', `${base()}/technicians/${id}/schedule`, {
        token: org.secretKey,
        body: { weeklyHours: hours },
      });
    }
    itemId = (
      await t.request('POST', `${base()}/services/items`, {
        token: org.secretKey,
        body: { name: 'Tap fix', durationMinutes: 60, basePriceMinor: 9900 },
      })
    ).body.id;
    gasItemId = (
      await t.request('POST', `${base()}/services/items`, {
        token: org.secretKey,
        body: {
          name: 'Gas check',
          durationMinutes: 60,
          basePriceMinor: 19900,
          requiredSkills: [{ skill: 'gas', minProficiency: 3 }],
        },
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('offers every start on the step grid inside working hours, with who is free', async () => {
    const response = await availability(
      `serviceItemId=${itemId}&from=${monday}&to=${monday}&includeTechnicians=true`,
    );
    expect(response.status).toBe(200);
    expect(startsOn(response.body, monday)).toEqual([
      '08:00',
      '08:30',
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
    ]);
    expect(response.body.days[0].slots[0]).toMatchObject({
      available: 2,
      technicianIds: [samId, priyaId].sort(),
    });
    expect(response.body.price.price).toEqual({ amountMinor: 9900, currency: 'AUD' });
  });

  it('gives counts only unless the ids are asked for (a widget needs no more)', async () => {
    const plain = await availability(`serviceItemId=${itemId}&from=${monday}&to=${monday}`);
    expect(plain.body.days[0].slots[0]).toEqual({ start: expect.any(String), available: 2 });
    const asked = await availability(
      `serviceItemId=${itemId}&from=${monday}&to=${monday}&includeTechnicians=false`,
    );
    expect(asked.body).toEqual(plain.body);
    expect(plain.text.length).toBeLessThan(
      (await availability(`serviceItemId=${itemId}&from=${monday}&to=${monday}&includeTechnicians=true`)).text
        .length,
    );
  });

  it('treats existing reservations as busy, for that technician only', async () => {
    const start = localToInstant(zone, monday, 9 * 60);
    await t.database.db.execute(
      sql`insert into reservations (id, org_id, technician_id, kind, starts_at, ends_at)
          values (${newId()}, ${org.orgId}, ${samId}, 'appointment', ${new Date(start).toISOString()}, ${new Date(start + 3_600_000).toISOString()})`,
    );
    const sam = await availability(
      `serviceItemId=${itemId}&from=${monday}&to=${monday}&technicianId=${samId}`,
    );
    expect(startsOn(sam.body, monday)).toEqual(['08:00', '10:00', '10:30', '11:00']);
    const any = await availability(
      `serviceItemId=${itemId}&from=${monday}&to=${monday}&includeTechnicians=true`,
    );
    const nineOClock = any.body.days[0].slots.find(
      (s: { start: string }) => s.start.slice(11, 16) === '09:00',
    );
    expect(nineOClock).toMatchObject({ available: 1, technicianIds: [priyaId] });
  });

  it('offers only qualified technicians, and only while their certification is valid', async () => {
    const week = await availability(
      `serviceItemId=${gasItemId}&from=${monday}&to=${addDays(monday, 14)}&includeTechnicians=true`,
    );
    const days = week.body.days as { date: string; slots: { technicianIds: string[] }[]; reason?: string }[];
    expect(days[0]!.slots.every((s) => s.technicianIds.join() === samId)).toBe(true);
    // The certificate is valid through the next Monday and lapses after it.
    expect(days.find((d) => d.date === addDays(monday, 7))!.slots.length).toBeGreaterThan(0);
    expect(days.find((d) => d.date === addDays(monday, 14))!.slots).toEqual([]);
  });

  it('says why a day has nothing to book', async () => {
    const tuesday = addDays(monday, 1);
    const response = await availability(`serviceItemId=${itemId}&from=${tuesday}&to=${tuesday}`);
    expect(response.body.days).toEqual([{ date: tuesday, slots: [], reason: 'outside_working_hours' }]);
    const nobody = await t.request('POST', `${base()}/services/items`, {
      token: org.secretKey,
      body: {
        name: 'Roof',
        durationMinutes: 60,
        basePriceMinor: 1,
        requiredSkills: [{ skill: 'roofing', minProficiency: 1 }],
      },
    });
    const none = await availability(`serviceItemId=${nobody.body.id}&from=${monday}&to=${monday}`);
    expect(none.body.days[0].reason).toBe('no_qualified_technician');
  });

  it('shows times in the visitor’s zone when asked', async () => {
    const response = await availability(
      `serviceItemId=${itemId}&from=${addDays(monday, -1)}&to=${monday}&timeZone=UTC`,
    );
    const all = response.body.days.flatMap((d: { slots: { start: string }[] }) =>
      d.slots.map((s) => s.start),
    );
    expect(all[0]).toMatch(/Z$|\+00:00$/);
    expect(new Date(all[0]).getTime()).toBe(localToInstant(zone, monday, 8 * 60));
  });

  it('answers the booking widget from an allowed origin, but hides items not on sale', async () => {
    const widget = await availability(
      `serviceItemId=${itemId}&from=${monday}&to=${monday}`,
      org.publishableKey,
      {
        origin: 'https://plumber.example',
      },
    );
    expect(widget.status).toBe(200);
    const hidden = await t.request('POST', `${base()}/services/items`, {
      token: org.secretKey,
      body: { name: 'Internal', durationMinutes: 30, basePriceMinor: 1, public: false },
    });
    const refused = await availability(
      `serviceItemId=${hidden.body.id}&from=${monday}&to=${monday}`,
      org.publishableKey,
      {
        origin: 'https://plumber.example',
      },
    );
    expect(refused.status).toBe(404);
  });

  it('refuses windows longer than 62 days or running backwards', async () => {
    expect(
      (await availability(`serviceItemId=${itemId}&from=${monday}&to=${addDays(monday, 62)}`)).status,
    ).toBe(400);
    expect(
      (await availability(`serviceItemId=${itemId}&from=${monday}&to=${addDays(monday, -1)}`)).status,
    ).toBe(400);
    expect(
      (await availability(`serviceItemId=${itemId}&from=${monday}&to=${addDays(monday, 61)}`)).status,
    ).toBe(200);
  });
});
