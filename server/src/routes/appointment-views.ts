import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import {
  calendarView,
  customerServiceHistory,
  customerUpcomingAppointments,
} from '../services/booking/views.js';
import { toAppointment } from './appointments.js';

/** Read-only views over appointments: a customer's history and upcoming work, the dispatch calendar. */
export const appointmentViewHandlers = {
  async getCustomerServiceHistory(c, { params, query }) {
    const rows = await customerServiceHistory(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.customerId,
      query,
      decodeCursor(query.cursor),
    );
    return c.json(toPage(rows, query.limit ?? 25, toAppointment), 200);
  },

  async getCustomerUpcomingAppointments(c, { params }) {
    const rows = await customerUpcomingAppointments(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.customerId,
    );
    return c.json({ data: rows.map((row) => toAppointment(row)) }, 200);
  },

  async getCalendarView(c, { params, query }) {
    const board = await calendarView(c.var.db, c.var.principal, params.orgId, query);
    return c.json(
      {
        timeZone: board.timeZone,
        from: query.from,
        to: query.to,
        lanes: board.lanes.map((lane) => ({
          technician: {
            id: lane.technician.id,
            name: lane.technician.name,
            timeZone: lane.technician.timeZone,
          },
          workingHours: lane.workingHours.map((span) => ({
            start: new Date(span.start).toISOString(),
            end: new Date(span.end).toISOString(),
          })),
          timeOff: lane.timeOff.map((a) => ({
            start: iso(a.startsAt),
            end: iso(a.endsAt),
            reason: a.reason,
          })),
          appointments: lane.appointments.map((row) => toAppointment(row)),
        })),
      },
      200,
    );
  },
} satisfies HandlerTable;
