/**
 * npm run bench — throughput and p99 latency of Crewkit beside a bare node:http server doing the
 * same work, on PGlite and on PostgreSQL, in one run on this machine. Prints a Markdown table for
 * docs/performance.md. Each server runs in its own process; the load generator (autocannon) runs
 * here, so all three share the machine's cores the same way for every row.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { startPostgres } from '../../server/test-support/postgres.js';

const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Child {
  process: ChildProcess;
  url: string;
  orgId: string;
  key: string;
}

async function launch(script: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--conditions=crewkit-source', '--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { process: child, ...JSON.parse(line) };
}

async function stop(child: Child) {
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

async function load(url: string, headers: Record<string, string> = {}) {
  // Warm up JIT, pools and caches first; only the second run counts.
  await autocannon({ url, connections, duration: 2, headers });
  const result = await autocannon({ url, connections, duration, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99 };
}

const cluster = await startPostgres();
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
await admin.query('create database crewkit_bench');
await admin.query('create database bare_bench');
await admin.end();
const dbUrl = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);

const rows: string[] = [];
const summary: Record<string, number> = {};
try {
  for (const database of ['pglite', 'postgres'] as const) {
    const crewkitEnv: Record<string, string> =
      database === 'postgres'
        ? // PostgreSQL needs a shared secret (the server refuses to start without one).
          { DATABASE_URL: dbUrl('crewkit_bench'), CREWKIT_SECRET: 'bench-secret-bench-secret-bench-secret-0' }
        : { CREWKIT_DATA_DIR: 'memory://', DATABASE_URL: '' };
    const bareEnv: Record<string, string> =
      database === 'postgres' ? { DATABASE_URL: dbUrl('bare_bench') } : { DATABASE_URL: '' };
    for (const [name, script, env] of [
      ['Crewkit', 'test/bench/crewkit-server.ts', crewkitEnv],
      ['bare node:http', 'test/bench/bare-server.ts', bareEnv],
    ] as const) {
      const child = await launch(script, env);
      try {
        const health = await load(`${child.url}/healthz`);
        const read = await load(`${child.url}/api/v1/organizations/${child.orgId}`, {
          authorization: `Bearer ${child.key}`,
        });
        rows.push(`| ${database} | ${name} | GET /healthz | ${health.rps} | ${health.p50} | ${health.p99} |`);
        rows.push(
          `| ${database} | ${name} | authenticated GET org | ${read.rps} | ${read.p50} | ${read.p99} |`,
        );
        summary[`${database}:${name}:read`] = read.rps;
        summary[`${database}:${name}:health`] = health.rps;
        console.error(`${database} ${name}: healthz ${health.rps} req/s, org read ${read.rps} req/s`);
      } finally {
        await stop(child);
      }
    }
  }
} finally {
  await cluster.stop();
}

const ratio = (db: string, route: string) =>
  summary[`${db}:Crewkit:${route}`]! / summary[`${db}:bare node:http:${route}`]!;
console.log(
  `\nMachine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(`autocannon: ${connections} connections, ${duration} s per row after a 2 s warm-up\n`);
console.log('| database | server | route | req/s | p50 ms | p99 ms |');
console.log('| --- | --- | --- | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('');
for (const db of ['pglite', 'postgres']) {
  console.log(
    `${db}: Crewkit reaches ${(ratio(db, 'read') * 100).toFixed(0)}% of bare throughput on the authenticated read, ${(ratio(db, 'health') * 100).toFixed(0)}% on /healthz`,
  );
}
const target = ratio('postgres', 'read');
console.log(
  `\nTarget (authenticated read on PostgreSQL ≥ 50% of bare): ${target >= 0.5 ? 'MET' : 'NOT MET'} (${(target * 100).toFixed(0)}%)`,
);
