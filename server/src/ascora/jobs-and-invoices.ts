import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { appointments, ascoraConnections, ascoraMappings, jobs } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { iso } from '../lib/time.js';
import type { JobQueue } from '../queue/queue.js';
import { type AscoraLink, ascoraLinks } from './links.js';
import { requireQueue } from './worker.js';

/*
 * Jobs as the API shows them, with their Ascora ids. Invoices and payments, Ascora's included, are
 * served by services/invoicing; this file keeps what decides whether a payment goes to Ascora.
 */

type Schemas = components['schemas'];
type JobRow = typeof jobs.$inferSelect;

async function ascoraIds(db: Db, orgId: string, entity: 'job' | 'invoice', localIds: string[]) {
  if (localIds.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ localId: ascoraMappings.localId, ascoraId: ascoraMappings.ascoraId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        inArray(ascoraMappings.localId, localIds),
      ),
    );
  return new Map(rows.map((r) => [r.localId, r.ascoraId]));
}

/** What a page of jobs carries besides its rows: links and visits, a query each for the page. */
interface JobExtras {
  ascoraIds: Map<string, string>;
  links: Map<string, AscoraLink>;
  visits: Map<string, Schemas['JobVisit'][]>;
}

async function jobExtras(db: Db, orgId: string, jobIds: string[]): Promise<JobExtras> {
  const visits = new Map<string, Schemas['JobVisit'][]>();
  if (jobIds.length > 0) {
    const rows = await db
      .select({
        jobId: appointments.jobId,
        appointmentId: appointments.id,
        startsAt: appointments.startsAt,
        endsAt: appointments.endsAt,
        status: appointments.status,
        technicianId: appointments.technicianId,
      })
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), inArray(appointments.jobId, jobIds)))
      .orderBy(asc(appointments.startsAt), asc(appointments.id));
    for (const row of rows) {
      const list = visits.get(row.jobId!) ?? [];
      list.push({
        appointmentId: row.appointmentId,
        start: iso(row.startsAt),
        end: iso(row.endsAt),
        status: row.status,
        technicianId: row.technicianId,
      });
      visits.set(row.jobId!, list);
    }
  }
  return {
    ascoraIds: await ascoraIds(db, orgId, 'job', jobIds),
    links: await ascoraLinks(db, orgId, 'job', jobIds),
    visits,
  };
}

function jobBody(row: JobRow, extras: JobExtras): Schemas['Job'] {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    description: row.description,
    workUndertaken: row.workUndertaken,
    status: row.status,
    siteCustomerId: row.siteCustomerId,
    billingCustomerId: row.billingCustomerId,
    address: row.address,
    totalExTaxMinor: row.totalExTaxMinor,
    totalIncTaxMinor: row.totalIncTaxMinor,
    completedAt: iso(row.completedAt),
    ascoraId: extras.ascoraIds.get(row.id) ?? null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    ascora: extras.links.get(row.id) ?? null,
    visits: extras.visits.get(row.id) ?? [],
  };
}

export async function toJob(db: Db, orgId: string, row: JobRow): Promise<Schemas['Job']> {
  return jobBody(row, await jobExtras(db, orgId, [row.id]));
}

/** A page of jobs in creation order; `limit + 1` rows are read, the extra one only for `hasMore`. */
export async function listJobs(db: Db, orgId: string, page: { limit: number; after?: string | undefined }) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), page.after ? gt(jobs.id, page.after) : undefined))
    .orderBy(asc(jobs.id))
    .limit(page.limit + 1);
  const extras = await jobExtras(
    db,
    orgId,
    rows.map((r) => r.id),
  );
  return { rows, view: (row: JobRow) => jobBody(row, extras) };
}

export async function findJob(db: Db, orgId: string, jobId: string): Promise<Schemas['Job']> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, jobId)));
  if (!row) throw new ApiError('not_found');
  return toJob(db, orgId, row);
}

/**
 * The queue to push a payment against an Ascora invoice with, when the organization pushes payments
 * to Ascora; undefined when it does not. Refused (503) when it does but this process has no queue,
 * before the payment is written: one recorded with a push nobody will make stays pending.
 */
export async function ascoraPaymentPushQueue(
  db: Db,
  queue: JobQueue | undefined,
  orgId: string,
): Promise<JobQueue | undefined> {
  const [connection] = await db
    .select({ status: ascoraConnections.status, directions: ascoraConnections.directions })
    .from(ascoraConnections)
    .where(eq(ascoraConnections.orgId, orgId));
  const pushes = connection?.status === 'connected' && connection.directions.payments !== 'pull';
  return pushes ? requireQueue(queue) : undefined;
}
