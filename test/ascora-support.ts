import type { AscoraCustomer, AscoraJob } from '@crewkit/ascora';
import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { and, eq } from 'drizzle-orm';
import {
  contentHash,
  sharedFromAscoraCustomer,
  sharedFromAscoraJob,
  sharedFromLocalCustomer,
  sharedFromLocalJob,
} from '../server/src/ascora/canonical.js';
import type { AscoraDeps } from '../server/src/ascora/connection.js';
import { connectAscora } from '../server/src/ascora/connection.js';
import type { AscoraConflictStrategy } from '../server/src/db/schema.js';
import { ascoraMappings, customers, jobs } from '../server/src/db/schema.js';
import { createLogger } from '../server/src/logger.js';
import { createTestContext, type TestContext, type TestOrg } from '../server/test-support/harness.js';

export interface AscoraTest {
  t: TestContext;
  org: TestOrg;
  fake: FakeAscora;
  url: string;
  deps: AscoraDeps;
  close(): Promise<void>;
}

/** A Crewkit test database, a fake Ascora on a real port, and the organization connected to it. */
export async function setupAscora(
  options: {
    seed?: { customers?: number; jobs?: number; invoices?: number; payments?: number };
    strategy?: AscoraConflictStrategy;
    http?: boolean;
  } = {},
): Promise<AscoraTest> {
  const t = await createTestContext({ http: options.http ?? false });
  const org = await t.createOrg();
  const fake = createFakeAscora();
  if (options.seed) fake.seed(options.seed);
  const server = await fake.listen();
  const deps: AscoraDeps = {
    db: t.database.db,
    secret: t.config.secret,
    logger: createLogger({ level: process.env.ASCORA_TEST_LOG ?? 'silent' }),
    now: t.services.now,
    // Real backoff shapes, shorter waits: a test should not sleep for seconds.
    clientOptions: { retry: { limit: 6, initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 } },
    staleRunMs: 60_000,
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    urls: { allowPrivate: true },
  };
  await connectAscora(deps, org.orgId, {
    apiKey: DEMO_API_KEY,
    baseUrl: server.url,
    conflictStrategy: options.strategy ?? 'newest_wins',
  });
  return {
    t,
    org,
    fake,
    url: server.url,
    deps,
    async close() {
      await server.close();
      await t.close();
    },
  };
}

/** Every Crewkit customer and job of the org, by Ascora id, as the shared-field hash. */
export async function localHashes(a: AscoraTest) {
  const db = a.t.database.db;
  const customerRows = await db
    .select({ row: customers, ascoraId: ascoraMappings.ascoraId })
    .from(customers)
    .innerJoin(
      ascoraMappings,
      and(eq(ascoraMappings.localId, customers.id), eq(ascoraMappings.entity, 'customer')),
    )
    .where(eq(customers.orgId, a.org.orgId));
  const toAscora = new Map(customerRows.map(({ row, ascoraId }) => [row.id, ascoraId]));
  const jobRows = await db
    .select({ row: jobs, ascoraId: ascoraMappings.ascoraId })
    .from(jobs)
    .innerJoin(ascoraMappings, and(eq(ascoraMappings.localId, jobs.id), eq(ascoraMappings.entity, 'job')))
    .where(eq(jobs.orgId, a.org.orgId));
  return {
    customers: new Map(
      customerRows.map(({ row, ascoraId }) => [ascoraId, contentHash(sharedFromLocalCustomer(row))]),
    ),
    jobs: new Map(
      jobRows.map(({ row, ascoraId }) => [
        ascoraId,
        contentHash(
          sharedFromLocalJob(
            row,
            row.siteCustomerId ? (toAscora.get(row.siteCustomerId) ?? null) : null,
            row.billingCustomerId ? (toAscora.get(row.billingCustomerId) ?? null) : null,
          ),
        ),
      ]),
    ),
  };
}

export function remoteHashes(fake: FakeAscora) {
  return {
    customers: new Map(
      [...fake.store.customers.values()].map((c: AscoraCustomer) => [
        c.customerId,
        contentHash(sharedFromAscoraCustomer(c)),
      ]),
    ),
    jobs: new Map(
      [...fake.store.jobs.values()].map((j: AscoraJob) => [j.jobId, contentHash(sharedFromAscoraJob(j))]),
    ),
  };
}
