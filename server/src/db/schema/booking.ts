import type { appointmentStatuses } from '@crewkit/sdk/enums';
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { serviceItems } from './catalog.js';
import { createdAt, updatedAt } from './columns.js';
import { type CustomerAddress, customers } from './customers.js';
import { jobs } from './jobs.js';
import { technicians } from './technicians.js';

// Reservations: every stretch of a technician's time that is taken
export const reservationKinds = ['hold', 'appointment'] as const;
export type ReservationKind = (typeof reservationKinds)[number];

/**
 * Appointments and slot holds both take a technician's time, buffers included, so both live here
 * under ONE exclusion constraint (migration 0006): the database itself refuses any overlap between
 * two live reservations of one technician, whatever races happen above it.
 */
export const reservations = pgTable(
  'reservations',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<ReservationKind>().notNull(),
    /** Start of the blocked time: the appointment's start minus its buffer before. */
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** End of the blocked time: the appointment's end plus its buffer after. */
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    serviceItemId: uuid('service_item_id').references(() => serviceItems.id, { onDelete: 'set null' }),
    /** Who holds a hold (publishable key and client address), for per-client limits. */
    holderKey: text('holder_key'),
    /** When a hold lapses; null for appointments. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('reservations_live_idx').on(t.orgId, t.startsAt).where(sql`${t.releasedAt} is null`),
    index('reservations_holder_idx')
      .on(t.holderKey)
      .where(sql`${t.kind} = 'hold' and ${t.releasedAt} is null`),
    check('reservations_range_check', sql`${t.endsAt} > ${t.startsAt}`),
    check('reservations_kind_check', sql`${t.kind} in ('hold', 'appointment')`),
  ],
);

// Appointments
export type AppointmentStatusValue = (typeof appointmentStatuses)[number];

/** Where the visit happens: the customer's address unless the booking or an edit said otherwise. */
export interface SiteAddress extends CustomerAddress {
  latitude?: number;
  longitude?: number;
  /** Gate codes, parking, the dog: what the technician needs to get in. */
  accessNotes?: string;
}

/** Who to ask for on site, when it is not the customer themselves (a tenant, a site manager). */
export interface VisitContact {
  name: string;
  phone?: string;
  email?: string;
}

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    reference: text('reference').notNull(),
    status: text('status').$type<AppointmentStatusValue>().notNull(),
    serviceItemId: uuid('service_item_id')
      .notNull()
      .references(() => serviceItems.id),
    // No cascade: a customer with appointments cannot be deleted (409), their history stays.
    customerId: uuid('customer_id')
      .notNull()
      .references((): AnyPgColumn => customers.id),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id),
    /** The technician's time this appointment holds; released when it ends, is cancelled or moved. */
    reservationId: uuid('reservation_id')
      .notNull()
      .unique()
      .references(() => reservations.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull(),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull(),
    /** The price in force when it was booked, kept even if the catalog changes later. */
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    notes: text('notes'),
    /** Office-only notes: never shown to the customer. */
    internalNotes: text('internal_notes'),
    /** Filled from the customer's address on insert when none is given (trigger, migration 0019). */
    siteAddress: jsonb('site_address').$type<SiteAddress>(),
    visitContact: jsonb('visit_contact').$type<VisitContact>(),
    assignedTechnicianReason: text('assignment_reason').notNull(),
    rescheduledFromId: uuid('rescheduled_from_id'),
    rescheduledToId: uuid('rescheduled_to_id'),
    /** The work order this visit belongs to, if any (Ascora jobs map onto work orders, not visits). */
    jobId: uuid('job_id').references((): AnyPgColumn => jobs.id, { onDelete: 'set null' }),
    rating: integer('rating'),
    feedback: text('feedback'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('appointments_reference_unique').on(t.orgId, t.reference),
    index('appointments_org_start_idx').on(t.orgId, t.startsAt),
    index('appointments_technician_idx').on(t.technicianId, t.startsAt),
    index('appointments_customer_idx').on(t.customerId, t.startsAt),
  ],
);

export const appointmentHistory = pgTable(
  'appointment_history',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status').$type<AppointmentStatusValue>(),
    toStatus: text('to_status').$type<AppointmentStatusValue>().notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    /** For an edit that kept the status: which fields it changed. */
    changedFields: text('changed_fields').array(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('appointment_history_idx').on(t.appointmentId, t.id)],
);
