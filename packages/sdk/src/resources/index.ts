import { apiKeys } from './api-keys.js';
import { appointments } from './appointments.js';
import { ascora } from './ascora.js';
import { auditLog } from './audit-log.js';
import { auth } from './auth.js';
import { availability } from './availability.js';
import type { Resource } from './context.js';
import { customers } from './customers.js';
import { holds } from './holds.js';
import { invoices } from './invoices.js';
import { jobs } from './jobs.js';
import { organizations } from './organizations.js';
import { services } from './services.js';
import { technicians } from './technicians.js';
import { users } from './users.js';
import { calendarFeeds, webhooks } from './webhooks.js';

/** Every namespace of the client: a new one is a file of one-liners plus a line here. */
export const resources = {
  organizations,
  auth,
  users,
  apiKeys,
  services,
  technicians,
  availability,
  holds,
  appointments,
  customers,
  ascora,
  jobs,
  invoices,
  auditLog,
  webhooks,
  calendarFeeds,
} satisfies Record<string, Resource>;
