/**
 * The event pipeline when a server process is SIGKILLed — no chance to clean up — in the middle of
 * its work, on PostgreSQL (where several processes share one outbox): the events it was handing
 * out are handed out again by the next process, and each consumer ends with each event once; a
 * webhook it was sending goes out again, under the same webhook-id, once its lease runs out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../server/src/db/index.js';
import { registerConsumer } from '../server/src/events/dispatcher.js';
import { type BookableOrg, bookableOrg, bookingFor } from '../server/src/events/test-fixtures.js';
import { createTestContext, type TestContext } from '../server/test-support/harness.js';

function startChild(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=crewkit-source', '--import', 'tsx', 'test/support/outbox-child.ts'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

/** Polls until `probe` holds; fails with the child's output if the child exits first. */
async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  started: ReturnType<typeof startChild>,
) {
  let exited = false;
  void started.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    if (exited) throw new Error(`the child exited before ${what}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'postgres')(
  'the event pipeline, when a process is SIGKILLed',
  () => {
    let t: TestContext;
    let org: BookableOrg;
    let clock = Date.now();

    beforeAll(async () => {
      t = await createTestContext({ now: () => clock, config: { allowPrivateUrls: true } });
      org = await bookableOrg(t);
      await t.database.db.execute(
        sql`create table test_event_receipts (event_id text not null, consumer text not null, primary key (event_id, consumer))`,
      );
    }, 120_000);
    afterAll(() => t?.close());

    it('hands the batch a killed dispatcher held to the next process, each event to each consumer once', async () => {
      for (let n = 1; n <= 4; n++) {
        const booked = await t.request('POST', `${org.base}/appointments`, {
          token: org.secretKey,
          body: bookingFor(org, n),
        });
        expect(booked.status).toBe(201);
      }
      const pending = await queryRows<{ id: string }>(
        t.database.db,
        sql`select id from domain_events where dispatched_at is null order by id`,
      );
      expect(pending).toHaveLength(8);

      const started = startChild({
        OUTBOX_CHILD_DATABASE_URL: t.database.url!,
        OUTBOX_CHILD_MODE: 'dispatch',
      });
      await until('the child handed out its batch', () => started.output().includes('handled 8'), started);
      started.child.kill('SIGKILL');
      expect(await started.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // The receipts it wrote died with its transaction.
      expect(await queryRows(t.database.db, sql`select * from test_event_receipts`)).toEqual([]);

      registerConsumer(t.services, {
        name: 'receipts',
        async handle(tx, events) {
          for (const event of events) {
            await tx.execute(
              sql`insert into test_event_receipts (event_id, consumer) values (${event.id}, 'receipts') on conflict do nothing`,
            );
          }
        },
      });
      expect(await t.services.events.drain()).toBe(8);
      const receipts = await queryRows<{ event_id: string }>(
        t.database.db,
        sql`select event_id from test_event_receipts order by event_id`,
      );
      expect(receipts.map((r) => r.event_id)).toEqual(pending.map((p) => p.id));
      expect(
        await queryRows(t.database.db, sql`select id from domain_events where dispatched_at is null`),
      ).toEqual([]);
    });

    it('sends a webhook again, with the same webhook-id, after a sender was killed mid-request', async () => {
      const received: IncomingHttpHeaders[] = [];
      const held: ServerResponse[] = [];
      let hold = true;
      const receiver = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          received.push(request.headers);
          // The first request is never answered: the sender dies waiting.
          if (hold) held.push(response);
          else response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const made = await t.request('POST', `${org.base}/webhooks/endpoints`, {
          token: org.secretKey,
          body: {
            url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
            events: ['appointment.created'],
          },
        });
        expect(made.status).toBe(201);
        const booked = await t.request('POST', `${org.base}/appointments`, {
          token: org.secretKey,
          body: bookingFor(org, 9, 5),
        });
        expect(booked.status).toBe(201);
        await t.services.events.drain();

        const started = startChild({
          OUTBOX_CHILD_DATABASE_URL: t.database.url!,
          OUTBOX_CHILD_MODE: 'send',
          OUTBOX_CHILD_SECRET: t.config.secret,
        });
        await until('the receiver got the request', () => received.length === 1, started);
        started.child.kill('SIGKILL');
        expect(await started.exited).toEqual({ code: null, signal: 'SIGKILL' });
        hold = false;

        // Still leased to the dead process: nobody sends it until the lease runs out.
        clock = Date.now();
        expect(await t.services.webhooks.drain()).toBe(0);
        clock = Date.now() + 61_000;
        expect(await t.services.webhooks.drain()).toBe(1);
        expect(received).toHaveLength(2);
        expect(received[1]!['webhook-id']).toBe(received[0]!['webhook-id']);
        const [delivery] = await queryRows<{ status: string; attempts: number }>(
          t.database.db,
          sql`select status, attempts from webhook_deliveries where endpoint_id = ${made.body.id}`,
        );
        expect(delivery).toEqual({ status: 'succeeded', attempts: 1 });
      } finally {
        for (const response of held) response.destroy();
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
    });
  },
);
