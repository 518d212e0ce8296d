import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { customerPreferences, customers } from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { findOrCreateCustomer } from '../customers.js';

/**
 * The customer a booking is for — an existing one by id, or one matched (or created) by email —
 * with the technician they prefer, which auto-assignment tries first.
 */
export async function resolveCustomer(
  db: Db,
  orgId: string,
  body: { customerId?: string | null; customer?: { name: string; email: string; phone?: string | null } },
  now: number = Date.now(),
): Promise<{ id: string; preferredTechnicianId: string | null }> {
  let customerId: string;
  if (body.customerId) {
    const [row] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.id, body.customerId)));
    if (!row) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.customerId', message: 'is not a customer of this organization' }],
      });
    }
    customerId = row.id;
  } else {
    const { customer, created } = await findOrCreateCustomer(db, orgId, body.customer!, now);
    // A customer made just now has no preferences yet: skip the read.
    if (created) return { id: customer.id, preferredTechnicianId: null };
    customerId = customer.id;
  }
  const [preferences] = await db
    .select({ preferredTechnicianId: customerPreferences.preferredTechnicianId })
    .from(customerPreferences)
    .where(eq(customerPreferences.customerId, customerId));
  return { id: customerId, preferredTechnicianId: preferences?.preferredTechnicianId ?? null };
}
