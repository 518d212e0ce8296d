import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import type { Db } from '../../db/index.js';
import { appointments, customers, reservations } from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { pgErrorCode, pgErrors } from '../../lib/db-errors.js';
import { MINUTE_MS } from '../../scheduling/time.js';
import { activeStatuses } from '../workflow.js';
import { type AppointmentRow, actorOf, recordHistory } from './rules.js';
import { findAppointment } from './service.js';

type Schemas = components['schemas'];

/** Statuses whose appointment is history: nothing about the visit changes any more. */
const finished = ['completed', 'cancelled', 'no_show'];

/**
 * Edits what a visit needs without rebooking it: notes, internal notes, site, visit contact, and
 * its length (the technician's reserved time follows, under the same no-overlap constraint as
 * every booking). One history line names the fields that changed.
 */
export async function updateAppointment(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  appointmentId: string,
  body: Schemas['AppointmentUpdate'],
): Promise<AppointmentRow> {
  const current = await findAppointment(db, principal, orgId, appointmentId);
  if (finished.includes(current.status)) {
    throw new ApiError('conflict', { detail: `An appointment that is ${current.status} cannot be edited.` });
  }
  const next: Partial<AppointmentRow> = {};
  if (body.notes !== undefined) next.notes = body.notes;
  if (body.internalNotes !== undefined) next.internalNotes = body.internalNotes;
  if (body.visitContact !== undefined) next.visitContact = body.visitContact;
  if (body.siteAddress !== undefined) {
    next.siteAddress = body.siteAddress ?? (await customerAddress(db, current.customerId));
  }
  if (body.durationMinutes !== undefined) {
    next.endsAt = new Date(current.startsAt.getTime() + body.durationMinutes * MINUTE_MS);
  }
  const changed = (Object.keys(next) as Array<keyof AppointmentRow>).filter(
    (field) => JSON.stringify(next[field]) !== JSON.stringify(current[field]),
  );
  if (changed.length === 0) return current;

  if (next.endsAt) {
    try {
      await db
        .update(reservations)
        .set({ endsAt: new Date(next.endsAt.getTime() + current.bufferAfterMinutes * MINUTE_MS) })
        .where(and(eq(reservations.id, current.reservationId), sql`${reservations.releasedAt} is null`));
    } catch (error) {
      if (pgErrorCode(error) !== pgErrors.exclusionViolation) throw error;
      throw new ApiError('conflict', {
        detail: 'The longer visit would overlap the technician’s next booking; move one of them first.',
      });
    }
  }
  // Only from the status read above: a concurrent status change makes this edit fail, not race it.
  const [updated] = await db
    .update(appointments)
    .set({ ...next, updatedAt: sql`now()` })
    .where(and(eq(appointments.id, current.id), eq(appointments.status, current.status)))
    .returning();
  if (!updated)
    throw new ApiError('conflict', { detail: 'The appointment changed meanwhile; reload it and try again.' });
  const fields = changed.map((field) => (field === 'endsAt' ? 'durationMinutes' : field));
  await recordHistory(db, updated, {
    from: current.status,
    to: current.status,
    actor: actorOf(principal),
    reason: `edited ${fields.join(', ')}`,
    changedFields: fields,
  });
  return updated;
}

async function customerAddress(db: Db, customerId: string) {
  const [row] = await db
    .select({ address: customers.address })
    .from(customers)
    .where(eq(customers.id, customerId));
  return row?.address ?? null;
}

export interface AffectedAppointment {
  id: string;
  reference: string;
  status: AppointmentRow['status'];
  startsAt: Date;
  endsAt: Date;
}

/**
 * A technician's booked work (still holding their time) overlapping `[start, end)`: what time off
 * or a deactivation leaves without a technician, so the office is told instead of finding out on
 * the day.
 */
export function bookedWorkOf(
  db: Db,
  orgId: string,
  technicianId: string,
  range: { start: Date; end?: Date },
): Promise<AffectedAppointment[]> {
  return db
    .select({
      id: appointments.id,
      reference: appointments.reference,
      status: appointments.status,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
    })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.technicianId, technicianId),
        inArray(appointments.status, [...activeStatuses]),
        gt(appointments.endsAt, range.start),
        range.end ? lt(appointments.startsAt, range.end) : undefined,
      ),
    )
    .orderBy(asc(appointments.startsAt));
}
