/**
 * A server process's share of the event pipeline, for test/outbox-kill.test.ts to SIGKILL midway.
 *
 *   node --conditions=crewkit-source --import tsx test/support/outbox-child.ts
 *
 * Environment: OUTBOX_CHILD_DATABASE_URL (PostgreSQL), OUTBOX_CHILD_MODE and, for `send`,
 * OUTBOX_CHILD_SECRET (the CREWKIT_SECRET that sealed the endpoints' secrets).
 * - `dispatch`: takes a batch of the outbox and hands it to a consumer that writes its receipts,
 *   prints `handled <n>`, and then never finishes, so the transaction stays open until the kill.
 * - `send`: sends the due webhook deliveries (the receiver is expected to hold the request).
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../server/src/db/index.js';
import { EventDispatcher } from '../../server/src/events/dispatcher.js';
import { deriveKey } from '../../server/src/lib/crypto.js';
import { createLogger } from '../../server/src/logger.js';
import { WebhookSender } from '../../server/src/services/webhooks/sender.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const database = await openDatabase({
  databaseUrl: required('OUTBOX_CHILD_DATABASE_URL'),
  dataDir: 'memory://',
  poolSize: 2,
});
const logger = createLogger({ level: 'warn' });
if (required('OUTBOX_CHILD_MODE') === 'dispatch') {
  const dispatcher = new EventDispatcher(database.db, logger);
  dispatcher.register({
    name: 'receipts',
    async handle(tx, events) {
      for (const event of events) {
        await tx.execute(
          sql`insert into test_event_receipts (event_id, consumer) values (${event.id}, 'receipts') on conflict do nothing`,
        );
      }
      process.stdout.write(`handled ${events.length}\n`);
      await new Promise(() => {});
    },
  });
  await dispatcher.dispatchBatch();
} else {
  const sender = new WebhookSender({
    db: database.db,
    now: Date.now,
    logger,
    sealKey: deriveKey(required('OUTBOX_CHILD_SECRET'), 'webhook-secrets'),
    policy: { allowPrivate: true },
    leaseMs: 60_000,
  });
  await sender.deliverDue();
}
process.stdout.write('finished\n');
