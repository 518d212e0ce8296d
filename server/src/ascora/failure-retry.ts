import {
  AscoraAuthenticationError,
  type AscoraClient,
  AscoraError,
  AscoraInvalidRecordError,
  AscoraNotFoundError,
} from '@crewkit/ascora';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { type AscoraDirection, ascoraMappings, ascoraSyncFailures, jobs } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { type AscoraDeps, clientFor, requireConnection, toApiError } from './connection.js';
import { pushCustomers, pushJobs } from './push.js';
import { type ApplyContext, type ApplyOutcome, applyCustomers, applyJobs, customerLinks } from './records.js';

export type FailureRow = typeof ascoraSyncFailures.$inferSelect;

export interface RetryResult {
  outcome: 'synced' | 'failed' | 'queued';
  /** Why it failed again, or why a full sync was queued instead; null when synced. */
  reason: string | null;
  failure: FailureRow;
}

/** What one retry did before the failure row is updated; `queue` asks for a full sync. */
type Attempt = { kind: 'synced' } | { kind: 'failed'; reason: string } | { kind: 'queue'; reason: string };

const synced: Attempt = { kind: 'synced' };

export interface RetryOptions {
  /** Queues a full sync (in the request's transaction); false when one is already waiting. */
  queueSync: () => Promise<boolean>;
}

/**
 * Retries one record of a sync run on its own, with the rules a sync applies: the organization's
 * directions and conflict strategy. A record Ascora (or Crewkit) refuses again stays a failure with
 * the new reason; Ascora being unreachable is the caller's problem (`ascora_unavailable`), and the
 * failure is left as it was.
 */
export async function retryFailure(
  deps: AscoraDeps,
  orgId: string,
  runId: string,
  failureId: string,
  options: RetryOptions,
): Promise<RetryResult> {
  const { db } = deps;
  const [failure] = await db
    .select()
    .from(ascoraSyncFailures)
    .where(
      and(
        eq(ascoraSyncFailures.orgId, orgId),
        eq(ascoraSyncFailures.runId, runId),
        eq(ascoraSyncFailures.id, failureId),
      ),
    );
  if (!failure) throw new ApiError('not_found');
  if (failure.resolvedAt) {
    throw new ApiError('conflict', { detail: 'This failure is already resolved; the record synced.' });
  }
  const connection = await requireConnection(db, orgId);
  const client = clientFor(deps, connection);
  const context: ApplyContext = {
    orgId,
    strategy: connection.conflictStrategy,
    remoteSeenAt: new Date(deps.now()),
  };

  let attempt: Attempt;
  try {
    if (failure.entity === 'customer') {
      attempt = await retryCustomer(db, client, context, failure, connection.directions.customers);
    } else if (failure.entity === 'job') {
      attempt = await retryJob(db, client, context, failure, connection.directions.jobs);
    } else {
      attempt = {
        kind: 'queue',
        reason: `${failure.entity === 'invoice' ? 'Invoices' : 'Payments'} go through Ascora’s accounting queues, which only a full sync works through.`,
      };
    }
  } catch (error) {
    attempt = refusal(error);
  }

  const now = new Date(deps.now());
  if (attempt.kind === 'queue') {
    await options.queueSync();
    return {
      outcome: 'queued',
      reason: attempt.reason,
      failure: await mark(db, failure, { retriedAt: now }),
    };
  }
  if (attempt.kind === 'failed') {
    const reason = attempt.reason.slice(0, 1000);
    return { outcome: 'failed', reason, failure: await mark(db, failure, { retriedAt: now, reason }) };
  }
  return {
    outcome: 'synced',
    reason: null,
    failure: await mark(db, failure, { retriedAt: now, resolvedAt: now }),
  };
}

/**
 * A record-level refusal becomes a failed attempt. Everything else is thrown: an unreachable Ascora
 * (the record may be fine) and a refused key (no record can sync) are not this record's failure.
 */
function refusal(error: unknown): Attempt {
  if (error instanceof AscoraAuthenticationError) {
    throw new ApiError('ascora_rejected', {
      detail: 'Ascora no longer accepts this organization’s API key; connect again with a valid key.',
    });
  }
  if (error instanceof AscoraInvalidRecordError) {
    return { kind: 'failed', reason: `invalid record: ${error.issues}` };
  }
  if (error instanceof AscoraNotFoundError) {
    return { kind: 'failed', reason: `Ascora no longer has this record (${error.message})` };
  }
  if (error instanceof AscoraError && !error.retryable) {
    return { kind: 'failed', reason: `Ascora refused the request: ${error.message}` };
  }
  if (error instanceof AscoraError) throw toApiError(error);
  throw error;
}

/** Only while unresolved, so two retries racing cannot undo each other's resolution. */
async function mark(
  db: Db,
  failure: FailureRow,
  set: { retriedAt: Date; resolvedAt?: Date; reason?: string },
): Promise<FailureRow> {
  const [updated] = await db
    .update(ascoraSyncFailures)
    .set(set)
    .where(and(eq(ascoraSyncFailures.id, failure.id), isNull(ascoraSyncFailures.resolvedAt)))
    .returning();
  if (updated) return updated;
  const [current] = await db.select().from(ascoraSyncFailures).where(eq(ascoraSyncFailures.id, failure.id));
  return current ?? failure;
}

function firstFailure(outcome: ApplyOutcome): Attempt | undefined {
  const [first] = outcome.failures;
  return first ? { kind: 'failed', reason: first.reason } : undefined;
}

/** Pushing one record found nothing to push: the Crewkit record is gone. */
function pushed(outcome: ApplyOutcome, entity: string): Attempt {
  const { created, updated, skipped } = outcome.counts;
  if (created + updated + skipped === 0 && outcome.failures.length === 0) {
    return { kind: 'failed', reason: `the Crewkit ${entity} no longer exists` };
  }
  return firstFailure(outcome) ?? synced;
}

const pulls = (direction: AscoraDirection) => direction !== 'push';
const pushes = (direction: AscoraDirection) => direction !== 'pull';

/**
 * An Ascora customer is fetched again and applied like a page of one, then its Crewkit side is
 * pushed when customers go both ways (as a webhook is handled). A Crewkit customer that Ascora never
 * got is pushed alone.
 */
async function retryCustomer(
  db: Db,
  client: AscoraClient,
  context: ApplyContext,
  failure: FailureRow,
  direction: AscoraDirection,
): Promise<Attempt> {
  const { orgId } = context;
  if (failure.ascoraId && pulls(direction)) {
    const remote = await client.getCustomer(failure.ascoraId);
    const applied = await db.transaction((tx) => applyCustomers(tx, context, [remote]));
    const refused = firstFailure(applied);
    if (refused || !pushes(direction)) return refused ?? synced;
    const links = await customerLinks(db, orgId, 'ascora', [remote.customerId]);
    return firstFailure(await pushCustomers(db, client, orgId, [...links.values()])) ?? synced;
  }
  if (failure.localId && pushes(direction)) {
    return pushed(await pushCustomers(db, client, orgId, [failure.localId]), 'customer');
  }
  return {
    kind: 'failed',
    reason: `customers no longer sync ${direction === 'push' ? 'from' : 'to'} Ascora`,
  };
}

/**
 * Ascora looks jobs up by number only, so an Ascora job is fetched again when its number is known
 * (from its mapping, or the Crewkit job it failed to update); otherwise only a full sync finds it.
 */
async function retryJob(
  db: Db,
  client: AscoraClient,
  context: ApplyContext,
  failure: FailureRow,
  direction: AscoraDirection,
): Promise<Attempt> {
  const { orgId } = context;
  if (failure.ascoraId && pulls(direction)) {
    const number = await jobNumber(db, orgId, failure);
    if (!number) {
      return {
        kind: 'queue',
        reason: 'Ascora finds a job by its number, and this job’s number is not known yet.',
      };
    }
    const remote = await client.getJob(number);
    const customerIds = [remote.siteCustomer?.id, remote.billingCustomer?.id].filter(
      (id): id is string => !!id,
    );
    const known = await customerLinks(db, orgId, 'ascora', customerIds);
    const missing = await Promise.all(
      [...new Set(customerIds.filter((id) => !known.has(id)))].map((id) => client.getCustomer(id)),
    );
    const applied = await db.transaction(async (tx) => {
      const customersApplied = missing.length > 0 ? await applyCustomers(tx, context, missing) : undefined;
      const jobsApplied = await applyJobs(tx, context, [remote]);
      return { customersApplied, jobsApplied };
    });
    const refused =
      (applied.customersApplied && firstFailure(applied.customersApplied)) ??
      firstFailure(applied.jobsApplied);
    if (refused || !pushes(direction)) return refused ?? synced;
    const [mapping] = await db
      .select({ localId: ascoraMappings.localId })
      .from(ascoraMappings)
      .where(
        and(
          eq(ascoraMappings.orgId, orgId),
          eq(ascoraMappings.entity, 'job'),
          eq(ascoraMappings.ascoraId, remote.jobId),
        ),
      );
    if (!mapping) return synced;
    return firstFailure(await pushJobs(db, client, orgId, [mapping.localId])) ?? synced;
  }
  if (failure.localId && pushes(direction)) {
    return pushed(await pushJobs(db, client, orgId, [failure.localId]), 'job');
  }
  return { kind: 'failed', reason: `jobs no longer sync ${direction === 'push' ? 'from' : 'to'} Ascora` };
}

async function jobNumber(db: Db, orgId: string, failure: FailureRow): Promise<string | null> {
  const [mapping] = await db
    .select({ number: ascoraMappings.ascoraNumber })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, 'job'),
        eq(ascoraMappings.ascoraId, failure.ascoraId!),
      ),
    );
  if (mapping?.number) return mapping.number;
  if (!failure.localId) return null;
  const [local] = await db
    .select({ number: jobs.number })
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, failure.localId)));
  return local?.number ?? null;
}
