import { sql } from 'drizzle-orm';
import {
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { createdAt, updatedAt } from './columns.js';
import { jobs } from './jobs.js';

// Invoices and payments: the seed of the invoicing module
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
