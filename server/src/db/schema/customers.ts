import { communicationChannels } from '@crewkit/sdk/enums';
import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { allOf, createdAt, updatedAt } from './columns.js';
import { technicians } from './technicians.js';

// Customers
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

export { communicationChannels };
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
    check('customer_preferences_channels_check', allOf(t.communicationChannels, communicationChannels)),
  ],
);
