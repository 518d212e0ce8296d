import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../server/src/ascora/sync.js';
import { ascoraSyncRuns, customers, jobs } from '../server/src/db/schema.js';
import { type AscoraTest, localHashes, remoteHashes, setupAscora } from './ascora-support.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

describe('Ascora sync against the fake over HTTP', () => {
  it('leaves identical customers and jobs on both sides after a first sync of 2,000 each', async () => {
    a = await setupAscora({ seed: { customers: 2000, jobs: 2000 } });
    const started = performance.now();
    const result = await runSync(a.deps, a.org.orgId);
    const seconds = (performance.now() - started) / 1000;
    expect(result.counts).toMatchObject({ created: 4000, failed: 0, conflicts: 0 });
    const local = await localHashes(a);
    const remote = remoteHashes(a.fake);
    expect(local.customers.size).toBe(2000);
    expect(local.jobs.size).toBe(2000);
    expect(local.customers).toEqual(remote.customers);
    expect(local.jobs).toEqual(remote.jobs);
    // Nothing was pushed back: the remote store is exactly what was seeded.
    expect(a.fake.store.customers.size).toBe(2000);
    expect(a.fake.store.jobs.size).toBe(2000);
    console.info(`first sync of 2,000 + 2,000: ${seconds.toFixed(2)} s`);

    const again = await runSync(a.deps, a.org.orgId);
    expect(again.counts).toEqual({ created: 0, updated: 0, skipped: 4000, conflicts: 0, failed: 0 });
  });

  it('carries a change made on each side to the other side', async () => {
    a = await setupAscora({ seed: { customers: 30, jobs: 30 } });
    await runSync(a.deps, a.org.orgId);
    const db = a.t.database.db;
    const [remoteCustomer, otherCustomer] = [...a.fake.store.customers.values()];
    a.fake.store.updateCustomer(remoteCustomer!.customerId, { customerName: 'Renamed In Ascora' });
    const [local] = await db
      .select()
      .from(customers)
      .where(eq(customers.email, otherCustomer!.emailAddress!));
    await db
      .update(customers)
      .set({ phone: '0400 000 111', updatedAt: new Date() })
      .where(eq(customers.id, local!.id));
    const [remoteJob] = [...a.fake.store.jobs.values()];
    a.fake.store.updateJob(remoteJob!.jobId, { jobName: 'Roof leak, second visit' });

    const result = await runSync(a.deps, a.org.orgId);
    expect(result.counts).toMatchObject({ updated: 3, created: 0, failed: 0, conflicts: 0 });
    const [renamed] = await db
      .select()
      .from(customers)
      .where(eq(customers.email, remoteCustomer!.emailAddress!));
    expect(renamed!.name).toBe('Renamed In Ascora');
    expect(a.fake.store.customers.get(otherCustomer!.customerId)!.phoneNumber).toBe('0400 000 111');
    const [job] = await db.select().from(jobs).where(eq(jobs.number, remoteJob!.jobNumber));
    expect(job!.name).toBe('Roof leak, second visit');
    const local2 = await localHashes(a);
    const remote2 = remoteHashes(a.fake);
    expect(local2.customers).toEqual(remote2.customers);
    expect(local2.jobs).toEqual(remote2.jobs);
  });

  it('pushes a customer created in Crewkit to Ascora once, however often it syncs', async () => {
    a = await setupAscora({ seed: { customers: 3 } });
    await a.t.database.db.insert(customers).values({
      id: '01900000-0000-7000-8000-000000000001',
      orgId: a.org.orgId,
      name: 'Local Only Pty Ltd',
      email: 'local@example.com',
    });
    const first = await runSync(a.deps, a.org.orgId);
    expect(first.counts.created).toBe(4);
    await runSync(a.deps, a.org.orgId);
    const pushed = [...a.fake.store.customers.values()].filter(
      (c) => c.customerName === 'Local Only Pty Ltd',
    );
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.emailAddress).toBe('local@example.com');
    const runs = await a.t.database.db
      .select()
      .from(ascoraSyncRuns)
      .where(eq(ascoraSyncRuns.orgId, a.org.orgId));
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
  });
});
