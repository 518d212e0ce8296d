import { type AscoraClient, AscoraNotFoundError } from '@crewkit/ascora';
import type { components } from '@crewkit/sdk/openapi';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import {
  type AscoraDirection,
  type AscoraEntity,
  appointments,
  ascoraConflicts,
  ascoraMappings,
  customers,
  jobs,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { contentHash, sharedFromLocalCustomer, sharedFromLocalJob } from './canonical.js';
import {
  type AscoraDeps,
  type ConnectionRow,
  clientFor,
  requireConnection,
  toApiError,
} from './connection.js';
import { type AscoraLink, ascoraLinks } from './links.js';
import { pushAppointmentAsJob } from './manual.js';
import { pushCustomers } from './push.js';
import { type ApplyOutcome, applyCustomers, applyJobs, customerLinks } from './records.js';

type Schemas = components['schemas'];
export type RecordRef = Schemas['AscoraRecordRef'];

/*
 * One record pushed or pulled on demand ("send this customer now", "fetch this job again"). The
 * person asking has chosen a side, so that side wins: whatever the conflict strategy says, and an
 * open conflict on the record is settled for that side. Directions still hold: a kind of record the
 * organization only pulls is never pushed by hand, and the other way round.
 */

async function requireDirection(
  db: Db,
  orgId: string,
  kind: 'customers' | 'jobs',
  way: 'push' | 'pull',
): Promise<ConnectionRow & { apiKeySealed: string }> {
  const connection = await requireConnection(db, orgId);
  const direction: AscoraDirection = connection.directions[kind];
  if (direction !== 'both' && direction !== way) {
    throw new ApiError('conflict', {
      detail: `This organization's ${kind} are only ${direction === 'push' ? 'pushed to' : 'pulled from'} Ascora.`,
    });
  }
  return connection;
}

/** The answer to both operations: the record's link as it stands now. */
async function answer(
  db: Db,
  orgId: string,
  ref: RecordRef,
  entity: 'customer' | 'job',
  localId: string,
): Promise<Schemas['AscoraRecordLink']> {
  const link: AscoraLink | undefined = (await ascoraLinks(db, orgId, entity, [localId])).get(localId);
  // Only a disconnect racing this request leaves a synced record without a link to show.
  if (!link) throw new ApiError('conflict', { detail: 'This organization is not connected to Ascora.' });
  return { recordType: ref.recordType, id: ref.recordId, ascora: link };
}

/** Marks the record's open conflict settled for one side, field by field. */
async function settleConflict(
  db: Db,
  orgId: string,
  entity: AscoraEntity,
  localId: string,
  side: 'local' | 'remote',
  now: Date,
): Promise<void> {
  const [open] = await db
    .select({ id: ascoraConflicts.id, fields: ascoraConflicts.fields })
    .from(ascoraConflicts)
    .where(
      and(
        eq(ascoraConflicts.orgId, orgId),
        eq(ascoraConflicts.entity, entity),
        eq(ascoraConflicts.localId, localId),
        eq(ascoraConflicts.status, 'open'),
      ),
    );
  if (!open) return;
  await db
    .update(ascoraConflicts)
    .set({
      status: 'resolved',
      resolution: Object.fromEntries(open.fields.map((field) => [field, side])),
      resolvedAt: now,
    })
    .where(eq(ascoraConflicts.id, open.id));
}

function refused(outcome: ApplyOutcome): void {
  const [failure] = outcome.failures;
  if (failure) throw new ApiError('ascora_rejected', { detail: failure.reason });
}

async function callingAscora<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof AscoraNotFoundError) {
      throw new ApiError('ascora_rejected', { detail: 'Ascora no longer has this record.' });
    }
    throw toApiError(error);
  }
}

async function findCustomer(db: Db, orgId: string, customerId: string) {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  if (!row) throw new ApiError('not_found');
  return row;
}

async function findAppointmentJob(db: Db, orgId: string, appointmentId: string) {
  const [row] = await db
    .select({ jobId: appointments.jobId })
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)));
  if (!row) throw new ApiError('not_found');
  return row.jobId;
}

export async function pushRecordToAscora(
  deps: AscoraDeps,
  orgId: string,
  ref: RecordRef,
): Promise<Schemas['AscoraRecordLink']> {
  const { db } = deps;
  if (ref.recordType === 'customer') {
    await findCustomer(db, orgId, ref.recordId);
    const connection = await requireDirection(db, orgId, 'customers', 'push');
    const client = clientFor(deps, connection);
    refused(await callingAscora(() => pushCustomers(db, client, orgId, [ref.recordId], deps.now)));
    await settleConflict(db, orgId, 'customer', ref.recordId, 'local', new Date(deps.now()));
    return answer(db, orgId, ref, 'customer', ref.recordId);
  }
  await findAppointmentJob(db, orgId, ref.recordId);
  await requireDirection(db, orgId, 'jobs', 'push');
  const job = await pushAppointmentAsJob(deps, orgId, ref.recordId);
  await settleConflict(db, orgId, 'job', job.id, 'local', new Date(deps.now()));
  return answer(db, orgId, ref, 'job', job.id);
}

/**
 * Agrees, for this one record, that Crewkit's side is what was last synced: the apply that follows
 * then sees only Ascora as changed and writes it, where a sync would keep a newer Crewkit edit.
 */
async function takeRemote(db: Db, orgId: string, entity: AscoraEntity, ascoraId: string, localHash: string) {
  await db
    .update(ascoraMappings)
    .set({ syncedHash: localHash })
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        eq(ascoraMappings.ascoraId, ascoraId),
      ),
    );
}

async function mappingOf(db: Db, orgId: string, entity: AscoraEntity, localId: string) {
  const [mapping] = await db
    .select()
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        eq(ascoraMappings.localId, localId),
      ),
    );
  if (!mapping) {
    throw new ApiError('conflict', { detail: 'This record is not linked to Ascora; push it first.' });
  }
  return mapping;
}

export async function pullRecordFromAscora(
  deps: AscoraDeps,
  orgId: string,
  ref: RecordRef,
): Promise<Schemas['AscoraRecordLink']> {
  const { db } = deps;
  const now = new Date(deps.now());
  const context = { orgId, strategy: 'remote_wins' as const, remoteSeenAt: now };
  if (ref.recordType === 'customer') {
    const local = await findCustomer(db, orgId, ref.recordId);
    const connection = await requireDirection(db, orgId, 'customers', 'pull');
    const mapping = await mappingOf(db, orgId, 'customer', local.id);
    const client = clientFor(deps, connection);
    const remote = await callingAscora(() => client.getCustomer(mapping.ascoraId));
    await db.transaction(async (tx) => {
      await takeRemote(tx, orgId, 'customer', mapping.ascoraId, contentHash(sharedFromLocalCustomer(local)));
      refused(await applyCustomers(tx, context, [remote]));
      await settleConflict(tx, orgId, 'customer', local.id, 'remote', now);
    });
    return answer(db, orgId, ref, 'customer', local.id);
  }
  const jobId = await findAppointmentJob(db, orgId, ref.recordId);
  const connection = await requireDirection(db, orgId, 'jobs', 'pull');
  if (!jobId) {
    throw new ApiError('conflict', {
      detail: 'This appointment has no work order in Ascora; push it first.',
    });
  }
  const mapping = await mappingOf(db, orgId, 'job', jobId);
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  const number = mapping.ascoraNumber ?? job?.number;
  if (!job || !number) {
    throw new ApiError('conflict', { detail: 'Ascora finds a job by its number, which is not known yet.' });
  }
  const client = clientFor(deps, connection);
  const { remote, missing } = await callingAscora(() => jobWithCustomers(db, client, orgId, number));
  const siteAndBilling = await customerLinks(
    db,
    orgId,
    'local',
    [job.siteCustomerId, job.billingCustomerId].filter((id): id is string => !!id),
  );
  const localShared = sharedFromLocalJob(
    job,
    job.siteCustomerId ? (siteAndBilling.get(job.siteCustomerId) ?? null) : null,
    job.billingCustomerId ? (siteAndBilling.get(job.billingCustomerId) ?? null) : null,
  );
  await db.transaction(async (tx) => {
    if (missing.length > 0) refused(await applyCustomers(tx, context, missing));
    await takeRemote(tx, orgId, 'job', mapping.ascoraId, contentHash(localShared));
    refused(await applyJobs(tx, context, [remote]));
    await settleConflict(tx, orgId, 'job', jobId, 'remote', now);
  });
  return answer(db, orgId, ref, 'job', jobId);
}

/** The Ascora job, and those of its customers Crewkit does not have yet (they are pulled with it). */
async function jobWithCustomers(db: Db, client: AscoraClient, orgId: string, number: string) {
  const remote = await client.getJob(number);
  const customerIds = [remote.siteCustomer?.id, remote.billingCustomer?.id].filter(
    (id): id is string => !!id,
  );
  const known = await customerLinks(db, orgId, 'ascora', customerIds);
  const missing = await Promise.all(
    [...new Set(customerIds.filter((id) => !known.has(id)))].map((id) => client.getCustomer(id)),
  );
  return { remote, missing };
}
