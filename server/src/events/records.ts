import type { customers } from '../db/schema.js';
import { toAppointment } from '../serializers/appointments.js';
import { toCustomer } from '../serializers/customers.js';
import type { AppointmentRow } from '../services/booking/rules.js';
import type { NewDomainEvent } from './outbox.js';
import type { DomainEventType } from './types.js';

/**
 * An appointment event: `data` is the appointment as the API shows it after the change, plus, for a
 * change, `previous` — what it changed from (the status; the technician; the old visit of a
 * reschedule) — so a subscriber needs no second request to say "moved from Tuesday to Thursday".
 */
export function appointmentEvent(
  type: Extract<DomainEventType, `appointment.${string}`>,
  row: AppointmentRow,
  previous?: Record<string, unknown>,
): NewDomainEvent {
  return {
    orgId: row.orgId,
    type,
    subject: row.id,
    data: { ...toAppointment(row), ...(previous ? { previous } : {}) },
  };
}

/** A customer event: `data` is the customer as the API shows it after the change. */
export function customerEvent(
  type: Extract<DomainEventType, `customer.${string}`>,
  row: typeof customers.$inferSelect,
): NewDomainEvent {
  return { orgId: row.orgId, type, subject: row.id, data: toCustomer(row) };
}
