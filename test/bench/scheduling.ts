/**
 * Scheduling benchmarks (issue #3), printed for docs/performance.md:
 * 1. Availability for a 31-day window over 50 technicians holding 5,000 appointments — server time
 *    (app.request, no network) p50/p99 on PGlite and on PostgreSQL. Target p50 ≤ 15 ms, p99 ≤ 50 ms.
 * 2. Booking throughput on PostgreSQL over HTTP with 50 concurrent clients, auto-assignment on.
 *    Target ≥ 500 successful bookings/s. Run twice, on fresh databases: with the organization's
 *    notifications on (the defaults: confirmation, technician assigned and both reminders; with no
 *    SMTP server configured, the embedded default, the ones due now rendered and kept as the
 *    outbox is dispatched while the bookings run) and with every message switched off. Issue #12:
 *    throughput and latency with them on stay within 10 % of off. BENCH_SMTP=1 sends the emails
 *    over SMTP to a local sink instead (a process of its own on the same cores).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { createApp } from '../../server/src/app.js';
import { type Database, openDatabase } from '../../server/src/db/index.js';
import { messageTypes, reservations, serviceItems, technicians } from '../../server/src/db/schema.js';
import { newId } from '../../server/src/lib/ids.js';
import { createLogger } from '../../server/src/logger.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../../server/src/scheduling/time.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { testConfig } from '../../server/test-support/harness.js';
import { startPostgres } from '../../server/test-support/postgres.js';
import { smtpSink } from './smtp-sink.js';

const zone = 'Australia/Sydney';
const hours = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => [
    d,
    [{ start: '08:00', end: '17:00' }],
  ]),
);

async function seed(database: Database, technicianCount: number, appointmentCount: number) {
  const db = database.db;
  const { organization, secretKey } = await createOrganization(db, {
    name: 'Bench Plumbing',
    timeZone: zone,
    currency: 'AUD',
  });
  await db.execute(
    // No notice and a long horizon, so every generated start is bookable on its merits.
    (await import('drizzle-orm'))
      .sql`update organizations set minimum_notice_minutes = 0, horizon_days = 365, slot_step_minutes = 30 where id = ${organization.id}`,
  );
  const techIds = Array.from({ length: technicianCount }, () => newId());
  await db.insert(technicians).values(
    techIds.map((id, i) => ({
      id,
      orgId: organization.id,
      name: `Tech ${i}`,
      timeZone: zone,
      skills: [{ skill: 'plumbing', proficiency: 1 + (i % 5) }],
      weeklyHours: hours,
    })),
  );
  const itemId = newId();
  await db.insert(serviceItems).values({
    id: itemId,
    orgId: organization.id,
    name: 'Service call',
    durationMinutes: 60,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    basePriceMinor: 15000,
    requiredSkills: [{ skill: 'plumbing', minProficiency: 1 }],
  });
  // Existing bookings: spread over the next 31 days, per technician a few a day, never overlapping.
  const today = localDateOf(zone, Date.now());
  const rows = [];
  for (let n = 0; n < appointmentCount; n++) {
    const tech = techIds[n % technicianCount]!;
    const k = Math.floor(n / technicianCount); // k-th booking of this technician
    const day = addDays(today, 1 + Math.floor(k / 4));
    const start = localToInstant(zone, day, 8 * 60 + (k % 4) * 120 + 15);
    rows.push({
      id: newId(),
      orgId: organization.id,
      technicianId: tech,
      kind: 'appointment' as const,
      startsAt: new Date(start - 15 * 60_000),
      endsAt: new Date(start + 75 * 60_000),
    });
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insert(reservations).values(rows.slice(i, i + 1000));
  return { orgId: organization.id, secretKey, itemId, today };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function availabilityBench(database: Database, label: string) {
  const { orgId, secretKey, itemId, today } = await seed(database, 50, 5000);
  const app = createApp({ database, config: testConfig(), logger: createLogger({ level: 'silent' }) });
  const url = `/api/v1/organizations/${orgId}/technicians/availability?serviceItemId=${itemId}&from=${today}&to=${addDays(today, 30)}`;
  const headers = { authorization: `Bearer ${secretKey}` };
  let slots = 0;
  for (let i = 0; i < 20; i++) await app.request(url, { headers }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    const response = await app.request(url, { headers });
    const body = (await response.json()) as { days: { slots: unknown[] }[] };
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`availability answered ${response.status}`);
    slots = body.days.reduce((sum, d) => sum + d.slots.length, 0);
  }
  times.sort((a, b) => a - b);
  const row = { label, p50: percentile(times, 50), p99: percentile(times, 99), slots };
  console.error(
    `availability ${label}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms (${slots} slots)`,
  );
  return row;
}

async function bookingBench(
  url: string,
  notifications: 'on' | 'off',
  seconds = Number(process.env.BENCH_SECONDS ?? 10),
) {
  const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 4 });
  const { orgId, secretKey, itemId, today } = await seed(database, 50, 0);
  await database.close();
  // BENCH_PROFILE=dir writes a CPU profile of the server process there; BENCH_POOL_SIZE sizes its pool.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  // BENCH_PROCESSES=2 starts two server processes on the one database and splits the clients
  // between them (several instances sharing a database, each batching its own bookings).
  const processes = Number(process.env.BENCH_PROCESSES ?? 1);
  // BENCH_SMTP=1 sends the emails over SMTP to a local sink (a process of its own, on the same two
  // cores) instead of keeping them, as a server with CREWKIT_SMTP_URL does.
  const sink = process.env.BENCH_SMTP ? await smtpSink() : undefined;
  const start = () =>
    spawn(
      process.execPath,
      [
        ...profile,
        // As the image and `npm start` run it (docs/deploy.md).
        '--max-semi-space-size=64',
        '--conditions=crewkit-source',
        '--import',
        'tsx',
        'server/src/cli.ts',
        'start',
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: url,
          PORT: '0',
          LOG_LEVEL: 'warn',
          DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20',
          CREWKIT_SECRET: testConfig().secret,
          ...(sink
            ? { CREWKIT_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, CREWKIT_ALLOW_PRIVATE_URLS: 'true' }
            : {}),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
  const children: ChildProcess[] = Array.from({ length: processes }, start);
  const bases = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          createInterface({ input: child.stdout! }).on('line', (line) => {
            const match = /running at (\S+)/.exec(line);
            if (match) resolve(match[1]!);
          });
        }),
    ),
  );
  // 50 bookings per start time (one per technician, by auto-assignment), start times walking
  // forward through the working days, so nearly every request is bookable but they still race.
  const starts: string[] = [];
  for (let d = 1; starts.length < 4000; d++) {
    const day = addDays(today, d);
    // Sundays are not worked: every request there would be a quick 409 and flatter the figures.
    if (isoWeekday(day) === 7) continue;
    for (let minute = 8 * 60; minute + 60 <= 17 * 60; minute += 90)
      starts.push(new Date(localToInstant(zone, day, minute)).toISOString());
  }
  if (notifications === 'off') {
    const off = await fetch(`${bases[0]}/api/v1/organizations/${orgId}/notification-settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: Object.fromEntries(
          messageTypes.map((type) => [type, { enabled: false, channels: ['email'] }]),
        ),
      }),
    });
    if (off.status !== 200) throw new Error(`switching notifications off answered ${off.status}`);
  }
  let n = 0;
  const bookingUrls = bases.map((base) => `${base}/api/v1/organizations/${orgId}/appointments`);
  const bodyFor = (i: number) =>
    JSON.stringify({
      serviceItemId: itemId,
      start: starts[Math.floor(i / 50) % starts.length],
      customer: { name: `Bench ${i}`, email: `bench${i}@example.com` },
    });
  // One booking first, so a broken setup fails loudly instead of measuring errors.
  const probe = await fetch(bookingUrls[0]!, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: bodyFor(n++),
  });
  if (probe.status !== 201) throw new Error(`booking probe answered ${probe.status}: ${await probe.text()}`);
  const serverCpuBefore = children.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0);
  const sinkCpuBefore = sink ? cpuSeconds(sink.pid) : 0;
  const results = await Promise.all(
    bookingUrls.map((url) =>
      autocannon({
        url,
        connections: 50 / processes,
        duration: seconds,
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodyFor(n++) }),
          },
        ],
      }),
    ),
  );
  // Latency over all clients: the slowest process's percentile (a bound, not a merge).
  const result = {
    requests: { average: results.reduce((sum, r) => sum + r.requests.average, 0) },
    latency: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
    },
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    statusCodeStats: results.map((r) => r.statusCodeStats),
  };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // CPU seconds per booking, by process: on a shared machine this moves far less than bookings/s.
  const backends = await admin.query(
    `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
  );
  const serverCpu = children.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0) - serverCpuBefore;
  const postgresCpu = backends.rows.reduce((sum, r: { pid: number }) => sum + cpuSeconds(r.pid), 0);
  const sinkCpu = sink ? cpuSeconds(sink.pid) - sinkCpuBefore : 0;
  // Wait for the servers to be gone: one still shutting down would take CPU from the next run.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  const { rows } = await admin.query(`select count(*)::int as n from appointments where org_id = $1`, [
    orgId,
  ]);
  const overlaps =
    await admin.query(`select count(*)::int as n from reservations a join reservations b on a.technician_id = b.technician_id and a.id < b.id
      and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at) where a.released_at is null and b.released_at is null`);
  const messages = await admin.query(`select count(*)::int as n from notifications where org_id = $1`, [
    orgId,
  ]);
  await admin.end();
  const emailed = sink ? await sink.accepted() : 0;
  await sink?.close();
  const created = rows[0].n as number;
  return {
    bookingsPerSecond: Math.round(created / seconds),
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    statusCodes: JSON.stringify(result.statusCodeStats),
    errors: result.errors,
    overlaps: overlaps.rows[0].n as number,
    serverCpuMs: (1000 * serverCpu) / Math.max(1, created),
    postgresCpuMs: (1000 * postgresCpu) / Math.max(1, created),
    sinkCpuMs: (1000 * sinkCpu) / Math.max(1, created),
    emailed,
    notifications,
    messages: messages.rows[0].n as number,
  };
}

/** User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

// BENCH_POSTGRES_URL=postgres://…/postgres runs against a server of your own (to look inside with
// pg_stat_statements, say); its bench databases are dropped first. Otherwise a throwaway cluster.
const cluster = process.env.BENCH_POSTGRES_URL
  ? { url: process.env.BENCH_POSTGRES_URL, stop: async () => {} }
  : await startPostgres();
// pg clients still open when the throwaway cluster stops report it; by then the run is over.
process.on('uncaughtException', (error) => {
  if (!/Connection terminated|ECONNRESET/.test(error.message)) throw error;
});
try {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  // The booking half runs in rounds, each on a fresh database: on, off, then off, on, and so on
  // (BENCH_ROUNDS, default 2), so that a machine drifting faster or slower over the minutes favours
  // neither; the comparison is between the means. BENCH_NOTIFICATIONS=on runs only "on".
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
  const runs: Array<{ database: string; notifications: 'on' | 'off' }> = [];
  for (let round = 0; round < rounds; round++) {
    const order: Array<'on' | 'off'> =
      process.env.BENCH_NOTIFICATIONS === 'on' ? ['on'] : round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const notifications of order)
      runs.push({ database: `booking_bench_${notifications}_${round + 1}`, notifications });
  }
  // The first run on a fresh cluster was the slowest in every bench (caches, PostgreSQL's and the
  // system's, still cold): an unreported warm-up run comes first (BENCH_WARMUP_SECONDS, default 5).
  const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
  const databases = [
    'avail_bench',
    ...(warmupSeconds > 0 ? ['booking_bench_warmup'] : []),
    ...runs.map((run) => run.database),
  ];
  if (process.env.BENCH_POSTGRES_URL) {
    const { rows: old } = await admin.query(
      `select datname from pg_database where datname = 'avail_bench' or datname like 'booking_bench%'`,
    );
    for (const { datname } of old) await admin.query(`drop database if exists ${datname}`);
  }
  for (const name of databases) await admin.query(`create database ${name}`);
  await admin.end();
  const dbUrl = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);

  // BENCH_ONLY=availability or BENCH_ONLY=booking runs one half, for quick A/B comparisons.
  const skipped = { p50: Number.NaN, p99: Number.NaN, slots: 0 };
  let liteRow = { label: 'pglite', ...skipped };
  let pgRow = { label: 'postgres', ...skipped };
  if (process.env.BENCH_ONLY !== 'booking') {
    const lite = await openDatabase({ dataDir: 'memory://' });
    await lite.migrate();
    liteRow = await availabilityBench(lite, 'pglite');
    await lite.close();
    const pgDb = await openDatabase({ databaseUrl: dbUrl('avail_bench'), dataDir: 'memory://' });
    await pgDb.migrate();
    pgRow = await availabilityBench(pgDb, 'postgres');
    await pgDb.close();
  }

  const bookings: Array<Awaited<ReturnType<typeof bookingBench>> & { round: number }> = [];
  if (process.env.BENCH_ONLY !== 'availability') {
    for (const name of [
      ...(warmupSeconds > 0 ? ['booking_bench_warmup'] : []),
      ...runs.map((r) => r.database),
    ]) {
      const migrateBooking = await openDatabase({ databaseUrl: dbUrl(name), dataDir: 'memory://' });
      await migrateBooking.migrate();
      await migrateBooking.close();
    }
    if (warmupSeconds > 0) {
      const warm = await bookingBench(dbUrl('booking_bench_warmup'), 'on', warmupSeconds);
      console.error(`booking warm-up (not reported): ${warm.bookingsPerSecond}/s`);
    }
    // Each run's database is dropped once it is measured and the cluster checkpointed, so that no
    // run pays for the one before it (autovacuum of its tables, its dirty pages still to be written).
    const settle = async (database: string) => {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      await client.query(`drop database if exists ${database} with (force)`);
      await client.query('checkpoint');
      await client.end();
    };
    if (warmupSeconds > 0) await settle('booking_bench_warmup');
    for (const run of runs) {
      const result = await bookingBench(dbUrl(run.database), run.notifications);
      await settle(run.database);
      bookings.push({ ...result, round: Number(run.database.split('_').at(-1)) });
      console.error(
        `booking round ${run.database.split('_').at(-1)}, notifications ${run.notifications}: ${result.bookingsPerSecond}/s, p50 ${result.p50} ms${process.env.BENCH_SMTP ? `, ${result.emailed} emails to the SMTP sink (its CPU ${result.sinkCpuMs.toFixed(2)} ms a booking)` : ''}`,
      );
    }
  }

  console.log(
    '\n### Availability: 31 days × 50 technicians × 5,000 appointments (server time, 200 requests)\n',
  );
  console.log('| database | p50 ms | p99 ms | slots returned |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of [liteRow, pgRow])
    console.log(`| ${row.label} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.slots} |`);
  console.log(
    `\nTarget p50 ≤ 15 ms, p99 ≤ 50 ms: ${[liteRow, pgRow].every((r) => r.p50 <= 15 && r.p99 <= 50) ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `\n### Booking on PostgreSQL over HTTP, 50 concurrent clients, auto-assignment${process.env.BENCH_SMTP ? ', emails over SMTP to a local sink' : ''}${Number(process.env.BENCH_PROCESSES ?? 1) > 1 ? `, ${process.env.BENCH_PROCESSES} server processes` : ''}\n`,
  );
  console.log(
    '| round | notifications | bookings/s | requests/s | p50 ms | p99 ms | non-2xx | overlapping reservations | messages queued | server CPU ms/booking | PostgreSQL CPU ms/booking |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const booking of bookings) {
    console.log(
      `| ${booking.round} | ${booking.notifications} | ${booking.bookingsPerSecond} | ${booking.requestsPerSecond} | ${booking.p50} | ${booking.p99} | ${booking.non2xx} | ${booking.overlaps} | ${booking.messages} | ${booking.serverCpuMs.toFixed(2)} | ${booking.postgresCpuMs.toFixed(2)} |`,
    );
  }
  for (const booking of bookings)
    console.error(`Status codes (round ${booking.round}, ${booking.notifications}): ${booking.statusCodes}`);
  const meanOf = (mode: 'on' | 'off') => {
    const of = bookings.filter((b) => b.notifications === mode);
    if (of.length === 0) return undefined;
    const mean = (pick: (b: (typeof of)[number]) => number) =>
      of.reduce((sum, b) => sum + pick(b), 0) / of.length;
    return {
      runs: of.length,
      bookingsPerSecond: mean((b) => b.bookingsPerSecond),
      p50: mean((b) => b.p50),
      cpuMs: mean((b) => b.serverCpuMs + b.postgresCpuMs),
    };
  };
  const on = meanOf('on');
  const off = meanOf('off');
  if (on) {
    console.log(
      `\nMean of ${on.runs} run(s) with notifications on: ${on.bookingsPerSecond.toFixed(0)} bookings/s, p50 ${on.p50.toFixed(0)} ms, ${on.cpuMs.toFixed(2)} ms of CPU (server + PostgreSQL) a booking`,
    );
  }
  if (off) {
    console.log(
      `Mean of ${off.runs} run(s) with notifications off: ${off.bookingsPerSecond.toFixed(0)} bookings/s, p50 ${off.p50.toFixed(0)} ms, ${off.cpuMs.toFixed(2)} ms of CPU a booking`,
    );
  }
  if (on) {
    console.log(
      `\nTarget ≥ 500 bookings/s: ${on.bookingsPerSecond >= 500 ? 'MET' : 'NOT MET'} (${on.bookingsPerSecond.toFixed(0)}, notifications on)`,
    );
  }
  if (on && off) {
    const throughput = on.bookingsPerSecond / off.bookingsPerSecond;
    const latency = on.p50 / off.p50;
    console.log(
      `Notifications on vs off (means): throughput ${(100 * throughput).toFixed(0)} %, p50 latency ${(100 * latency).toFixed(0)} % — target within 10 %: ${throughput >= 0.9 && latency <= 1.1 ? 'MET' : 'NOT MET'}`,
    );
  }
} finally {
  await cluster.stop();
}
