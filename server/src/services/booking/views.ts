import type { operations } from '@crewkit/sdk/openapi';
import { and, asc, desc, eq, gt, gte, ilike, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import type { Db } from '../../db/index.js';
import {
  appointmentHistory,
  appointments,
  customers,
  scheduleOverrides,
  technicians,
  timeOff,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { workingHoursBetween } from '../../scheduling/availability.js';
import { addDays, localToInstant } from '../../scheduling/time.js';
import { containsPattern } from '../customers.js';
import { checkDayWindow, isoWeeklyHours } from '../scheduling.js';
import { activeStatuses } from '../workflow.js';
import { findAppointment, orgOf, ownTechnicianId } from './service.js';

type Query<O extends keyof operations> = NonNullable<operations[O]['parameters']['query']>;

/**
 * Keyset pagination over appointments on (sort key, id): the condition for rows after the cursor's
 * row, stable while rows are added or changed. Undefined on the first page.
 */
export async function afterCursor(
  db: Db,
  orgId: string,
  cursorId: string | undefined,
  key: 'startsAt' | 'createdAt',
  descending: boolean,
): Promise<SQL | undefined> {
  if (!cursorId) return undefined;
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, cursorId)));
  if (!row) return undefined;
  const column = appointments[key];
  return descending
    ? sql`(${column}, ${appointments.id}) < (${row[key]}, ${row.id})`
    : sql`(${column}, ${appointments.id}) > (${row[key]}, ${row.id})`;
}

/** One page of appointments (limit + 1 rows, so the caller can tell whether there is more), with their customers. */
export async function listAppointments(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  query: Query<'listAppointments'>,
  after: string | undefined,
) {
  const limit = query.limit ?? 25;
  const own = await ownTechnicianId(db, principal);
  const sort = query.sort ?? 'start';
  const byStart = sort === 'start' || sort === '-start';
  const descending = sort.startsWith('-');
  const keyColumn = byStart ? appointments.startsAt : appointments.createdAt;
  const keyset = await afterCursor(db, orgId, after, byStart ? 'startsAt' : 'createdAt', descending);
  const pattern = query.q === undefined ? undefined : containsPattern(query.q);
  return (
    db
      .select({
        appointment: appointments,
        customer: { id: customers.id, name: customers.name, email: customers.email },
      })
      .from(appointments)
      // Both sides filtered by org, so a customer id can never pull in another tenant's row.
      .innerJoin(customers, and(eq(customers.orgId, orgId), eq(customers.id, appointments.customerId)))
      .where(
        and(
          eq(appointments.orgId, orgId),
          keyset,
          pattern
            ? or(
                ilike(appointments.reference, pattern),
                ilike(customers.name, pattern),
                ilike(customers.email, pattern),
              )
            : undefined,
          query.status?.length ? inArray(appointments.status, query.status) : undefined,
          own
            ? eq(appointments.technicianId, own)
            : query.technicianId
              ? eq(appointments.technicianId, query.technicianId)
              : undefined,
          query.customerId ? eq(appointments.customerId, query.customerId) : undefined,
          query.serviceItemId ? eq(appointments.serviceItemId, query.serviceItemId) : undefined,
          query.from ? gte(appointments.startsAt, new Date(query.from)) : undefined,
          query.to ? lt(appointments.startsAt, new Date(query.to)) : undefined,
        ),
      )
      .orderBy(
        descending ? desc(keyColumn) : asc(keyColumn),
        descending ? desc(appointments.id) : asc(appointments.id),
      )
      .limit(limit + 1)
  );
}

export async function appointmentHistoryOf(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  appointmentId: string,
) {
  await findAppointment(db, principal, orgId, appointmentId);
  return db
    .select()
    .from(appointmentHistory)
    .where(eq(appointmentHistory.appointmentId, appointmentId))
    .orderBy(asc(appointmentHistory.id));
}

/** A customer's completed appointments, newest first (limit + 1 rows). */
export async function customerServiceHistory(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  customerId: string,
  query: { limit?: number | undefined },
  after: string | undefined,
) {
  await requireCustomer(db, orgId, customerId);
  const limit = query.limit ?? 25;
  const keyset = await afterCursor(db, orgId, after, 'startsAt', true);
  const own = await ownTechnicianId(db, principal);
  return db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.customerId, customerId),
        eq(appointments.status, 'completed'),
        // A technician sees only their own work, here as in the appointment list.
        own ? eq(appointments.technicianId, own) : undefined,
        keyset,
      ),
    )
    .orderBy(desc(appointments.startsAt), desc(appointments.id))
    .limit(limit + 1);
}

export async function customerUpcomingAppointments(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  customerId: string,
) {
  await requireCustomer(db, orgId, customerId);
  const own = await ownTechnicianId(db, principal);
  return db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.customerId, customerId),
        own ? eq(appointments.technicianId, own) : undefined,
        inArray(appointments.status, [...activeStatuses]),
        gte(appointments.endsAt, sql`now()`),
      ),
    )
    .orderBy(asc(appointments.startsAt))
    .limit(100);
}

/** The dispatch board: per active technician, working hours, time off and appointments over the days asked. */
export async function calendarView(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  query: Query<'getCalendarView'>,
) {
  checkDayWindow(query);
  const org = await orgOf(db, orgId);
  const timeZone = query.timeZone ?? org.timeZone;
  const start = localToInstant(timeZone, query.from, 0);
  const end = localToInstant(timeZone, addDays(query.to, 1), 0);
  const own = await ownTechnicianId(db, principal);
  const technicianFilter = own ?? query.technicianId;
  const lanes = await db
    .select()
    .from(technicians)
    .where(
      and(
        eq(technicians.orgId, orgId),
        eq(technicians.active, true),
        technicianFilter ? eq(technicians.id, technicianFilter) : undefined,
      ),
    )
    .orderBy(asc(technicians.name), asc(technicians.id));
  const ids = lanes.map((t) => t.id);
  // Three queries for the whole board, whatever the number of technicians or days.
  const [booked, absences, overrides] =
    ids.length === 0
      ? [[], [], []]
      : await Promise.all([
          db
            .select()
            .from(appointments)
            .where(
              and(
                inArray(appointments.technicianId, ids),
                inArray(appointments.status, [...activeStatuses, 'completed']),
                lt(appointments.startsAt, new Date(end)),
                gt(appointments.endsAt, new Date(start)),
              ),
            )
            .orderBy(asc(appointments.startsAt)),
          db
            .select()
            .from(timeOff)
            .where(
              and(
                inArray(timeOff.technicianId, ids),
                lt(timeOff.startsAt, new Date(end)),
                gt(timeOff.endsAt, new Date(start)),
              ),
            )
            .orderBy(asc(timeOff.startsAt)),
          db
            .select()
            .from(scheduleOverrides)
            .where(
              and(
                inArray(scheduleOverrides.technicianId, ids),
                gte(scheduleOverrides.date, addDays(query.from, -1)),
                lte(scheduleOverrides.date, addDays(query.to, 1)),
              ),
            ),
        ]);
  return {
    timeZone,
    lanes: lanes.map((tech) => ({
      technician: tech,
      workingHours: workingHoursBetween(
        {
          id: tech.id,
          timeZone: tech.timeZone,
          weeklyHours: isoWeeklyHours(tech.weeklyHours),
          overrides: overrides
            .filter((o) => o.technicianId === tech.id)
            .map((o) => ({ date: o.date, hours: o.hours })),
        },
        start,
        end,
      ),
      timeOff: absences.filter((a) => a.technicianId === tech.id),
      appointments: booked.filter((a) => a.technicianId === tech.id),
    })),
  };
}

async function requireCustomer(db: Db, orgId: string, customerId: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  if (!row) throw new ApiError('not_found');
}
