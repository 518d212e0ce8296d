import { CrewkitError, type CustomerPreferences } from '@crewkit/sdk';
import { describe, expect, test } from 'vitest';
import {
  json,
  ORG_PATH,
  OTHER_ORG,
  page,
  pathOf,
  problem,
  type RouteTable,
  searchOf,
  testClient,
  testRoutes,
  UUID,
} from './fake-fetch.js';

const slot = { serviceItemId: 'item-1', start: '2026-04-07T09:00:00+10:00' };

/** Every new method once, under the route it must call (relative to the client's organization). */
const routes: RouteTable = {
  'GET /services/categories': (c) => c.services.categories.list(),
  'POST /services/categories': (c) => c.services.categories.create({ name: 'Gas' }),
  'GET /services/categories/cat-1': (c) => c.services.categories.get('cat-1'),
  'PATCH /services/categories/cat-1': (c) => c.services.categories.update('cat-1', { position: 2 }),
  'DELETE /services/categories/cat-1': (c) => c.services.categories.delete('cat-1'),
  'GET /services/items': (c) => c.services.items.list(),
  'POST /services/items': (c) =>
    c.services.items.create({ name: 'Leak', durationMinutes: 60, basePriceMinor: 9900 }),
  'GET /services/items/item-1': (c) => c.services.items.get('item-1'),
  'PATCH /services/items/item-1': (c) => c.services.items.update('item-1', { active: false }),
  'DELETE /services/items/item-1': (c) => c.services.items.delete('item-1'),
  'GET /services/items/item-1/pricing': (c) => c.services.pricing.list('item-1'),
  'POST /services/items/item-1/pricing': (c) =>
    c.services.pricing.create('item-1', { name: 'Winter', priceMinor: 12000, validFrom: '2026-06-01' }),
  'DELETE /services/items/item-1/pricing/tier-1': (c) => c.services.pricing.delete('item-1', 'tier-1'),
  'GET /technicians': (c) => c.technicians.list(),
  'POST /technicians': (c) => c.technicians.create({ name: 'Ann' }),
  'GET /technicians/tech-1': (c) => c.technicians.get('tech-1'),
  'PATCH /technicians/tech-1': (c) => c.technicians.update('tech-1', { active: false }),
  'GET /technicians/tech-1/skills': (c) => c.technicians.skills.get('tech-1'),
  'PUT /technicians/tech-1/skills': (c) =>
    c.technicians.skills.replace('tech-1', { skills: [], certifications: [] }),
  'GET /technicians/tech-1/schedule': (c) => c.technicians.schedule.get('tech-1'),
  'PUT /technicians/tech-1/schedule': (c) => c.technicians.schedule.replace('tech-1', { weeklyHours: {} }),
  'POST /technicians/tech-1/time-off': (c) =>
    c.technicians.timeOff.create('tech-1', {
      startsAt: '2026-04-07T00:00:00Z',
      endsAt: '2026-04-08T00:00:00Z',
    }),
  'DELETE /technicians/tech-1/time-off/off-1': (c) => c.technicians.timeOff.delete('tech-1', 'off-1'),
  'GET /technicians/availability': (c) =>
    c.availability.get({ ...slot, from: '2026-04-07', to: '2026-04-08' }),
  'POST /holds': (c) => c.holds.create(slot),
  'DELETE /holds/hold-1': (c) => c.holds.release('hold-1'),
  'GET /appointments': (c) => c.appointments.list(),
  'POST /appointments': (c) => c.appointments.create({ ...slot, customerId: 'cust-1' }),
  'GET /appointments/appt-1': (c) => c.appointments.get('appt-1'),
  'PUT /appointments/appt-1/status': (c) => c.appointments.changeStatus('appt-1', { status: 'en_route' }),
  'GET /appointments/appt-1/history': (c) => c.appointments.history('appt-1'),
  'POST /appointments/appt-1/assign-technician': (c) =>
    c.appointments.assignTechnician('appt-1', { technicianId: 'tech-2' }),
  'POST /appointments/appt-1/reschedule': (c) => c.appointments.reschedule('appt-1', { start: slot.start }),
  'PUT /appointments/appt-1/feedback': (c) => c.appointments.recordFeedback('appt-1', { rating: 5 }),
  'GET /appointments/calendar-view': (c) => c.appointments.calendar({ from: '2026-04-07', to: '2026-04-13' }),
  'GET /customers': (c) => c.customers.list(),
  'POST /customers': (c) => c.customers.create({ name: 'Bea' }),
  'GET /customers/cust-1': (c) => c.customers.get('cust-1'),
  'PATCH /customers/cust-1': (c) => c.customers.update('cust-1', { notes: 'Dog in the yard' }),
  'DELETE /customers/cust-1': (c) => c.customers.delete('cust-1'),
  'GET /customers/cust-1/contacts': (c) => c.customers.contacts.list('cust-1'),
  'POST /customers/cust-1/contacts': (c) => c.customers.contacts.create('cust-1', { name: 'Cy' }),
  'PATCH /customers/cust-1/contacts/con-1': (c) =>
    c.customers.contacts.update('cust-1', 'con-1', { isPrimary: true }),
  'DELETE /customers/cust-1/contacts/con-1': (c) => c.customers.contacts.delete('cust-1', 'con-1'),
  'GET /customers/cust-1/preferences': (c) => c.customers.preferences.get('cust-1'),
  'PUT /customers/cust-1/preferences': (c) =>
    c.customers.preferences.replace('cust-1', {
      preferredTechnicianId: null,
      communicationChannels: ['sms'],
      specialInstructions: null,
    }),
  'GET /customers/cust-1/service-history': (c) => c.customers.serviceHistory('cust-1'),
  'GET /customers/cust-1/upcoming-appointments': (c) => c.customers.upcoming('cust-1'),
};

describe('scheduling namespaces', () => {
  testRoutes(routes);

  test('a call orgId wins over the client organizationId in every namespace', async () => {
    const { crewkit, requests } = testClient(
      Array.from({ length: 6 }, () => json({ data: [], nextCursor: null })),
    );
    await crewkit.services.pricing.list('item-1', { orgId: OTHER_ORG });
    await crewkit.technicians.schedule.get('tech-1', { orgId: OTHER_ORG });
    await crewkit.availability.get({ ...slot, from: '2026-04-07', to: '2026-04-07', orgId: OTHER_ORG });
    await crewkit.holds.release('hold-1', { orgId: OTHER_ORG });
    await crewkit.appointments.list({ orgId: OTHER_ORG });
    await crewkit.customers.contacts.update('cust-1', 'con-1', { name: 'Cy' }, { orgId: OTHER_ORG });
    expect(requests.map((r) => pathOf(r).split('/')[4])).toEqual(Array(6).fill(OTHER_ORG));
    expect(requests.map((r) => searchOf(r)).join('')).not.toContain('orgId');
  });
});

describe('services', () => {
  test('items.list filters by category, and pricing.list asks for the price on a date', async () => {
    const { crewkit, requests } = testClient([page([], null), json({ data: [], priceInForce: {} })]);
    await crewkit.services.items.list({ categoryId: 'cat-1', active: true, limit: 20 });
    await crewkit.services.pricing.list('item-1', { on: '2026-12-24' });
    expect(searchOf(requests[0])).toBe('?categoryId=cat-1&active=true&limit=20');
    expect(searchOf(requests[1])).toBe('?on=2026-12-24');
  });

  test('categories.create sends its body under the caller idempotency key', async () => {
    const { crewkit, requests } = testClient([json({ id: 'cat-2' }, { status: 201 })]);
    const { data } = await crewkit.services.categories.create(
      { name: 'Hot water', parentId: 'cat-1' },
      { idempotencyKey: 'seed-hot-water' },
    );
    expect(data?.id).toBe('cat-2');
    expect(requests[0]?.headers.get('Idempotency-Key')).toBe('seed-hot-water');
    expect(await requests[0]?.json()).toEqual({ name: 'Hot water', parentId: 'cat-1' });
  });
});

describe('technicians', () => {
  test('list follows every page with its active and skill filters', async () => {
    const { crewkit, requests } = testClient([page(['t1', 't2'], 'c2'), page(['t3'], null)]);
    const all = await crewkit.technicians
      .list({ active: true, skill: 'gas', limit: 2 })
      .toArray({ limit: 10 });
    expect(all.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect(requests.map(searchOf)).toEqual([
      '?active=true&skill=gas&limit=2',
      '?active=true&skill=gas&limit=2&cursor=c2',
    ]);
  });

  test('schedule.replace puts the whole week, and schedule.get takes a date range', async () => {
    const { crewkit, requests } = testClient([json({}), json({})]);
    const weeklyHours = { monday: [{ start: '08:00', end: '17:00' }] };
    await crewkit.technicians.schedule.replace('tech-1', { weeklyHours, overrides: [] });
    await crewkit.technicians.schedule.get('tech-1', { from: '2026-04-01', to: '2026-04-30' });
    expect(await requests[0]?.json()).toEqual({ weeklyHours, overrides: [] });
    expect(searchOf(requests[1])).toBe('?from=2026-04-01&to=2026-04-30');
  });
});

describe('availability, holds and appointments', () => {
  test('availability.get sends the whole query', async () => {
    const { crewkit, requests } = testClient([json({ days: [] })]);
    await crewkit.availability.get({
      serviceItemId: 'item-1',
      from: '2026-04-07',
      to: '2026-04-13',
      technicianId: 'tech-1',
      timeZone: 'Australia/Sydney',
    });
    expect(searchOf(requests[0])).toBe(
      '?serviceItemId=item-1&from=2026-04-07&to=2026-04-13&technicianId=tech-1&timeZone=Australia/Sydney',
    );
  });

  test('list sends a status array as repeated parameters, on every page', async () => {
    const { crewkit, requests } = testClient([page(['a1'], 'c2'), page(['a2'], null)]);
    const seen: string[] = [];
    const list = crewkit.appointments.list({
      status: ['scheduled', 'en_route'],
      technicianId: 'tech-1',
      sort: '-start',
    });
    for await (const appointment of list) seen.push(appointment.id);
    expect(seen).toEqual(['a1', 'a2']);
    expect(requests.map(searchOf)).toEqual([
      '?status=scheduled&status=en_route&technicianId=tech-1&sort=-start',
      '?status=scheduled&status=en_route&technicianId=tech-1&sort=-start&cursor=c2',
    ]);
  });

  test('a single status is still a repeated parameter, and an empty array is left out', async () => {
    const { crewkit, requests } = testClient([page([], null), page([], null)]);
    await crewkit.appointments.list({ status: ['completed'] });
    await crewkit.appointments.list({ status: [], customerId: 'cust-1' });
    expect(requests.map(searchOf)).toEqual(['?status=completed', '?customerId=cust-1']);
  });

  test('hold, book with the hold, then move it through its workflow', async () => {
    const { crewkit, requests } = testClient([
      json({ id: 'hold-1' }, { status: 201 }),
      json({ id: 'appt-1', status: 'scheduled' }, { status: 201 }),
      json({ id: 'appt-1', status: 'en_route' }),
    ]);
    const { data: hold } = await crewkit.holds.create(slot, { idempotencyKey: 'hold-visit-9' });
    const booking = { ...slot, holdId: hold?.id, customer: { name: 'Bea', email: 'bea@home.example' } };
    await crewkit.appointments.create(booking);
    await crewkit.appointments.changeStatus('appt-1', { status: 'en_route', reason: 'left depot' });
    expect(
      requests.map((r) => [r.method, r.headers.get('Idempotency-Key')?.replace(UUID, 'uuid') ?? null]),
    ).toEqual([
      ['POST', 'hold-visit-9'],
      ['POST', 'uuid'],
      ['PUT', null],
    ]);
    expect(await requests[1]?.json()).toEqual(booking);
    expect(await requests[2]?.json()).toEqual({ status: 'en_route', reason: 'left depot' });
  });

  test('calendar sends its range, and reschedule its new start', async () => {
    const { crewkit, requests } = testClient([json({ lanes: [] }), json({ id: 'appt-2' }, { status: 201 })]);
    await crewkit.appointments.calendar({ from: '2026-04-06', to: '2026-04-12', technicianId: 'tech-1' });
    await crewkit.appointments.reschedule('appt-1', { start: slot.start, reason: 'customer asked' });
    expect(searchOf(requests[0])).toBe('?from=2026-04-06&to=2026-04-12&technicianId=tech-1');
    expect(await requests[1]?.json()).toEqual({ start: slot.start, reason: 'customer asked' });
  });

  test('a 409 slot_unavailable returns its reason and alternatives, which CrewkitError keeps too', async () => {
    const alternatives = ['2026-04-07T09:30:00+10:00', '2026-04-07T10:00:00+10:00'];
    const { crewkit } = testClient([
      problem(409, 'slot_unavailable', {}, { slotReason: 'taken', alternatives }),
    ]);
    const { error, response } = await crewkit.appointments.create(slot);
    expect(error).toMatchObject({ code: 'slot_unavailable', slotReason: 'taken', alternatives });
    const thrown = new CrewkitError(response, error);
    expect(thrown.code).toBe('slot_unavailable');
    expect(thrown.problem?.alternatives).toEqual(alternatives);
  });
});

describe('customers', () => {
  test('list searches with q', async () => {
    const { crewkit, requests } = testClient([page([], null)]);
    await crewkit.customers.list({ q: 'smith' });
    expect(searchOf(requests[0])).toBe('?q=smith');
  });

  test('serviceHistory follows every page', async () => {
    const { crewkit, requests } = testClient([page(['a1', 'a2'], 'c2'), page(['a3'], null)]);
    const seen: string[] = [];
    for await (const appointment of crewkit.customers.serviceHistory('cust-1', { limit: 2 })) {
      seen.push(appointment.id);
    }
    expect(seen).toEqual(['a1', 'a2', 'a3']);
    expect(requests.map(searchOf)).toEqual(['?limit=2', '?limit=2&cursor=c2']);
    expect(requests.every((r) => pathOf(r) === `${ORG_PATH}/customers/cust-1/service-history`)).toBe(true);
  });

  test('contacts.create posts the contact; preferences.replace puts the whole preferences', async () => {
    const { crewkit, requests } = testClient([json({ id: 'con-1' }, { status: 201 }), json({})]);
    const preferences: CustomerPreferences = {
      preferredTechnicianId: 'tech-1',
      communicationChannels: ['sms', 'email'],
      specialInstructions: 'Gate code 1234',
    };
    await crewkit.customers.contacts.create('cust-1', { name: 'Cy', role: 'tenant', isPrimary: true });
    await crewkit.customers.preferences.replace('cust-1', preferences);
    expect(requests[0]?.headers.get('Idempotency-Key')).toMatch(UUID);
    expect(await requests[0]?.json()).toEqual({ name: 'Cy', role: 'tenant', isPrimary: true });
    expect(await requests[1]?.json()).toEqual(preferences);
  });
});
