import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookableOrg, bookableOrg, bookingFor } from '../../test-support/bookable-org.js';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { loadConfig } from '../config.js';
import { queryRows } from '../db/index.js';
import { newId } from '../lib/ids.js';
import { createLogger } from '../logger.js';
import { recordEvent } from './outbox.js';
import { RetentionSweeper, retentionQueue } from './retention.js';

const DAY = 86_400_000;

/** A UUIDv7 of a past millisecond (`newId` never goes back in time, and this test's clock does). */
const idAt = (ms: number) => {
  const hex = `${ms.toString(16).padStart(12, '0')}7${randomBytes(10).toString('hex').slice(0, 19)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
};
const T0 = Date.parse('2030-01-07T00:00:00Z');

describe('retention of the outbox and the delivery logs', () => {
  let t: TestContext;
  let org: BookableOrg;
  let clock = T0;
  let endpointId: string;

  const eventIds = async () =>
    (
      await queryRows<{ id: string }>(
        t.database.db,
        sql`select id from domain_events where org_id = ${org.orgId} order by seq`,
      )
    ).map((r) => r.id);
  const book = async (n: number) => {
    const booked = await t.request('POST', `${org.base}/appointments`, {
      token: org.secretKey,
      // A slot two weeks after the clock's week (the organization's slots count from T0).
      body: bookingFor(org, n, n, Math.floor((clock - T0) / (7 * DAY)) + 2),
    });
    expect(booked.status).toBe(201);
    await t.services.events.drain();
    return booked.body.id as string;
  };
  const delivery = async (
    status: 'pending' | 'succeeded' | 'failed',
    createdAt: number,
    updatedAt: number,
  ) => {
    const id = idAt(createdAt);
    await t.database.db.execute(sql`
      insert into webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, body, status,
                                      next_attempt_at, created_at, updated_at)
      values (${id}, ${org.orgId}, ${endpointId}, ${`evt_${id.replaceAll('-', '')}`}, 'appointment.created', '{}',
              ${status}, ${status === 'pending' ? new Date(updatedAt).toISOString() : null},
              ${new Date(createdAt).toISOString()}, ${new Date(updatedAt).toISOString()})`);
    return id;
  };
  const deliveryIds = async () =>
    (
      await queryRows<{ id: string }>(
        t.database.db,
        sql`select id from webhook_deliveries where endpoint_id = ${endpointId}`,
      )
    ).map((r) => r.id);
  const messages = async (appointmentId: string) =>
    queryRows<{ type: string; status: string }>(
      t.database.db,
      sql`select type, status from notifications
          where appointment_id = ${appointmentId} and recipient_kind = 'customer' order by type`,
    );

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock, queue: true });
    org = await bookableOrg(t, clock);
    endpointId = newId(clock);
    await t.database.db.execute(sql`
      insert into webhook_endpoints (id, org_id, url, events, secret_sealed)
      values (${endpointId}, ${org.orgId}, 'https://erp.example.com/hooks', array['appointment.created'], 'sealed')`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads its three retentions from the environment, the delivery logs defaulting to the events’ own', () => {
    const base = { CREWKIT_DATA_DIR: 'memory://' };
    expect(loadConfig(base).retention).toEqual({
      eventDays: 30,
      webhookDeliveryDays: 30,
      notificationDays: 30,
    });
    expect(
      loadConfig({ ...base, CREWKIT_EVENT_RETENTION_DAYS: '7', CREWKIT_NOTIFICATION_RETENTION_DAYS: '90' })
        .retention,
    ).toEqual({ eventDays: 7, webhookDeliveryDays: 7, notificationDays: 90 });
    expect(() => loadConfig({ ...base, CREWKIT_EVENT_RETENTION_DAYS: '0' })).toThrow(
      /CREWKIT_EVENT_RETENTION_DAYS must be between 1 and 36500/,
    );
  });

  it('deletes dispatched events older than the retention, and keeps younger ones and any never dispatched', async () => {
    clock = T0;
    await book(1);
    const old = await eventIds();
    expect(old.length).toBeGreaterThan(0);
    clock = T0 + 20 * DAY;
    await book(2);
    const recent = (await eventIds()).filter((id) => !old.includes(id));
    // A change of a month ago whose event no dispatcher has handed out yet (all of them down, say).
    const stuck = await recordEvent(
      t.database.db,
      { orgId: org.orgId, type: 'customer.updated', subject: org.orgId, data: {}, occurredAt: T0 },
      clock,
    );
    expect(recent.length).toBeGreaterThan(0);

    clock = T0 + 31 * DAY;
    const pruned = await t.services.retention.prune();
    expect(pruned.events).toBeGreaterThanOrEqual(old.length);
    expect(await eventIds()).toEqual([...recent, stuck]);
  });

  it('keeps a webhook delivery still to be sent, and a finished one until it has been finished for the retention', async () => {
    clock = T0 + 31 * DAY;
    const succeeded = await delivery('succeeded', T0, T0);
    const failed = await delivery('failed', T0, T0 + DAY / 2);
    const pending = await delivery('pending', T0, T0 + 30 * DAY);
    // Created long ago, but it finished (its last retry) within the retention.
    const finishedLately = await delivery('failed', T0, T0 + 29 * DAY);
    const young = await delivery('succeeded', T0 + 20 * DAY, T0 + 20 * DAY);

    const pruned = await t.services.retention.prune();
    expect(pruned.webhookDeliveries).toBe(2);
    const left = await deliveryIds();
    expect(left).not.toContain(succeeded);
    expect(left).not.toContain(failed);
    expect(left).toEqual(expect.arrayContaining([pending, finishedLately, young]));
  });

  it('keeps a reminder queued since the booking however old, and prunes messages once done for the retention', async () => {
    clock = T0 + 40 * DAY;
    const appointment = await book(3);
    await t.services.notifications.deliverDue();
    expect(await messages(appointment)).toEqual([
      { type: 'confirmation', status: 'sent' },
      { type: 'reminder_24h', status: 'queued' },
      { type: 'reminder_2h', status: 'queued' },
    ]);

    // A month and more later, with no worker running since: the reminders are still in the log.
    clock = T0 + 75 * DAY;
    await t.services.retention.prune();
    expect(await messages(appointment)).toEqual([
      { type: 'reminder_24h', status: 'queued' },
      { type: 'reminder_2h', status: 'queued' },
    ]);

    // The worker comes back after the visit: too late to remind, so they are skipped (today), and
    // kept for the retention from now.
    await t.services.notifications.deliverDue();
    expect((await messages(appointment)).map((m) => m.status)).toEqual(['skipped', 'skipped']);
    expect((await t.services.retention.prune()).notifications).toBe(0);
    clock = T0 + 106 * DAY;
    expect((await t.services.retention.prune()).notifications).toBe(2);
    expect(await messages(appointment)).toEqual([]);
  });

  it('runs as a job on the queue, in bounded batches, until nothing old enough is left', async () => {
    clock = T0 + 200 * DAY;
    await t.services.retention.prune();
    for (let i = 0; i < 7; i++) await delivery('succeeded', T0 + 150 * DAY + i, T0 + 150 * DAY + i);
    const small = new RetentionSweeper({
      db: t.database.db,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      batchSize: 3,
    });
    expect((await small.prune()).webhookDeliveries).toBe(7);

    clock = T0 + 300 * DAY;
    await book(4);
    expect((await eventIds()).length).toBeGreaterThan(0);
    clock = T0 + 331 * DAY;
    const queue = t.services.queue!;
    await queue.send(retentionQueue, {});
    const { ran, failed } = await queue.drain([retentionQueue]);
    expect({ ran, failed }).toEqual({ ran: 1, failed: [] });
    // The month-old event of the first test was dispatched with this booking, and went with it.
    expect(await eventIds()).toEqual([]);
  });
});
