/**
 * `newest_wins` without a modification time from Ascora (issue #16 §8): an Ascora change found by a
 * sync is dated at the previous sync, the earliest it can have been made; one announced by a
 * webhook at the webhook's arrival. See AscoraConflictStrategy in openapi.yaml.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../server/src/ascora/sync.js';
import { processWebhook } from '../server/src/ascora/worker.js';
import { ascoraMappings, customers } from '../server/src/db/schema.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

async function oneRecord(test: AscoraTest) {
  const [remote] = [...test.fake.store.customers.values()];
  const db = test.t.database.db;
  const [mapping] = await db
    .select()
    .from(ascoraMappings)
    .where(eq(ascoraMappings.ascoraId, remote!.customerId));
  return {
    remoteId: remote!.customerId,
    editInCrewkit: (at: Date) =>
      db
        .update(customers)
        .set({ name: 'Name From Crewkit', updatedAt: at })
        .where(eq(customers.id, mapping!.localId)),
    editInAscora: () =>
      test.fake.store.updateCustomer(remote!.customerId, { customerName: 'Name From Ascora' }),
    async names() {
      const [row] = await db.select().from(customers).where(eq(customers.id, mapping!.localId));
      return { local: row!.name, remote: test.fake.store.customers.get(remote!.customerId)!.customerName };
    },
  };
}

describe('newest_wins when Ascora gives no modification time', () => {
  it('lets a Crewkit edit made after an Ascora edit that no webhook announced win', async () => {
    a = await setupAscora({ seed: { customers: 3 }, strategy: 'newest_wins' });
    await runSync(a.deps, a.org.orgId);
    const record = await oneRecord(a);
    record.editInAscora();
    await record.editInCrewkit(new Date(a.t.services.now()));
    await runSync(a.deps, a.org.orgId);
    expect(await record.names()).toEqual({ local: 'Name From Crewkit', remote: 'Name From Crewkit' });
  });

  it('lets an Ascora edit announced by a webhook after the Crewkit edit win', async () => {
    a = await setupAscora({ seed: { customers: 3 }, strategy: 'newest_wins' });
    await runSync(a.deps, a.org.orgId);
    const record = await oneRecord(a);
    const crewkitEditAt = a.t.services.now();
    await record.editInCrewkit(new Date(crewkitEditAt));
    record.editInAscora();
    await processWebhook(
      a.deps,
      a.org.orgId,
      { kind: 'customer', id: record.remoteId },
      new Date(crewkitEditAt + 1000),
    );
    expect(await record.names()).toEqual({ local: 'Name From Ascora', remote: 'Name From Ascora' });
  });
});
