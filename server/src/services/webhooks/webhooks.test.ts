import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BookableOrg, bookableOrg, bookingFor } from '../../../test-support/bookable-org.js';
import { createTestContext, type TestContext } from '../../../test-support/harness.js';
import { queryRows } from '../../db/index.js';
import { createLogger } from '../../logger.js';
import { DAY_MS, HOUR_MS } from '../../scheduling/time.js';
import { type DisabledEndpoint, notifyOwnersOfDisabledEndpoint } from './disabled.js';
import { retryDelaysSeconds, WebhookSender } from './sender.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that answers with whatever `answer` says next. */
async function startReceiver() {
  const received: Received[] = [];
  let answer: () => { status: number; body: string } = () => ({ status: 204, body: '' });
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, body } = answer();
      response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    answerWith(next: () => { status: number; body: string }) {
      answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('outbound webhooks', () => {
  let t: TestContext;
  let org: BookableOrg;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock = Date.parse('2026-12-01T00:00:00Z');
  let visitor = 0;

  const api = (method: string, path: string, body?: unknown, token = org.secretKey) =>
    t.request(method, `${org.base}${path}`, { token, ...(body === undefined ? {} : { body }) });
  /** Verifies with the official library, whose clock check reads Date.now(): set to ours meanwhile. */
  const verify = (secret: string, delivery: Received) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clock);
    try {
      return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
    } finally {
      vi.useRealTimers();
    }
  };
  const book = async () => {
    visitor += 1;
    const booked = await api(
      'POST',
      '/appointments',
      bookingFor(org, visitor, visitor % 9, 2 + Math.floor(visitor / 9)),
    );
    expect(booked.status, booked.text).toBe(201);
    return booked.body;
  };
  /** Everything committed so far: the outbox to the deliveries, then what is due now to the receiver. */
  const deliver = async (sender = t.services.webhooks) => {
    await t.services.events.drain();
    return sender.drain();
  };
  const endpoint = async (events = ['appointment.created', 'customer.created']) => {
    const made = await api('POST', '/webhooks/endpoints', { url: receiver.url, events, description: 'ERP' });
    expect(made.status, made.text).toBe(201);
    return made.body as { id: string; secret: string };
  };
  const deliveries = async (endpointId: string) =>
    (await api('GET', `/webhooks/endpoints/${endpointId}/deliveries?limit=100`)).body.data as Array<{
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      nextAttemptAt: string | null;
      replayOf: string | null;
      attemptLog: Array<{
        responseStatus: number | null;
        responseExcerpt: string | null;
        error: string | null;
      }>;
    }>;
  const removeEndpoints = async () => {
    await t.database.db.execute(sql`delete from webhook_endpoints`);
  };

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock, config: { allowPrivateUrls: true } });
    org = await bookableOrg(t, clock);
    receiver = await startReceiver();
  });
  beforeEach(async () => {
    receiver.answerWith(() => ({ status: 204, body: '' }));
    receiver.received.length = 0;
    // Whatever earlier tests left in the outbox goes out to nobody.
    await removeEndpoints();
    await t.services.events.drain();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('shows the whsec_ secret once, when the endpoint is made, and keeps it sealed', async () => {
    const made = await endpoint();
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await api('GET', '/webhooks/endpoints');
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(made.secret);
    const stored = await queryRows<{ secret_sealed: string }>(
      t.database.db,
      sql`select secret_sealed from webhook_endpoints`,
    );
    expect(stored[0]!.secret_sealed).not.toContain(made.secret.slice(6));
  });

  it('delivers a booking as signed Standard Webhooks that the official library verifies', async () => {
    const { id, secret } = await endpoint();
    const booked = await book();
    expect(await deliver()).toBe(2);
    const bodies = receiver.received.map(
      (r) => verify(secret, r) as { type: string; timestamp: string; data: { id: string } },
    );
    expect(bodies.map((b) => [b.type, b.data.id])).toEqual([
      ['customer.created', booked.customerId],
      ['appointment.created', booked.id],
    ]);
    expect(bodies[1]!.timestamp).toBe(new Date(clock).toISOString());
    const [event] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from domain_events where subject = ${booked.id} and type = 'appointment.created'`,
    );
    expect(receiver.received[1]!.headers['webhook-id']).toBe(event!.id);
    expect(receiver.received[1]!.headers['webhook-timestamp']).toBe(String(Math.floor(clock / 1000)));
    expect((await deliveries(id)).map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('sends only the events an endpoint subscribes to', async () => {
    await endpoint(['customer.created']);
    await book();
    await deliver();
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['customer.created']);
  });

  it('writes one delivery per event and endpoint even when the outbox hands a batch out twice', async () => {
    const { id } = await endpoint(['appointment.created']);
    const booked = await book();
    const [event] = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`select id, org_id as "orgId", type, subject, data, occurred_at as "occurredAt", seq from domain_events where subject = ${booked.id}`,
    );
    const consumer = t.services.webhooks.consumer();
    const again = { ...event, occurredAt: new Date(event!.occurredAt as string) } as never;
    await t.database.db.transaction((tx) => consumer.handle(tx, [again]));
    await t.database.db.transaction((tx) => consumer.handle(tx, [again]));
    await deliver();
    expect(await deliveries(id)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a failing receiver with exponential backoff on the clock, and logs every attempt', async () => {
    const { id } = await endpoint(['appointment.created']);
    let calls = 0;
    receiver.answerWith(() => (++calls <= 3 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' }));
    await book();
    expect(await deliver()).toBe(1);
    // Not due yet: nothing is sent until the clock reaches the next attempt.
    expect(await t.services.webhooks.drain()).toBe(0);
    let [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(Date.parse(delivery!.nextAttemptAt!)).toBe(clock + retryDelaysSeconds[0] * 1000);
    for (const delay of retryDelaysSeconds.slice(0, 3)) {
      clock += delay * 1000;
      expect(await t.services.webhooks.drain()).toBe(1);
    }
    [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, nextAttemptAt: null });
    expect(delivery!.attemptLog.map((a) => [a.responseStatus, a.responseExcerpt])).toEqual([
      [500, 'boom'],
      [500, 'boom'],
      [500, 'boom'],
      [200, 'ok'],
    ]);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
  });

  it('gives a delivery up after about a day, and disables an endpoint that fails for five, telling its owners', async () => {
    const { id } = await endpoint(['appointment.created']);
    receiver.answerWith(() => ({ status: 503, body: 'down' }));
    const told: DisabledEndpoint[] = [];
    const sender = new WebhookSender({
      db: t.database.db,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      sealKey: t.services.webhookSealKey,
      policy: { allowPrivate: true },
      onEndpointDisabled: async (tx, disabled) => {
        told.push(disabled);
        await notifyOwnersOfDisabledEndpoint(t.services.notifications, tx, disabled);
      },
    });
    await book();
    await deliver(sender);
    const started = clock;
    for (const delay of retryDelaysSeconds) {
      clock += delay * 1000;
      await sender.drain();
    }
    const [first] = await deliveries(id);
    expect(first).toMatchObject({
      status: 'failed',
      attempts: retryDelaysSeconds.length + 1,
      nextAttemptAt: null,
    });
    expect(clock - started).toBeGreaterThan(DAY_MS);
    expect(clock - started).toBeLessThan(2 * DAY_MS);
    let shown = (await api('GET', '/webhooks/endpoints')).body.data[0];
    expect(shown).toMatchObject({ enabled: true, failingSince: new Date(started).toISOString() });

    // Still failing four days later: kept on. Past five: switched off, once, and its owners told.
    clock = started + 4 * DAY_MS;
    await book();
    await deliver(sender);
    expect(told).toEqual([]);
    clock = started + 5 * DAY_MS + HOUR_MS;
    // The organization writes to its people in German: so does the message.
    const german = await api('PATCH', '/notification-settings', { language: 'de' });
    expect(german.status, german.text).toBe(200);
    await book();
    await deliver(sender);
    expect(told).toEqual([
      {
        id,
        orgId: org.orgId,
        url: receiver.url,
        reason: 'Every delivery failed for 5 days.',
        disabledAt: new Date(clock),
      },
    ]);
    shown = (await api('GET', '/webhooks/endpoints')).body.data[0];
    expect(shown).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('5 days') });

    // The owner's email went through the delivery log (kept: no SMTP server here), once, saying
    // which endpoint, why, and how to switch it back on; technicians are not told.
    await t.services.notifications.deliverDue();
    // A pass retried after a crash hands the same switch-off over again: nothing more is queued.
    await t.database.db.transaction((tx) =>
      notifyOwnersOfDisabledEndpoint(t.services.notifications, tx, told[0]!),
    );
    await t.services.notifications.deliverDue();
    const log = await api('GET', '/notifications?type=webhook_endpoint_disabled&limit=100');
    expect(log.status, log.text).toBe(200);
    expect(log.body.data).toEqual([
      expect.objectContaining({
        recipient: org.owner.email,
        recipientKind: 'staff',
        status: 'sent',
        delivery: 'kept',
        subject: `Webhook-Endpunkt abgeschaltet: ${receiver.url}`,
      }),
    ]);
    const [mail] = await t.services.notifications.kept(t.database.db, org.orgId, 1);
    expect(mail!.bodyText).toContain('Every delivery failed for 5 days.');
    expect(mail!.bodyText).toContain('schalten Sie den Endpunkt in den Webhook-Einstellungen wieder ein');
    await api('PATCH', '/notification-settings', { language: 'en' });

    // Nothing more is queued for a disabled endpoint; switched on again, it starts afresh.
    const before = (await deliveries(id)).length;
    await book();
    await deliver(sender);
    expect(await deliveries(id)).toHaveLength(before);
    const enabled = await api('PATCH', `/webhooks/endpoints/${id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const { id, secret: old } = await endpoint(['appointment.created']);
    const rotated = await api('POST', `/webhooks/endpoints/${id}/rotate-secret`, { overlapHours: 24 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(clock + 24 * HOUR_MS).toISOString());
    await book();
    await deliver();
    const during = receiver.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(old, during)).toBeTruthy();
    expect(verify(fresh, during)).toBeTruthy();

    clock += 24 * HOUR_MS + 1000;
    await book();
    await deliver();
    const after = receiver.received[1]!;
    expect(verify(fresh, after)).toBeTruthy();
    expect(() => verify(old, after)).toThrow();
  });

  it('replays one delivery, or everything since a time, under the events’ own ids', async () => {
    const { id } = await endpoint(['appointment.created']);
    // A moment after the events of earlier tests.
    clock += 1000;
    const since = clock;
    await book();
    await book();
    await deliver();
    const [latest] = await deliveries(id);
    const replayed = await api('POST', `/webhooks/endpoints/${id}/replay`, { deliveryId: latest!.id });
    expect(replayed).toMatchObject({ status: 202, body: { replayed: 1 } });
    await deliver();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      ...receiver.received.slice(0, 2).map((r) => r.headers['webhook-id']),
      latest!.eventId,
    ]);
    const log = await deliveries(id);
    expect(log[0]).toMatchObject({ replayOf: latest!.id, status: 'succeeded' });

    receiver.received.length = 0;
    const all = await api('POST', `/webhooks/endpoints/${id}/replay`, {
      since: new Date(since).toISOString(),
    });
    expect(all.body.replayed).toBe(2);
    await deliver();
    expect(receiver.received).toHaveLength(2);
    expect(
      await api('POST', `/webhooks/endpoints/${id}/replay`, { deliveryId: crypto.randomUUID() }),
    ).toMatchObject({
      status: 404,
    });
  });

  it('tries a delivery again once the lease of a sender that died mid-request runs out, with the same webhook-id', async () => {
    const { id } = await endpoint(['appointment.created']);
    await book();
    await t.services.events.drain();
    const dying = new WebhookSender({
      db: t.database.db,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      sealKey: t.services.webhookSealKey,
      policy: { allowPrivate: true },
      // The process dies while the request is in flight: no answer, no record, ever.
      post: () => new Promise(() => {}),
      leaseMs: 60_000,
    });
    void dying.deliverDue();
    await vi.waitFor(async () => {
      const [row] = await queryRows<{ lease_until: unknown }>(
        t.database.db,
        sql`select lease_until from webhook_deliveries where endpoint_id = ${id}`,
      );
      expect(row!.lease_until).not.toBeNull();
    });
    expect(await t.services.webhooks.drain()).toBe(0);
    clock += 61_000;
    expect(await t.services.webhooks.drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(id))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('refuses a URL that is not https or points inside the network unless private URLs are allowed', async () => {
    const strict = await createTestContext();
    try {
      const other = await strict.createOrg();
      const create = (url: string) =>
        strict.request('POST', `/api/v1/organizations/${other.orgId}/webhooks/endpoints`, {
          token: other.secretKey,
          body: { url, events: ['appointment.created'] },
        });
      for (const url of [
        'http://erp.example/hooks',
        'https://127.0.0.1/hooks',
        'https://10.1.2.3/hooks',
        'https://169.254.169.254/latest',
        'https://[::1]/hooks',
      ]) {
        const refused = await create(url);
        expect(refused.status, url).toBe(400);
        expect(refused.body.errors[0].path).toBe('body.url');
      }
    } finally {
      await strict.close();
    }
    // Allowed private URLs still never reach link-local addresses (cloud metadata).
    const metadata = await api('POST', '/webhooks/endpoints', {
      url: 'http://169.254.169.254/latest',
      events: ['appointment.created'],
    });
    expect(metadata.status).toBe(400);
  });

  it('answers 404 for another organization’s endpoint', async () => {
    const { id } = await endpoint();
    const stranger = await t.createOrg();
    for (const [method, path, body] of [
      ['PATCH', `/webhooks/endpoints/${id}`, { enabled: false }],
      ['DELETE', `/webhooks/endpoints/${id}`, undefined],
      ['POST', `/webhooks/endpoints/${id}/rotate-secret`, {}],
      ['GET', `/webhooks/endpoints/${id}/deliveries`, undefined],
      ['POST', `/webhooks/endpoints/${id}/replay`, { since: new Date(clock - 1000).toISOString() }],
    ] as const) {
      const response = await t.request(method, `/api/v1/organizations/${stranger.orgId}${path}`, {
        token: stranger.secretKey,
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await api('GET', '/webhooks/endpoints')).body.data).toHaveLength(1);
  });
});
