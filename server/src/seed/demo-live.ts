import { DEMO_API_KEY, startFakeAscora } from '@crewkit/ascora/fake';
import { connectAscora, findConnection } from '../ascora/connection.js';
import { enqueueSync, requireQueue, scheduleSync } from '../ascora/worker.js';
import type { Services } from '../context.js';

/**
 * What `crewkit start --demo` adds once the server is listening: a few booked jobs so the job list
 * is not empty, and a fake Ascora on its own port with the demo organization connected to it, so the
 * connect panel and the sync screens show real data on the first run.
 */

const demoCustomers = [
  {
    name: 'Olivia Hart',
    email: 'olivia.hart@example.com',
    phone: '0412 555 101',
    notes: 'Kitchen tap drips.',
  },
  { name: 'Noah Castillo', email: 'noah.castillo@example.com', phone: '0412 555 102', notes: null },
  { name: 'Mia Nguyen', email: 'mia.nguyen@example.com', phone: null, notes: 'Side gate code 4417.' },
  { name: 'Jack Byrne', email: 'jack.byrne@example.com', phone: '0412 555 104', notes: null },
  {
    name: 'Amelia Rossi',
    email: 'amelia.rossi@example.com',
    phone: '0412 555 105',
    notes: 'Dog in the yard.',
  },
  { name: 'Leo Fraser', email: 'leo.fraser@example.com', phone: null, notes: null },
];

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function apiClient(baseUrl: string, secretKey: string, orgId: string): Api {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}/api/v1/organizations/${orgId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secretKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return (await response.json()) as never;
  };
}

/**
 * Books the demo jobs through the public API, exactly as a dispatcher would, on the first free
 * starts of the coming days — so they respect every booking rule and land in today's calendar.
 */
export async function seedDemoAppointments(
  baseUrl: string,
  demo: { orgId: string; secretKey: string },
  now: () => number,
) {
  const api = apiClient(baseUrl, demo.secretKey, demo.orgId);
  const items = await api<{ data: Array<{ id: string; name: string }> }>('GET', '/services/items?limit=50');
  const from = new Date(now()).toISOString().slice(0, 10);
  const to = new Date(now() + 13 * 86_400_000).toISOString().slice(0, 10);
  const booked: Array<{ id: string; status: string }> = [];
  for (const [index, customer] of demoCustomers.entries()) {
    const item = items.data[index % items.data.length]!;
    const availability = await api<{ days: Array<{ slots: Array<{ start: string }> }> }>(
      'GET',
      `/technicians/availability?serviceItemId=${item.id}&from=${from}&to=${to}`,
    );
    // Spread the jobs over the days instead of stacking them on the first free morning.
    const days = availability.days.filter((day) => day.slots.length > 0);
    const day = days[Math.min(index, days.length - 1)];
    const slot = day?.slots[Math.floor(day.slots.length / 2)];
    if (!slot) continue;
    const { notes, ...details } = customer;
    booked.push(
      await api('POST', '/appointments', {
        serviceItemId: item.id,
        start: slot.start,
        customer: details,
        notes,
      }),
    );
  }
  // A job already on its way, so the list shows more than one status.
  if (booked[0]) await api('PUT', `/appointments/${booked[0].id}/status`, { status: 'en_route' });
  return booked.length;
}

/**
 * Starts the fake Ascora (port CREWKIT_DEMO_ASCORA_PORT, default 4010; a free one if taken) and
 * connects the demo organization on its first run. Later runs reconnect only a connection that
 * points at a local fake — its webhooks live in the fake's memory, which a restart wiped — and
 * leave a deliberate disconnect alone.
 */
export async function startDemoAscora(
  services: Pick<Services, 'ascora' | 'queue'>,
  options: { orgId: string; publicBaseUrl: string; firstRun: boolean },
) {
  const preferred = Number(process.env.CREWKIT_DEMO_ASCORA_PORT ?? 4010);
  const counts = { customers: 40, jobs: 60, invoices: 8, payments: 4 };
  const started = await startFakeAscora({ port: preferred, counts }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    return startFakeAscora({ port: 0, counts });
  });
  const deps = services.ascora.deps;
  const queue = requireQueue(services.queue);
  const existing = await findConnection(deps.db, options.orgId);
  const pointsAtLocalFake =
    existing?.status === 'connected' && /^http:\/\/127\.0\.0\.1:/.test(existing.baseUrl);
  if (options.firstRun || !existing || pointsAtLocalFake) {
    const { connection } = await connectAscora(deps, options.orgId, {
      apiKey: DEMO_API_KEY,
      baseUrl: started.url,
      publicBaseUrl: options.publicBaseUrl,
    });
    await scheduleSync(queue, connection);
    await enqueueSync(queue, options.orgId, 'connect');
  }
  return { url: started.url, apiKey: DEMO_API_KEY, close: started.close };
}
