import type { AscoraCustomer, AscoraJob } from '@crewkit/ascora';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { ascoraSyncEntry, recordAudit } from '../audit/audit.js';
import type { Db } from '../db/index.js';
import {
  type AscoraConflictStrategy,
  type AscoraEntity,
  type AscoraRunCounts,
  ascoraConflicts,
  ascoraMappings,
  ascoraPendingCreates,
  customers,
  jobs,
} from '../db/schema.js';
import { recordEvents } from '../events/outbox.js';
import { customerEvent } from '../events/records.js';
import { newId } from '../lib/ids.js';
import {
  contentHash,
  differingFields,
  type SharedCustomer,
  type SharedJob,
  sharedFromAscoraCustomer,
  sharedFromAscoraJob,
  sharedFromLocalCustomer,
  sharedFromLocalJob,
} from './canonical.js';

export interface Failure {
  entity: AscoraEntity;
  ascoraId: string | null;
  localId: string | null;
  reason: string;
}

export interface ApplyOutcome {
  counts: AscoraRunCounts;
  failures: Failure[];
}

export function emptyCounts(): AscoraRunCounts {
  return { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 0 };
}

export function addCounts(into: AscoraRunCounts, from: AscoraRunCounts): void {
  into.created += from.created;
  into.updated += from.updated;
  into.skipped += from.skipped;
  into.conflicts += from.conflicts;
  into.failed += from.failed;
}

export interface ApplyContext {
  orgId: string;
  strategy: AscoraConflictStrategy;
  /**
   * When the Ascora side of these records changed, as far as Crewkit can tell (Ascora gives no
   * modification time): a webhook's arrival, or for a sync the start of the previous completed
   * one. `newest_wins` lets the Crewkit side win when its `updatedAt` is later.
   */
  remoteSeenAt: Date;
}

type MappingRow = typeof ascoraMappings.$inferSelect;

async function mappingsByAscoraId(db: Db, orgId: string, entity: AscoraEntity, ids: string[]) {
  if (ids.length === 0) return new Map<string, MappingRow>();
  const rows = await db
    .select()
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        inArray(ascoraMappings.ascoraId, ids),
      ),
    );
  return new Map(rows.map((row) => [row.ascoraId, row]));
}

/** A page's mappings by Ascora id, and the Crewkit rows they link to by local id. */
async function linkedRecords<T extends typeof customers | typeof jobs>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  table: T,
  ascoraIds: string[],
): Promise<{ mappings: Map<string, MappingRow>; locals: Map<string, T['$inferSelect']> }> {
  const mappings = await mappingsByAscoraId(db, orgId, entity, ascoraIds);
  const localIds = [...mappings.values()].map((m) => m.localId);
  // drizzle cannot select from a union of tables; the casts only name the table's own row type.
  const rows = localIds.length
    ? ((await db
        .select()
        .from(table as typeof customers)
        .where(and(eq(table.orgId, orgId), inArray(table.id, localIds)))) as T['$inferSelect'][])
    : [];
  return { mappings, locals: new Map(rows.map((row) => [row.id, row])) };
}

type Decision<S> =
  | { kind: 'skip' }
  | { kind: 'write'; shared: S; counted: 'created' | 'updated' }
  | { kind: 'keepLocal' }
  | { kind: 'queue'; local: S; remote: S };

/**
 * What to do with one remote record, given the hash both sides agreed on at the last sync. A side
 * whose hash differs from it has changed since; both changed (to different values) is a conflict.
 */
function decide<S extends SharedCustomer | SharedJob>(
  remote: S,
  remoteHash: string,
  mapping: MappingRow | undefined,
  local: { shared: S; updatedAt: Date } | undefined,
  context: ApplyContext,
): Decision<S> {
  if (!mapping || !local) return { kind: 'write', shared: remote, counted: 'created' };
  if (remoteHash === mapping.syncedHash) return { kind: 'skip' };
  const localHash = contentHash(local.shared);
  if (localHash === remoteHash) return { kind: 'skip' };
  if (localHash === mapping.syncedHash) return { kind: 'write', shared: remote, counted: 'updated' };
  let strategy = context.strategy;
  if (strategy === 'newest_wins') {
    strategy = local.updatedAt.getTime() > context.remoteSeenAt.getTime() ? 'local_wins' : 'remote_wins';
  }
  if (strategy === 'remote_wins') return { kind: 'write', shared: remote, counted: 'updated' };
  if (strategy === 'local_wins') return { kind: 'keepLocal' };
  return { kind: 'queue', local: local.shared, remote };
}

async function queueConflict(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  localId: string,
  ascoraId: string,
  local: SharedCustomer | SharedJob,
  remote: SharedCustomer | SharedJob,
): Promise<void> {
  const fields = differingFields(local, remote);
  await db
    .insert(ascoraConflicts)
    .values({
      id: newId(),
      orgId,
      entity,
      localId,
      ascoraId,
      fields,
      local: local as unknown as Record<string, unknown>,
      remote: remote as unknown as Record<string, unknown>,
    })
    .onConflictDoUpdate({
      target: [ascoraConflicts.orgId, ascoraConflicts.entity, ascoraConflicts.localId],
      targetWhere: sql`${ascoraConflicts.status} = 'open'`,
      set: { fields, local: sql`excluded.local`, remote: sql`excluded.remote` },
    });
}

interface MappingWrite {
  ascoraId: string;
  localId: string;
  ascoraNumber?: string | null;
  syncedHash: string;
  /** The local side won a conflict: keep it marked unsynced, so the push step sends it. */
  keepSyncedAt?: boolean;
}

export async function writeMappings(db: Db, orgId: string, entity: AscoraEntity, writes: MappingWrite[]) {
  if (writes.length === 0) return;
  // A linked record has no create pending any more, however it came to be linked.
  await db.delete(ascoraPendingCreates).where(
    and(
      eq(ascoraPendingCreates.orgId, orgId),
      eq(ascoraPendingCreates.entity, entity),
      inArray(
        ascoraPendingCreates.localId,
        writes.map((w) => w.localId),
      ),
    ),
  );
  const fresh = writes.filter((w) => !w.keepSyncedAt);
  const kept = writes.filter((w) => w.keepSyncedAt);
  if (fresh.length > 0) {
    await db
      .insert(ascoraMappings)
      .values(
        fresh.map((w) => ({
          orgId,
          entity,
          ascoraId: w.ascoraId,
          localId: w.localId,
          ascoraNumber: w.ascoraNumber ?? null,
          syncedHash: w.syncedHash,
        })),
      )
      .onConflictDoUpdate({
        target: [ascoraMappings.orgId, ascoraMappings.entity, ascoraMappings.ascoraId],
        set: {
          localId: sql`excluded.local_id`,
          ascoraNumber: sql`excluded.ascora_number`,
          syncedHash: sql`excluded.synced_hash`,
          syncedAt: sql`now()`,
        },
      });
  }
  for (const w of kept) {
    // The epoch as synced_at marks the Crewkit side as unsynced whatever its updated_at says.
    await db
      .update(ascoraMappings)
      .set({ syncedHash: w.syncedHash, syncedAt: new Date(0) })
      .where(
        and(
          eq(ascoraMappings.orgId, orgId),
          eq(ascoraMappings.entity, entity),
          eq(ascoraMappings.ascoraId, w.ascoraId),
        ),
      );
  }
}

/**
 * Crewkit records whose create was sent to Ascora with no answer recorded yet, by `key`. Ascora
 * echoes a create as a webhook (JobCreated, CustomerModified), which can arrive before the answer
 * or instead of a lost one: the echoed record is linked to the record that was pushed, not pulled
 * in as a second one.
 */
async function pendingCreates<T extends typeof customers | typeof jobs>(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  table: T,
  key: (row: T['$inferSelect']) => Promise<string> | string,
): Promise<Map<string, string>> {
  const t = table as typeof customers;
  const rows = (await db
    .select({ row: t })
    .from(t)
    .innerJoin(
      ascoraPendingCreates,
      and(
        eq(ascoraPendingCreates.orgId, t.orgId),
        eq(ascoraPendingCreates.entity, entity),
        eq(ascoraPendingCreates.localId, t.id),
      ),
    )
    .where(eq(t.orgId, orgId))) as { row: T['$inferSelect'] }[];
  const byKey = new Map<string, string>();
  for (const { row } of rows) byKey.set(await key(row), row.id);
  return byKey;
}

/**
 * Ascora customers as Crewkit holds them, email included only where it can be theirs. In Ascora
 * several customers often share one email — a business's sites and its billing customer use the
 * owner's — while a Crewkit email belongs to one customer. The first Ascora customer linked with
 * an email keeps it; the others are synced without it (Crewkit reads their email as absent, and a
 * push never clears an email Ascora has, see `ascoraCustomerUpdate`). Reading it the same way at
 * every sync keeps their content hashes stable, so they are not rewritten each time.
 */
async function emailOwnership(db: Db, orgId: string, page: AscoraCustomer[]) {
  const emails = [
    ...new Set(page.map((r) => sharedFromAscoraCustomer(r).email).filter((e): e is string => e !== null)),
  ];
  const owners = new Map<string, string>();
  const ownerLinks = new Map<string, string>();
  if (emails.length > 0) {
    const rows = await db
      .select({
        id: customers.id,
        email: sql<string>`lower(${customers.email})`,
        ascoraId: ascoraMappings.ascoraId,
      })
      .from(customers)
      .leftJoin(
        ascoraMappings,
        and(
          eq(ascoraMappings.orgId, customers.orgId),
          eq(ascoraMappings.entity, 'customer'),
          eq(ascoraMappings.localId, customers.id),
        ),
      )
      .where(and(eq(customers.orgId, orgId), inArray(sql`lower(${customers.email})`, emails)));
    for (const row of rows) {
      owners.set(row.email, row.id);
      if (row.ascoraId) ownerLinks.set(row.id, row.ascoraId);
    }
  }
  /** Which Ascora customer took an email earlier in this page. */
  const claimed = new Map<string, string>();
  return (remote: AscoraCustomer, linkedTo: string | undefined): SharedCustomer => {
    const shared = sharedFromAscoraCustomer(remote);
    const email = shared.email;
    if (!email) return shared;
    const owner = owners.get(email);
    const claimant = claimed.get(email);
    const ownerLink = owner ? ownerLinks.get(owner) : undefined;
    const taken =
      (claimant !== undefined && claimant !== remote.customerId) ||
      (owner !== undefined &&
        owner !== linkedTo &&
        ((ownerLink !== undefined && ownerLink !== remote.customerId) || linkedTo !== undefined));
    if (taken) return { ...shared, email: null };
    claimed.set(email, remote.customerId);
    return shared;
  };
}

/**
 * Applies one page of Ascora customers in the caller's transaction: one upsert for the customers,
 * one for the mappings. Unchanged records (same content hash) cost nothing but the hash.
 */
export async function applyCustomers(
  db: Db,
  context: ApplyContext,
  page: AscoraCustomer[],
): Promise<ApplyOutcome> {
  const { orgId } = context;
  const counts = emptyCounts();
  const failures: Failure[] = [];
  const { mappings, locals } = await linkedRecords(
    db,
    orgId,
    'customer',
    customers,
    page.map((r) => r.customerId),
  );

  const writes: {
    localId: string;
    ascoraId: string;
    shared: SharedCustomer;
    hash: string;
    counted: 'created' | 'updated';
  }[] = [];
  const mappingWrites: MappingWrite[] = [];
  let pushed: Map<string, string> | undefined;
  const sharedEmail = await emailOwnership(db, orgId, page);
  for (const remote of page) {
    const mapping = mappings.get(remote.customerId);
    const shared = sharedEmail(remote, mapping?.localId);
    const hash = contentHash(shared);
    const row = mapping ? locals.get(mapping.localId) : undefined;
    const local = row ? { shared: sharedFromLocalCustomer(row), updatedAt: row.updatedAt } : undefined;
    const decision = decide(shared, hash, mapping, local, context);
    if (decision.kind === 'write' && decision.counted === 'created') {
      pushed ??= await pendingCreates(db, orgId, 'customer', customers, (r) =>
        contentHash(sharedFromLocalCustomer(r)),
      );
      const echoed = pushed.get(hash);
      if (echoed) {
        pushed.delete(hash);
        counts.skipped += 1;
        mappingWrites.push({ ascoraId: remote.customerId, localId: echoed, syncedHash: hash });
        continue;
      }
    }
    if (decision.kind === 'skip') {
      counts.skipped += 1;
      if (mapping && mapping.syncedHash !== hash)
        mappingWrites.push({ ascoraId: remote.customerId, localId: mapping.localId, syncedHash: hash });
    } else if (decision.kind === 'write') {
      writes.push({
        localId: row?.id ?? newId(),
        ascoraId: remote.customerId,
        shared,
        hash,
        counted: decision.counted,
      });
      if (mapping && local && contentHash(local.shared) !== mapping.syncedHash) counts.conflicts += 1;
    } else if (decision.kind === 'keepLocal') {
      counts.conflicts += 1;
      mappingWrites.push({
        ascoraId: remote.customerId,
        localId: mapping!.localId,
        syncedHash: hash,
        keepSyncedAt: true,
      });
    } else {
      counts.conflicts += 1;
      await queueConflict(
        db,
        orgId,
        'customer',
        mapping!.localId,
        remote.customerId,
        decision.local,
        decision.remote,
      );
    }
  }

  // Emails are unique per organization. An unlinked Crewkit customer with the same email is the
  // same person: it is adopted instead of duplicated. One already linked elsewhere is a failure.
  const emails = [...new Set(writes.map((w) => w.shared.email).filter((e): e is string => e !== null))];
  const owners = new Map<string, string>();
  if (emails.length > 0) {
    const rows = await db
      .select({ id: customers.id, email: sql<string>`lower(${customers.email})` })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), inArray(sql`lower(${customers.email})`, emails)));
    for (const row of rows) owners.set(row.email, row.id);
  }
  const ownerIds = [...owners.values()];
  const linked = new Set(
    ownerIds.length
      ? (
          await db
            .select({ localId: ascoraMappings.localId })
            .from(ascoraMappings)
            .where(
              and(
                eq(ascoraMappings.orgId, orgId),
                eq(ascoraMappings.entity, 'customer'),
                inArray(ascoraMappings.localId, ownerIds),
              ),
            )
        ).map((r) => r.localId)
      : [],
  );
  const claimed = new Map<string, string>();
  const accepted: typeof writes = [];
  for (const write of writes) {
    const email = write.shared.email;
    if (email) {
      const owner = owners.get(email);
      const claimant = claimed.get(email);
      if (claimant && claimant !== write.localId) {
        failures.push({
          entity: 'customer',
          ascoraId: write.ascoraId,
          localId: null,
          reason: `email ${email} is shared with another Ascora customer in this sync`,
        });
        continue;
      }
      if (owner && owner !== write.localId) {
        if (write.counted === 'created' && !linked.has(owner)) {
          write.localId = owner;
          write.counted = 'updated';
          linked.add(owner);
        } else {
          failures.push({
            entity: 'customer',
            ascoraId: write.ascoraId,
            localId: owner,
            reason: `email ${email} belongs to another Crewkit customer`,
          });
          continue;
        }
      }
      claimed.set(email, write.localId);
    }
    accepted.push(write);
  }
  counts.failed += failures.length;

  if (accepted.length > 0) {
    const written = await db
      .insert(customers)
      .values(
        accepted.map((w) => ({
          id: w.localId,
          orgId,
          name: w.shared.name,
          email: w.shared.email,
          phone: w.shared.phone,
          address: w.shared.address,
        })),
      )
      .onConflictDoUpdate({
        target: customers.id,
        set: {
          name: sql`excluded.name`,
          email: sql`excluded.email`,
          phone: sql`excluded.phone`,
          address: sql`excluded.address`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${customers.orgId} = excluded.org_id`,
      })
      .returning();
    // Changes from Ascora are changes like any other: subscribers hear of them in the same transaction.
    const countedAs = new Map(accepted.map((w) => [w.localId, w.counted]));
    await recordEvents(
      db,
      written.map((row) =>
        customerEvent(countedAs.get(row.id) === 'created' ? 'customer.created' : 'customer.updated', row),
      ),
    );
    for (const w of accepted) {
      counts[w.counted] += 1;
      mappingWrites.push({ ascoraId: w.ascoraId, localId: w.localId, syncedHash: w.hash });
    }
    const personal = { name: 'changed', email: 'changed', phone: 'changed', address: 'changed' };
    await recordAudit(
      db,
      accepted.map((w) =>
        ascoraSyncEntry(orgId, 'ascora.applyCustomers', { type: 'customer', id: w.localId }, personal),
      ),
    );
  }
  await writeMappings(db, orgId, 'customer', mappingWrites);
  return { counts, failures };
}

/** Ascora customer ids → Crewkit customer ids, and back. */
export async function customerLinks(db: Db, orgId: string, by: 'ascora' | 'local', ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map<string, string>();
  const column = by === 'ascora' ? ascoraMappings.ascoraId : ascoraMappings.localId;
  const rows = await db
    .select({ ascoraId: ascoraMappings.ascoraId, localId: ascoraMappings.localId })
    .from(ascoraMappings)
    .where(
      and(eq(ascoraMappings.orgId, orgId), eq(ascoraMappings.entity, 'customer'), inArray(column, unique)),
    );
  return new Map(rows.map((r) => (by === 'ascora' ? [r.ascoraId, r.localId] : [r.localId, r.ascoraId])));
}

export type JobRow = typeof jobs.$inferSelect;

/** Applies one page of Ascora jobs in the caller's transaction. Their customers must be synced first. */
export async function applyJobs(db: Db, context: ApplyContext, page: AscoraJob[]): Promise<ApplyOutcome> {
  const { orgId } = context;
  const counts = emptyCounts();
  const failures: Failure[] = [];
  const { mappings, locals } = await linkedRecords(
    db,
    orgId,
    'job',
    jobs,
    page.map((r) => r.jobId),
  );
  const customerIds = page
    .flatMap((j) => [j.siteCustomer?.id, j.billingCustomer?.id])
    .filter((x): x is string => !!x);
  const localCustomerIds = [...locals.values()]
    .flatMap((j) => [j.siteCustomerId, j.billingCustomerId])
    .filter((x): x is string => !!x);
  const toLocal = await customerLinks(db, orgId, 'ascora', customerIds);
  const toAscora = await customerLinks(db, orgId, 'local', localCustomerIds);

  const writes: {
    localId: string;
    remote: AscoraJob;
    shared: SharedJob;
    hash: string;
    counted: 'created' | 'updated';
  }[] = [];
  const mappingWrites: MappingWrite[] = [];
  let pushed: Map<string, string> | undefined;
  for (const remote of page) {
    const shared = sharedFromAscoraJob(remote);
    const hash = contentHash(shared);
    const mapping = mappings.get(remote.jobId);
    if (!mapping) {
      pushed ??= await pendingCreates(db, orgId, 'job', jobs, async (r) => {
        const site = r.siteCustomerId
          ? (await customerLinks(db, orgId, 'local', [r.siteCustomerId])).get(r.siteCustomerId)
          : undefined;
        return `${site ?? ''}|${r.name.trim()}`;
      });
      const key = `${shared.siteCustomer ?? ''}|${shared.name}`;
      const echoed = pushed.get(key);
      if (echoed) {
        // Linked with Ascora's content as the agreed one: where it differs from Crewkit's (defaults
        // Ascora added), the next push sends Crewkit's fields over it.
        pushed.delete(key);
        counts.skipped += 1;
        await db
          .update(jobs)
          .set({ number: remote.jobNumber })
          .where(and(eq(jobs.id, echoed), isNull(jobs.number)));
        mappingWrites.push({
          ascoraId: remote.jobId,
          localId: echoed,
          ascoraNumber: remote.jobNumber,
          syncedHash: hash,
        });
        continue;
      }
    }
    const row = mapping ? locals.get(mapping.localId) : undefined;
    const local = row
      ? {
          shared: sharedFromLocalJob(
            row,
            row.siteCustomerId ? (toAscora.get(row.siteCustomerId) ?? null) : null,
            row.billingCustomerId ? (toAscora.get(row.billingCustomerId) ?? null) : null,
          ),
          updatedAt: row.updatedAt,
        }
      : undefined;
    const decision = decide(shared, hash, mapping, local, context);
    if (decision.kind === 'skip') {
      counts.skipped += 1;
      if (mapping && mapping.syncedHash !== hash)
        mappingWrites.push({
          ascoraId: remote.jobId,
          localId: mapping.localId,
          ascoraNumber: remote.jobNumber,
          syncedHash: hash,
        });
    } else if (decision.kind === 'write') {
      const missing = [shared.siteCustomer, shared.billingCustomer].find((id) => id && !toLocal.has(id));
      if (missing) {
        failures.push({
          entity: 'job',
          ascoraId: remote.jobId,
          localId: row?.id ?? null,
          reason: `customer ${missing} is not synced to Crewkit`,
        });
        continue;
      }
      writes.push({ localId: row?.id ?? newId(), remote, shared, hash, counted: decision.counted });
      if (mapping && local && contentHash(local.shared) !== mapping.syncedHash) counts.conflicts += 1;
    } else if (decision.kind === 'keepLocal') {
      counts.conflicts += 1;
      mappingWrites.push({
        ascoraId: remote.jobId,
        localId: mapping!.localId,
        ascoraNumber: remote.jobNumber,
        syncedHash: hash,
        keepSyncedAt: true,
      });
    } else {
      counts.conflicts += 1;
      await queueConflict(db, orgId, 'job', mapping!.localId, remote.jobId, decision.local, decision.remote);
    }
  }
  counts.failed += failures.length;
  if (writes.length > 0) {
    await db
      .insert(jobs)
      .values(
        writes.map(({ localId, remote, shared }) => ({
          id: localId,
          orgId,
          number: remote.jobNumber,
          name: shared.name,
          description: shared.description,
          workUndertaken: shared.workUndertaken,
          status: shared.status,
          siteCustomerId: shared.siteCustomer ? (toLocal.get(shared.siteCustomer) ?? null) : null,
          billingCustomerId: shared.billingCustomer ? (toLocal.get(shared.billingCustomer) ?? null) : null,
          address: shared.address,
          totalExTaxMinor: shared.totalExTaxMinor,
          totalIncTaxMinor: shared.totalIncTaxMinor,
          completedAt: shared.completedAt ? new Date(shared.completedAt) : null,
          createdAt: new Date(remote.dateCreated),
        })),
      )
      .onConflictDoUpdate({
        target: jobs.id,
        set: {
          number: sql`excluded.number`,
          name: sql`excluded.name`,
          description: sql`excluded.description`,
          workUndertaken: sql`excluded.work_undertaken`,
          status: sql`excluded.status`,
          siteCustomerId: sql`excluded.site_customer_id`,
          billingCustomerId: sql`excluded.billing_customer_id`,
          address: sql`excluded.address`,
          totalExTaxMinor: sql`excluded.total_ex_tax_minor`,
          totalIncTaxMinor: sql`excluded.total_inc_tax_minor`,
          completedAt: sql`excluded.completed_at`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${jobs.orgId} = excluded.org_id`,
      });
    for (const w of writes) {
      counts[w.counted] += 1;
      mappingWrites.push({
        ascoraId: w.remote.jobId,
        localId: w.localId,
        ascoraNumber: w.remote.jobNumber,
        syncedHash: w.hash,
      });
    }
    await recordAudit(
      db,
      writes.map(({ localId, shared }) =>
        ascoraSyncEntry(
          orgId,
          'ascora.applyJobs',
          { type: 'job', id: localId },
          {
            name: 'changed',
            description: 'changed',
            workUndertaken: 'changed',
            address: 'changed',
            status: shared.status,
            completedAt: shared.completedAt,
            totalExTaxMinor: shared.totalExTaxMinor,
            totalIncTaxMinor: shared.totalIncTaxMinor,
          },
        ),
      ),
    );
  }
  await writeMappings(db, orgId, 'job', mappingWrites);
  return { counts, failures };
}
