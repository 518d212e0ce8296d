import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  doublePrecision,
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
    // The current refresh token, encrypted: a retry of the rotation within the grace period gets
    // this same token back, so simultaneous or retried refreshes never fork a second chain.
    refreshSealed: text('refresh_sealed'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_previous_idx').on(t.previousRefreshHash), index('sessions_user_idx').on(t.userId)],
);

/**
 * Every refresh token a session has rotated away from. One presented again (past the retry grace)
 * was copied by someone: the session it belongs to, the chain descended from one sign-in, ends.
 */
export const retiredRefreshTokens = pgTable(
  'retired_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    retiredAt: timestamp('retired_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('retired_refresh_tokens_session_idx').on(t.sessionId)],
);

/** Addresses a user has signed in from; the per-account failure limit spares them (see routes/auth.ts). */
export const signInAddresses = pgTable(
  'sign_in_addresses',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.address] })],
);

/**
 * Fixed-window request counters shared by every server instance (lib/rate-limiter.ts). `hits` may
 * run past the limit: instances reserve hits in blocks and work out what they were granted.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [index('rate_limit_counters_window_idx').on(t.windowEndsAt)],
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
    // Whose key it is: `key:<api key id>` or `session:<session id>`. Two callers in one organization
    // may pick the same key, and neither may see the other's response.
    scope: text('scope').notNull().default(''),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state').$type<'in_progress' | 'completed'>().notNull(),
    responseStatus: integer('response_status'),
    // Encrypted (AES-256-GCM): replayed responses can hold secrets, such as a new API key.
    responseBody: text('response_body'),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.scope, t.key] }),
    index('idempotency_created_idx').on(t.createdAt),
  ],
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

// ── Jobs: work orders, which visits (appointments) belong to ─────────────────────────────────────

export const jobStatuses = ['new', 'booked', 'in_progress', 'completed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * A job is the unit of work a customer pays for; appointments are its scheduled visits. Ascora jobs
 * carry no schedule, so they map 1:1 onto jobs rather than onto appointments.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Human reference, e.g. Ascora's `J3`. */
    number: text('number'),
    name: text('name').notNull(),
    description: text('description'),
    workUndertaken: text('work_undertaken'),
    status: text('status').$type<JobStatus>().notNull().default('new'),
    siteCustomerId: uuid('site_customer_id').references(() => customers.id),
    billingCustomerId: uuid('billing_customer_id').references(() => customers.id),
    address: jsonb('address').$type<CustomerAddress>(),
    totalExTaxMinor: integer('total_ex_tax_minor').notNull().default(0),
    totalIncTaxMinor: integer('total_inc_tax_minor').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('jobs_org_idx').on(t.orgId, t.id),
    index('jobs_site_customer_idx').on(t.siteCustomerId),
    check(
      'jobs_status_check',
      sql`${t.status} in ('new', 'booked', 'in_progress', 'completed', 'cancelled')`,
    ),
  ],
);

// ── Invoices and payments: the seed of the invoicing module ──────────────────────────────────────

export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    issuedOn: date('issued_on').notNull(),
    currency: text('currency').notNull(),
    totalExTaxMinor: integer('total_ex_tax_minor').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('invoices_org_idx').on(t.orgId, t.id), index('invoices_number_idx').on(t.orgId, t.number)],
);

export const invoiceLineTypes = ['material', 'labour', 'discount', 'none'] as const;
export type InvoiceLineType = (typeof invoiceLineTypes)[number];

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    itemCode: text('item_code'),
    description: text('description').notNull(),
    quantity: doublePrecision('quantity').notNull(),
    unitAmountExTaxMinor: integer('unit_amount_ex_tax_minor').notNull(),
    amountExTaxMinor: integer('amount_ex_tax_minor').notNull(),
    lineType: text('line_type').$type<InvoiceLineType>().notNull(),
  },
  (t) => [uniqueIndex('invoice_lines_position_unique').on(t.invoiceId, t.position)],
);

export type PaymentPushState = 'pending' | 'pushed' | 'failed';

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    amountMinor: integer('amount_minor').notNull(),
    paidOn: date('paid_on').notNull(),
    method: text('method').notNull(),
    reference: text('reference'),
    /** Where the payment was first recorded: here, or pulled from Ascora's payment queue. */
    origin: text('origin').$type<'local' | 'ascora'>().notNull(),
    /** The outbox for CreatePayment: local payments wait in `pending` until Ascora has them. */
    pushState: text('push_state').$type<PaymentPushState>(),
    pushAttempts: integer('push_attempts').notNull().default(0),
    pushError: text('push_error'),
    pushedAt: timestamp('pushed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_org_idx').on(t.orgId, t.id),
    index('payments_invoice_idx').on(t.invoiceId),
    index('payments_push_idx').on(t.orgId).where(sql`${t.pushState} = 'pending'`),
  ],
);

// ── Ascora integration ──────────────────────────────────────────────────────────────────────────

export const ascoraEntities = ['customer', 'job', 'invoice', 'payment'] as const;
export type AscoraEntity = (typeof ascoraEntities)[number];
export type AscoraDirection = 'pull' | 'push' | 'both';
export type AscoraConflictStrategy = 'local_wins' | 'remote_wins' | 'newest_wins' | 'manual';
export interface AscoraDirections {
  customers: AscoraDirection;
  jobs: AscoraDirection;
  invoices: 'pull';
  payments: AscoraDirection;
}

/** One connection per organization; a disconnected row keeps the history but not the key. */
export const ascoraConnections = pgTable('ascora_connections', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  status: text('status').$type<'connected' | 'disconnected'>().notNull(),
  baseUrl: text('base_url').notNull(),
  /** AES-256-GCM under a key derived from CREWKIT_SECRET; null once disconnected. */
  apiKeySealed: text('api_key_sealed'),
  /** sha256 of the secret in the webhook URL; the token itself is never stored. */
  webhookTokenHash: text('webhook_token_hash'),
  webhookSubscriptionIds: jsonb('webhook_subscription_ids').$type<string[]>().notNull().default([]),
  directions: jsonb('directions').$type<AscoraDirections>().notNull(),
  syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(60),
  conflictStrategy: text('conflict_strategy')
    .$type<AscoraConflictStrategy>()
    .notNull()
    .default('newest_wins'),
  connectedAt: timestamp('connected_at', { withTimezone: true }).notNull(),
  disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
  lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/**
 * Links a local row to its Ascora record. `syncedHash` is the hash of the shared fields as both sides
 * agreed at the last sync: a side whose current hash differs has changed since.
 */
export const ascoraMappings = pgTable(
  'ascora_mappings',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    ascoraId: text('ascora_id').notNull(),
    localId: uuid('local_id').notNull(),
    ascoraNumber: text('ascora_number'),
    syncedHash: text('synced_hash').notNull(),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.entity, t.ascoraId] }),
    uniqueIndex('ascora_mappings_local_unique').on(t.orgId, t.entity, t.localId),
  ],
);

/**
 * A record being created in Ascora right now. Ascora has no idempotency keys, so two pushes of one
 * record at once (a double click, a sync meeting a manual push, two server processes) would create
 * it twice. A create first takes this row, then reads the link again: whoever waited finds the
 * record linked and creates nothing. `expiresAt` frees the claim of a process that died holding it.
 */
export const ascoraPushClaims = pgTable(
  'ascora_push_claims',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    localId: uuid('local_id').notNull(),
    token: text('token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.entity, t.localId] })],
);

export type AscoraRunStatus = 'running' | 'completed' | 'failed';
export interface AscoraRunCounts {
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  failed: number;
}
/** Where an interrupted run picks up: the next page of this entity's stage. */
export interface AscoraCheckpoint {
  stage: string;
  page: number;
}

export const ascoraSyncRuns = pgTable(
  'ascora_sync_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    trigger: text('trigger').$type<'manual' | 'schedule' | 'webhook' | 'connect'>().notNull(),
    status: text('status').$type<AscoraRunStatus>().notNull(),
    checkpoint: jsonb('checkpoint').$type<AscoraCheckpoint>(),
    totalPages: integer('total_pages'),
    counts: jsonb('counts').$type<AscoraRunCounts>().notNull(),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('ascora_sync_runs_org_idx').on(t.orgId, t.id),
    // At most one live run per organization, whichever process tries to start another.
    uniqueIndex('ascora_sync_runs_one_running').on(t.orgId).where(sql`${t.status} = 'running'`),
  ],
);

export const ascoraSyncFailures = pgTable(
  'ascora_sync_failures',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => ascoraSyncRuns.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    ascoraId: text('ascora_id'),
    localId: uuid('local_id'),
    /** The latest reason: a retry that fails again replaces it. */
    reason: text('reason').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Last retried on its own (`POST …/failures/{id}/retry`). */
    retriedAt: timestamp('retried_at', { withTimezone: true }),
    /** Set when a retry synced the record; a resolved failure is not retried again. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('ascora_sync_failures_run_idx').on(t.runId, t.id)],
);

export const ascoraConflicts = pgTable(
  'ascora_conflicts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    localId: uuid('local_id').notNull(),
    ascoraId: text('ascora_id').notNull(),
    fields: text('fields').array().notNull(),
    local: jsonb('local').$type<Record<string, unknown>>().notNull(),
    remote: jsonb('remote').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
    resolution: jsonb('resolution').$type<Record<string, 'local' | 'remote'>>(),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('ascora_conflicts_org_idx').on(t.orgId, t.id),
    // One open conflict per record: a later sync refreshes it instead of queueing another.
    uniqueIndex('ascora_conflicts_open_unique')
      .on(t.orgId, t.entity, t.localId)
      .where(sql`${t.status} = 'open'`),
  ],
);

/** Webhook deliveries already seen, so a duplicate delivery is acknowledged without work. */
export const ascoraWebhookReceipts = pgTable(
  'ascora_webhook_receipts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    digest: text('digest').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.digest] })],
);
