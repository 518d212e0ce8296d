import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { appointments, customers, scheduleOverrides, technicians, timeOff } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { workingHoursBetween } from '../scheduling/availability.js';
import { addDays, localToInstant } from '../scheduling/time.js';
import { checkDayWindow, isoWeeklyHours } from '../services/scheduling.js';
import { activeStatuses } from '../services/workflow.js';
import { afterCursor, orgOf, ownTechnicianId, toAppointment } from './appointments.js';

/** Read-only views over appointments: a customer's history and upcoming work, the dispatch calendar. */
export const appointmentViewHandlers = {
  async getCustomerServiceHistory(c, { params, query }) {
    await requireCustomer(c.var.db, params.orgId, params.customerId);
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const keyset = await afterCursor(c.var.db, params.orgId, after, 'startsAt', true);
    const own = await ownTechnicianId(c);
    const rows = await c.var.db
      .select()
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, params.orgId),
          eq(appointments.customerId, params.customerId),
          eq(appointments.status, 'completed'),
          // A technician sees only their own work, here as in the appointment list.
          own ? eq(appointments.technicianId, own) : undefined,
          keyset,
        ),
      )
      .orderBy(desc(appointments.startsAt), desc(appointments.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toAppointment), 200);
  },

  async getCustomerUpcomingAppointments(c, { params }) {
    await requireCustomer(c.var.db, params.orgId, params.customerId);
    const own = await ownTechnicianId(c);
    const rows = await c.var.db
      .select()
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, params.orgId),
          eq(appointments.customerId, params.customerId),
          own ? eq(appointments.technicianId, own) : undefined,
          inArray(appointments.status, [...activeStatuses]),
          gte(appointments.endsAt, sql`now()`),
        ),
      )
      .orderBy(asc(appointments.startsAt))
      .limit(100);
    return c.json({ data: rows.map(toAppointment) }, 200);
  },

  async getCalendarView(c, { params, query }) {
    checkDayWindow(query);
    const org = await orgOf(c.var.db, params.orgId);
    const timeZone = query.timeZone ?? org.timeZone;
    const start = localToInstant(timeZone, query.from, 0);
    const end = localToInstant(timeZone, addDays(query.to, 1), 0);
    const own = await ownTechnicianId(c);
    const technicianFilter = own ?? query.technicianId;
    const lanes = await c.var.db
      .select()
      .from(technicians)
      .where(
        and(
          eq(technicians.orgId, params.orgId),
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
            c.var.db
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
            c.var.db
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
            c.var.db
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
    return c.json(
      {
        timeZone,
        from: query.from,
        to: query.to,
        lanes: lanes.map((tech) => ({
          technician: { id: tech.id, name: tech.name, timeZone: tech.timeZone },
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
          ).map((span) => ({
            start: new Date(span.start).toISOString(),
            end: new Date(span.end).toISOString(),
          })),
          timeOff: absences
            .filter((a) => a.technicianId === tech.id)
            .map((a) => ({ start: iso(a.startsAt), end: iso(a.endsAt), reason: a.reason })),
          appointments: booked.filter((a) => a.technicianId === tech.id).map(toAppointment),
        })),
      },
      200,
    );
  },
} satisfies HandlerTable;

async function requireCustomer(db: Db, orgId: string, customerId: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  if (!row) throw new ApiError('not_found');
}
