/**
 * "A process killed mid-sync resumes" (issue #5 §8) with a real process and a real kill: a child
 * process runs the Ascora sync and is SIGKILLed halfway, with no chance to clean up; the next run
 * must take over the same run from its checkpoint and end with every Ascora record exactly once in
 * Crewkit and nothing pushed back to Ascora. On PostgreSQL, and on PGlite in a data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { serve } from '@hono/node-server';
import { and, count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type AscoraDeps, connectAscora } from '../server/src/ascora/connection.js';
import { latestRun, runSync, SyncBusyError } from '../server/src/ascora/sync.js';
import { type Database, type Db, openDatabase, queryRows } from '../server/src/db/index.js';
import { ascoraMappings, customers, jobs } from '../server/src/db/schema.js';
import { createLogger } from '../server/src/logger.js';
import { createOrganization } from '../server/src/services/organizations.js';
import { createTestContext, testConfig } from '../server/test-support/harness.js';
import { type AscoraTest, localHashes, remoteHashes } from './ascora-support.js';

const records = 1_500;
const pageSize = 100;
const pages = records / pageSize;
// Four list requests are in flight at a time, so a stage of 15 pages takes at least ~0.6 s: the
// kill lands inside the stage, not at its edge, and the test still takes seconds.
const latencyMs = 150;

interface ServedRequest {
  method: string;
  path: string;
  page: number | null;
}

/** The fake Ascora on a real port, behind a wrapper that logs every request and can hold some back. */
interface LoggedAscora {
  fake: FakeAscora;
  url: string;
  /** Every request served, in order of arrival: the proof of where a resumed run started. */
  served: ServedRequest[];
  /** Holds list requests for jobs pages from this number on until `release()`, so the child cannot finish first. */
  holdJobsFrom(page: number): void;
  release(): void;
  close(): Promise<void>;
}

interface Child {
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** One organization connected to the fake, and the database both processes use. */
interface Scenario {
  /** The parent's connection (on PGlite: only once the child is dead; one process owns the folder). */
  db: Db;
  orgId: string;
  deps: AscoraDeps;
  ascora: LoggedAscora;
  /** Where the child finds the database. */
  childEnv: Record<string, string>;
  child?: Child;
  close(): Promise<void>;
}

let current: Scenario | undefined;
afterEach(async () => {
  const scenario = current;
  current = undefined;
  if (!scenario) return;
  const child = scenario.child;
  if (child && child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  scenario.ascora.release();
  await scenario.ascora.close();
  await scenario.close();
});

async function serveAscora(): Promise<LoggedAscora> {
  const fake = createFakeAscora();
  fake.seed({ customers: records, jobs: records });
  fake.faults.latencyMs = latencyMs;
  const served: ServedRequest[] = [];
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
      const pageParam = [...url.searchParams].find(([name]) => name.toLowerCase() === 'page')?.[1];
      const entry = {
        method: request.method,
        path: url.pathname.toLowerCase(),
        page: pageParam === undefined ? null : Number(pageParam),
      };
      served.push(entry);
      if (entry.path === '/jobs/jobs' && entry.page !== null && entry.page >= holdFrom) await held;
      return fake.app.fetch(request);
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    fake,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    holdJobsFrom(page) {
      holdFrom = page;
    },
    release() {
      release();
      holdFrom = Number.POSITIVE_INFINITY;
      held = Promise.resolve();
    },
    async close() {
      // Requests of the killed child may still be held or sleeping; closing drops their sockets.
      (server as Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function ascoraDeps(db: Db, secret: string): AscoraDeps {
  return {
    db,
    secret,
    logger: createLogger({ level: process.env.ASCORA_TEST_LOG ?? 'silent' }),
    // The killed child's heartbeat is judged by it: the wall clock is the one both processes share.
    now: Date.now,
    clientOptions: { retry: { limit: 6, initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 } },
    pageSize,
    staleRunMs: 60_000,
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    urls: { allowPrivate: true },
  };
}

async function connect(deps: AscoraDeps, orgId: string, ascora: LoggedAscora): Promise<void> {
  await connectAscora(deps, orgId, {
    apiKey: DEMO_API_KEY,
    baseUrl: ascora.url,
    conflictStrategy: 'newest_wins',
  });
  ascora.served.length = 0; // the connection's probe is not part of any sync
}

/** A test database on the PostgreSQL test cluster; parent and child use it at the same time. */
async function postgresScenario(): Promise<Scenario> {
  const t = await createTestContext();
  const org = await t.createOrg();
  const ascora = await serveAscora();
  const deps = ascoraDeps(t.database.db, t.config.secret);
  current = {
    db: t.database.db,
    orgId: org.orgId,
    deps,
    ascora,
    childEnv: { ASCORA_CHILD_DATABASE_URL: t.database.url! },
    close: () => t.close(),
  };
  await connect(deps, org.orgId, ascora);
  return current;
}

/**
 * A PGlite data folder, started from the migrated snapshot. PGlite is one process's database, so the
 * parent prepares it and closes it, the child owns it until it is killed, and the parent then opens
 * whatever the kill left on disk.
 */
async function pgliteScenario(): Promise<Scenario & { reopen(): Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'crewkit-kill-'));
  const snapshot = inject('pgliteSnapshot');
  let database: Database | undefined = await openDatabase({
    dataDir: folder,
    ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
  });
  await database.migrate();
  const { organization } = await createOrganization(database.db, {
    name: 'Kill Test Org',
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
    locale: 'en-AU',
  });
  const ascora = await serveAscora();
  const deps = ascoraDeps(database.db, testConfig().secret);
  const scenario = {
    db: database.db,
    orgId: organization.id,
    deps,
    ascora,
    childEnv: { ASCORA_CHILD_DATA_DIR: folder },
    async reopen() {
      database = await openDatabase({ dataDir: folder });
      scenario.db = database.db;
      deps.db = database.db;
    },
    async close() {
      await database?.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  current = scenario;
  await connect(deps, organization.id, ascora);
  await database.close();
  database = undefined;
  return scenario;
}

function startChild(scenario: Scenario): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=crewkit-source', '--import', 'tsx', 'test/support/ascora-sync-child.ts'],
    {
      env: {
        ...process.env,
        ...scenario.childEnv,
        ASCORA_CHILD_ORG_ID: scenario.orgId,
        ASCORA_CHILD_SECRET: scenario.deps.secret,
        ASCORA_CHILD_PAGE_SIZE: String(pageSize),
      },
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  scenario.child = { process: child, exited, output: () => output };
  return scenario.child;
}

/**
 * Polls until `probe` returns a value. With `child`, fails at once (with its output) if the child
 * exits first: it was meant to be killed, not to finish or crash.
 */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  child?: Child,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`the sync child exited before ${what}:\n${child.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${child?.output() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

async function killed(child: Child) {
  child.process.kill('SIGKILL');
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
}

/** A probe for `until`: the run, once its checkpoint is in the jobs stage between these pages. */
const atJobsPage =
  (scenario: Scenario, from: number, to = pages) =>
  async () => {
    const run = await latestRun(scenario.db, scenario.orgId);
    const page = run?.checkpoint?.stage === 'jobs:pull' ? run.checkpoint.page : 0;
    return page >= from && page <= to ? run : undefined;
  };

/** The org's rows in a table, and how many of them no mapping links to an Ascora record. */
async function localCounts(scenario: Scenario) {
  const tally = async (table: typeof customers | typeof jobs, entity: 'customer' | 'job') => {
    const [row] = await scenario.db
      .select({ rows: count(), unmapped: count(sql`case when ${ascoraMappings.localId} is null then 1 end`) })
      .from(table)
      .leftJoin(
        ascoraMappings,
        and(
          eq(ascoraMappings.orgId, table.orgId),
          eq(ascoraMappings.entity, entity),
          eq(ascoraMappings.localId, table.id),
        ),
      )
      .where(eq(table.orgId, scenario.orgId));
    return row!;
  };
  return { customers: await tally(customers, 'customer'), jobs: await tally(jobs, 'job') };
}

/**
 * What a resumed run must show: afterwards Crewkit holds every Ascora record exactly once, equal to
 * Ascora's, with nothing sent to Ascora; it is the killed run taken over; and it fetched only what
 * the killed process had not applied.
 */
async function expectResumed(scenario: Scenario, killedRunId: string, checkpointPage: number) {
  const { ascora } = scenario;
  const servedBefore = ascora.served.length;
  scenario.deps.staleRunMs = 0; // the killed process left no heartbeat behind
  const result = await runSync(scenario.deps, scenario.orgId);

  expect(await localCounts(scenario)).toEqual({
    customers: { rows: records, unmapped: 0 },
    jobs: { rows: records, unmapped: 0 },
  });
  // localHashes reads nothing of an AscoraTest but its database and organization.
  const local = await localHashes({
    t: { database: { db: scenario.db } },
    org: { orgId: scenario.orgId },
  } as AscoraTest);
  const remote = remoteHashes(ascora.fake);
  expect(local.customers).toEqual(remote.customers);
  expect(local.jobs).toEqual(remote.jobs);
  // Crewkit had nothing of its own: a record sent to Ascora would be a duplicate made by the kill.
  expect(ascora.served.filter((r) => r.method !== 'GET')).toEqual([]);
  expect(ascora.fake.store.customers.size).toBe(records);
  expect(ascora.fake.store.jobs.size).toBe(records);

  expect(result.runId).toBe(killedRunId);
  const run = (await latestRun(scenario.db, scenario.orgId))!;
  expect(run).toMatchObject({ id: killedRunId, status: 'completed', checkpoint: null });
  // Both processes' pages together: every record created once, none met a second time.
  expect(run.counts).toEqual({ created: 2 * records, updated: 0, skipped: 0, conflicts: 0, failed: 0 });
  const resumedRequests = ascora.served.slice(servedBefore);
  expect(resumedRequests.filter((r) => r.path === '/customers/customers')).toEqual([]);
  const jobPages = resumedRequests.filter((r) => r.path === '/jobs/jobs').map((r) => r.page);
  expect(jobPages.sort((x, y) => x! - y!)).toEqual(
    Array.from({ length: pages - checkpointPage + 1 }, (_, i) => checkpointPage + i),
  );
}

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'postgres')(
  'An Ascora sync whose process is SIGKILLed, on PostgreSQL',
  () => {
    it('is resumed by the next run from its checkpoint, losing and duplicating nothing', async () => {
      const scenario = await postgresScenario();
      // The child cannot finish before it is killed, whatever the machine's load: page 9 waits.
      scenario.ascora.holdJobsFrom(9);
      const child = startChild(scenario);
      await until('the sync reached jobs page 4', atJobsPage(scenario, 4), child);
      await killed(child);
      scenario.ascora.release();

      const left = (await latestRun(scenario.db, scenario.orgId))!;
      expect(left.status).toBe('running');
      expect(left.checkpoint).toMatchObject({ stage: 'jobs:pull' });
      const checkpointPage = left.checkpoint!.page;
      expect(checkpointPage).toBeGreaterThanOrEqual(4);
      expect(checkpointPage).toBeLessThanOrEqual(9);
      // A page is applied in one transaction with its checkpoint: wherever the kill fell, the rows
      // match the checkpoint exactly.
      expect(await localCounts(scenario)).toEqual({
        customers: { rows: records, unmapped: 0 },
        jobs: { rows: (checkpointPage - 1) * pageSize, unmapped: 0 },
      });

      // Within the stale window the dead run still looks alive, and nobody else starts one.
      await expect(runSync(scenario.deps, scenario.orgId)).rejects.toBeInstanceOf(SyncBusyError);
      await expectResumed(scenario, left.id, checkpointPage);
    }, 120_000);

    it('rolls back the page it was killed in the middle of writing, and the next run applies it once', async () => {
      const scenario = await postgresScenario();
      scenario.ascora.holdJobsFrom(4);
      const child = startChild(scenario);
      const { id: runId } = await until(
        'the sync waiting for jobs page 4',
        atJobsPage(scenario, 4, 4),
        child,
      );

      // With the run row locked, the child stops inside page 4's transaction: the page's jobs are
      // written but not committed, and the checkpoint update that would commit them waits.
      const lock = new pg.Client({ connectionString: scenario.childEnv.ASCORA_CHILD_DATABASE_URL });
      await lock.connect();
      try {
        await lock.query('begin');
        await lock.query('select id from ascora_sync_runs where id = $1 for no key update', [runId]);
        scenario.ascora.release();
        const blocked = await until(
          'the child blocked inside the transaction of page 4',
          async () => {
            const [row] = await queryRows<{ pid: number; wrote: boolean }>(
              scenario.db,
              sql`select pid, backend_xid is not null as wrote from pg_stat_activity
                   where datname = current_database() and wait_event_type = 'Lock'
                     and query like 'update "ascora_sync_runs"%'`,
            );
            return row;
          },
          child,
        );
        expect(blocked.wrote).toBe(true);
        await killed(child);
        await lock.query('commit');

        // PostgreSQL rolls the dead client's transaction back once its backend finds the socket closed.
        await until('the killed transaction to end', async () => {
          const rows = await queryRows(
            scenario.db,
            sql`select 1 from pg_stat_activity where pid = ${blocked.pid}`,
          );
          return rows.length === 0 ? true : undefined;
        });

        const left = (await latestRun(scenario.db, scenario.orgId))!;
        expect(left).toMatchObject({
          id: runId,
          status: 'running',
          checkpoint: { stage: 'jobs:pull', page: 4 },
        });
        expect(await localCounts(scenario)).toEqual({
          customers: { rows: records, unmapped: 0 },
          jobs: { rows: 3 * pageSize, unmapped: 0 },
        });
        await expectResumed(scenario, runId, 4);
      } finally {
        await lock.end();
      }
    }, 120_000);
  },
);

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'pglite')(
  'An Ascora sync whose process is SIGKILLed, on PGlite in a data folder',
  () => {
    it('leaves a folder the next process opens and resumes from, losing and duplicating nothing', async () => {
      const scenario = await pgliteScenario();
      scenario.ascora.holdJobsFrom(9);
      const child = startChild(scenario);
      // The folder is the child's while it lives, so the fake's log tells how far it got: the
      // request for jobs page 6 goes out once page 3 has arrived.
      await until(
        'the sync asked for jobs page 6',
        async () =>
          scenario.ascora.served.some((r) => r.path === '/jobs/jobs' && r.page === 6) ? true : undefined,
        child,
      );
      await killed(child);
      scenario.ascora.release();

      await scenario.reopen();
      const left = (await latestRun(scenario.db, scenario.orgId))!;
      expect(left.status).toBe('running');
      expect(left.checkpoint).toMatchObject({ stage: 'jobs:pull' });
      const checkpointPage = left.checkpoint!.page;
      expect(checkpointPage).toBeGreaterThanOrEqual(3);
      expect(checkpointPage).toBeLessThanOrEqual(9);
      expect(await localCounts(scenario)).toEqual({
        customers: { rows: records, unmapped: 0 },
        jobs: { rows: (checkpointPage - 1) * pageSize, unmapped: 0 },
      });
      await expectResumed(scenario, left.id, checkpointPage);
    }, 120_000);
  },
);
