/**
 * A stand-in for the server's customers, jobs and per-record Ascora routes, for the tests and
 * stories of `<crew-ascora-customers>` and `<crew-ascora-jobs>` (msw). It keeps state like the
 * server: a push links the record (and gives an appointment its work order), a pull takes Ascora's
 * version and needs a link, and a record Ascora refuses answers 422 and stays as it was.
 */
import type { components } from '@crewkit/sdk';
import { delay, HttpResponse, http } from 'msw';
import { api, problem } from './msw.js';

type Schemas = components['schemas'];
export type Customer = Schemas['Customer'];
export type Job = Schemas['Job'];
export type Appointment = Schemas['Appointment'];
export type AscoraLink = Schemas['AscoraLink'];

const id = (prefix: string, n: number) => `0190f3c4-${prefix}-7000-8000-${String(n).padStart(12, '0')}`;
const syncedAt = '2031-03-04T23:00:00Z';

export function link(overrides: Partial<AscoraLink> = {}): AscoraLink {
  return {
    ascoraId: 'C0FFEE00-0000-4000-8000-000000000001',
    ascoraNumber: null,
    lastSyncedAt: syncedAt,
    state: 'linked',
    lastError: null,
    ...overrides,
  };
}

export function customer(n: number, ascora: AscoraLink | null, overrides: Partial<Customer> = {}): Customer {
  return {
    id: id('cccc', n),
    name: `Customer ${n}`,
    email: `customer${n}@example.com`,
    phone: null,
    address: null,
    notes: null,
    createdAt: '2031-02-01T00:00:00Z',
    updatedAt: '2031-03-01T00:00:00Z',
    ascora,
    ...overrides,
  };
}

export function appointment(n: number, overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: id('aaaa', n),
    reference: `HK7-${String(n).padStart(3, '0')}`,
    status: 'scheduled',
    serviceItemId: id('5555', 1),
    customerId: id('cccc', 1),
    technicianId: id('7777', 1),
    start: '2031-03-10T22:00:00Z',
    end: '2031-03-10T23:30:00Z',
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    price: { amountMinor: 18900, currency: 'AUD' },
    notes: null,
    internalNotes: null,
    siteAddress: null,
    visitContact: null,
    assignment: { technicianId: id('7777', 1), reason: 'requested_technician' },
    rescheduledFromId: null,
    rescheduledToId: null,
    rating: null,
    feedback: null,
    createdAt: '2031-03-01T00:00:00Z',
    updatedAt: '2031-03-01T00:00:00Z',
    ascora: null,
    ...overrides,
  };
}

export function job(n: number, overrides: Partial<Job> = {}): Job {
  const number = `J${2200 + n}`;
  return {
    id: id('bbbb', n),
    number,
    name: `Hot water service ${n}`,
    description: null,
    workUndertaken: null,
    status: 'booked',
    siteCustomerId: id('cccc', 1),
    billingCustomerId: null,
    address: null,
    totalExTaxMinor: 17182,
    totalIncTaxMinor: 18900,
    completedAt: null,
    ascoraId: `A0B0C0D0-0000-4000-8000-${String(n).padStart(12, '0')}`,
    createdAt: '2031-03-01T00:00:00Z',
    updatedAt: '2031-03-01T00:00:00Z',
    ascora: link({ ascoraNumber: number }),
    visits: [],
    ...overrides,
  };
}

export interface RecordsMockOptions {
  customers?: Customer[];
  jobs?: Job[];
  appointments?: Appointment[];
  /** Ascora's version of a customer's name, by customer id: what a pull brings back. */
  remoteNames?: Record<string, string>;
  /** Records Ascora refuses, by id, with Ascora's reason. */
  refusals?: Record<string, string>;
  latencyMs?: number;
}

export function recordsMock(options: RecordsMockOptions = {}) {
  const state = {
    customers: [...(options.customers ?? [])],
    jobs: [...(options.jobs ?? [])],
    appointments: [...(options.appointments ?? [])],
    requests: [] as { method: string; path: string; body?: unknown }[],
  };
  let jobs = state.jobs.length;
  const wait = () => (options.latencyMs ? delay(options.latencyMs) : Promise.resolve());
  const page = <T>(items: T[], url: URL) => {
    const limit = Number(url.searchParams.get('limit') ?? 25);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const next = start + limit < items.length ? String(start + limit) : null;
    return HttpResponse.json({ data: items.slice(start, start + limit), nextCursor: next });
  };
  const now = () => new Date(Date.UTC(2031, 2, 5, 1, 0)).toISOString();

  const sync = (way: 'push' | 'pull', recordType: string, recordId: string) => {
    const refusal = options.refusals?.[recordId];
    if (refusal) return problem(422, 'ascora_rejected', { detail: refusal });
    if (recordType === 'customer') {
      const index = state.customers.findIndex((c) => c.id === recordId);
      if (index < 0) return problem(404, 'not_found');
      const current = state.customers[index]!;
      if (way === 'pull' && !current.ascora?.ascoraId) return problem(409, 'conflict');
      const ascora = link({
        ascoraId: current.ascora?.ascoraId ?? `NEW-${recordId.slice(-4)}`,
        lastSyncedAt: now(),
      });
      const name = way === 'pull' ? (options.remoteNames?.[recordId] ?? current.name) : current.name;
      state.customers[index] = { ...current, name, ascora };
      return HttpResponse.json({ recordType: 'customer', id: recordId, ascora });
    }
    const index = state.appointments.findIndex((a) => a.id === recordId);
    if (index < 0) return problem(404, 'not_found');
    const visit = state.appointments[index]!;
    if (way === 'pull' && !visit.ascora) return problem(409, 'conflict');
    let ascora = visit.ascora;
    if (!ascora) {
      jobs += 1;
      const created = job(jobs, {
        name: 'Hot water service',
        visits: [
          {
            appointmentId: visit.id,
            start: visit.start,
            end: visit.end,
            status: visit.status,
            technicianId: visit.technicianId,
          },
        ],
      });
      state.jobs.push(created);
      ascora = created.ascora!;
    }
    ascora = { ...ascora, state: 'linked', lastSyncedAt: now(), lastError: null };
    state.appointments[index] = { ...visit, ascora };
    state.jobs = state.jobs.map((j) => (j.number === ascora!.ascoraNumber ? { ...j, ascora } : j));
    return HttpResponse.json({ recordType: 'appointment', id: recordId, ascora });
  };

  const handlers = [
    http.get(api('/customers'), async ({ request }) => {
      state.requests.push({ method: 'GET', path: '/customers' });
      await wait();
      return page(state.customers, new URL(request.url));
    }),
    http.get(api('/customers/:customerId'), ({ params }) => {
      const found = state.customers.find((c) => c.id === params.customerId);
      return found ? HttpResponse.json(found) : problem(404, 'not_found');
    }),
    http.get(api('/jobs'), async ({ request }) => {
      state.requests.push({ method: 'GET', path: '/jobs' });
      await wait();
      return page(state.jobs, new URL(request.url));
    }),
    http.get(api('/appointments/:appointmentId'), ({ params }) => {
      const found = state.appointments.find((a) => a.id === params.appointmentId);
      return found ? HttpResponse.json(found) : problem(404, 'not_found');
    }),
    ...(['push', 'pull'] as const).map((way) =>
      http.post(api(`/ascora/records/${way}`), async ({ request }) => {
        const body = (await request.json()) as { recordType: string; recordId: string };
        state.requests.push({ method: 'POST', path: `/ascora/records/${way}`, body });
        await wait();
        return sync(way, body.recordType, body.recordId);
      }),
    ),
  ];
  return { state, handlers };
}
