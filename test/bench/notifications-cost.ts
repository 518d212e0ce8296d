/**
 * What notifications add to a booking, in CPU: the same bookings made with the organization's
 * messages on and switched off, then timed from the outbox's dispatch until every message due now
 * has gone (kept, as the embedded default does: no SMTP server). Node's CPU and PostgreSQL's
 * (its backends' /proc times) per booking, on and off, in alternating rounds (on, off, off, on).
 * Nothing else runs meanwhile, so these figures move far less than the booking bench's bookings/s
 * and show where a change to the notifications lands.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/notifications-cost.ts
 *   BENCH_BOOKINGS=2000 BENCH_ROUNDS=2 BENCH_PROFILE=file.cpuprofile (the "on" runs' delivery window)
 *   BENCH_POSTGRES_URL=postgres://…/postgres (a server of your own; its bench databases are replaced)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createAppWith, createServices } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/index.js';
import { messageTypes, serviceItems, technicians } from '../../server/src/db/schema.js';
import { newId } from '../../server/src/lib/ids.js';
import { createLogger } from '../../server/src/logger.js';
import { addDays, localDateOf, localToInstant } from '../../server/src/scheduling/time.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { startPostgres } from '../../server/test-support/postgres.js';

const bookings = Number(process.env.BENCH_BOOKINGS ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const zone = 'Europe/Berlin';
const technicianCount = 50;

/** User + system CPU milliseconds a process has used (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');

async function run(
  clusterUrl: string,
  notifications: 'on' | 'off',
  round: number | 'warmup',
  bookings: number,
) {
  const name = `notifications_cost_${notifications}_${round}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = clusterUrl.replace(/\/postgres$/, `/${name}`);
  const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 10 });
  await database.migrate();
  const config = loadConfig({
    DATABASE_URL: url,
    CREWKIT_SECRET: 'a-bench-secret-of-at-least-32-characters',
  });
  const services = createServices({ database, config, logger: createLogger({ level: 'silent' }) });
  const app = createAppWith(services);
  const db = database.db;
  const { organization, secretKey } = await createOrganization(db, {
    name: 'Bench Plumbing',
    timeZone: zone,
    currency: 'EUR',
    locale: 'de-DE',
  });
  const api = (method: string, path: string, body: unknown) =>
    app.request(`/api/v1/organizations/${organization.id}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await db.execute(
    sql`update organizations set minimum_notice_minutes = 0, horizon_days = 365 where id = ${organization.id}`,
  );
  const allDay = Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [
      d,
      [{ start: '06:00', end: '22:00' }],
    ]),
  );
  // As in the booking bench: technicians without an email address (their message is logged as
  // skipped), customers with one (a confirmation with its invitation, two reminders for later).
  await db.insert(technicians).values(
    Array.from({ length: technicianCount }, (_, i) => ({
      id: newId(),
      orgId: organization.id,
      name: `Tech ${i}`,
      timeZone: zone,
      weeklyHours: allDay,
    })),
  );
  const itemId = newId();
  await db.insert(serviceItems).values({
    id: itemId,
    orgId: organization.id,
    name: 'Service call',
    durationMinutes: 60,
    basePriceMinor: 9900,
  });
  if (notifications === 'off') {
    const off = await api('PATCH', '/notification-settings', {
      messages: Object.fromEntries(
        messageTypes.map((type) => [type, { enabled: false, channels: ['email'] }]),
      ),
    });
    if (off.status !== 200) throw new Error(`switching notifications off answered ${off.status}`);
  }
  const first = addDays(localDateOf(zone, Date.now()), 3);
  const starts: string[] = [];
  for (let day = 0; starts.length < bookings; day++)
    for (let hour = 6; hour < 21; hour++)
      for (let t = 0; t < technicianCount; t++)
        starts.push(new Date(localToInstant(zone, addDays(first, day), hour * 60)).toISOString());
  const queue = starts.slice(0, bookings);
  let customer = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let start = queue.shift(); start; start = queue.shift()) {
        customer += 1;
        const response = await api('POST', '/appointments', {
          serviceItemId: itemId,
          start,
          customer: { name: `Customer ${customer}`, email: `customer${customer}@bench.example` },
        });
        if (response.status !== 201) throw new Error(`booking answered ${response.status}`);
      }
    }),
  );

  // The window: the outbox's dispatch (what every booking's events cost either way) and the
  // delivery loop sending what the dispatcher hands it, as a running server does.
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const backends = (
    await probe.query(
      `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    )
  ).rows.map((row: { pid: number }) => row.pid);
  await services.notifications.start();
  const profiling = Boolean(process.env.BENCH_PROFILE) && notifications === 'on';
  if (profiling) await session.post('Profiler.start');
  const postgresBefore = backends.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const before = process.cpuUsage();
  await services.events.drain();
  // Until the loop has sent what it was handed (claimed at queueing: attempt 1, still queued).
  for (;;) {
    const { rows } = await probe.query(
      `select count(*)::int as n from notifications where status = 'queued' and attempts > 0`,
    );
    if (rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const used = process.cpuUsage(before);
  const postgresMs = backends.reduce((sum, pid) => sum + cpuMs(pid), 0) - postgresBefore;
  if (profiling) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
  }
  const sent = (await probe.query(`select count(*)::int as n from notifications where status = 'sent'`))
    .rows[0].n as number;
  await services.notifications.stop();
  services.notifications.close();
  await probe.end();
  await database.close();
  return {
    notifications,
    round,
    sent,
    nodeMs: (used.user + used.system) / 1000 / bookings,
    postgresMs: postgresMs / bookings,
  };
}

// BENCH_POSTGRES_URL=postgres://…/postgres runs on a server of your own (pg_stat_statements, say).
const cluster = process.env.BENCH_POSTGRES_URL
  ? { url: process.env.BENCH_POSTGRES_URL, stop: async () => {} }
  : await startPostgres();
try {
  // A first run warms the JIT and the cluster's caches; the first measured run was the slowest.
  await run(cluster.url, 'on', 'warmup', Math.min(500, bookings));
  const results: Array<Awaited<ReturnType<typeof run>>> = [];
  for (let round = 1; round <= rounds; round++) {
    for (const mode of round % 2 === 1 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const result = await run(cluster.url, mode, round, bookings);
      results.push(result);
      console.error(
        `round ${round}, notifications ${mode}: ${result.sent} sent; ${(1000 * result.nodeMs).toFixed(0)} µs Node, ${(1000 * result.postgresMs).toFixed(0)} µs PostgreSQL a booking`,
      );
    }
  }
  const mean = (mode: 'on' | 'off', pick: (r: (typeof results)[number]) => number) => {
    const of = results.filter((r) => r.notifications === mode);
    return of.reduce((sum, r) => sum + pick(r), 0) / of.length;
  };
  console.log(`\n### What notifications add to a booking (${bookings} bookings, ${rounds} rounds)\n`);
  console.log('| notifications | messages sent | Node CPU µs/booking | PostgreSQL CPU µs/booking |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const mode of ['on', 'off'] as const) {
    console.log(
      `| ${mode} | ${mean(mode, (r) => r.sent).toFixed(0)} | ${(1000 * mean(mode, (r) => r.nodeMs)).toFixed(0)} | ${(1000 * mean(mode, (r) => r.postgresMs)).toFixed(0)} |`,
    );
  }
  console.log(
    `\nOn − off: ${(1000 * (mean('on', (r) => r.nodeMs) - mean('off', (r) => r.nodeMs))).toFixed(0)} µs of Node and ${(1000 * (mean('on', (r) => r.postgresMs) - mean('off', (r) => r.postgresMs))).toFixed(0)} µs of PostgreSQL CPU a booking (dispatch and delivery; the booking requests are outside the window).`,
  );
} finally {
  await cluster.stop();
}
process.exit(0);
