import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { customers } from '../db/schema.js';
import { newId } from '../lib/ids.js';

export type CustomerRow = typeof customers.$inferSelect;

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
    if (inserted) return { customer: inserted, created: true };
  }
  throw new Error(`findOrCreateCustomer: could not settle a customer for ${details.email}`);
}
