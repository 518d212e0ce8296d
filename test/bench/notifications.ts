/**
 * Notification benchmark (issue #12), printed for docs/performance.md: how fast the outbox drains
 * into email. Bookings are made through the API (each records `appointment.created` in the outbox,
 * undispatched); then the clock starts, the dispatcher hands the events to the notification consumer
 * (a confirmation and a technician's message each, plus two reminders queued for later) while two
 * delivery workers send every due email over SMTP to a local sink (nodemailer's smtp-server,
 * counting what it accepts), as in a server, where each dispatch batch wakes them
 * (`BENCH_SERIAL=1`: dispatch everything first, then send). Target ≥ 200 emails/s on 2 cores.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/notifications.ts
 *   BENCH_BOOKINGS=1000 BENCH_DATABASE=postgres …
 */
import { cpus, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { createAppWith, createServices } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { type Database, openDatabase } from '../../server/src/db/index.js';
import { serviceItems, technicians } from '../../server/src/db/schema.js';
import { newId } from '../../server/src/lib/ids.js';
import { createLogger } from '../../server/src/logger.js';
import { addDays, localDateOf, localToInstant } from '../../server/src/scheduling/time.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { startPostgres } from '../../server/test-support/postgres.js';
import { smtpSink } from './smtp-sink.js';

const bookings = Number(process.env.BENCH_BOOKINGS ?? 600);
const technicianCount = 20;
const zone = 'Europe/Berlin';

async function run(database: Database, kind: string) {
  const sink = await smtpSink();
  const config = loadConfig({
    CREWKIT_DATA_DIR: 'memory://',
    ...(process.env.BENCH_KEEP ? {} : { CREWKIT_SMTP_URL: `smtp://127.0.0.1:${sink.port}` }),
    CREWKIT_ALLOW_PRIVATE_URLS: 'true',
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
  await db.execute(
    sql`update organizations set minimum_notice_minutes = 0, horizon_days = 365 where id = ${organization.id}`,
  );
  const techIds = Array.from({ length: technicianCount }, () => newId());
  const allDay = Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [
      d,
      [{ start: '06:00', end: '22:00' }],
    ]),
  );
  await db.insert(technicians).values(
    techIds.map((id, i) => ({
      id,
      orgId: organization.id,
      name: `Tech ${i}`,
      email: `tech${i}@bench.example`,
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

  // Bookings through the API, each recording its event; none dispatched yet.
  const first = addDays(localDateOf(zone, Date.now()), 3);
  const starts: string[] = [];
  for (let day = 0; starts.length < bookings; day++) {
    for (let hour = 6; hour < 21; hour++) {
      for (let t = 0; t < technicianCount; t++) {
        starts.push(new Date(localToInstant(zone, addDays(first, day), hour * 60)).toISOString());
      }
    }
  }
  let customer = 0;
  const queue = starts.slice(0, bookings);
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let start = queue.shift(); start; start = queue.shift()) {
        customer += 1;
        const response = await app.request(`/api/v1/organizations/${organization.id}/appointments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            serviceItemId: itemId,
            start,
            customer: { name: `Customer ${customer}`, email: `customer${customer}@bench.example` },
          }),
        });
        if (response.status !== 201)
          throw new Error(`booking answered ${response.status}: ${await response.text()}`);
      }
    }),
  );

  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  let queued = began;
  let dispatching = true;
  const dispatch = services.events.drain().finally(() => {
    queued = performance.now();
    dispatching = false;
  });
  // Two delivery workers side by side, as two processes (or one process's two polls) would run.
  // As in a server, they send while the dispatcher is still queuing (it wakes them after each
  // batch it commits): `BENCH_SERIAL=1` waits for the whole outbox first, as this bench used to.
  if (process.env.BENCH_SERIAL) await dispatch;
  const [events] = await Promise.all([
    dispatch,
    ...[1, 2].map(async () => {
      for (;;) {
        const finished = !dispatching;
        const { claimed } = await services.notifications.deliverDue(100);
        if (claimed > 0) continue;
        // Nothing due, and nothing more can come: the dispatcher was done before this look.
        if (finished) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  ]);
  const done = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const sent = await sink.accepted();
  const [{ n } = { n: 0 }] = (
    (await db.execute(
      sql`select count(*)::int as n from notifications where status = 'sent'`,
    )) as unknown as {
      rows: Array<{ n: number }>;
    }
  ).rows;
  if (!process.env.BENCH_KEEP && n !== sent)
    throw new Error(`the log says ${n} sent, the sink accepted ${sent}`);
  services.notifications.close();
  await sink.close();
  const seconds = (done - began) / 1000;
  return {
    kind,
    events,
    sent,
    queueSeconds: (queued - began) / 1000,
    totalSeconds: (done - began) / 1000,
    emailsPerSecond: Math.round(sent / seconds),
    cpuSeconds,
    emailsPerCpuSecond: Math.round(sent / cpuSeconds),
  };
}

const results = [];
const pglite = await openDatabase({ dataDir: 'memory://' });
await pglite.migrate();
results.push(await run(pglite, 'PGlite'));
await pglite.close();
if (process.env.BENCH_DATABASE === 'postgres') {
  const postgres = await startPostgres();
  const database = await openDatabase({ databaseUrl: postgres.url, dataDir: 'memory://', poolSize: 10 });
  await database.migrate();
  results.push(await run(database, 'PostgreSQL'));
  await database.close();
  await postgres.stop();
}

console.log(
  `\nOutbox → email, ${bookings} bookings (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)})\n`,
);
console.log(
  '| Database | Events | Emails sent | Outbox dispatched (s) | All sent (s) | Emails/s | CPU (s) | Emails per CPU-second |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.events} | ${r.sent} | ${r.queueSeconds.toFixed(2)} | ${r.totalSeconds.toFixed(2)} | ${r.emailsPerSecond} | ${r.cpuSeconds.toFixed(2)} | ${r.emailsPerCpuSecond} |`,
  );
}
