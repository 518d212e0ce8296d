/**
 * "Customers sharing an email" (issue #16 §6): an Ascora business whose sites and billing customer
 * use the owner's email syncs whole — every customer and every job — on every sync, and an edit
 * made in Crewkit to a site does not take the email away from it in Ascora.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../server/src/ascora/sync.js';
import { customers, jobs } from '../server/src/db/schema.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

describe('Ascora customers sharing one email', () => {
  it('all sync, with their jobs, and stay synced', async () => {
    a = await setupAscora();
    const email = 'owner@harbour-cafes.example';
    const owner = a.fake.store.createCustomer({ customerName: 'Harbour Cafes Pty Ltd', emailAddress: email });
    const sites = ['Harbour Cafe Manly', 'Harbour Cafe Bondi', 'Harbour Cafe Cronulla'].map((name) =>
      a!.fake.store.createCustomer({
        customerName: name,
        emailAddress: 'Owner@Harbour-Cafes.example',
        billingCustomer: { id: owner.customerId, name: owner.customerName },
      }),
    );
    for (const site of sites) {
      a.fake.store.createJob({
        siteCustomer: { id: site.customerId, name: site.customerName },
        billingCustomer: { id: owner.customerId, name: owner.customerName },
      });
    }

    const first = await runSync(a.deps, a.org.orgId);
    expect(first.counts).toMatchObject({ created: 7, failed: 0 });
    const db = a.t.database.db;
    const rows = await db.select().from(customers).where(eq(customers.orgId, a.org.orgId));
    expect(rows.map((row) => row.name).sort()).toEqual(
      ['Harbour Cafe Bondi', 'Harbour Cafe Cronulla', 'Harbour Cafe Manly', 'Harbour Cafes Pty Ltd'].sort(),
    );
    // One Crewkit customer holds the email; the sites are there without it.
    expect(rows.filter((row) => row.email === email)).toHaveLength(1);
    expect(await db.select().from(jobs).where(eq(jobs.orgId, a.org.orgId))).toHaveLength(3);

    const again = await runSync(a.deps, a.org.orgId);
    expect(again.counts).toEqual({ created: 0, updated: 0, skipped: 7, conflicts: 0, failed: 0 });

    const [site] = await db
      .select()
      .from(customers)
      .where(
        and(
          eq(customers.orgId, a.org.orgId),
          eq(customers.name, 'Harbour Cafe Bondi'),
          isNull(customers.email),
        ),
      );
    await db
      .update(customers)
      .set({ phone: '02 9999 0000', updatedAt: new Date(a.t.services.now() + 1000) })
      .where(eq(customers.id, site!.id));
    const pushed = await runSync(a.deps, a.org.orgId);
    expect(pushed.counts).toMatchObject({ updated: 1, failed: 0 });
    const remoteSite = [...a.fake.store.customers.values()].find(
      (c) => c.customerName === 'Harbour Cafe Bondi',
    );
    expect(remoteSite).toMatchObject({
      phoneNumber: '02 9999 0000',
      emailAddress: 'Owner@Harbour-Cafes.example',
    });
  });
});
