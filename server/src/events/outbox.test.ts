import { randomUUID } from 'node:crypto';
import { ascoraCustomerSchema } from '@crewkit/ascora';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookableOrg, bookableOrg, bookingFor } from '../../test-support/bookable-org.js';
import { createTestContext, type TestContext, testDatabaseKind } from '../../test-support/harness.js';
import { createServices } from '../app.js';
import { startJobQueue } from '../ascora/background.js';
import { applyCustomers } from '../ascora/records.js';
import { type Db, openDatabase, queryRows } from '../db/index.js';
import { createLogger } from '../logger.js';
import { dispatchQueue, EventDispatcher, registerConsumer } from './dispatcher.js';
import type { DomainEvent } from './types.js';

interface Row {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  occurred_at: string | Date;
  dispatched_at: string | Date | null;
}

const logger = createLogger({ level: 'silent' });

/** A consumer that writes one receipt per event it is handed, as real consumers write their deliveries. */
function receiptsConsumer(name: string, options: { failFirst?: number } = {}) {
  let failures = options.failFirst ?? 0;
  return {
    name,
    async handle(db: Db, events: DomainEvent[]) {
      for (const event of events) {
        await db.execute(
          sql`insert into test_event_receipts (event_id, consumer) values (${event.id}, ${name})
              on conflict do nothing`,
        );
      }
      // A crash after the consumer's rows were written but before the batch was marked dispatched.
      if (failures > 0) {
        failures -= 1;
        throw new Error('the worker died mid-dispatch');
      }
    },
  };
}

describe('the outbox', () => {
  let t: TestContext;
  let org: BookableOrg;
  let clock = Date.parse('2026-12-01T00:00:00Z');

  const eventsOf = async (orgId = org.orgId): Promise<Row[]> =>
    queryRows<Row>(
      t.database.db,
      sql`select id, type, subject, data, occurred_at, dispatched_at from domain_events
           where org_id = ${orgId} order by seq`,
    );
  const eventsAfter = async (before: Row[]) => {
    const seen = new Set(before.map((e) => e.id));
    return (await eventsOf()).filter((e) => !seen.has(e.id));
  };
  const post = (path: string, body: unknown) =>
    t.request('POST', `${org.base}${path}`, { token: org.secretKey, body });
  const setStatus = (id: string, body: { status: string; reason?: string }) =>
    t.request('PUT', `${org.base}/appointments/${id}/status`, { token: org.secretKey, body });

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock, queue: true });
    org = await bookableOrg(t, clock);
    await t.database.db.execute(
      sql`create table test_event_receipts (event_id text not null, consumer text not null, primary key (event_id, consumer))`,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records a new booking as customer.created and appointment.created, with the appointment as the API shows it', async () => {
    const before = await eventsOf();
    const booked = await post('/appointments', bookingFor(org, 1));
    expect(booked.status).toBe(201);
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['customer.created', booked.body.customerId],
      ['appointment.created', booked.body.id],
    ]);
    const shown = await t.request('GET', `${org.base}/appointments/${booked.body.id}`, {
      token: org.secretKey,
    });
    // The Ascora link is read state the API adds to a read; the event is the change alone.
    const { ascora: _link, ...appointment } = shown.body;
    expect(events[1]!.data).toEqual(appointment);
    expect(events[0]!.data).toMatchObject({ id: booked.body.customerId, email: 'visitor1@example.com' });
    expect(new Date(events[1]!.occurred_at).getTime()).toBe(clock);
    expect(events[1]!.id).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('records one event per change: status, reassignment, reschedule, cancellation, customer edits', async () => {
    const booked = (await post('/appointments', bookingFor(org, 2))).body;
    const before = await eventsOf();
    clock += 1000;
    expect((await setStatus(booked.id, { status: 'en_route' })).status).toBe(200);
    const other = org.technicianIds.find((id) => id !== booked.technicianId)!;
    expect((await post(`/appointments/${booked.id}/assign-technician`, { technicianId: other })).status).toBe(
      200,
    );
    const second = (await post('/appointments', bookingFor(org, 3))).body;
    const moved = await post(`/appointments/${second.id}/reschedule`, { start: org.slot(4) });
    expect(moved.status).toBe(201);
    expect((await setStatus(booked.id, { status: 'cancelled', reason: 'No longer needed' })).status).toBe(
      200,
    );
    const made = await post('/customers', { name: 'Ada', email: 'ada@example.com' });
    const edited = await t.request('PATCH', `${org.base}/customers/${made.body.id}`, {
      token: org.secretKey,
      body: { phone: '+61 400 000 000' },
    });
    expect(edited.status).toBe(200);

    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['appointment.status_changed', booked.id],
      ['appointment.technician_assigned', booked.id],
      ['customer.created', second.customerId],
      ['appointment.created', second.id],
      ['appointment.rescheduled', moved.body.id],
      ['appointment.cancelled', booked.id],
      ['customer.created', made.body.id],
      ['customer.updated', made.body.id],
    ]);
    const [status, assigned, , , rescheduled, cancelled, , updated] = events;
    expect(status!.data).toMatchObject({ status: 'en_route', previous: { status: 'scheduled' } });
    expect(assigned!.data).toMatchObject({
      technicianId: other,
      previous: { technicianId: booked.technicianId },
    });
    expect(rescheduled!.data).toMatchObject({
      start: org.slot(4),
      rescheduledFromId: second.id,
      previous: { id: second.id, start: second.start },
    });
    expect(cancelled!.data).toMatchObject({ status: 'cancelled', previous: { status: 'en_route' } });
    expect(updated!.data).toMatchObject({ phone: '+61 400 000 000' });
  });

  it('records nothing for a change that was refused', async () => {
    const booked = (await post('/appointments', bookingFor(org, 5))).body;
    await setStatus(booked.id, { status: 'cancelled' });
    await post('/customers', { name: 'Bo', email: 'bo@example.com' });
    const before = await eventsOf();
    // A cancelled visit cannot start, move or change hands; the slot it freed is free, but a
    // third booking of a slot both technicians hold is refused; an email in use cannot be taken.
    expect((await setStatus(booked.id, { status: 'in_progress' })).status).toBe(409);
    expect((await post(`/appointments/${booked.id}/reschedule`, { start: org.slot(6) })).status).toBe(409);
    await post('/appointments', bookingFor(org, 6, 7));
    await post('/appointments', bookingFor(org, 7, 7));
    const afterTwo = await eventsOf();
    expect((await post('/appointments', bookingFor(org, 8, 7))).status).toBe(409);
    const made = await post('/customers', { name: 'Cy', email: 'cy@example.com' });
    const refused = await t.request('PATCH', `${org.base}/customers/${made.body.id}`, {
      token: org.secretKey,
      body: { email: 'bo@example.com' },
    });
    expect(refused.status).toBe(409);
    const events = await eventsAfter(before);
    expect(events.filter((e) => !afterTwo.some((a) => a.id === e.id)).map((e) => e.type)).toEqual([
      'customer.created',
    ]);
    expect(events.some((e) => e.subject === booked.id)).toBe(false);
  });

  it('records customers the Ascora sync creates or changes like any other change', async () => {
    const remote = ascoraCustomerSchema.parse({
      customerId: randomUUID(),
      customerName: 'Noah Ascora',
      emailAddress: 'noah@example.com',
    });
    const context = { orgId: org.orgId, strategy: 'newest_wins' as const, remoteSeenAt: new Date() };
    const before = await eventsOf();
    await t.database.db.transaction((tx) => applyCustomers(tx, context, [remote]));
    await t.database.db.transaction((tx) =>
      applyCustomers(tx, context, [{ ...remote, customerName: 'Noah Ascora-Smith' }]),
    );
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, (e.data as { name: string }).name])).toEqual([
      ['customer.created', 'Noah Ascora'],
      ['customer.updated', 'Noah Ascora-Smith'],
    ]);
    expect(events[0]!.subject).toBe(events[1]!.subject);
  });

  it('gives every booking of a group-commit batch its own event, committed with it', async () => {
    const before = await eventsOf();
    const caller = { principal: { kind: 'api_key', orgId: org.orgId, keyId: 'k', scopes: [] }, address: 'x' };
    // Twelve at once for five starts of two technicians: ten are written together, two refused.
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        t.services.booking.book(
          t.services.db,
          caller as never,
          org.orgId,
          bookingFor(org, 100 + i, i % 5, 3),
        ),
      ),
    );
    const booked = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(booked.length).toBe(10);
    const events = await eventsAfter(before);
    const created = events.filter((e) => e.type === 'appointment.created');
    expect(created.map((e) => e.subject).sort()).toEqual(booked.map((b) => b.id).sort());
    expect(
      events
        .filter((e) => e.type === 'customer.created')
        .map((e) => e.subject)
        .sort(),
    ).toEqual(booked.map((b) => b.customerId).sort());
  });

  it('survives a worker dying mid-dispatch and a restart: every consumer gets every event once, under its first id', async () => {
    await post('/appointments', bookingFor(org, 20, 0, 4));
    const pending = (await eventsOf()).filter((e) => e.dispatched_at === null);
    expect(pending.length).toBeGreaterThan(0);
    const receipts = () =>
      queryRows<{ event_id: string; consumer: string }>(
        t.database.db,
        sql`select event_id, consumer from test_event_receipts order by event_id`,
      );

    // The first process's dispatcher dies after its consumers wrote their rows: all rolled back.
    const dying = new EventDispatcher(t.database.db, logger);
    dying.register(receiptsConsumer('first-consumer', { failFirst: 1 }));
    await expect(dying.dispatchBatch()).rejects.toThrow('mid-dispatch');
    expect(await receipts()).toEqual([]);
    await t.services.queue!.stop();

    // A new process over the same database: its queue's drain job finds everything still pending.
    const queue = await startJobQueue(t.database, logger);
    try {
      const restarted = createServices({ database: t.database, config: t.config, logger, queue });
      registerConsumer(restarted, receiptsConsumer('first-consumer'));
      registerConsumer(restarted, receiptsConsumer('second-consumer'));
      await queue.send(dispatchQueue, {});
      const { ran, failed } = await queue.drain([dispatchQueue]);
      expect([ran, failed]).toEqual([1, []]);
    } finally {
      await queue.stop();
    }
    const all = await queryRows<{ id: string }>(t.database.db, sql`select id from domain_events order by id`);
    const got = await receipts();
    for (const consumer of ['first-consumer', 'second-consumer']) {
      expect(got.filter((r) => r.consumer === consumer).map((r) => r.event_id)).toEqual(all.map((e) => e.id));
    }
    expect(got.filter((r) => pending.some((p) => p.id === r.event_id)).length).toBe(pending.length * 2);
    expect(
      await queryRows(t.database.db, sql`select id from domain_events where dispatched_at is null`),
    ).toEqual([]);
  });

  it.runIf(testDatabaseKind === 'postgres')(
    'shares the work between two processes draining at once, without handing any event to both',
    async () => {
      await t.database.db.execute(sql`delete from test_event_receipts`);
      for (let i = 0; i < 8; i++) await post('/appointments', bookingFor(org, 40 + i, i, 5));
      const [{ pending }] = (await queryRows<{ pending: number }>(
        t.database.db,
        sql`select count(*)::int as pending from domain_events where dispatched_at is null`,
      )) as [{ pending: number }];
      expect(pending).toBe(16);
      const second = await openDatabase({ databaseUrl: t.database.url!, dataDir: 'memory://', poolSize: 4 });
      try {
        const taken: string[][] = [[], []];
        const dispatchers = [t.database.db, second.db].map((db, i) => {
          const dispatcher = new EventDispatcher(db, logger, { batchSize: 3 });
          dispatcher.register({
            name: 'first-consumer',
            async handle(tx, events) {
              taken[i]!.push(...events.map((e) => e.id));
              await receiptsConsumer('first-consumer').handle(tx, events);
            },
          });
          return dispatcher;
        });
        const counts = await Promise.all(dispatchers.map((d) => d.drain()));
        expect(counts[0]! + counts[1]!).toBe(16);
        expect(taken[0]!.filter((id) => taken[1]!.includes(id))).toEqual([]);
        const [{ receipts }] = (await queryRows<{ receipts: number }>(
          t.database.db,
          sql`select count(*)::int as receipts from test_event_receipts`,
        )) as [{ receipts: number }];
        expect(receipts).toBe(16);
      } finally {
        await second.close();
      }
    },
  );
});
