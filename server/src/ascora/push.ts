import { type AscoraClient, AscoraError } from '@crewkit/ascora';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { type AscoraEntity, ascoraMappings, ascoraPendingCreates, customers, jobs } from '../db/schema.js';
import {
  ascoraCustomerInput,
  ascoraCustomerUpdate,
  ascoraJobInput,
  ascoraJobUpdate,
  contentHash,
  type SharedCustomer,
  type SharedJob,
  sharedFromAscoraCustomer,
  sharedFromAscoraJob,
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

/**
 * Creates the customer in Ascora, or updates it over what Ascora holds now (read first: a push
 * sends only what Crewkit owns and changed, and never nulls what it did not read).
 */
export async function saveCustomerTo(
  client: AscoraClient,
  shared: SharedCustomer,
  ascoraId: string | undefined,
): Promise<{ ascoraId: string }> {
  const body = ascoraId
    ? ascoraCustomerUpdate(await client.getCustomer(ascoraId), shared)
    : ascoraCustomerInput(shared);
  return { ascoraId: (await client.saveCustomer(body)).customerId };
}

/** Creates the job in Ascora, or updates it over what Ascora holds now (found by its number). */
export async function saveJobTo(
  client: AscoraClient,
  shared: SharedJob,
  link: { ascoraId: string; ascoraNumber: string | null } | undefined,
): Promise<{ ascoraId: string; ascoraNumber: string }> {
  let body = ascoraJobInput(shared, link?.ascoraId);
  if (link?.ascoraNumber) body = ascoraJobUpdate(await client.getJob(link.ascoraNumber), shared);
  const job = await client.saveJob(body);
  return { ascoraId: job.jobId, ascoraNumber: job.jobNumber };
}

/** How far a lookup for a lost create reads: a page or two of candidates, never the whole CRM. */
const lookupPages = 3;
const lookupPageSize = 100;

async function unlinked(db: Db, orgId: string, entity: AscoraEntity, ascoraIds: string[]) {
  if (ascoraIds.length === 0) return new Set<string>();
  const rows = await db
    .select({ ascoraId: ascoraMappings.ascoraId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        inArray(ascoraMappings.ascoraId, ascoraIds),
      ),
    );
  const linked = new Set(rows.map((row) => row.ascoraId));
  return new Set(ascoraIds.filter((id) => !linked.has(id)));
}

/** An Ascora customer with exactly this content that no Crewkit customer is linked to yet. */
async function findCustomerLike(
  db: Db,
  client: AscoraClient,
  orgId: string,
  shared: SharedCustomer,
): Promise<FoundRecord | undefined> {
  const hash = contentHash(shared);
  const filterText = shared.email ?? shared.phone ?? shared.name;
  for (let page = 1; page <= lookupPages; page++) {
    const found = await client.listCustomers({ page, pageSize: lookupPageSize, filterText });
    const alike = found.results.filter((c) => contentHash(sharedFromAscoraCustomer(c)) === hash);
    const free = await unlinked(
      db,
      orgId,
      'customer',
      alike.map((c) => c.customerId),
    );
    const match = alike.find((c) => free.has(c.customerId));
    if (match) return { ascoraId: match.customerId, hash };
    if (page >= found.totalPages) break;
  }
  return undefined;
}

/**
 * An Ascora job created since the lost attempt, for the same site, with the same name, that no
 * Crewkit job is linked to yet. Its content is Ascora's (it may have added defaults): the push that
 * follows sends Crewkit's fields over it.
 */
async function findJobLike(
  db: Db,
  client: AscoraClient,
  orgId: string,
  shared: SharedJob,
  since: Date,
): Promise<FoundRecord | undefined> {
  for (let page = 1; page <= lookupPages; page++) {
    const found = await client.listJobs({
      page,
      pageSize: lookupPageSize,
      jobStatus: 'ALL',
      startDate: since,
    });
    const alike = found.results.filter(
      (job) => job.siteCustomer?.id === shared.siteCustomer && sharedFromAscoraJob(job).name === shared.name,
    );
    const free = await unlinked(
      db,
      orgId,
      'job',
      alike.map((job) => job.jobId),
    );
    const match = alike.find((job) => free.has(job.jobId));
    if (match) {
      return {
        ascoraId: match.jobId,
        ascoraNumber: match.jobNumber,
        hash: contentHash(sharedFromAscoraJob(match)),
      };
    }
    if (page >= found.totalPages) break;
  }
  return undefined;
}

/** The given Crewkit rows, each with its Ascora id and last agreed hash (null when never linked). */
async function withLinks<T extends typeof customers | typeof jobs>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  table: T,
  ids: string[],
): Promise<
  Array<{
    row: T['$inferSelect'];
    ascoraId: string | null;
    ascoraNumber: string | null;
    syncedHash: string | null;
  }>
> {
  // drizzle cannot select from a union of tables; the casts only name the table's own row type.
  const t = table as typeof customers;
  return (await db
    .select({
      row: t,
      ascoraId: ascoraMappings.ascoraId,
      ascoraNumber: ascoraMappings.ascoraNumber,
      syncedHash: ascoraMappings.syncedHash,
    })
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
    ascoraNumber: string | null;
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
/** An Ascora record that may be the one an earlier create made, found by `find`. */
export interface FoundRecord {
  ascoraId: string;
  ascoraNumber?: string;
  hash: string;
}

async function pushRecord<S extends Parameters<typeof contentHash>[0]>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  outcome: ApplyOutcome,
  linked: { localId: string; ascoraId: string | null; syncedHash: string | null },
  shared: S,
  save: (shared: S, ascoraId: string | undefined) => Promise<{ ascoraId: string; ascoraNumber?: string }>,
  find: (shared: S, since: Date) => Promise<FoundRecord | undefined>,
  now: () => number,
): Promise<{ ascoraNumber?: string } | undefined> {
  if (linked.ascoraId) return sendRecord(db, orgId, entity, outcome, linked, shared, save);
  // A create cannot be repeated safely: Ascora would make a second record. Under the record's
  // claim, the link read before may be stale (another push just created it), so read it again.
  const key = { orgId, entity, localId: linked.localId };
  return withRecordClaim(db, key, async () => {
    const current = await linkOf(db, orgId, entity, linked.localId);
    if (current) return sendRecord(db, orgId, entity, outcome, current, shared, save);
    // An earlier create whose answer never came may have made the record all the same: look for
    // it in Ascora before creating another (Ascora has no idempotency keys to do it for us).
    const [pending] = await db
      .select()
      .from(ascoraPendingCreates)
      .where(
        and(
          eq(ascoraPendingCreates.orgId, orgId),
          eq(ascoraPendingCreates.entity, entity),
          eq(ascoraPendingCreates.localId, linked.localId),
        ),
      );
    if (pending) {
      const found = await find(shared, pending.startedAt);
      if (found) {
        await writeMappings(db, orgId, entity, [
          { ...found, localId: linked.localId, syncedHash: found.hash },
        ]);
        return sendRecord(
          db,
          orgId,
          entity,
          outcome,
          { localId: linked.localId, ascoraId: found.ascoraId, syncedHash: found.hash },
          shared,
          save,
          found.ascoraNumber,
        );
      }
    } else {
      await db.insert(ascoraPendingCreates).values({ ...key, startedAt: new Date(now()) });
    }
    return sendRecord(db, orgId, entity, outcome, linked, shared, save);
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
  /** Known when a lost create was found: it is still to be recorded on the Crewkit job. */
  foundNumber?: string,
): Promise<{ ascoraNumber?: string } | undefined> {
  const { localId, ascoraId, syncedHash } = linked;
  const hash = contentHash(shared);
  if (ascoraId && hash === syncedHash) {
    outcome.counts.skipped += 1;
    await writeMappings(db, orgId, entity, [{ ascoraId, localId, syncedHash: hash }]);
    return foundNumber ? { ascoraNumber: foundNumber } : undefined;
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
  now: () => number = Date.now,
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
      (shared, id) => saveCustomerTo(client, shared, id),
      (shared) => findCustomerLike(db, client, orgId, shared),
      now,
    );
  });
  return outcome;
}

export async function pushJobs(
  db: Db,
  client: AscoraClient,
  orgId: string,
  onlyIds?: string[],
  now: () => number = Date.now,
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
  await eachLimited(rows, pushConcurrency, async ({ row, ascoraId, ascoraNumber, syncedHash }) => {
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
      (shared, id) => saveJobTo(client, shared, id ? { ascoraId: id, ascoraNumber } : undefined),
      (shared, since) => findJobLike(db, client, orgId, shared, since),
      now,
    );
    if (saved?.ascoraNumber && !row.number) {
      await db.update(jobs).set({ number: saved.ascoraNumber }).where(eq(jobs.id, row.id));
    }
  });
  return outcome;
}
