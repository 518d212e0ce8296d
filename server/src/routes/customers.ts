import type { components } from '@crewkit/sdk/openapi';
import { and, asc, count, desc, eq, gt, ilike, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { customerContacts, customerPreferences, customers, technicians } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import type { CustomerRow } from '../services/customers.js';

type Schemas = components['schemas'];
type ContactRow = typeof customerContacts.$inferSelect;
type PreferencesRow = typeof customerPreferences.$inferSelect;

/** Contacts are listed without pages, so a customer may have only this many. */
export const maxContactsPerCustomer = 100;

export function toCustomer(row: CustomerRow): Schemas['Customer'] {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    address: row.address,
    notes: row.notes,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function toContact(row: ContactRow): Schemas['CustomerContact'] {
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
function toPreferences(row: PreferencesRow | undefined): Schemas['CustomerPreferences'] {
  return {
    preferredTechnicianId: row?.preferredTechnicianId ?? null,
    communicationChannels: row?.communicationChannels ?? [],
    specialInstructions: row?.specialInstructions ?? null,
  };
}

/** `q` as an ILIKE substring pattern: the user's `%`, `_` and `\` match themselves. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
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

export const customerHandlers = {
  async listCustomers(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const pattern = query.q === undefined ? undefined : containsPattern(query.q);
    const rows = await c.var.db
      .select()
      .from(customers)
      .where(
        and(
          eq(customers.orgId, params.orgId),
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
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toCustomer), 200);
  },

  async createCustomer(c, { params, body }) {
    try {
      const [row] = await c.var.db
        .insert(customers)
        .values({
          id: newId(),
          orgId: params.orgId,
          name: body.name,
          email: body.email ?? null,
          phone: body.phone ?? null,
          address: body.address ?? null,
          notes: body.notes ?? null,
        })
        .returning();
      return c.json(toCustomer(row!), 201, {
        location: `/api/v1/organizations/${params.orgId}/customers/${row!.id}`,
      });
    } catch (error) {
      rethrowEmailTaken(error);
    }
  },

  async getCustomer(c, { params }) {
    return c.json(toCustomer(await findCustomer(c.var.db, params.orgId, params.customerId)), 200);
  },

  async updateCustomer(c, { params, body }) {
    let row: CustomerRow | undefined;
    try {
      [row] = await c.var.db
        .update(customers)
        .set({ ...body, updatedAt: sql`now()` })
        .where(and(eq(customers.orgId, params.orgId), eq(customers.id, params.customerId)))
        .returning();
    } catch (error) {
      rethrowEmailTaken(error);
    }
    if (!row) throw new ApiError('not_found');
    return c.json(toCustomer(row), 200);
  },

  async deleteCustomer(c, { params }) {
    try {
      // Contacts and preferences go with the customer (ON DELETE CASCADE).
      const deleted = await c.var.db
        .delete(customers)
        .where(and(eq(customers.orgId, params.orgId), eq(customers.id, params.customerId)))
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
    return c.body(null, 204);
  },

  async listCustomerContacts(c, { params }) {
    const customer = await findCustomer(c.var.db, params.orgId, params.customerId);
    const rows = await c.var.db
      .select()
      .from(customerContacts)
      .where(and(eq(customerContacts.orgId, params.orgId), eq(customerContacts.customerId, customer.id)))
      .orderBy(desc(customerContacts.isPrimary), asc(customerContacts.id))
      .limit(maxContactsPerCustomer);
    return c.json({ data: rows.map(toContact) }, 200);
  },

  async createCustomerContact(c, { params, body }) {
    const row = await c.var.db.transaction(async (tx) => {
      const customer = await findCustomer(tx, params.orgId, params.customerId, true);
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
          orgId: params.orgId,
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
    return c.json(toContact(row), 201);
  },

  async updateCustomerContact(c, { params, body }) {
    const row = await c.var.db.transaction(async (tx) => {
      const customer = await findCustomer(tx, params.orgId, params.customerId, true);
      const where = and(
        eq(customerContacts.orgId, params.orgId),
        eq(customerContacts.customerId, customer.id),
        eq(customerContacts.id, params.contactId),
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
    return c.json(toContact(row), 200);
  },

  async deleteCustomerContact(c, { params }) {
    const deleted = await c.var.db
      .delete(customerContacts)
      .where(
        and(
          eq(customerContacts.orgId, params.orgId),
          eq(customerContacts.customerId, params.customerId),
          eq(customerContacts.id, params.contactId),
        ),
      )
      .returning({ id: customerContacts.id });
    if (deleted.length === 0) throw new ApiError('not_found');
    return c.body(null, 204);
  },

  async getCustomerPreferences(c, { params }) {
    const customer = await findCustomer(c.var.db, params.orgId, params.customerId);
    const [row] = await c.var.db
      .select()
      .from(customerPreferences)
      .where(
        and(eq(customerPreferences.orgId, params.orgId), eq(customerPreferences.customerId, customer.id)),
      );
    return c.json(toPreferences(row), 200);
  },

  async replaceCustomerPreferences(c, { params, body }) {
    const customer = await findCustomer(c.var.db, params.orgId, params.customerId);
    await requireTechnician(c.var.db, params.orgId, body.preferredTechnicianId);
    const values = {
      preferredTechnicianId: body.preferredTechnicianId,
      communicationChannels: body.communicationChannels,
      specialInstructions: body.specialInstructions,
    };
    try {
      const [row] = await c.var.db
        .insert(customerPreferences)
        .values({ customerId: customer.id, orgId: params.orgId, ...values })
        .onConflictDoUpdate({
          target: customerPreferences.customerId,
          set: { ...values, updatedAt: sql`now()` },
        })
        .returning();
      return c.json(toPreferences(row), 200);
    } catch (error) {
      // The customer or the technician was deleted between the checks above and the write.
      if (pgErrorCode(error) === pgErrors.foreignKeyViolation) {
        await requireTechnician(c.var.db, params.orgId, body.preferredTechnicianId);
        throw new ApiError('not_found');
      }
      throw error;
    }
  },
} satisfies HandlerTable;
