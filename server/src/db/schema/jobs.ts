import { jobStatuses } from '@crewkit/sdk/enums';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { createdAt, oneOf, updatedAt } from './columns.js';
import { type CustomerAddress, customers } from './customers.js';

// Jobs: work orders, which visits (appointments) belong to
export { jobStatuses };
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
    check('jobs_status_check', oneOf(t.status, jobStatuses)),
  ],
);
