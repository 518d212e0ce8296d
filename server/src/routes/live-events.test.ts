import type { AddressInfo } from 'node:net';
import { createCrewkit, type LiveEvent } from '@crewkit/sdk';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  type TestContext,
  type TestOrg,
  testDatabaseKind,
} from '../../test-support/harness.js';
import { createAppWith, createServices } from '../app.js';
import { openDatabase } from '../db/index.js';
import { LiveEventStream } from '../events/live-stream.js';
import { createLogger } from '../logger.js';

const logger = createLogger({ level: 'silent' });

/** Reads one open stream's events as they arrive, over real HTTP. */
function watch(baseUrl: string, orgId: string, token: string, lastEventId?: string) {
  const stop = new AbortController();
  const client = createCrewkit({
    baseUrl,
    organizationId: orgId,
    getAccessToken: () => token,
    maxRetries: 0,
  });
  const events: LiveEvent[] = [];
  const statuses: string[] = [];
  let opened: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const done = (async () => {
    for await (const event of client.liveEvents.stream({
      signal: stop.signal,
      ...(lastEventId ? { lastEventId } : {}),
      onStatus: (status) => {
        statuses.push(status);
        if (status === 'open') opened();
      },
    })) {
      events.push(event);
    }
  })();
  return {
    events,
    statuses,
    open,
    /** Resolves once `count` events have arrived (the test's own timeout bounds the wait). */
    async received(count: number): Promise<LiveEvent[]> {
      while (events.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
      return events;
    },
    async close() {
      stop.abort();
      await done.catch(() => {});
    },
  };
}

describe('the live event stream (streamEvents)', () => {
  let t: TestContext;
  let org: TestOrg;
  let other: TestOrg;
  const streamPath = (orgId: string) => `/api/v1/organizations/${orgId}/events/stream`;
  const createCustomer = (o: TestOrg, name: string) =>
    t.request('POST', `/api/v1/organizations/${o.orgId}/customers`, {
      token: o.secretKey,
      body: { name, email: `${name.toLowerCase().replaceAll(' ', '.')}@example.com` },
    });

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg();
    other = await t.createOrg();
  });
  afterAll(() => t?.close());

  it('sends a change made by one dispatcher to every open stream of the organization, and to no other', async () => {
    const first = watch(t.baseUrl!, org.orgId, org.secretKey);
    const second = watch(t.baseUrl!, org.orgId, org.secretKey);
    const outsider = watch(t.baseUrl!, other.orgId, other.secretKey);
    await Promise.all([first.open, second.open, outsider.open]);
    try {
      const created = await createCustomer(org, 'Ada Lovelace');
      expect(created.status).toBe(201);
      const [event] = await first.received(1);
      expect(event).toMatchObject({ type: 'customer.created', subject: created.body.id });
      expect(event!.id).toMatch(/^evt_/);
      expect((await second.received(1))[0]!.id).toBe(event!.id);
      // The other organization's next change is the first thing its stream sees.
      const theirs = await createCustomer(other, 'Grace Hopper');
      expect((await outsider.received(1)).map((e) => e.subject)).toEqual([theirs.body.id]);
    } finally {
      await Promise.all([first.close(), second.close(), outsider.close()]);
    }
  });

  it('resumes after Last-Event-ID with exactly the events missed meanwhile', async () => {
    const watcher = watch(t.baseUrl!, org.orgId, org.secretKey);
    await watcher.open;
    const before = await createCustomer(org, 'Before Drop');
    const [seen] = await watcher.received(1);
    expect(seen!.subject).toBe(before.body.id);
    await watcher.close();

    const missed = [await createCustomer(org, 'Missed One'), await createCustomer(org, 'Missed Two')];
    const resumed = watch(t.baseUrl!, org.orgId, org.secretKey, seen!.position);
    try {
      const events = await resumed.received(2);
      expect(events.map((e) => e.subject)).toEqual(missed.map((m) => m.body.id));
      const after = await createCustomer(org, 'After Resume');
      expect((await resumed.received(3)).map((e) => e.subject).at(-1)).toBe(after.body.id);
      expect(new Set(resumed.events.map((e) => e.id)).size).toBe(resumed.events.length);
    } finally {
      await resumed.close();
    }
  });

  it('reconnects by itself when the server drops the stream, and catches up', async () => {
    const watcher = watch(t.baseUrl!, org.orgId, org.secretKey);
    await watcher.open;
    try {
      const reconnected = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (watcher.statuses.filter((s) => s === 'open').length >= 2) {
            clearInterval(check);
            resolve();
          }
        }, 10);
      });
      // What a restarting instance does to its streams; the client comes back after `retry:`.
      const dropped = new LiveEventStream(t.database, logger);
      const live = t.services.liveEvents;
      t.services.liveEvents = dropped;
      await live.close();
      const whileAway = await createCustomer(org, 'While Away');
      await reconnected;
      expect((await watcher.received(1)).map((e) => e.subject)).toEqual([whileAway.body.id]);
      expect(watcher.statuses.slice(0, 3)).toEqual(['open', 'reconnecting', 'open']);
    } finally {
      await watcher.close();
    }
  });

  it('is refused without a credential, to another organization and for a made-up Last-Event-ID', async () => {
    expect((await t.request('GET', streamPath(org.orgId))).status).toBe(401);
    expect((await t.request('GET', streamPath(other.orgId), { token: org.secretKey })).status).toBe(404);
    const garbled = await t.request('GET', streamPath(org.orgId), {
      token: org.secretKey,
      headers: { 'last-event-id': 'evt_123' },
    });
    expect(garbled.status).toBe(400);
    expect(garbled.body.errors[0].path).toBe('header.last-event-id');
    const ok = await t.request('GET', streamPath(org.orgId), { token: org.secretKey });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/event-stream/);
  });

  it('opens with its position and sends keep-alive comments while nothing happens', async () => {
    const live = t.services.liveEvents;
    t.services.liveEvents = new LiveEventStream(t.database, logger, { heartbeatMs: 25 });
    const stop = new AbortController();
    try {
      const response = await fetch(`${t.baseUrl}${streamPath(org.orgId)}`, {
        headers: { authorization: `Bearer ${org.secretKey}` },
        signal: stop.signal,
      });
      expect(response.headers.get('cache-control')).toBe('no-store');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes(': keep-alive')) text += (await reader.read()).value ?? '';
      expect(text).toMatch(/^retry: 2000\nid: \d+-\d+\n\n/);
    } finally {
      stop.abort();
      await t.services.liveEvents.close();
      t.services.liveEvents = live;
    }
  });

  it('answers 429 past the streams one instance serves an organization', async () => {
    const live = t.services.liveEvents;
    t.services.liveEvents = new LiveEventStream(t.database, logger, { maxPerOrganization: 1 });
    const held = watch(t.baseUrl!, org.orgId, org.secretKey);
    try {
      await held.open;
      const refused = await t.request('GET', streamPath(org.orgId), { token: org.secretKey });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect((await t.request('GET', streamPath(other.orgId), { token: other.secretKey })).status).toBe(200);
    } finally {
      await held.close();
      await t.services.liveEvents.close();
      t.services.liveEvents = live;
    }
  });
});

describe.runIf(testDatabaseKind === 'postgres')('the live event stream on PostgreSQL', () => {
  let t: TestContext;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg();
  });
  afterAll(() => t?.close());

  it('does not skip an event whose transaction commits after a later one', async () => {
    const watcher = watch(t.baseUrl!, org.orgId, org.secretKey);
    await watcher.open;
    const slow = new pg.Client({ connectionString: t.database.url });
    const quick = new pg.Client({ connectionString: t.database.url });
    await Promise.all([slow.connect(), quick.connect()]);
    const insert = (client: pg.Client, id: string) =>
      client.query(
        `insert into domain_events (id, org_id, type, subject, data, occurred_at)
         values ($1, $2, 'customer.updated', $1, '{}', now())`,
        [id, org.orgId],
      );
    try {
      // The slow transaction takes the lower seq, then stays open while the quick one commits.
      await slow.query('begin');
      await insert(slow, 'evt_slow');
      await quick.query('begin');
      await insert(quick, 'evt_quick');
      await quick.query('commit');
      await slow.query('commit');
      const events = await watcher.received(2);
      expect(events.map((e) => e.id).sort()).toEqual(['evt_quick', 'evt_slow']);

      // A client resuming from the first of them still gets the second.
      const resumed = watch(t.baseUrl!, org.orgId, org.secretKey, events[0]!.position);
      try {
        expect((await resumed.received(1)).map((e) => e.id)).toEqual([events[1]!.id]);
      } finally {
        await resumed.close();
      }
    } finally {
      await Promise.all([slow.end(), quick.end(), watcher.close()]);
    }
  });

  it('carries a change made on one instance to a dispatcher watching through another', async () => {
    // A second instance: its own pool and its own LISTEN connection, sharing only the database.
    const database = await openDatabase({ databaseUrl: t.database.url!, dataDir: 'memory://', poolSize: 4 });
    const services = createServices({ database, config: t.config, logger });
    const server = serve({ fetch: createAppWith(services).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const otherInstance = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const watcher = watch(otherInstance, org.orgId, org.secretKey);
    try {
      await watcher.open;
      const created = await t.request('POST', `/api/v1/organizations/${org.orgId}/customers`, {
        token: org.secretKey,
        body: { name: 'Across Instances', email: 'across@example.com' },
      });
      expect((await watcher.received(1)).map((e) => e.subject)).toEqual([created.body.id]);
    } finally {
      await watcher.close();
      await services.liveEvents.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    }
  });
});
