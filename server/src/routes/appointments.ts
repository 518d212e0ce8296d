import type { components } from '@crewkit/sdk/openapi';
import { appointmentLinks } from '../ascora/links.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { clientAddress } from '../openapi/pipeline.js';
import { toAppointment } from '../serializers/appointments.js';
import { updateAppointment } from '../services/booking/edit.js';
import type { AppointmentRow } from '../services/booking/rules.js';
import type { Caller } from '../services/booking/service.js';
import { findAppointment } from '../services/booking/service.js';
import { appointmentHistoryOf, listAppointments } from '../services/booking/views.js';
import { transitions } from '../services/workflow.js';

export { toAppointment };

type Schemas = components['schemas'];

/**
 * A new appointment as its booker sees it. A publishable key is anyone with a booking form, so it
 * never learns whether the email it sent matched a customer, nor who: no customer id, and no site
 * but the one it sent (without one, the visit goes to the customer's address on file, which is not
 * the form's to see).
 */
function toBooked(
  row: AppointmentRow,
  principal: Principal,
  sent: Schemas['AppointmentCreate'],
): Schemas['Appointment'] {
  const { customerId, internalNotes, ...appointment } = toAppointment(row);
  if (principal.kind !== 'publishable_key') return { ...appointment, customerId, internalNotes };
  return { ...appointment, siteAddress: sent.siteAddress ? appointment.siteAddress : null };
}

/** Who asks, as booking counts holds: the credential and the client address. */
export function callerOf(c: AppContext): Caller {
  return { principal: c.var.principal!, address: clientAddress(c), audit: c.var.pendingAudit };
}

export const appointmentHandlers = {
  async createAppointment(c, { params, body }) {
    const { appointment: booked, notifications } = await c.var.services.booking.bookAndTell(
      c.var.db,
      callerOf(c),
      params.orgId,
      body,
    );
    return c.json({ ...toBooked(booked, c.var.principal!, body), notifications }, 201, {
      location: `/api/v1/organizations/${params.orgId}/appointments/${booked.id}`,
    });
  },

  async listAppointments(c, { params, query }) {
    const limit = query.limit ?? 25;
    const rows = await listAppointments(
      c.var.db,
      c.var.principal,
      params.orgId,
      query,
      decodeCursor(query.cursor),
    );
    const links = await appointmentLinks(
      c.var.db,
      params.orgId,
      rows.map((row) => row.appointment),
    );
    const page = toPage(
      rows.map((row) => ({ ...row, id: row.appointment.id })),
      limit,
      ({ appointment, customer }) => ({
        ...toAppointment(appointment, links),
        customer,
        allowedTransitions: [...transitions[appointment.status]],
      }),
    );
    return c.json(page, 200);
  },

  async getAppointment(c, { params }) {
    const row = await findAppointment(c.var.db, c.var.principal, params.orgId, params.appointmentId);
    return c.json(toAppointment(row, await appointmentLinks(c.var.db, params.orgId, [row])), 200);
  },

  async updateAppointment(c, { params, body }) {
    const row = await updateAppointment(c.var.db, c.var.principal, params.orgId, params.appointmentId, body);
    return c.json(toAppointment(row), 200);
  },

  async getAppointmentHistory(c, { params }) {
    const rows = await appointmentHistoryOf(c.var.db, c.var.principal, params.orgId, params.appointmentId);
    return c.json(
      {
        data: rows.map((h) => ({
          id: h.id,
          fromStatus: h.fromStatus,
          toStatus: h.toStatus,
          actor: h.actor,
          reason: h.reason,
          changedFields: h.changedFields,
          at: iso(h.at),
        })),
      },
      200,
    );
  },

  async changeAppointmentStatus(c, { params, body }) {
    const row = await c.var.services.booking.changeStatus(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toAppointment(row), 200);
  },

  async assignTechnician(c, { params, body }) {
    const row = await c.var.services.booking.assign(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
      c.var.pendingAudit,
    );
    return c.json(toAppointment(row), 200);
  },

  async rescheduleAppointment(c, { params, body }) {
    const row = await c.var.services.booking.reschedule(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
      c.var.pendingAudit,
    );
    return c.json(toAppointment(row), 201);
  },

  async recordAppointmentFeedback(c, { params, body }) {
    const row = await c.var.services.booking.recordFeedback(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toAppointment(row), 200);
  },
} satisfies HandlerTable;
