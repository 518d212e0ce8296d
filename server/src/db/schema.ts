import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  timeZone: text('time_zone').notNull(),
  currency: text('currency').notNull(),
  locale: text('locale').notNull(),
  minimumNoticeMinutes: integer('minimum_notice_minutes').notNull().default(120),
  horizonDays: integer('horizon_days').notNull().default(60),
  slotStepMinutes: integer('slot_step_minutes').notNull().default(30),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const roles = ['owner', 'admin', 'dispatcher', 'technician'] as const;
export type Role = (typeof roles)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    passwordHash: text('password_hash').notNull(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Login is by email alone, so an email belongs to one user across the whole server.
    uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
    index('users_org_idx').on(t.orgId, t.id),
    check('users_role_check', sql`${t.role} in ('owner', 'admin', 'dispatcher', 'technician')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    refreshHash: text('refresh_hash').notNull().unique(),
    // The token this one replaced: presenting it again shortly after rotation is a lost response
    // being retried; later it means the token was stolen.
    previousRefreshHash: text('previous_refresh_hash'),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_previous_idx').on(t.previousRefreshHash), index('sessions_user_idx').on(t.userId)],
);

export const apiKeyKinds = ['secret', 'publishable'] as const;
export type ApiKeyKind = (typeof apiKeyKinds)[number];

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<ApiKeyKind>().notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    rotatedFrom: uuid('rotated_from'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('api_keys_org_idx').on(t.orgId, t.id),
    check('api_keys_kind_check', sql`${t.kind} in ('secret', 'publishable')`),
  ],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state').$type<'in_progress' | 'completed'>().notNull(),
    responseStatus: integer('response_status'),
    // Encrypted (AES-256-GCM): replayed responses can hold secrets, such as a new API key.
    responseBody: text('response_body'),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] }), index('idempotency_created_idx').on(t.createdAt)],
);

// ── Service catalog ─────────────────────────────────────────────────────────────────────────────

export const serviceCategories = pgTable(
  'service_categories',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // No cascade: deleting a category that still has children is refused (409), not rippled.
    parentId: uuid('parent_id').references((): AnyPgColumn => serviceCategories.id),
    name: text('name').notNull(),
    description: text('description'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('service_categories_org_idx').on(t.orgId, t.parentId)],
);

export interface RequiredSkill {
  skill: string;
  minProficiency: number;
}

export const serviceItems = pgTable(
  'service_items',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    categoryId: uuid('category_id').references(() => serviceCategories.id),
    name: text('name').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    requiredSkills: jsonb('required_skills').$type<RequiredSkill[]>().notNull().default([]),
    basePriceMinor: integer('base_price_minor').notNull(),
    minimumNoticeMinutes: integer('minimum_notice_minutes'),
    horizonDays: integer('horizon_days'),
    active: boolean('active').notNull().default(true),
    public: boolean('public').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('service_items_org_idx').on(t.orgId, t.id),
    index('service_items_category_idx').on(t.categoryId),
  ],
);

export const pricingTiers = pgTable(
  'pricing_tiers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => serviceItems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    priceMinor: integer('price_minor').notNull(),
    validFrom: date('valid_from').notNull(),
    // Inclusive last day; null = open-ended. Overlaps are refused by an exclusion constraint
    // (migration 0003), so two tiers can never both be "in force" on one day.
    validTo: date('valid_to'),
    createdAt: createdAt(),
  },
  (t) => [
    index('pricing_tiers_item_idx').on(t.itemId, t.validFrom),
    check('pricing_tiers_range_check', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);

// ── Technicians ─────────────────────────────────────────────────────────────────────────────────

export interface TechnicianSkill {
  skill: string;
  proficiency: number;
}
export interface Certification {
  name: string;
  expiresOn?: string | null;
}
export interface LocalTimeRange {
  start: string;
  end: string;
}
export const weekdays = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof weekdays)[number];
export type WeeklyHours = Partial<Record<Weekday, LocalTimeRange[]>>;

export const technicians = pgTable(
  'technicians',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .unique()
      .references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    // Hours are wall-clock times in this zone, so they survive daylight-saving changes.
    timeZone: text('time_zone').notNull(),
    active: boolean('active').notNull().default(true),
    skills: jsonb('skills').$type<TechnicianSkill[]>().notNull().default([]),
    certifications: jsonb('certifications').$type<Certification[]>().notNull().default([]),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyHours>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('technicians_org_idx').on(t.orgId, t.id)],
);

export const scheduleOverrides = pgTable(
  'schedule_overrides',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id, { onDelete: 'cascade' }),
    date: date('date').notNull(),
    hours: jsonb('hours').$type<LocalTimeRange[]>().notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.technicianId, t.date] })],
);

export const timeOff = pgTable(
  'time_off',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('time_off_technician_idx').on(t.technicianId, t.startsAt),
    check('time_off_range_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

// ── Reservations: every stretch of a technician's time that is taken ──────────────────────────

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

// ── Appointments ────────────────────────────────────────────────────────────────────────────────

export type AppointmentStatusValue =
  | 'requested'
  | 'scheduled'
  | 'en_route'
  | 'in_progress'
  | 'paused'
  | 'completed'
  | 'cancelled'
  | 'no_show';

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
    assignedTechnicianReason: text('assignment_reason').notNull(),
    rescheduledFromId: uuid('rescheduled_from_id'),
    rescheduledToId: uuid('rescheduled_to_id'),
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
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('appointment_history_idx').on(t.appointmentId, t.id)],
);

// ── Customers ───────────────────────────────────────────────────────────────────────────────────

export interface CustomerAddress {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    address: jsonb('address').$type<CustomerAddress>(),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One customer per email in an organization, in any letter case. Bookings find their customer
    // by email, and findOrCreateCustomer's INSERT … ON CONFLICT relies on this index under races.
    uniqueIndex('customers_email_unique').on(t.orgId, sql`lower(${t.email})`),
    index('customers_org_idx').on(t.orgId, t.id),
  ],
);

export const customerContacts = pgTable(
  'customer_contacts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** How the contact relates to the customer, e.g. "tenant" or "property manager". */
    role: text('role'),
    email: text('email'),
    phone: text('phone'),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customer_contacts_customer_idx').on(t.customerId, t.id),
    // At most one primary contact per customer, whatever the races above.
    uniqueIndex('customer_contacts_one_primary').on(t.customerId).where(sql`${t.isPrimary}`),
  ],
);

export const communicationChannels = ['email', 'sms', 'phone'] as const;
export type CommunicationChannel = (typeof communicationChannels)[number];

/** One row per customer whose preferences were set; a missing row means the defaults. */
export const customerPreferences = pgTable(
  'customer_preferences',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    preferredTechnicianId: uuid('preferred_technician_id').references(() => technicians.id, {
      onDelete: 'set null',
    }),
    communicationChannels: text('communication_channels')
      .array()
      .$type<CommunicationChannel[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    specialInstructions: text('special_instructions'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customer_preferences_technician_idx').on(t.preferredTechnicianId),
    check(
      'customer_preferences_channels_check',
      sql`${t.communicationChannels} <@ array['email', 'sms', 'phone']::text[]`,
    ),
  ],
);
