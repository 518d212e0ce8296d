import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { type BookableOrg, bookableOrg, bookingFor } from '../events/test-fixtures.js';

interface Visit {
  uid: string;
  start: number;
  end: number;
  status: string | null;
  location: string | null;
  summary: string;
  sequence: number;
}

/**
 * Reads a feed with ical.js, an independent parser that knows no time zones by itself: it places
 * each visit using the feed's own VTIMEZONE, as a calendar app without zone data would.
 */
function parseFeed(text: string): { zone: string; visits: Visit[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
  const zone = String(vtimezone.getFirstPropertyValue('tzid'));
  ICAL.TimezoneService.register(vtimezone);
  const visits = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().getTime(),
      end: event.endDate.toJSDate().getTime(),
      status: (component.getFirstPropertyValue('status') as string | null) ?? null,
      location: event.location ?? null,
      summary: event.summary,
      sequence: event.sequence,
    };
  });
  return { zone, visits };
}

describe('calendar feeds', () => {
  let t: TestContext;
  let org: BookableOrg;
  // A Monday in February in Sydney (daylight saving time until the first Sunday of April).
  const clock = Date.parse('2027-02-01T00:00:00Z');

  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, `${org.base}${path}`, {
      token: org.secretKey,
      ...(body === undefined ? {} : { body }),
    });
  const fetchFeed = (url: string, headers: Record<string, string> = {}) =>
    t.request('GET', new URL(url).pathname, { headers });
  const book = async (n: number, hour: number, weeks: number) => {
    const booked = await api('POST', '/appointments', bookingFor(org, n, hour, weeks));
    expect(booked.status, booked.text).toBe(201);
    return booked.body;
  };

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock });
    org = await bookableOrg(t, clock);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the organization’s visits as iCalendar that an independent parser places at the right instants, across daylight saving', async () => {
    // 09:00 on a Monday in March (AEDT, UTC+11) and in April (AEST, UTC+10).
    const march = await book(1, 1, 6);
    const april = await book(2, 1, 10);
    const feed = await api('GET', '/calendar-feed');
    expect(feed.status).toBe(200);
    const served = await fetchFeed(feed.body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const { zone, visits } = parseFeed(served.text);
    expect(zone).toBe('Australia/Sydney');
    const byUid = new Map(visits.map((v) => [v.uid, v]));
    for (const booked of [march, april]) {
      const visit = byUid.get(`appointment-${booked.id}@crewkit`);
      expect(visit).toMatchObject({ start: Date.parse(booked.start), end: Date.parse(booked.end) });
      expect(visit!.summary).toBe('Tap fix – Visitor ' + (booked === march ? 1 : 2));
    }
    expect(new Date(march.start).toISOString()).toMatch(/T22:00:00/);
    expect(new Date(april.start).toISOString()).toMatch(/T23:00:00/);
    // Every line within 75 octets (RFC 5545 folding), CRLF line ends.
    for (const line of served.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('gives a technician a feed of their own visits only', async () => {
    const mine = await book(3, 2, 7);
    const url = (await api('GET', `/technicians/${mine.technicianId}/calendar-feed`)).body.url as string;
    const { visits } = parseFeed((await fetchFeed(url)).text);
    expect(visits.map((v) => v.uid)).toContain(`appointment-${mine.id}@crewkit`);
    const shown = await Promise.all(
      visits.map(async (v) => (await api('GET', `/appointments/${v.uid.slice(12, 48)}`)).body.technicianId),
    );
    expect(new Set(shown)).toEqual(new Set([mine.technicianId]));
    const other = await t.createOrg();
    const foreign = await t.request(
      'GET',
      `/api/v1/organizations/${other.orgId}/technicians/${mine.technicianId}/calendar-feed`,
      {
        token: other.secretKey,
      },
    );
    expect(foreign.status).toBe(404);
  });

  it('keeps a visit’s UID when it moves, and marks a cancelled visit cancelled', async () => {
    const moving = await book(4, 3, 8);
    const cancelled = await book(5, 4, 8);
    const moved = await api('POST', `/appointments/${moving.id}/reschedule`, { start: org.slot(6, 8) });
    expect(moved.status).toBe(201);
    await api('PUT', `/appointments/${cancelled.id}/status`, { status: 'cancelled' });
    const url = (await api('GET', '/calendar-feed')).body.url as string;
    const { visits } = parseFeed((await fetchFeed(url)).text);
    const movedVisits = visits.filter((v) => v.uid === `appointment-${moving.id}@crewkit`);
    expect(movedVisits).toHaveLength(1);
    expect(movedVisits[0]).toMatchObject({ start: Date.parse(org.slot(6, 8)), sequence: 1 });
    expect(visits.find((v) => v.uid === `appointment-${cancelled.id}@crewkit`)).toMatchObject({
      status: 'CANCELLED',
    });
  });

  it('names the customer’s address as the visit’s location', async () => {
    const booked = await book(6, 5, 9);
    await api('PATCH', `/customers/${booked.customerId}`, {
      address: { line1: '12 Harbour St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
    });
    const url = (await api('GET', '/calendar-feed')).body.url as string;
    const { visits } = parseFeed((await fetchFeed(url)).text);
    expect(visits.find((v) => v.uid === `appointment-${booked.id}@crewkit`)?.location).toBe(
      '12 Harbour St, Sydney, NSW, 2000, AU',
    );
  });

  it('answers 304 to a subscriber whose copy is current, and a new ETag once something changed', async () => {
    const url = (await api('GET', '/calendar-feed')).body.url as string;
    const first = await fetchFeed(url);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await fetchFeed(url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    await book(7, 6, 9);
    const changed = await fetchFeed(url, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('stops serving a feed whose token was rotated, and serves the new URL', async () => {
    const old = (await api('GET', '/calendar-feed')).body.url as string;
    const rotated = await api('POST', '/calendar-feed/rotate', {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(old);
    expect((await fetchFeed(old)).status).toBe(404);
    expect((await fetchFeed(rotated.body.url)).status).toBe(200);
    expect((await api('GET', '/calendar-feed')).body.url).toBe(rotated.body.url);
    // A technician's feed is rotated on its own.
    const technicianId = org.technicianIds[0]!;
    const before = (await api('GET', `/technicians/${technicianId}/calendar-feed`)).body.url as string;
    const next = await api('POST', '/calendar-feed/rotate', { technicianId });
    expect((await fetchFeed(before)).status).toBe(404);
    expect((await fetchFeed(next.body.url)).status).toBe(200);
    expect((await fetchFeed(rotated.body.url)).status).toBe(200);
  });

  it('answers 404 to a forged token, or one for another organization', async () => {
    const url = (await api('GET', '/calendar-feed')).body.url as string;
    const token = url.split('/').at(-1)!;
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await fetchFeed(url.replace(token, forged))).status).toBe(404);
    const other = await t.createOrg();
    expect(
      (await t.request('GET', `/api/v1/organizations/${other.orgId}/calendar-feeds/${token}`)).status,
    ).toBe(404);
  });
});
