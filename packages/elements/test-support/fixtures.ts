import type {
  Appointment,
  Availability,
  BookingProfile,
  Hold,
  ServiceCategory,
  ServiceItem,
} from '@crewkit/sdk';
import { HttpResponse, http } from 'msw';
import { api, orgId } from './msw.js';

/** Typed API objects for msw handlers: a small plumbing business, as in the server's demo. */

const stamp = '2026-01-01T00:00:00Z';
const id = (n: number) => `0190f3c4-0000-7000-8000-${String(n).padStart(12, '0')}`;

export const technicians = [
  { id: id(101), name: 'Priya Raman' },
  { id: id(102), name: 'Sam Okafor' },
];

export const profile: BookingProfile = {
  id: orgId,
  name: 'Harbour City Plumbing',
  timeZone: 'Australia/Sydney',
  currency: 'AUD',
  locale: 'en-AU',
  bookingSettings: { minimumNoticeMinutes: 120, horizonDays: 60, slotStepMinutes: 30 },
  technicians,
};

const category = (n: number, name: string, position: number): ServiceCategory => ({
  id: id(n),
  name,
  description: null,
  parentId: null,
  position,
  createdAt: stamp,
  updatedAt: stamp,
});

export const categories = [category(1, 'General plumbing', 0), category(2, 'Drains', 1)];

const item = (
  n: number,
  categoryId: string | null,
  name: string,
  minutes: number,
  cents: number,
): ServiceItem => ({
  id: id(n),
  categoryId,
  name,
  description: null,
  durationMinutes: minutes,
  bufferBeforeMinutes: 15,
  bufferAfterMinutes: 15,
  requiredSkills: [],
  basePrice: { amountMinor: cents, currency: 'AUD' },
  currentPrice: { on: '2026-01-01', price: { amountMinor: cents, currency: 'AUD' }, tierId: null },
  minimumNoticeMinutes: null,
  horizonDays: null,
  active: true,
  public: true,
  createdAt: stamp,
  updatedAt: stamp,
});

export const items = [
  item(11, categories[0]!.id, 'Leaking tap repair', 60, 14900),
  item(12, categories[1]!.id, 'Blocked drain clearing', 90, 22900),
];

/**
 * Availability for the requested days in UTC: weekdays have 09:00 and 13:30, weekends nobody works.
 * `empty` makes every day fully booked.
 */
export function availabilityFor(url: URL, options: { empty?: boolean } = {}): Availability {
  const from = url.searchParams.get('from')!;
  const to = url.searchParams.get('to')!;
  const days: Availability['days'] = [];
  for (let day = from; day <= to; day = next(day)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) days.push({ date: day, slots: [], reason: 'outside_working_hours' });
    else if (options.empty) days.push({ date: day, slots: [], reason: 'fully_booked' });
    else
      days.push({
        date: day,
        slots: ['09:00', '13:30'].map((time) => ({
          start: `${day}T${time}:00+00:00`,
          available: 2,
        })),
      });
  }
  return {
    serviceItemId: url.searchParams.get('serviceItemId')!,
    technicianId: url.searchParams.get('technicianId'),
    timeZone: url.searchParams.get('timeZone') ?? 'UTC',
    durationMinutes: 60,
    price: items[0]!.currentPrice,
    days,
  };
}

const next = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

export function holdFor(start: string, technicianId = technicians[0]!.id): Hold {
  return {
    id: id(900),
    serviceItemId: items[0]!.id,
    technicianId,
    start,
    end: new Date(Date.parse(start) + 60 * 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
  };
}

export function appointmentFor(hold: Hold): Appointment {
  return {
    id: id(700),
    reference: 'HK7-3PQ',
    status: 'scheduled',
    serviceItemId: hold.serviceItemId,
    customerId: id(500),
    technicianId: hold.technicianId,
    start: hold.start,
    end: hold.end,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    price: { amountMinor: 14900, currency: 'AUD' },
    notes: null,
    siteAddress: {
      line1: '12 Harbour St',
      city: 'Sydney',
      region: 'NSW',
      postalCode: '2000',
      country: 'AU',
      mapsUrl:
        'https://www.google.com/maps/search/?api=1&query=12%20Harbour%20St%2C%20Sydney%2C%20NSW%202000%2C%20AU',
    },
    assignment: { technicianId: hold.technicianId, reason: 'held_slot' },
    rescheduledFromId: null,
    rescheduledToId: null,
    rating: null,
    feedback: null,
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** The catalog every booking test starts from. */
export const catalogHandlers = [
  http.get(api('/booking-profile'), () => HttpResponse.json(profile)),
  http.get(api('/services/categories'), () => HttpResponse.json({ data: categories })),
  http.get(api('/services/items'), () => HttpResponse.json({ data: items, nextCursor: null })),
];
