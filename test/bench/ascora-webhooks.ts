/**
 * Ascora webhooks through the real path (issue #16 §7): a Crewkit server with its queue and workers,
 * the fake Ascora delivering each change over HTTP to the server's webhook URL. Prints how long
 * 100 changes take from the first edit until all are applied in Crewkit. Target < 10 s.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/ascora-webhooks.ts
 */
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { and, eq, like } from 'drizzle-orm';
import { latestRun } from '../../server/src/ascora/sync.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/index.js';
import { customers } from '../../server/src/db/schema.js';
import { createLogger } from '../../server/src/logger.js';
import { startCrewkit } from '../../server/src/server.js';
import { createOrganization } from '../../server/src/services/organizations.js';

const changes = 100;
const fake = createFakeAscora();
fake.seed({ customers: 1_000 });
const ascora = await fake.listen();
const config = loadConfig({
  PORT: '0',
  CREWKIT_SECRET: 'bench-secret-0123456789-0123456789-0123456789',
  CREWKIT_ALLOW_PRIVATE_URLS: 'true',
  CREWKIT_DATA_DIR: 'memory://',
  LOG_LEVEL: 'silent',
});
const database = await openDatabase({ dataDir: 'memory://' });
const server = await startCrewkit(config, createLogger({ level: 'silent' }), { database });
try {
  const { organization, secretKey } = await createOrganization(database.db, { name: 'Webhook Bench' });
  const connected = await fetch(`${server.url}/api/v1/organizations/${organization.id}/ascora/connection`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey: DEMO_API_KEY, baseUrl: ascora.url }),
  });
  if (connected.status !== 200) throw new Error(`connect answered ${connected.status}`);
  while ((await latestRun(database.db, organization.id))?.status !== 'completed') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const started = performance.now();
  for (const customer of [...fake.store.customers.values()].slice(0, changes)) {
    fake.store.updateCustomer(customer.customerId, { customerName: `${customer.customerName} (edited)` });
  }
  const applied = async () =>
    (
      await database.db
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.orgId, organization.id), like(customers.name, '% (edited)')))
    ).length;
  while ((await applied()) < changes) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nAscora webhooks, PGlite, worker polling every 2 s: ${changes} changes applied ${seconds.toFixed(2)} s after the first edit (target < 10 s)`,
  );
} finally {
  await server.close();
  await ascora.close();
}
