/**
 * Outbound webhooks benchmark (issue #12), printed for docs/performance.md, on PGlite and on
 * PostgreSQL: N domain events already committed to the outbox (as bookings leave them), one
 * subscribed endpoint on a local HTTP receiver (in this process, so it shares the cores), and the
 * time for the dispatcher to turn them into deliveries and the sender to deliver every one, signed.
 * Target: ≥ 500 deliveries/s on 2 cores.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/webhooks.ts
 *
 * WEBHOOK_BENCH_EVENTS=n changes the size; WEBHOOK_BENCH_DB=pglite|postgres runs one database.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openDatabase, queryRows } from '../../server/src/db/index.js';
import { webhookEndpoints } from '../../server/src/db/schema.js';
import { EventDispatcher } from '../../server/src/events/dispatcher.js';
import { type NewDomainEvent, recordEvents } from '../../server/src/events/outbox.js';
import { deriveKey, encrypt } from '../../server/src/lib/crypto.js';
import { newId } from '../../server/src/lib/ids.js';
import { createLogger } from '../../server/src/logger.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { WebhookSender } from '../../server/src/services/webhooks/sender.js';
import { newWebhookSecret } from '../../server/src/services/webhooks/signature.js';
import { startPostgres } from '../../server/test-support/postgres.js';

const count = Number(process.env.WEBHOOK_BENCH_EVENTS ?? 5000);
const only = process.env.WEBHOOK_BENCH_DB;
const logger = createLogger({ level: 'silent' });

async function bench(database: Database) {
  await database.migrate();
  const { organization } = await createOrganization(database.db, {
    name: 'Bench',
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
    locale: 'en-AU',
    allowedOrigins: [],
  });
  let received = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const sealKey = deriveKey('bench-secret-0123456789-0123456789-0123456789', 'webhook-secrets');
  await database.db.insert(webhookEndpoints).values({
    id: newId(),
    orgId: organization.id,
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    events: ['appointment.created'],
    secretSealed: encrypt(sealKey, newWebhookSecret()),
  });
  try {
    // What a booking records: the appointment as the API shows it (about 700 bytes of JSON).
    const events: NewDomainEvent[] = Array.from({ length: count }, (_, i) => ({
      orgId: organization.id,
      type: 'appointment.created',
      subject: newId(),
      data: {
        id: newId(),
        reference: `BNCH${String(i).padStart(6, '0')}`,
        status: 'scheduled',
        serviceItemId: newId(),
        customerId: newId(),
        technicianId: newId(),
        start: '2027-03-01T09:00:00.000Z',
        end: '2027-03-01T10:00:00.000Z',
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 15,
        price: { amountMinor: 19_900, currency: 'AUD' },
        notes: 'Leaking tap in the upstairs bathroom; side gate code 4321.',
        assignment: { technicianId: newId(), reason: 'most_proficient' },
        rescheduledFromId: null,
        rescheduledToId: null,
        rating: null,
        feedback: null,
        createdAt: '2027-02-01T00:00:00.000Z',
        updatedAt: '2027-02-01T00:00:00.000Z',
      },
    }));
    for (let i = 0; i < events.length; i += 1000) await recordEvents(database.db, events.slice(i, i + 1000));

    const dispatcher = new EventDispatcher(database.db, logger, { batchSize: 500 });
    const sender = new WebhookSender({
      db: database.db,
      now: Date.now,
      logger,
      sealKey,
      policy: { allowPrivate: true },
    });
    dispatcher.register(sender.consumer());
    // As in the server: each committed dispatch batch pokes the sender, so sending overlaps dispatching.
    await sender.start(undefined);
    const started = performance.now();
    await dispatcher.drain();
    const dispatchedSeconds = (performance.now() - started) / 1000;
    await sender.drain();
    await sender.stop();
    const seconds = (performance.now() - started) / 1000;
    const [state] = await queryRows<{ succeeded: number }>(
      database.db,
      sql`select count(*) filter (where status = 'succeeded')::int as succeeded from webhook_deliveries`,
    );
    return {
      events: count,
      delivered: state!.succeeded,
      received,
      dispatchedSeconds,
      seconds,
      perSecond: state!.succeeded / seconds,
    };
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

type Row = Awaited<ReturnType<typeof bench>> & { label: string };
const rows: Row[] = [];

if (only !== 'postgres') {
  const lite = await openDatabase({ dataDir: 'memory://' });
  rows.push({ label: 'PGlite', ...(await bench(lite)) });
  await lite.close();
}
if (only !== 'pglite') {
  const cluster = await startPostgres();
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database webhook_bench');
    await admin.end();
    const database = await openDatabase({
      databaseUrl: cluster.url.replace(/\/postgres$/, '/webhook_bench'),
      dataDir: 'memory://',
    });
    rows.push({ label: 'PostgreSQL', ...(await bench(database)) });
    await database.close();
  } finally {
    await cluster.stop();
  }
}

console.log(
  `\nWebhooks: ${count.toLocaleString('en')} events in the outbox → one endpoint on a local receiver (same process), signed, delivered\n`,
);
console.log('| database   | events | delivered | received | dispatch s | total s | deliveries/s |');
console.log('| ---------- | -----: | --------: | -------: | ---------: | ------: | -----------: |');
for (const r of rows) {
  console.log(
    `| ${r.label.padEnd(10)} | ${r.events} | ${r.delivered} | ${r.received} | ${r.dispatchedSeconds.toFixed(2)} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} |`,
  );
}
console.log('\nTarget: ≥ 500 deliveries/s on 2 cores.');
