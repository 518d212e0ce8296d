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
import { organizations } from './access.js';
import { appointments } from './booking.js';
import { serviceCategories, serviceItems } from './catalog.js';
import { createdAt, oneOf, updatedAt } from './columns.js';
import { type CustomerAddress, customers } from './customers.js';
import { jobs } from './jobs.js';
import { technicians } from './technicians.js';

// Invoices, credit notes, payments, tax settings and invoice numbering

export const invoiceKinds = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof invoiceKinds)[number];
export const invoiceStatuses = ['draft', 'issued', 'part_paid', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];
/** `ascora`: pulled from Ascora's accounting queue and read-only here; `local`: made in Crewkit. */
export type InvoiceSource = 'local' | 'ascora';

/** A tax's total on one document, as printed: kept on the invoice so an issued one never changes. */
export interface InvoiceTaxTotal {
  taxCode: string;
  name: string;
  ratePpm: number;
  netMinor: number;
  taxMinor: number;
}

export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<InvoiceKind>().notNull().default('invoice'),
    source: text('source').$type<InvoiceSource>().notNull().default('local'),
    status: text('status').$type<InvoiceStatus>().notNull().default('draft'),
    /** Null while a draft: numbers are given at issue, so a deleted draft leaves no gap. */
    number: text('number'),
    /** The number's place in the organization's sequence for this kind (local documents only). */
    sequenceNumber: integer('sequence_number'),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    customerId: uuid('customer_id').references(() => customers.id),
    appointmentId: uuid('appointment_id').references(() => appointments.id, { onDelete: 'set null' }),
    /** For a credit note: the issued invoice it corrects. */
    creditedInvoiceId: uuid('credited_invoice_id').references((): AnyPgColumn => invoices.id),
    issuedOn: date('issued_on'),
    dueOn: date('due_on'),
    currency: text('currency').notNull(),
    pricesIncludeTax: boolean('prices_include_tax').notNull().default(false),
    taxRounding: text('tax_rounding').$type<'line' | 'invoice'>().notNull().default('line'),
    totalExTaxMinor: integer('total_ex_tax_minor').notNull(),
    totalTaxMinor: integer('total_tax_minor').notNull().default(0),
    /** Null for Ascora's invoices, whose queue carries amounts without tax. */
    totalIncTaxMinor: integer('total_inc_tax_minor'),
    taxes: jsonb('taxes').$type<InvoiceTaxTotal[]>().notNull().default([]),
    serviceAddress: jsonb('service_address').$type<CustomerAddress>(),
    notes: text('notes'),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('invoices_org_idx').on(t.orgId, t.id),
    index('invoices_number_idx').on(t.orgId, t.number),
    index('invoices_org_issued_idx').on(t.orgId, t.issuedOn),
    // The overdue-reminder sweep reads only unpaid invoices by due date, across organizations.
    index('invoices_unpaid_due_idx').on(t.dueOn).where(sql`${t.status} in ('issued', 'part_paid')`),
    // The database, not the code, guarantees a number is never given twice.
    uniqueIndex('invoices_sequence_unique')
      .on(t.orgId, t.kind, t.sequenceNumber)
      .where(sql`${t.sequenceNumber} is not null`),
    check('invoices_kind_check', oneOf(t.kind, invoiceKinds)),
    check('invoices_status_check', oneOf(t.status, invoiceStatuses)),
  ],
);

/**
 * The last number given per organization and kind. Issuing increments the row in the issuing
 * transaction: the row lock makes concurrent issuers (on any instance) take turns, and a rolled-back
 * issue rolls its increment back too, so the sequence neither skips nor repeats.
 */
export const invoiceNumberCounters = pgTable(
  'invoice_number_counters',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<InvoiceKind>().notNull(),
    lastValue: integer('last_value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.kind] })],
);

export interface TaxRateSetting {
  code: string;
  name: string;
  /** Percent as text ("10", "8.875"), so no rate is ever a float. */
  ratePercent: string;
}

export interface TaxLocationRule {
  country: string;
  region?: string | null;
  taxCode: string;
}

/** One row per organization that has set its tax up; without one, the defaults in the service apply. */
export const taxSettings = pgTable('tax_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  taxName: text('tax_name').notNull(),
  taxId: text('tax_id'),
  pricesIncludeTax: boolean('prices_include_tax').notNull(),
  rounding: text('rounding').$type<'line' | 'invoice'>().notNull(),
  rates: jsonb('rates').$type<TaxRateSetting[]>().notNull(),
  defaultTaxCode: text('default_tax_code').notNull(),
  locationRules: jsonb('location_rules').$type<TaxLocationRule[]>().notNull().default([]),
  paymentTermsDays: integer('payment_terms_days').notNull(),
  paymentDetails: text('payment_details'),
  businessAddress: jsonb('business_address').$type<CustomerAddress>(),
  /** A PNG or JPEG as a data: URL, printed on the PDF. */
  logoDataUrl: text('logo_data_url'),
  invoicePrefix: text('invoice_prefix').notNull(),
  creditNotePrefix: text('credit_note_prefix').notNull(),
  updatedAt: updatedAt(),
});

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
    /** The unit price as entered (inclusive of tax when the invoice's prices are); null for Ascora's. */
    unitAmountMinor: integer('unit_amount_minor'),
    taxCode: text('tax_code'),
    taxRatePpm: integer('tax_rate_ppm'),
    taxMinor: integer('tax_minor').notNull().default(0),
    amountIncTaxMinor: integer('amount_inc_tax_minor'),
    /** What the line is for, kept as it was when written, for the revenue report. */
    serviceItemId: uuid('service_item_id').references(() => serviceItems.id, { onDelete: 'set null' }),
    categoryId: uuid('category_id').references(() => serviceCategories.id, { onDelete: 'set null' }),
    technicianId: uuid('technician_id').references(() => technicians.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('invoice_lines_position_unique').on(t.invoiceId, t.position),
    index('invoice_lines_org_idx').on(t.orgId),
  ],
);

export type PaymentKind = 'payment' | 'refund';
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
    /** Always positive; a refund's is the amount given back. */
    amountMinor: integer('amount_minor').notNull(),
    kind: text('kind').$type<PaymentKind>().notNull().default('payment'),
    /** The part of a payment beyond the balance, kept as the customer's credit (asked for explicitly). */
    creditMinor: integer('credit_minor').notNull().default(0),
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
