import type { components } from '@crewkit/sdk/openapi';
import { and, asc, count, desc, eq, gt, ilike, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { customerContacts, customerPreferences, customers, technicians } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { customerEvent } from '../events/records.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor } from '../lib/pagination.js';
import type { Input } from '../openapi/handlers.js';

type Schemas = components['schemas'];
export type CustomerRow = typeof customers.$inferSelect;
type ContactRow = typeof customerContacts.$inferSelect;
type PreferencesRow = typeof customerPreferences.$inferSelect;

/** Contacts are listed without pages, so a customer may have only this many. */
export const maxContactsPerCustomer = 100;

/** `q` as an ILIKE substring pattern: the user's `%`, `_` and `\` match themselves. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface CustomerDetails {
  name: string;
  email: string;
  phone?: string | null;
}

/** The organization's customer with this email, in any letter case. */
export async function findCustomerByEmail(
  db: Db,
  orgId: string,
  email: string,
): Promise<CustomerRow | undefined> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), sql`lower(${customers.email}) = lower(${email})`))
    .limit(1);
  return row;
}

/**
 * The customer a booking is for: the organization's customer with this email (in any letter
 * case), or a new one made from `details`. An existing customer is returned as it is: its name and
 * phone are not overwritten by what a booking form sent.
 *
 * Safe under concurrency: the insert is `ON CONFLICT DO NOTHING` against the unique index on
 * (org_id, lower(email)), so two simultaneous calls with one email end with one customer, and the
 * loser finds the winner's row. No statement fails, so this may run inside a caller's transaction
 * (at READ COMMITTED, the default: a REPEATABLE READ snapshot could not see the winner's row).
 */
export async function findOrCreateCustomer(
  db: Db,
  orgId: string,
  details: CustomerDetails,
  now: number = Date.now(),
): Promise<{ customer: CustomerRow; created: boolean }> {
  // A row can vanish between our statements (deleted concurrently); a few rounds settle it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await findCustomerByEmail(db, orgId, details.email);
    if (existing) return { customer: existing, created: false };
    const [inserted] = await db
      .insert(customers)
      .values({
        id: newId(),
        orgId,
        name: details.name,
        email: details.email,
        phone: details.phone ?? null,
      })
      // The id is a fresh UUIDv7, so the only conflict possible is the email index.
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await recordEvent(db, customerEvent('customer.created', inserted), now);
      return { customer: inserted, created: true };
    }
  }
  throw new Error(`findOrCreateCustomer: could not settle a customer for ${details.email}`);
}

/**
 * The customer, or 404. `lock` takes the row for the rest of the transaction, which serialises
 * changes to one customer's contacts (the primary-contact swap and the contact count).
 */
async function findCustomer(db: Db, orgId: string, customerId: string, lock = false): Promise<CustomerRow> {
  const query = db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  const [row] = lock ? await query.for('no key update') : await query;
  if (!row) throw new ApiError('not_found');
  return row;
}

function rethrowEmailTaken(error: unknown): never {
  if (pgErrorCode(error) === pgErrors.uniqueViolation) {
    throw new ApiError('conflict', {
      detail: 'Another customer of this organization has this email.',
      errors: [{ path: 'body.email', message: 'is already used by another customer' }],
    });
  }
  throw error;
}

async function requireTechnician(db: Db, orgId: string, technicianId: string | null): Promise<void> {
  if (!technicianId) return;
  const [row] = await db
    .select({ id: technicians.id })
    .from(technicians)
    .where(and(eq(technicians.orgId, orgId), eq(technicians.id, technicianId)));
  if (!row) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.preferredTechnicianId', message: 'is not a technician of this organization' }],
    });
  }
}

/** Makes the customer's current primary contact (other than `keep`) an ordinary one. */
async function clearPrimary(db: Db, customerId: string, keep?: string): Promise<void> {
  await db
    .update(customerContacts)
    .set({ isPrimary: false, updatedAt: sql`now()` })
    .where(
      and(
        eq(customerContacts.customerId, customerId),
        eq(customerContacts.isPrimary, true),
        keep ? ne(customerContacts.id, keep) : undefined,
      ),
    );
}

/** One page of customers, fetched with one extra row to tell whether another page exists. */
export async function listCustomers(
  db: Db,
  orgId: string,
  filter: Input<'listCustomers'>['query'],
): Promise<CustomerRow[]> {
  const after = decodeCursor(filter.cursor);
  const pattern = filter.q === undefined ? undefined : containsPattern(filter.q);
  return db
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.orgId, orgId),
        after ? gt(customers.id, after) : undefined,
        pattern
          ? or(
              ilike(customers.name, pattern),
              ilike(customers.email, pattern),
              ilike(customers.phone, pattern),
            )
          : undefined,
      ),
    )
    .orderBy(asc(customers.id))
    .limit(filter.limit + 1);
}

export async function createCustomer(
  db: Db,
  orgId: string,
  body: Schemas['CustomerCreate'],
  now: number = Date.now(),
): Promise<CustomerRow> {
  let row: CustomerRow | undefined;
  try {
    [row] = await db
      .insert(customers)
      .values({
        id: newId(),
        orgId,
        name: body.name,
        email: body.email ?? null,
        phone: body.phone ?? null,
        address: body.address ?? null,
        notes: body.notes ?? null,
      })
      .returning();
  } catch (error) {
    rethrowEmailTaken(error);
  }
  await recordEvent(db, customerEvent('customer.created', row!), now);
  return row!;
}

export async function getCustomer(db: Db, orgId: string, customerId: string): Promise<CustomerRow> {
  return findCustomer(db, orgId, customerId);
}

export async function updateCustomer(
  db: Db,
  orgId: string,
  customerId: string,
  body: Schemas['CustomerUpdate'],
  now: number = Date.now(),
): Promise<CustomerRow> {
  let row: CustomerRow | undefined;
  try {
    [row] = await db
      .update(customers)
      .set({ ...body, updatedAt: sql`now()` })
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)))
      .returning();
  } catch (error) {
    rethrowEmailTaken(error);
  }
  if (!row) throw new ApiError('not_found');
  await recordEvent(db, customerEvent('customer.updated', row), now);
  return row;
}

export async function deleteCustomer(db: Db, orgId: string, customerId: string): Promise<void> {
  try {
    // Contacts and preferences go with the customer (ON DELETE CASCADE).
    const deleted = await db
      .delete(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)))
      .returning({ id: customers.id });
    if (deleted.length === 0) throw new ApiError('not_found');
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.foreignKeyViolation) {
      throw new ApiError('conflict', {
        detail: 'Other records (such as appointments) still refer to this customer.',
      });
    }
    throw error;
  }
}

/** The customer's contacts, the primary one first. */
export async function listContacts(db: Db, orgId: string, customerId: string): Promise<ContactRow[]> {
  const customer = await findCustomer(db, orgId, customerId);
  return db
    .select()
    .from(customerContacts)
    .where(and(eq(customerContacts.orgId, orgId), eq(customerContacts.customerId, customer.id)))
    .orderBy(desc(customerContacts.isPrimary), asc(customerContacts.id))
    .limit(maxContactsPerCustomer);
}

export async function createContact(
  db: Db,
  orgId: string,
  customerId: string,
  body: Schemas['CustomerContactCreate'],
): Promise<ContactRow> {
  return db.transaction(async (tx) => {
    const customer = await findCustomer(tx, orgId, customerId, true);
    const [existing] = await tx
      .select({ n: count() })
      .from(customerContacts)
      .where(eq(customerContacts.customerId, customer.id));
    if ((existing?.n ?? 0) >= maxContactsPerCustomer) {
      throw new ApiError('conflict', {
        detail: `A customer has at most ${maxContactsPerCustomer} contacts; remove one first.`,
      });
    }
    if (body.isPrimary) await clearPrimary(tx, customer.id);
    const [inserted] = await tx
      .insert(customerContacts)
      .values({
        id: newId(),
        orgId,
        customerId: customer.id,
        name: body.name,
        role: body.role ?? null,
        email: body.email ?? null,
        phone: body.phone ?? null,
        isPrimary: body.isPrimary ?? false,
      })
      .returning();
    return inserted!;
  });
}

export async function updateContact(
  db: Db,
  orgId: string,
  customerId: string,
  contactId: string,
  body: Schemas['CustomerContactUpdate'],
): Promise<ContactRow> {
  return db.transaction(async (tx) => {
    const customer = await findCustomer(tx, orgId, customerId, true);
    const where = and(
      eq(customerContacts.orgId, orgId),
      eq(customerContacts.customerId, customer.id),
      eq(customerContacts.id, contactId),
    );
    const [current] = await tx.select({ id: customerContacts.id }).from(customerContacts).where(where);
    if (!current) throw new ApiError('not_found');
    if (body.isPrimary) await clearPrimary(tx, customer.id, current.id);
    const [updated] = await tx
      .update(customerContacts)
      .set({ ...body, updatedAt: sql`now()` })
      .where(where)
      .returning();
    return updated!;
  });
}

export async function deleteContact(db: Db, orgId: string, customerId: string, contactId: string) {
  const deleted = await db
    .delete(customerContacts)
    .where(
      and(
        eq(customerContacts.orgId, orgId),
        eq(customerContacts.customerId, customerId),
        eq(customerContacts.id, contactId),
      ),
    )
    .returning({ id: customerContacts.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}

/** The stored preferences; undefined when they were never set. */
export async function getPreferences(
  db: Db,
  orgId: string,
  customerId: string,
): Promise<PreferencesRow | undefined> {
  const customer = await findCustomer(db, orgId, customerId);
  const [row] = await db
    .select()
    .from(customerPreferences)
    .where(and(eq(customerPreferences.orgId, orgId), eq(customerPreferences.customerId, customer.id)));
  return row;
}

export async function replacePreferences(
  db: Db,
  orgId: string,
  customerId: string,
  body: Schemas['CustomerPreferences'],
): Promise<PreferencesRow | undefined> {
  const customer = await findCustomer(db, orgId, customerId);
  await requireTechnician(db, orgId, body.preferredTechnicianId);
  const values = {
    preferredTechnicianId: body.preferredTechnicianId,
    communicationChannels: body.communicationChannels,
    specialInstructions: body.specialInstructions,
  };
  try {
    const [row] = await db
      .insert(customerPreferences)
      .values({ customerId: customer.id, orgId, ...values })
      .onConflictDoUpdate({
        target: customerPreferences.customerId,
        set: { ...values, updatedAt: sql`now()` },
      })
      .returning();
    return row;
  } catch (error) {
    // The customer or the technician was deleted between the checks above and the write.
    if (pgErrorCode(error) === pgErrors.foreignKeyViolation) {
      await requireTechnician(db, orgId, body.preferredTechnicianId);
      throw new ApiError('not_found');
    }
    throw error;
  }
}
