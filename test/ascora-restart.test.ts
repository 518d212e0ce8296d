/**
 * "kill -9 is not recovered for an hour" (issue #16 §2), through the queue and with a real restart:
 * a child process runs a whole Crewkit server whose queue starts the Ascora sync; it is SIGKILLed
 * halfway; a new server started on the same database must take the abandoned run over from its
 * checkpoint and finish it with every record exactly once.
 *
 * How soon is set by recovery timings. Production uses the defaults: a 15 s heartbeat on the sync's
 * job, dead workers looked for every 10 s, a run abandoned after 30 s without a heartbeat of its own
 * (under a minute, measured in docs/performance.md). This test gives both processes shorter ones,
 * `recovery` below, so it does not sit idle for them: the job's heartbeat at pg-boss's minimum of
 * 10 s, dead workers looked for every second (pg-boss's minimum), a run abandoned after 10 s. The
 * mechanism is the same; the waits are still generous so a loaded machine cannot fail it (no test
 * asserts elapsed time).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { serve } from '@hono/node-server';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectAscora } from '../server/src/ascora/connection.js';
import { latestRun } from '../server/src/ascora/sync.js';
import { type Database, openDatabase } from '../server/src/db/index.js';
import { customers, jobs } from '../server/src/db/schema.js';
import { createLogger } from '../server/src/logger.js';
import { type RunningServer, type StartOptions, startServer } from '../server/src/server.js';
import { createOrganization } from '../server/src/services/organizations.js';
import { openTestDatabase, testConfig } from '../server/test-support/harness.js';

// 250 a page (Ascora's default, which the server uses): 6 pages of customers, 6 of jobs.
const records = 1_500;

/**
 * The killed server's and the restarted one's, the same in both (the child reads them from
 * ASCORA_CHILD_RECOVERY). The dead job's last heartbeat is at most 5 s (half of 10) before the kill,
 * so it is failed 5-11 s after it and retried 5-10 s after that (the sync queue's retry delay, with
 * backoff): a run abandoned after 10 s is stale by then, so the first retry takes it over. At the
 * restart, a few seconds after the kill, the run is not stale yet, so nothing is queued at start
 * and the takeover is the retried job's, as with the defaults. (Were the restart over ~6 s late, the
 * sync queued at start would take the run over instead, once the dead job is failed.)
 */
const recovery = {
  queueTimings: { superviseIntervalSeconds: 1, heartbeatSeconds: { 'ascora-sync': 10 } },
  ascora: { staleRunMs: 10_000 },
} satisfies Pick<StartOptions, 'queueTimings' | 'ascora'>;

interface HeldAscora {
  fake: FakeAscora;
  url: string;
  jobPagesRequested: number[];
  /** Holds jobs pages from this number on until `release()`, so the child cannot finish first. */
  holdJobsFrom(page: number): void;
  release(): void;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serveAscora(): Promise<HeldAscora> {
  const fake = createFakeAscora();
  fake.seed({ customers: records, jobs: records });
  fake.faults.latencyMs = 100;
  const jobPagesRequested: number[] = [];
  let holdFrom = Number.POSITIVE_INFINITY;
  let release = () => {};
  let held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname.toLowerCase() === '/jobs/jobs') {
        const page = Number(url.searchParams.get('Page') ?? '1');
        jobPagesRequested.push(page);
        if (page >= holdFrom) await held;
      }
      return fake.app.fetch(request);
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    fake,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jobPagesRequested,
    holdJobsFrom(page) {
      holdFrom = page;
    },
    release() {
      release();
      holdFrom = Number.POSITIVE_INFINITY;
      held = Promise.resolve();
    },
    async close() {
      (server as Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function startChild(env: Record<string, string>): { process: ChildProcess; output(): string } {
  const child = spawn(
    process.execPath,
    ['--conditions=crewkit-source', '--import', 'tsx', 'test/support/ascora-server-child.ts'],
    {
      env: { ...process.env, ASCORA_CHILD_RECOVERY: JSON.stringify(recovery), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { process: child, output: () => output };
}

// Generous: the child compiles and starts a whole server first; 30 s once ran out on a loaded
// machine (the suite run side by side with the element tests).
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function killed(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

/** A restarted server: queue and workers, on the database the killed one left. */
async function restart(database: Database): Promise<RunningServer> {
  const server = await startServer(
    testConfig({ allowPrivateUrls: true }),
    createLogger({ level: process.env.ASCORA_TEST_LOG ?? 'silent' }),
    { database, queue: true, ...recovery },
  );
  cleanups.push(() => server.close());
  await server.services.queue!.startWorkers(1);
  return server;
}

async function expectTakenOver(
  server: RunningServer,
  orgId: string,
  killedRunId: string,
  ascora: HeldAscora,
) {
  const db = server.database.db;
  // The dead process's queue job loses its heartbeat, is retried here, and takes the run over once
  // the run's own heartbeat is stale.
  const run = await until(
    'the abandoned run to finish',
    async () => {
      const latest = await latestRun(db, orgId);
      return latest?.status === 'completed' ? latest : undefined;
    },
    240_000,
  );
  expect(run.id).toBe(killedRunId);
  expect(run.counts).toEqual({ created: 2 * records, updated: 0, skipped: 0, conflicts: 0, failed: 0 });
  const tally = async (table: typeof customers | typeof jobs) =>
    (await db.select({ n: count() }).from(table).where(eq(table.orgId, orgId)))[0]!.n;
  expect({ customers: await tally(customers), jobs: await tally(jobs) }).toEqual({
    customers: records,
    jobs: records,
  });
  expect(ascora.fake.store.customers.size).toBe(records);
  expect(ascora.fake.store.jobs.size).toBe(records);
}

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'postgres')(
  'A server killed while its queue runs an Ascora sync, on PostgreSQL',
  () => {
    it('is taken over by the restarted server, from its checkpoint', async () => {
      const database = await openTestDatabase();
      const ascora = await serveAscora();
      // The restarted server closes the database when it stops; before that, the test does.
      let restarted = false;
      cleanups.push(
        async () => {
          if (!restarted) await database.close();
        },
        () => ascora.close(),
      );
      const secret = testConfig().secret;
      const { organization } = await createOrganization(database.db, { name: 'Restart Co' });
      await connectAscora(
        {
          db: database.db,
          secret,
          logger: createLogger({ level: 'silent' }),
          now: Date.now,
          urls: { allowPrivate: true },
        },
        organization.id,
        { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
      );
      ascora.holdJobsFrom(4);
      const child = startChild({ ASCORA_CHILD_DATABASE_URL: database.url!, ASCORA_CHILD_SECRET: secret });
      const left = await until('the child sync to reach jobs page 3', async () => {
        const run = await latestRun(database.db, organization.id);
        return run?.checkpoint?.stage === 'jobs:pull' && run.checkpoint.page >= 3 ? run : undefined;
      }).catch((error) => {
        throw new Error(`${error.message}\n${child.output()}`);
      });
      await killed(child.process);
      ascora.release();
      expect((await latestRun(database.db, organization.id))!.status).toBe('running');

      restarted = true;
      const server = await restart(database);
      await expectTakenOver(server, organization.id, left.id, ascora);
    }, 420_000);
  },
);

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'pglite')(
  'A server killed while its queue runs an Ascora sync, on PGlite in a data folder',
  () => {
    it('is taken over by the server restarted on the folder, from its checkpoint', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'crewkit-restart-'));
      cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
      const snapshot = inject('pgliteSnapshot');
      const prepared = await openDatabase({
        dataDir: folder,
        ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
      });
      await prepared.migrate();
      const ascora = await serveAscora();
      cleanups.push(() => ascora.close());
      const secret = testConfig().secret;
      const { organization } = await createOrganization(prepared.db, { name: 'Restart Co' });
      await connectAscora(
        {
          db: prepared.db,
          secret,
          logger: createLogger({ level: 'silent' }),
          now: Date.now,
          urls: { allowPrivate: true },
        },
        organization.id,
        { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
      );
      await prepared.close();

      ascora.holdJobsFrom(6);
      const child = startChild({ ASCORA_CHILD_DATA_DIR: folder, ASCORA_CHILD_SECRET: secret });
      // The folder is the child's while it lives: the fake's log tells how far it got.
      await until('the child sync to ask for jobs page 6', async () =>
        ascora.jobPagesRequested.includes(6) ? true : undefined,
      ).catch((error) => {
        throw new Error(`${error.message}\n${child.output()}`);
      });
      await killed(child.process);
      ascora.release();

      const database = await openDatabase({ dataDir: folder });
      const left = (await latestRun(database.db, organization.id))!;
      expect(left).toMatchObject({ status: 'running', checkpoint: { stage: 'jobs:pull' } });
      const server = await restart(database);
      await expectTakenOver(server, organization.id, left.id, ascora);
    }, 420_000);
  },
);
