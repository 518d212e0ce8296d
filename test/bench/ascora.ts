/**
 * Ascora sync benchmark (issue #5), printed for docs/performance.md, on PGlite and on PostgreSQL:
 * 1. Initial sync of 10,000 customers + 10,000 jobs from the fake Ascora over loopback HTTP,
 *    rate-limited to 10 requests/s at PageSize 250: the ceiling is 2,500 records/s; target ≥ 80 %.
 * 2. Incremental sync of 100 records changed in Ascora, each arriving as a webhook hint and fetched
 *    again (Ascora has no "modified since" filter). Target < 2 s.
 * ASCORA_BENCH_RECORDS=n changes the size; ASCORA_BENCH_DB=pglite|postgres runs one database.
 */
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import pg from 'pg';
import { connectAscora } from '../../server/src/ascora/connection.js';
import { runSync } from '../../server/src/ascora/sync.js';
import { hintFrom, processWebhook } from '../../server/src/ascora/worker.js';
import { type Database, openDatabase } from '../../server/src/db/index.js';
import { createLogger } from '../../server/src/logger.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { startPostgres } from '../../server/test-support/postgres.js';

const count = Number(process.env.ASCORA_BENCH_RECORDS ?? 10_000);
const only = process.env.ASCORA_BENCH_DB;

async function bench(database: Database) {
  await database.migrate();
  const { organization } = await createOrganization(database.db, {
    name: 'Bench',
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
    locale: 'en-AU',
    allowedOrigins: [],
  });
  const fake = createFakeAscora();
  fake.seed({ customers: count, jobs: count });
  const server = await fake.listen();
  const deps = {
    db: database.db,
    secret: 'bench-secret-0123456789-0123456789-0123456789',
    logger: createLogger({ level: 'silent' }),
    now: Date.now,
    pageSize: 250,
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    urls: { allowPrivate: true },
  };
  try {
    await connectAscora(deps, organization.id, { apiKey: DEMO_API_KEY, baseUrl: server.url });
    fake.faults.rateLimitPerSecond = 10;
    const requestsBefore = fake.requestCount;
    let started = performance.now();
    const result = await runSync(deps, organization.id);
    const initialSeconds = (performance.now() - started) / 1000;

    // 50 customers and 50 jobs edited in Ascora; their webhooks are processed 8 at a time.
    fake.faults.rateLimitPerSecond = null;
    const hints: Record<string, unknown>[] = [];
    for (const c of [...fake.store.customers.values()].slice(0, 50))
      hints.push(fake.store.updateCustomer(c.customerId, { customerName: `${c.customerName} (edited)` }));
    for (const j of [...fake.store.jobs.values()].slice(0, 50))
      hints.push(fake.store.updateJob(j.jobId, { jobName: `${j.jobName ?? ''} (edited)` }));
    started = performance.now();
    const seenAt = new Date();
    const queue = [...hints];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let hint = queue.shift(); hint; hint = queue.shift()) {
          await processWebhook(deps, organization.id, hintFrom(hint)!, seenAt);
        }
      }),
    );
    const incrementalSeconds = (performance.now() - started) / 1000;
    return {
      records: result.counts.created,
      initialSeconds,
      recordsPerSecond: result.counts.created / initialSeconds,
      requests: fake.requestCount - requestsBefore,
      incremental: hints.length,
      incrementalSeconds,
    };
  } finally {
    await server.close();
  }
}

type Row = Awaited<ReturnType<typeof bench>> & { label: string };
const rows: Row[] = [];

if (only !== 'postgres') {
  const lite = await openDatabase({ dataDir: 'memory://' });
  rows.push({ label: 'PGlite', ...(await bench(lite)) });
  await lite.close();
}
if (only !== 'pglite') {
  const cluster = await startPostgres();
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database ascora_bench');
    await admin.end();
    const database = await openDatabase({
      databaseUrl: cluster.url.replace(/\/postgres$/, '/ascora_bench'),
      dataDir: 'memory://',
    });
    rows.push({ label: 'PostgreSQL', ...(await bench(database)) });
    await database.close();
  } finally {
    await cluster.stop();
  }
}

console.log(
  `\nAscora sync: ${count.toLocaleString('en')} customers + ${count.toLocaleString('en')} jobs, fake Ascora on loopback, 10 requests/s, PageSize 250 (ceiling 2,500 records/s)\n`,
);
console.log(
  '| database   | records | initial s | records/s | % of ceiling | Ascora requests | 100 changed (webhooks) s |',
);
console.log(
  '| ---------- | ------: | --------: | --------: | -----------: | --------------: | -----------------------: |',
);
for (const r of rows) {
  console.log(
    `| ${r.label.padEnd(10)} | ${r.records} | ${r.initialSeconds.toFixed(2)} | ${r.recordsPerSecond.toFixed(0)} | ${((r.recordsPerSecond / 2500) * 100).toFixed(0)} % | ${r.requests} | ${r.incrementalSeconds.toFixed(2)} |`,
  );
}
console.log('\nTargets: ≥ 2,000 records/s (80 % of the ceiling); 100 changed records in < 2 s.');
