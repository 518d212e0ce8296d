import type { components } from '@crewkit/sdk/openapi';
import type { customerContacts, customerPreferences, customers } from '../db/schema.js';
import { iso } from '../lib/time.js';
import type { AscoraLink } from './ascora-links.js';

type Schemas = components['schemas'];

/**
 * With `links` (the answer of `ascoraLinks` for a page or one record) the customer carries its
 * Ascora link, null when it has none; without, it carries none (event payloads).
 */
export function toCustomer(
  row: typeof customers.$inferSelect,
  links?: ReadonlyMap<string, AscoraLink>,
): Schemas['Customer'] {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    address: row.address,
    notes: row.notes,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    ...(links ? { ascora: links.get(row.id) ?? null } : {}),
  };
}

export function toContact(row: typeof customerContacts.$inferSelect): Schemas['CustomerContact'] {
  return {
    id: row.id,
    customerId: row.customerId,
    name: row.name,
    role: row.role,
    email: row.email,
    phone: row.phone,
    isPrimary: row.isPrimary,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** A customer whose preferences were never set gets the defaults. */
export function toPreferences(
  row: typeof customerPreferences.$inferSelect | undefined,
): Schemas['CustomerPreferences'] {
  return {
    preferredTechnicianId: row?.preferredTechnicianId ?? null,
    communicationChannels: row?.communicationChannels ?? [],
    specialInstructions: row?.specialInstructions ?? null,
  };
}
