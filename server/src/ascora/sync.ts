import type { AscoraClient, Page } from '@crewkit/ascora';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import {
  type AscoraCheckpoint,
  type AscoraRunCounts,
  ascoraConnections,
  ascoraSyncFailures,
  ascoraSyncRuns,
} from '../db/schema.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { pullInvoices, pullPayments, pushPayments } from './accounting.js';
import { type AscoraDeps, type ConnectionRow, clientFor, requireConnection } from './connection.js';
import { pushCustomers, pushJobs } from './push.js';
import {
  type ApplyContext,
  type ApplyOutcome,
  addCounts,
  applyCustomers,
  applyJobs,
  type Failure,
} from './records.js';

/** Another process is running this organization's sync; the job is retried later. */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';
}

/** Thrown when `deps.signal` stops a run between pages, leaving it as a killed process would. */
export class SyncAbortedError extends Error {
  override name = 'SyncAbortedError';
}

const analyzeAfterCreated = 200;

/**
 * A running sync whose heartbeat is older than this belongs to a process that died, and the next
 * run takes it over; a live run beats three times as often.
 */
export const defaultStaleRunMs = 30_000;

export type SyncTrigger = 'manual' | 'schedule' | 'webhook' | 'connect';
export type RunRow = typeof ascoraSyncRuns.$inferSelect;

const stageOrder = [
  'customers:pull',
  'customers:push',
  'jobs:pull',
  'jobs:push',
  'invoices:pull',
  'payments:pull',
  'payments:push',
] as const;
type Stage = (typeof stageOrder)[number];

/** Where a stage comes in a run, for showing them in order. */
export function stageIndex(stage: string): number {
  return stageOrder.indexOf(stage as Stage);
}

function stagesFor(connection: ConnectionRow): Stage[] {
  const d = connection.directions;
  return stageOrder.filter((stage) => {
    const [entity, way] = stage.split(':') as [keyof typeof d, 'pull' | 'push'];
    const direction = d[entity];
    return direction === 'both' || direction === way;
  });
}

/**
 * Claims this organization's run: resumes the last one if it did not finish (failed, or its
 * process died — no heartbeat for `staleRunMs`), otherwise starts a new one. The partial unique
 * index on running runs makes two processes starting at once end with one run and one SyncBusyError.
 */
async function claimRun(
  db: Db,
  orgId: string,
  trigger: SyncTrigger,
  staleRunMs: number,
  now: () => number,
): Promise<RunRow> {
  const [last] = await db
    .select()
    .from(ascoraSyncRuns)
    .where(eq(ascoraSyncRuns.orgId, orgId))
    .orderBy(desc(ascoraSyncRuns.id))
    .limit(1);
  if (last && last.status !== 'completed') {
    const stale = now() - last.heartbeatAt.getTime() >= staleRunMs;
    if (last.status === 'running' && !stale) throw new SyncBusyError('A sync is already running');
    const [resumed] = await db
      .update(ascoraSyncRuns)
      .set({ status: 'running', heartbeatAt: new Date(now()), error: null })
      .where(and(eq(ascoraSyncRuns.id, last.id), eq(ascoraSyncRuns.heartbeatAt, last.heartbeatAt)))
      .returning();
    if (!resumed) throw new SyncBusyError('Another process resumed this sync');
    return resumed;
  }
  try {
    const [run] = await db
      .insert(ascoraSyncRuns)
      .values({
        id: newId(),
        orgId,
        trigger,
        status: 'running',
        startedAt: new Date(now()),
        heartbeatAt: new Date(now()),
        counts: { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 0 },
      })
      .returning();
    return run!;
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.uniqueViolation) throw new SyncBusyError('A sync is already running');
    throw error;
  }
}

/** Saves a step's outcome, the counts and where to continue, in the caller's transaction. */
async function record(
  db: Db,
  run: RunRow,
  outcome: ApplyOutcome,
  checkpoint: AscoraCheckpoint,
  totalPages: number | null,
  now: () => number,
  progress?: { stage: string; done: number; expected: number | null },
): Promise<void> {
  addCounts(run.counts, outcome.counts);
  if (progress) {
    const before = run.progress[progress.stage]?.done ?? 0;
    run.progress = {
      ...run.progress,
      [progress.stage]: { done: before + progress.done, expected: progress.expected },
    };
  }
  if (outcome.failures.length > 0) {
    await db
      .insert(ascoraSyncFailures)
      .values(outcome.failures.map((f: Failure) => ({ id: newId(), orgId: run.orgId, runId: run.id, ...f })));
  }
  await db
    .update(ascoraSyncRuns)
    .set({ counts: run.counts, checkpoint, totalPages, progress: run.progress, heartbeatAt: new Date(now()) })
    .where(eq(ascoraSyncRuns.id, run.id));
  run.checkpoint = checkpoint;
}

/**
 * Fetches pages `from`…last while earlier pages are applied: up to `ahead` requests are in flight,
 * so the rate-limited fetching, not the database, sets the pace.
 */
async function eachPage<T>(
  fetchPage: (page: number) => Promise<Page<T>>,
  from: number,
  ahead: number,
  apply: (page: Page<T>, number: number) => Promise<void>,
): Promise<void> {
  const inFlight = new Map<number, Promise<Page<T>>>();
  const request = (n: number) => {
    const promise = fetchPage(n);
    promise.catch(() => {}); // awaited below; this only stops an early failure from going unhandled
    inFlight.set(n, promise);
  };
  request(from);
  let totalPages = Number.POSITIVE_INFINITY;
  for (let n = from; n <= totalPages; n++) {
    const page = await inFlight.get(n)!;
    inFlight.delete(n);
    totalPages = page.totalPages;
    for (let k = n + 1; k <= Math.min(totalPages, n + ahead); k++) if (!inFlight.has(k)) request(k);
    await apply(page, n);
  }
  // A run that fails above leaves requests in flight; they settle on their own and are ignored.
}

export interface SyncResult {
  runId: string;
  counts: AscoraRunCounts;
}

/** One full reconciliation of an organization with Ascora, resumable at every page. */
export async function runSync(
  deps: AscoraDeps,
  orgId: string,
  trigger: SyncTrigger = 'manual',
): Promise<SyncResult> {
  const { db } = deps;
  const connection = await requireConnection(db, orgId);
  const staleRunMs = deps.staleRunMs ?? defaultStaleRunMs;
  const run = await claimRun(db, orgId, trigger, staleRunMs, deps.now);
  // Pages can take long (a slow Ascora, retries): the run says it is alive between them too, so
  // only a process that is gone leaves a heartbeat old enough to be taken over.
  const beat = setInterval(() => {
    void db
      .update(ascoraSyncRuns)
      .set({ heartbeatAt: new Date(deps.now()) })
      .where(and(eq(ascoraSyncRuns.id, run.id), eq(ascoraSyncRuns.status, 'running')))
      .catch((error: unknown) => deps.logger.warn({ err: error, orgId }, 'ascora sync heartbeat failed'));
  }, staleRunMs / 3);
  try {
    return await runClaimed(deps, connection, run);
  } finally {
    clearInterval(beat);
  }
}

async function runClaimed(
  deps: AscoraDeps,
  connection: ConnectionRow & { apiKeySealed: string },
  run: RunRow,
): Promise<SyncResult> {
  const { db } = deps;
  const { orgId } = run;
  const client = clientFor(deps, connection);
  // A change found now, with no webhook, may have been made any time since the previous sync saw
  // the old content: it is dated then, the earliest it can have been (see AscoraConflictStrategy).
  const [previous] = await db
    .select({ startedAt: ascoraSyncRuns.startedAt })
    .from(ascoraSyncRuns)
    .where(
      and(
        eq(ascoraSyncRuns.orgId, orgId),
        eq(ascoraSyncRuns.status, 'completed'),
        ne(ascoraSyncRuns.id, run.id),
      ),
    )
    .orderBy(desc(ascoraSyncRuns.id))
    .limit(1);
  const context: ApplyContext = {
    orgId,
    strategy: connection.conflictStrategy,
    remoteSeenAt: previous?.startedAt ?? new Date(deps.now()),
  };
  const pageSize = deps.pageSize ?? 250;
  const stages = stagesFor(connection);
  if (Object.keys(run.progress).length === 0) {
    // Every stage from the start, so progress shows what is still to come.
    run.progress = Object.fromEntries(stages.map((stage) => [stage, { done: 0, expected: null }]));
    await db.update(ascoraSyncRuns).set({ progress: run.progress }).where(eq(ascoraSyncRuns.id, run.id));
  }
  const resumeAt = run.checkpoint ? stageOrder.indexOf(run.checkpoint.stage as Stage) : 0;
  try {
    for (const stage of stages) {
      const index = stageOrder.indexOf(stage);
      if (index < resumeAt) continue;
      const startPage = index === resumeAt && run.checkpoint ? run.checkpoint.page : 1;
      const stageStarted = performance.now();
      const createdBefore = run.counts.created;
      await runStage(deps, client, run, stage, startPage, pageSize, context);
      // A bulk pull leaves the planner's statistics stale (PGlite has no autovacuum at all), and
      // the next stage's joins then get planned for a handful of rows: 4 s instead of 20 ms for
      // the push step after 10,000 new customers. Fresh statistics cost a few milliseconds.
      if (run.counts.created - createdBefore >= analyzeAfterCreated) {
        await db.execute(sql`analyze customers, jobs, ascora_mappings`);
      }
      deps.logger.info(
        { orgId, runId: run.id, stage, ms: Math.round(performance.now() - stageStarted) },
        'ascora sync stage done',
      );
      await db.transaction((tx) =>
        record(
          tx,
          run,
          { counts: emptyOutcome().counts, failures: [] },
          { stage: nextStage(stage), page: 1 },
          null,
          deps.now,
        ),
      );
    }
    const finishedAt = new Date(deps.now());
    await db
      .update(ascoraSyncRuns)
      .set({ status: 'completed', finishedAt, checkpoint: null, heartbeatAt: finishedAt })
      .where(eq(ascoraSyncRuns.id, run.id));
    await db
      .update(ascoraConnections)
      .set({ lastSyncAt: finishedAt })
      .where(eq(ascoraConnections.orgId, orgId));
    return { runId: run.id, counts: run.counts };
  } catch (error) {
    // Stopped from outside: leave the run as a killed process would, for the next run to take over.
    if (deps.signal?.aborted) throw new SyncAbortedError('Sync stopped', { cause: error });
    {
      // The checkpoint stays: the retry continues from the last applied page.
      const message = error instanceof Error ? error.message : String(error);
      await db
        .update(ascoraSyncRuns)
        .set({ status: 'failed', error: message.slice(0, 500), finishedAt: new Date(deps.now()) })
        .where(eq(ascoraSyncRuns.id, run.id));
    }
    throw error;
  }
}

function nextStage(stage: Stage): string {
  return stageOrder[stageOrder.indexOf(stage) + 1] ?? 'done';
}

function emptyOutcome(): ApplyOutcome {
  return { counts: { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 0 }, failures: [] };
}

function checkAborted(deps: AscoraDeps): void {
  if (deps.signal?.aborted) throw new SyncAbortedError('Sync stopped');
}

async function runStage(
  deps: AscoraDeps,
  client: AscoraClient,
  run: RunRow,
  stage: Stage,
  startPage: number,
  pageSize: number,
  context: ApplyContext,
): Promise<void> {
  const { db } = deps;
  const orgId = run.orgId;
  const ahead = 3;
  const invalidFailures = (entity: 'customer' | 'job', page: Page<unknown>): Failure[] =>
    page.invalid.map((bad) => ({
      entity,
      ascoraId: bad.id,
      localId: null,
      reason: `invalid record: ${bad.issues}`,
    }));
  switch (stage) {
    case 'customers:pull':
      return eachPage(
        (page) => client.listCustomers({ page, pageSize }),
        startPage,
        ahead,
        async (page, n) => {
          checkAborted(deps);
          await db.transaction(async (tx) => {
            const outcome = await applyCustomers(tx, context, page.results);
            outcome.failures.push(...invalidFailures('customer', page));
            outcome.counts.failed += page.invalid.length;
            await record(tx, run, outcome, { stage, page: n + 1 }, page.totalPages, deps.now, {
              stage,
              done: page.results.length + page.invalid.length,
              expected: page.totalRecords,
            });
          });
        },
      );
    case 'jobs:pull':
      return eachPage(
        (page) => client.listJobs({ page, pageSize, jobStatus: 'ALL', includeChildJobs: true }),
        startPage,
        ahead,
        async (page, n) => {
          checkAborted(deps);
          await db.transaction(async (tx) => {
            const outcome = await applyJobs(tx, context, page.results);
            outcome.failures.push(...invalidFailures('job', page));
            outcome.counts.failed += page.invalid.length;
            await record(tx, run, outcome, { stage, page: n + 1 }, page.totalPages, deps.now, {
              stage,
              done: page.results.length + page.invalid.length,
              expected: page.totalRecords,
            });
          });
        },
      );
    case 'customers:push':
    case 'jobs:push':
    case 'invoices:pull':
    case 'payments:pull':
    case 'payments:push': {
      checkAborted(deps);
      const step = {
        'customers:push': () => pushCustomers(db, client, orgId, undefined, deps.now),
        'jobs:push': () => pushJobs(db, client, orgId, undefined, deps.now),
        'invoices:pull': () => pullInvoices(db, client, orgId, deps.now),
        'payments:pull': () => pullPayments(db, client, orgId, deps.now),
        'payments:push': () => pushPayments(db, client, orgId, deps.now),
      }[stage];
      const outcome = await step();
      // These steps learn how many records they have only as they finish.
      const { created, updated, skipped, conflicts, failed } = outcome.counts;
      const done = created + updated + skipped + conflicts + failed;
      await db.transaction((tx) =>
        record(tx, run, outcome, { stage, page: 1 }, null, deps.now, { stage, done, expected: done }),
      );
      return;
    }
  }
}

/** The run in progress, or the last one. */
export async function latestRun(db: Db, orgId: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(ascoraSyncRuns)
    .where(eq(ascoraSyncRuns.orgId, orgId))
    .orderBy(desc(ascoraSyncRuns.id))
    .limit(1);
  return row;
}
