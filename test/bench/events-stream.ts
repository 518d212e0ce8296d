/**
 * Live event stream fan-out: 200 dispatchers hold `streamEvents` open while changes are made through
 * the API; for every change, the time from sending the request to each subscriber receiving its
 * event. On PGlite (one server process) and on PostgreSQL with two server processes, the
 * subscribers split between them and every change made on the first, so half the deliveries cross
 * instances through LISTEN/NOTIFY. Servers run in their own processes; the subscribers run here.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/events-stream.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createCrewkit } from '@crewkit/sdk';
import pg from 'pg';
import { startPostgres } from '../../server/test-support/postgres.js';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 200);
const changes = Number(process.env.BENCH_CHANGES ?? 20);
const script = new URL('./crewkit-server.ts', import.meta.url).pathname;

interface Child {
  process: ChildProcess;
  url: string;
  orgId: string;
  key: string;
}

async function launch(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--conditions=crewkit-source', '--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { process: child, ...(JSON.parse(line) as Omit<Child, 'process'>) };
}

async function stop(child: Child) {
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Opens the streams (spread over `instances`), makes the changes on the first, and times each delivery. */
async function measure(instances: Child[], orgId: string, key: string) {
  const stop = new AbortController();
  const received = new Map<string, number[]>();
  const opened: Promise<void>[] = [];
  for (let i = 0; i < subscribers; i++) {
    const instance = instances[i % instances.length]!;
    const client = createCrewkit({ baseUrl: instance.url, organizationId: orgId, apiKey: key });
    let open: () => void;
    opened.push(new Promise((resolve) => (open = resolve)));
    void (async () => {
      for await (const event of client.liveEvents.stream({
        signal: stop.signal,
        onStatus: (status) => status === 'open' && open(),
      })) {
        const times = received.get(event.subject) ?? [];
        times.push(performance.now());
        received.set(event.subject, times);
      }
    })().catch(() => {});
  }
  await Promise.all(opened);
  const writer = createCrewkit({ baseUrl: instances[0]!.url, organizationId: orgId, apiKey: key });
  const latencies: number[] = [];
  let missing = 0;
  for (let n = 0; n < changes; n++) {
    const sent = performance.now();
    const { data, error } = await writer.customers.create({
      name: `Stream Bench ${n}`,
      email: `stream-bench-${n}-${Date.now()}@example.com`,
    });
    if (!data) throw new Error(`create failed: ${JSON.stringify(error)}`);
    const deadline = sent + 5000;
    while ((received.get(data.id)?.length ?? 0) < subscribers && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const times = received.get(data.id) ?? [];
    missing += subscribers - times.length;
    latencies.push(...times.map((t) => t - sent));
  }
  stop.abort();
  latencies.sort((a, b) => a - b);
  return {
    deliveries: latencies.length,
    missing,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1)!,
  };
}

const rows: string[] = [];
const cluster = await startPostgres();
try {
  const pglite = await launch({ CREWKIT_DATA_DIR: 'memory://', DATABASE_URL: '' });
  try {
    const r = await measure([pglite], pglite.orgId, pglite.key);
    rows.push(
      `| PGlite, 1 process | ${subscribers} | ${r.deliveries} | ${r.missing} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} |`,
    );
  } finally {
    await stop(pglite);
  }

  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database stream_bench');
  await admin.end();
  const env = {
    DATABASE_URL: cluster.url.replace(/\/postgres$/, '/stream_bench'),
    CREWKIT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
  };
  const first = await launch(env);
  const second = await launch(env);
  try {
    const r = await measure([first, second], first.orgId, first.key);
    rows.push(
      `| PostgreSQL, 2 processes | ${subscribers} | ${r.deliveries} | ${r.missing} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} |`,
    );
  } finally {
    await Promise.all([stop(first), stop(second)]);
  }
} finally {
  await cluster.stop();
}

console.log(
  `\nLive event stream: ${changes} changes, each to ${subscribers} open streams; ms from sending the change to receipt (${cpus().length} cores)\n`,
);
console.log('| Database | Streams | Deliveries | Missing | p50 ms | p95 ms | max ms |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
