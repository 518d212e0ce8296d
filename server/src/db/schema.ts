/**
 * The database schema, one file per capability under `schema/` (drizzle-kit reads this barrel, and
 * code imports tables from here). Objects that exist only in SQL — `schedule_versions`, its
 * triggers and the booking functions — are listed in docs/architecture.md.
 */
export * from './schema/access.js';
export * from './schema/ascora.js';
export * from './schema/audit.js';
export * from './schema/booking.js';
export * from './schema/catalog.js';
export * from './schema/customers.js';
export * from './schema/events.js';
export * from './schema/invoicing.js';
export * from './schema/jobs.js';
export * from './schema/technicians.js';
export * from './schema/webhooks.js';
