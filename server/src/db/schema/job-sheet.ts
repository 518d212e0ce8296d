import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { appointments } from './booking.js';
import { createdAt, updatedAt } from './columns.js';

/**
 * The job sheet: what happened on one visit. Labour time is derived from the appointment's status
 * history; this row holds only what a person corrected by hand.
 */
export const jobSheets = pgTable('job_sheets', {
  appointmentId: uuid('appointment_id')
    .primaryKey()
    .references(() => appointments.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  travelMinutesOverride: integer('travel_minutes_override'),
  workMinutesOverride: integer('work_minutes_override'),
  correctionReason: text('correction_reason'),
  correctedBy: text('corrected_by'),
  updatedAt: updatedAt(),
});

export const noteAuthorKinds = ['technician', 'office'] as const;
export const noteVisibilities = ['internal', 'customer'] as const;

export const jobSheetNotes = pgTable(
  'job_sheet_notes',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    authorKind: text('author_kind').$type<(typeof noteAuthorKinds)[number]>().notNull(),
    author: text('author').notNull(),
    visibility: text('visibility').$type<(typeof noteVisibilities)[number]>().notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('job_sheet_notes_appointment_idx').on(t.appointmentId, t.id)],
);

/** A ticked (or unticked) line of the service item's checklist, by the line's key. */
export const jobSheetChecks = pgTable(
  'job_sheet_checks',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    done: boolean('done').notNull(),
    checkedBy: text('checked_by').notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appointmentId, t.key] })],
);

export const attachmentKinds = ['photo', 'file'] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

/** A photo or file on a visit. The bytes live in storage under `storageKey`, never in the database. */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<AttachmentKind>().notNull(),
    fileName: text('file_name').notNull(),
    /** Sniffed from the bytes, never taken from the client. */
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    width: integer('width'),
    height: integer('height'),
    caption: text('caption'),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_appointment_idx').on(t.appointmentId, t.id)],
);

/** The customer's sign-off; capturing again replaces it (the history keeps the earlier hash in the audit log). */
export const signatures = pgTable('signatures', {
  appointmentId: uuid('appointment_id')
    .primaryKey()
    .references(() => appointments.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  signerName: text('signer_name').notNull(),
  /** The drawn image in storage; null when the signer typed their name instead. */
  imageKey: text('image_key'),
  signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
  /** SHA-256 of the sheet's content at signing (see sheetDigest). */
  sheetHash: text('sheet_hash').notNull(),
  capturedBy: text('captured_by').notNull(),
});

/** The organization's parts list: what technicians pick from when recording parts used. */
export const parts = pgTable(
  'parts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    unitCostMinor: integer('unit_cost_minor').notNull(),
    unitPriceMinor: integer('unit_price_minor').notNull(),
    taxCode: text('tax_code'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('parts_sku_unique').on(t.orgId, sql`lower(${t.sku})`),
    index('parts_org_idx').on(t.orgId, t.id),
  ],
);

/**
 * A part used on a visit: from the parts list (its sku, name, prices and tax code copied, so a later
 * price change does not rewrite a finished job) or free text.
 */
export const partsUsed = pgTable(
  'parts_used',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    partId: uuid('part_id').references(() => parts.id, { onDelete: 'set null' }),
    sku: text('sku'),
    name: text('name').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3, mode: 'number' }).notNull(),
    unitCostMinor: integer('unit_cost_minor'),
    unitPriceMinor: integer('unit_price_minor'),
    taxCode: text('tax_code'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('parts_used_appointment_idx').on(t.appointmentId, t.id),
    check('parts_used_quantity_check', sql`${t.quantity} > 0`),
  ],
);
