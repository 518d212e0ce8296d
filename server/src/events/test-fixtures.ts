/**
 * A small business for the events, webhooks and calendar-feed tests: two technicians working
 * weekdays 08:00–17:00 in Sydney and one hour-long service, with starts to book on a Monday a few
 * weeks ahead.
 */
import type { TestContext, TestOrg } from '../../test-support/harness.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';

export const zone = 'Australia/Sydney';

export interface BookableOrg extends TestOrg {
  itemId: string;
  technicianIds: string[];
  base: string;
  /** The start of the `n`th hour of the working day (0 = 08:00) on a Monday `weeks` ahead. */
  slot(n: number, weeks?: number): string;
}

export async function bookableOrg(t: TestContext, now: number = t.services.now()): Promise<BookableOrg> {
  const org = await t.createOrg({ timeZone: zone });
  const base = `/api/v1/organizations/${org.orgId}`;
  const api = async (method: string, path: string, body: unknown) => {
    const response = await t.request(method, `${base}${path}`, { token: org.secretKey, body });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${response.text}`);
    return response.body;
  };
  await api('PATCH', '', { bookingSettings: { minimumNoticeMinutes: 60, horizonDays: 120 } });
  const day = [{ start: '08:00', end: '17:00' }];
  const technicianIds: string[] = [];
  for (const name of ['Sam', 'Priya']) {
    const technician = await api('POST', '/technicians', { name, skills: [] });
    await api('PUT', `/technicians/${technician.id}/schedule`, {
      weeklyHours: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day },
    });
    technicianIds.push(technician.id);
  }
  const item = await api('POST', '/services/items', {
    name: 'Tap fix',
    durationMinutes: 60,
    basePriceMinor: 9900,
  });
  const mondayIn = (weeks: number) => {
    let date = addDays(localDateOf(zone, now), 7 * weeks);
    while (isoWeekday(date) !== 1) date = addDays(date, 1);
    return date;
  };
  return {
    ...org,
    itemId: item.id,
    technicianIds,
    base,
    slot: (n, weeks = 2) => new Date(localToInstant(zone, mondayIn(weeks), (8 + n) * 60)).toISOString(),
  };
}

/** A booking's body for a new customer (visitor `n`). */
export function bookingFor(org: BookableOrg, n: number, hour = n, weeks = 2) {
  return {
    serviceItemId: org.itemId,
    start: org.slot(hour, weeks),
    customer: { name: `Visitor ${n}`, email: `visitor${n}@example.com` },
  };
}
