/**
 * Every kind of domain event the outbox carries. The same names are the outbound webhooks' `type`
 * and the live stream's message names; capabilities add theirs here as they land.
 */
export const domainEventTypes = [
  'appointment.created',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.status_changed',
  'appointment.technician_assigned',
  'customer.created',
  'customer.updated',
] as const;

export type DomainEventType = (typeof domainEventTypes)[number];

/** One recorded event, as the dispatcher hands it to consumers. */
export interface DomainEvent {
  /** `evt_…`: the same on every delivery of this event. */
  id: string;
  orgId: string;
  type: DomainEventType;
  /** The id of the record the event is about. */
  subject: string;
  data: Record<string, unknown>;
  occurredAt: Date;
  seq: number;
}
