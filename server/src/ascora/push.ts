import { type AscoraClient, AscoraError } from '@crewkit/ascora';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { type AscoraEntity, ascoraMappings, customers, jobs } from '../db/schema.js';
import {
  ascoraCustomerInput,
  ascoraJobInput,
  contentHash,
  sharedFromLocalCustomer,
  sharedFromLocalJob,
} from './canonical.js';
import { withRecordClaim } from './claims.js';
import { type ApplyOutcome, customerLinks, emptyCounts, writeMappings } from './records.js';

/** Records sent to Ascora at once; the client's retries absorb any 429 this provokes. */
const pushConcurrency = 4;

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Local rows never synced, or changed since (updated after their mapping), minus open conflicts.
 * Ids first, rows second: the usual answer is none or a few, and the full rows are then read for
 * those alone. (The sync refreshes planner statistics after a bulk pull; with stale ones this
 * step was a nested loop over every pair of rows — 6 s for 5,000 customers.)
 */
async function unsyncedIds(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  table: typeof customers | typeof jobs,
): Promise<string[]> {
  const rows = await db
    .select({ id: table.id })
    .from(table)
    .where(
      and(
        eq(table.orgId, orgId),
        sql`not exists (select 1 from ascora_mappings m where m.org_id = ${table.orgId}
          and m.entity = ${entity} and m.local_id = ${table.id} and m.synced_at >= ${table.updatedAt})
        and not exists (select 1 from ascora_conflicts c where c.org_id = ${table.orgId}
          and c.entity = ${entity} and c.local_id = ${table.id} and c.status = 'open')`,
      ),
    );
  return rows.map((row) => row.id);
}

/** The given Crewkit rows, each with its Ascora id and last agreed hash (null when never linked). */
async function withLinks<T extends typeof customers | typeof jobs>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  table: T,
  ids: string[],
): Promise<Array<{ row: T['$inferSelect']; ascoraId: string | null; syncedHash: string | null }>> {
  // drizzle cannot select from a union of tables; the casts only name the table's own row type.
  const t = table as typeof customers;
  return (await db
    .select({ row: t, ascoraId: ascoraMappings.ascoraId, syncedHash: ascoraMappings.syncedHash })
    .from(t)
    .leftJoin(
      ascoraMappings,
      and(
        eq(ascoraMappings.orgId, t.orgId),
        eq(ascoraMappings.entity, entity),
        eq(ascoraMappings.localId, t.id),
      ),
    )
    .where(and(eq(t.orgId, orgId), sql`${t.id} = any(${sql.param(ids)}::uuid[])`))) as Array<{
    row: T['$inferSelect'];
    ascoraId: string | null;
    syncedHash: string | null;
  }>;
}

function isPermanent(error: unknown): error is AscoraError {
  return error instanceof AscoraError && !error.retryable;
}

/**
 * Sends one record unless Ascora already has this content (its hash is the last agreed one), and
 * links it. Ascora refusing it is counted as that record's failure; anything else stops the step.
 */
async function pushRecord<S extends Parameters<typeof contentHash>[0]>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  outcome: ApplyOutcome,
  linked: { localId: string; ascoraId: string | null; syncedHash: string | null },
  shared: S,
  save: (shared: S, ascoraId: string | undefined) => Promise<{ ascoraId: string; ascoraNumber?: string }>,
): Promise<{ ascoraNumber?: string } | undefined> {
  if (linked.ascoraId) return sendRecord(db, orgId, entity, outcome, linked, shared, save);
  // A create cannot be repeated safely: Ascora would make a second record. Under the record's
  // claim, the link read before may be stale (another push just created it), so read it again.
  return withRecordClaim(db, { orgId, entity, localId: linked.localId }, async () => {
    const current = await linkOf(db, orgId, entity, linked.localId);
    return sendRecord(db, orgId, entity, outcome, current ?? linked, shared, save);
  });
}

async function linkOf(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  localId: string,
): Promise<{ localId: string; ascoraId: string; syncedHash: string } | undefined> {
  const [link] = await db
    .select({ ascoraId: ascoraMappings.ascoraId, syncedHash: ascoraMappings.syncedHash })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        eq(ascoraMappings.localId, localId),
      ),
    );
  return link ? { localId, ...link } : undefined;
}

async function sendRecord<S extends Parameters<typeof contentHash>[0]>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  outcome: ApplyOutcome,
  linked: { localId: string; ascoraId: string | null; syncedHash: string | null },
  shared: S,
  save: (shared: S, ascoraId: string | undefined) => Promise<{ ascoraId: string; ascoraNumber?: string }>,
): Promise<{ ascoraNumber?: string } | undefined> {
  const { localId, ascoraId, syncedHash } = linked;
  const hash = contentHash(shared);
  if (ascoraId && hash === syncedHash) {
    outcome.counts.skipped += 1;
    await writeMappings(db, orgId, entity, [{ ascoraId, localId, syncedHash: hash }]);
    return undefined;
  }
  try {
    const saved = await save(shared, ascoraId ?? undefined);
    await writeMappings(db, orgId, entity, [{ ...saved, localId, syncedHash: hash }]);
    outcome.counts[ascoraId ? 'updated' : 'created'] += 1;
    return saved;
  } catch (error) {
    if (!isPermanent(error)) throw error;
    outcome.counts.failed += 1;
    outcome.failures.push({
      entity,
      ascoraId,
      localId,
      reason: `Ascora refused the ${entity}: ${error.message}`,
    });
    return undefined;
  }
}

/**
 * Sends Crewkit's changes to Ascora. A record Ascora refuses is a failure of that record; Ascora
 * being unavailable stops the step (the run fails and its job is retried), because every record
 * left over is still found unsynced next time.
 */
export async function pushCustomers(
  db: Db,
  client: AscoraClient,
  orgId: string,
  onlyIds?: string[],
): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { counts: emptyCounts(), failures: [] };
  const ids = onlyIds ?? (await unsyncedIds(db, orgId, 'customer', customers));
  if (ids.length === 0) return outcome;
  const rows = await withLinks(db, orgId, 'customer', customers, ids);
  await eachLimited(rows, pushConcurrency, async ({ row, ascoraId, syncedHash }) => {
    await pushRecord(
      db,
      orgId,
      'customer',
      outcome,
      { localId: row.id, ascoraId, syncedHash },
      sharedFromLocalCustomer(row),
      async (shared, id) => ({
        ascoraId: (await client.saveCustomer(ascoraCustomerInput(shared, id))).customerId,
      }),
    );
  });
  return outcome;
}

export async function pushJobs(
  db: Db,
  client: AscoraClient,
  orgId: string,
  onlyIds?: string[],
): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { counts: emptyCounts(), failures: [] };
  const ids = onlyIds ?? (await unsyncedIds(db, orgId, 'job', jobs));
  if (ids.length === 0) return outcome;
  const rows = await withLinks(db, orgId, 'job', jobs, ids);
  const links = await customerLinks(
    db,
    orgId,
    'local',
    rows.flatMap(({ row }) => [row.siteCustomerId, row.billingCustomerId]).filter((x): x is string => !!x),
  );
  await eachLimited(rows, pushConcurrency, async ({ row, ascoraId, syncedHash }) => {
    const site = row.siteCustomerId ? (links.get(row.siteCustomerId) ?? null) : null;
    const billing = row.billingCustomerId ? (links.get(row.billingCustomerId) ?? null) : null;
    if (!site || (row.billingCustomerId && !billing)) {
      outcome.counts.failed += 1;
      outcome.failures.push({
        entity: 'job',
        ascoraId,
        localId: row.id,
        reason: 'the job has no site customer linked to Ascora',
      });
      return;
    }
    const saved = await pushRecord(
      db,
      orgId,
      'job',
      outcome,
      { localId: row.id, ascoraId, syncedHash },
      sharedFromLocalJob(row, site, billing),
      async (shared, id) => {
        const job = await client.saveJob(ascoraJobInput(shared, id));
        return { ascoraId: job.jobId, ascoraNumber: job.jobNumber };
      },
    );
    if (saved?.ascoraNumber && !row.number) {
      await db.update(jobs).set({ number: saved.ascoraNumber }).where(eq(jobs.id, row.id));
    }
  });
  return outcome;
}
