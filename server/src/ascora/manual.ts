import { and, eq, sql } from 'drizzle-orm';
import {
  type AppointmentStatusValue,
  appointments,
  ascoraConflicts,
  ascoraMappings,
  customers,
  type JobStatus,
  jobs,
  serviceItems,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import { taxedPrice } from '../services/invoicing/settings.js';
import { contentHash, normalizeAddress, type SharedCustomer, type SharedJob } from './canonical.js';
import { type AscoraDeps, clientFor, requireConnection, toApiError } from './connection.js';
import { pushCustomers, pushJobs, saveCustomerTo, saveJobTo } from './push.js';
import { customerLinks, writeMappings } from './records.js';

export type ConflictRow = typeof ascoraConflicts.$inferSelect;

/**
 * Settles a queued conflict: each field takes the chosen side's value, the merged record is sent to
 * Ascora first (so a refusal leaves the conflict open), then written here with its new synced hash.
 */
export async function resolveConflict(
  deps: AscoraDeps,
  orgId: string,
  conflictId: string,
  choices: Record<string, 'local' | 'remote'>,
): Promise<ConflictRow> {
  const { db } = deps;
  const [conflict] = await db
    .select()
    .from(ascoraConflicts)
    .where(and(eq(ascoraConflicts.orgId, orgId), eq(ascoraConflicts.id, conflictId)));
  if (!conflict) throw new ApiError('not_found');
  if (conflict.status !== 'open')
    throw new ApiError('conflict', { detail: 'This conflict is already resolved.' });
  const unknown = Object.keys(choices).filter((field) => !(field in conflict.remote));
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', {
      errors: unknown.map((field) => ({
        path: `body.choices.${field}`,
        message: 'is not a field of this record',
      })),
    });
  }
  const merged = Object.fromEntries(
    Object.keys(conflict.remote).map((field) => [
      field,
      choices[field] === 'local' ? conflict.local[field] : conflict.remote[field],
    ]),
  );
  const connection = await requireConnection(db, orgId);
  const client = clientFor(deps, connection);
  const hash = contentHash(merged as unknown as SharedCustomer);
  try {
    if (conflict.entity === 'customer') {
      await saveCustomerTo(client, merged as unknown as SharedCustomer, conflict.ascoraId);
    } else {
      const [link] = await db
        .select({ ascoraNumber: ascoraMappings.ascoraNumber })
        .from(ascoraMappings)
        .where(
          and(
            eq(ascoraMappings.orgId, orgId),
            eq(ascoraMappings.entity, 'job'),
            eq(ascoraMappings.ascoraId, conflict.ascoraId),
          ),
        );
      await saveJobTo(client, merged as unknown as SharedJob, {
        ascoraId: conflict.ascoraId,
        ascoraNumber: link?.ascoraNumber ?? null,
      });
    }
  } catch (error) {
    throw toApiError(error);
  }
  return db.transaction(async (tx) => {
    if (conflict.entity === 'customer') {
      const shared = merged as unknown as SharedCustomer;
      await tx
        .update(customers)
        .set({
          name: shared.name,
          email: shared.email,
          phone: shared.phone,
          address: shared.address,
          updatedAt: sql`now()`,
        })
        .where(and(eq(customers.orgId, orgId), eq(customers.id, conflict.localId)));
    } else {
      const shared = merged as unknown as SharedJob;
      const links = await customerLinks(
        tx,
        orgId,
        'ascora',
        [shared.siteCustomer, shared.billingCustomer].filter((x): x is string => !!x),
      );
      await tx
        .update(jobs)
        .set({
          name: shared.name,
          description: shared.description,
          workUndertaken: shared.workUndertaken,
          status: shared.status,
          siteCustomerId: shared.siteCustomer ? (links.get(shared.siteCustomer) ?? null) : null,
          billingCustomerId: shared.billingCustomer ? (links.get(shared.billingCustomer) ?? null) : null,
          address: shared.address,
          totalExTaxMinor: shared.totalExTaxMinor,
          totalIncTaxMinor: shared.totalIncTaxMinor,
          completedAt: shared.completedAt ? new Date(shared.completedAt) : null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.orgId, orgId), eq(jobs.id, conflict.localId)));
    }
    await writeMappings(tx, orgId, conflict.entity, [
      { ascoraId: conflict.ascoraId, localId: conflict.localId, syncedHash: hash },
    ]);
    const [resolved] = await tx
      .update(ascoraConflicts)
      .set({ status: 'resolved', resolution: choices, resolvedAt: new Date(deps.now()) })
      .where(eq(ascoraConflicts.id, conflict.id))
      .returning();
    return resolved!;
  });
}

/** How a visit's state reads on its work order. */
export function jobStatusFor(status: AppointmentStatusValue): JobStatus {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'cancelled':
    case 'no_show':
      return 'cancelled';
    case 'en_route':
    case 'in_progress':
    case 'paused':
      return 'in_progress';
    case 'scheduled':
      return 'booked';
    default:
      return 'new';
  }
}

/** The appointment a visit was last rescheduled as (itself when it never was). */
async function currentVisit(db: AscoraDeps['db'], orgId: string, appointmentId: string): Promise<string> {
  let id = appointmentId;
  // Bounded: a chain of reschedules is finite, and a cycle would be a bug, not a reason to hang.
  for (let hops = 0; hops < 100; hops++) {
    const [row] = await db
      .select({ next: appointments.rescheduledToId })
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)));
    if (!row?.next) return id;
    id = row.next;
  }
  return id;
}

/**
 * Pushes one appointment to Ascora as a job: its work order is created on first push (named after
 * the service, for the appointment's customer and price) and follows the appointment's status on
 * every push after. The customer is pushed first if Ascora does not have them yet.
 */
export async function pushAppointmentAsJob(deps: AscoraDeps, orgId: string, appointmentId: string) {
  const { db } = deps;
  const connection = await requireConnection(db, orgId);
  // A rescheduled visit lives on as the appointment it became, which carries the job on: pushing
  // the old one must not report the job as cancelled.
  appointmentId = await currentVisit(db, orgId, appointmentId);
  const [found] = await db
    .select({ appointment: appointments, serviceName: serviceItems.name, customer: customers })
    .from(appointments)
    .innerJoin(serviceItems, eq(serviceItems.id, appointments.serviceItemId))
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)));
  if (!found) throw new ApiError('not_found');
  const { appointment, serviceName, customer } = found;
  const status = jobStatusFor(appointment.status);
  const completedAt = status === 'completed' ? appointment.endsAt : null;
  let jobId = appointment.jobId;
  await db.transaction(async (tx) => {
    // Locked and read again, so pushes of one appointment at once agree on one work order.
    const [current] = await tx
      .select({ jobId: appointments.jobId })
      .from(appointments)
      .where(eq(appointments.id, appointment.id))
      .for('update');
    jobId = current?.jobId ?? null;
    if (jobId) {
      await tx
        .update(jobs)
        .set({ status, completedAt, updatedAt: sql`now()` })
        .where(
          and(
            eq(jobs.orgId, orgId),
            eq(jobs.id, jobId),
            sql`(${jobs.status}, ${jobs.completedAt}) is distinct from (${status}, ${completedAt})`,
          ),
        );
      return;
    }
    jobId = newId();
    // The booked price split by the organization's tax settings (it used to go out as both totals).
    const totals = await taxedPrice(tx, orgId, appointment.priceMinor, customer.address);
    await tx.insert(jobs).values({
      id: jobId,
      orgId,
      name: serviceName,
      description: appointment.notes,
      status,
      siteCustomerId: customer.id,
      address: normalizeAddress(customer.address),
      ...totals,
      completedAt,
    });
    await tx.update(appointments).set({ jobId }).where(eq(appointments.id, appointment.id));
  });
  const client = clientFor(deps, connection);
  try {
    const customerOutcome = await pushCustomers(db, client, orgId, [customer.id], deps.now);
    const jobOutcome = await pushJobs(db, client, orgId, [jobId!], deps.now);
    const failure = [...customerOutcome.failures, ...jobOutcome.failures][0];
    if (failure) throw new ApiError('ascora_rejected', { detail: failure.reason });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw toApiError(error);
  }
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId!));
  return job!;
}
