import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { pushPayments } from '../server/src/ascora/accounting.js';
import { clientFor, requireConnection } from '../server/src/ascora/connection.js';
import { resolveConflict } from '../server/src/ascora/manual.js';
import { runSync, SyncAbortedError } from '../server/src/ascora/sync.js';
import {
  type AscoraConflictStrategy,
  ascoraConflicts,
  ascoraMappings,
  customers,
  invoices,
  payments,
} from '../server/src/db/schema.js';
import { newId } from '../server/src/lib/ids.js';
import { type AscoraTest, localHashes, remoteHashes, setupAscora } from './ascora-support.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

async function editBothSides(test: AscoraTest) {
  const [remote] = [...test.fake.store.customers.values()];
  const db = test.t.database.db;
  const [mapping] = await db
    .select()
    .from(ascoraMappings)
    .where(eq(ascoraMappings.ascoraId, remote!.customerId));
  return {
    remoteId: remote!.customerId,
    localId: mapping!.localId,
    async localEdit(at: Date) {
      await db
        .update(customers)
        .set({ name: 'Name From Crewkit', updatedAt: at })
        .where(eq(customers.id, mapping!.localId));
    },
    remoteEdit() {
      test.fake.store.updateCustomer(remote!.customerId, { customerName: 'Name From Ascora' });
    },
    async names() {
      const [row] = await db.select().from(customers).where(eq(customers.id, mapping!.localId));
      return { local: row!.name, remote: test.fake.store.customers.get(remote!.customerId)!.customerName };
    },
  };
}

describe('Ascora conflicts', () => {
  const cases: [AscoraConflictStrategy, 'past' | 'future', string][] = [
    ['local_wins', 'past', 'Name From Crewkit'],
    ['remote_wins', 'future', 'Name From Ascora'],
    ['newest_wins', 'future', 'Name From Crewkit'],
    ['newest_wins', 'past', 'Name From Ascora'],
  ];
  for (const [strategy, when, winner] of cases) {
    it(`settles a record changed on both sides with ${strategy} (local edit in the ${when}) as "${winner}"`, async () => {
      a = await setupAscora({ seed: { customers: 5 }, strategy });
      await runSync(a.deps, a.org.orgId);
      const record = await editBothSides(a);
      await record.localEdit(new Date(Date.now() + (when === 'future' ? 60_000 : -60_000)));
      record.remoteEdit();
      const result = await runSync(a.deps, a.org.orgId);
      expect(result.counts.conflicts).toBe(1);
      expect(await record.names()).toEqual({ local: winner, remote: winner });
      // Settled means settled: the next run finds nothing to do.
      const next = await runSync(a.deps, a.org.orgId);
      expect(next.counts).toMatchObject({ created: 0, updated: 0, conflicts: 0 });
    });
  }

  it('queues a conflict under the manual strategy and applies a field-by-field resolution to both sides', async () => {
    a = await setupAscora({ seed: { customers: 5 }, strategy: 'manual' });
    await runSync(a.deps, a.org.orgId);
    const record = await editBothSides(a);
    await record.localEdit(new Date());
    record.remoteEdit();
    await runSync(a.deps, a.org.orgId);
    expect(await record.names()).toEqual({ local: 'Name From Crewkit', remote: 'Name From Ascora' });
    const [conflict] = await a.t.database.db
      .select()
      .from(ascoraConflicts)
      .where(eq(ascoraConflicts.status, 'open'));
    expect(conflict!.fields).toEqual(['name']);
    // A second sync refreshes the queued conflict instead of queueing another or pushing over it.
    await runSync(a.deps, a.org.orgId);
    expect(await a.t.database.db.select().from(ascoraConflicts)).toHaveLength(1);
    expect(await record.names()).toEqual({ local: 'Name From Crewkit', remote: 'Name From Ascora' });

    await resolveConflict(a.deps, a.org.orgId, conflict!.id, { name: 'local' });
    expect(await record.names()).toEqual({ local: 'Name From Crewkit', remote: 'Name From Crewkit' });
    const after = await runSync(a.deps, a.org.orgId);
    expect(after.counts).toMatchObject({ updated: 0, conflicts: 0 });
  });
});

describe('Ascora sync under failure', () => {
  it('converges with 20% server errors, 429 bursts and timeouts, losing and duplicating nothing', async () => {
    a = await setupAscora({ seed: { customers: 600, jobs: 600 } });
    a.deps.pageSize = 50;
    a.deps.clientOptions = {
      retry: { limit: 8, initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 },
      timeouts: { listMs: 300, writeMs: 300, probeMs: 300, accountingMs: 300 },
    };
    Object.assign(a.fake.faults, {
      errorRate: 0.2,
      rateLimitPerSecond: 40,
      timeoutRate: 0.03,
      timeoutMs: 1_000,
    });
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await runSync(a.deps, a.org.orgId);
        break;
      } catch (error) {
        // A run that gives up is what the job queue retries; it must resume, not restart.
        if (attempts > 20) throw error;
      }
    }
    Object.assign(a.fake.faults, { errorRate: 0, rateLimitPerSecond: null, timeoutRate: 0 });
    const local = await localHashes(a);
    const remote = remoteHashes(a.fake);
    expect(local.customers).toEqual(remote.customers);
    expect(local.jobs).toEqual(remote.jobs);
    const all = await a.t.database.db.select().from(customers).where(eq(customers.orgId, a.org.orgId));
    expect(all).toHaveLength(600);
  });

  it('resumes a sync killed midway from its last page without losing or duplicating records', async () => {
    a = await setupAscora({ seed: { customers: 500, jobs: 100 } });
    a.deps.pageSize = 50;
    const stop = new AbortController();
    let pages = 0;
    const realFetch = globalThis.fetch;
    a.deps.signal = stop.signal;
    a.deps.clientOptions = {
      ...a.deps.clientOptions,
      fetch: (input, init) => {
        if (
          String(input instanceof Request ? input.url : input).includes('/Customers/Customers') &&
          ++pages === 4
        )
          stop.abort();
        return realFetch(input, init);
      },
    };
    await expect(runSync(a.deps, a.org.orgId)).rejects.toBeInstanceOf(SyncAbortedError);
    const partial = await a.t.database.db.select().from(customers).where(eq(customers.orgId, a.org.orgId));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(500);

    delete a.deps.signal;
    a.deps.clientOptions = { ...a.deps.clientOptions, fetch: realFetch };
    a.deps.staleRunMs = 0; // the killed process left no heartbeat behind
    const requestsBefore = a.fake.requestCount;
    const resumed = await runSync(a.deps, a.org.orgId);
    expect(resumed.runId).toBeDefined();
    const local = await localHashes(a);
    expect(local.customers).toEqual(remoteHashes(a.fake).customers);
    expect(local.jobs).toEqual(remoteHashes(a.fake).jobs);
    // It continued from the checkpoint: fewer than the 10 customer pages were fetched again.
    expect(a.fake.requestCount - requestsBefore).toBeLessThan(10 + 2 + 4 + 2);
  });
});

describe('Ascora accounting queues', () => {
  it('applies each queued invoice and payment exactly once and marks each as sent', async () => {
    a = await setupAscora({ seed: { customers: 10, jobs: 10, invoices: 8, payments: 5 } });
    const first = await runSync(a.deps, a.org.orgId);
    expect(first.counts.failed).toBe(0);
    const db = a.t.database.db;
    expect(await db.select().from(invoices).where(eq(invoices.orgId, a.org.orgId))).toHaveLength(8);
    expect(await db.select().from(payments).where(eq(payments.orgId, a.org.orgId))).toHaveLength(5);
    expect(a.fake.store.invoiceQueue.size).toBe(0);
    expect(a.fake.store.paymentQueue.size).toBe(0);
    expect(new Set(a.fake.store.markedInvoiceIds).size).toBe(8);

    // A crash between applying and marking: the same invoices come back and are applied again harmlessly.
    for (const id of a.fake.store.invoices.keys()) a.fake.store.invoiceQueue.add(id);
    await runSync(a.deps, a.org.orgId);
    expect(await db.select().from(invoices).where(eq(invoices.orgId, a.org.orgId))).toHaveLength(8);
    expect(await db.select().from(payments).where(eq(payments.orgId, a.org.orgId))).toHaveLength(5);
  });

  it('pushes a payment recorded in Crewkit with CreatePayment once', async () => {
    a = await setupAscora({ seed: { customers: 3, jobs: 3, invoices: 2 } });
    await runSync(a.deps, a.org.orgId);
    const db = a.t.database.db;
    const [invoice] = await db.select().from(invoices).where(eq(invoices.orgId, a.org.orgId));
    await db.insert(payments).values({
      id: newId(),
      orgId: a.org.orgId,
      invoiceId: invoice!.id,
      amountMinor: 12_345,
      paidOn: '2026-03-01',
      method: 'card',
      origin: 'local',
      pushState: 'pending',
    });
    const client = clientFor(a.deps, await requireConnection(db, a.org.orgId));
    const now = a.t.services.now;
    await Promise.all([
      pushPayments(db, client, a.org.orgId, now),
      pushPayments(db, client, a.org.orgId, now),
    ]);
    await runSync(a.deps, a.org.orgId);
    expect(a.fake.store.createdPayments).toHaveLength(1);
    expect(a.fake.store.createdPayments[0]).toMatchObject({
      invoiceNumber: invoice!.number,
      paymentAmount: 123.45,
    });
  });
});
