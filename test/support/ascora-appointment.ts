import { expect } from 'vitest';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../../server/src/scheduling/time.js';
import type { TestContext, TestOrg } from '../../server/test-support/harness.js';

const zone = 'Australia/Sydney';
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * One appointment booked through the API — a technician working every day, a service, a Tuesday
 * two weeks ahead — for tests of what Ascora gets from it. Returns its id and its customer's.
 */
export async function bookThroughApi(
  t: TestContext,
  org: TestOrg,
  customer: { name: string; email?: string } = { name: 'Dana Drain', email: 'dana@drain.example' },
): Promise<{ id: string; customerId: string }> {
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
      customer,
      notes: 'Kitchen sink',
    },
  });
  expect(booked.status).toBe(201);
  return booked.body as { id: string; customerId: string };
}

export async function bookedAppointment(a: { t: TestContext; org: TestOrg }): Promise<string> {
  return (await bookThroughApi(a.t, a.org)).id;
}
