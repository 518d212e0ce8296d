/**
 * The malformed-input sweep, generated from openapi.yaml: every parameter and body field of every
 * operation gets wrong types, NUL, oversize text, a leap second, years 0000 and 9999, deep nesting
 * and odd Unicode. What no valid request holds is a 4xx problem that changes nothing; nothing is
 * ever a 5xx. The cases are the same on every run (a fixed seed picks the sampled ones).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDirections } from '../server/src/ascora/connection.js';
import { queryRows } from '../server/src/db/index.js';
import { ascoraConnections } from '../server/src/db/schema.js';
import { sha256 } from '../server/src/lib/crypto.js';
import { createLogger } from '../server/src/logger.js';
import { loadSpec, type Operation } from '../server/src/openapi/spec.js';
import { createTestContext, type TestContext } from '../server/test-support/harness.js';
import { seedDemoOrg } from './support/demo-org.js';
import {
  marker,
  SchemaSampler,
  type SweepCase,
  seededRandom,
  sweepCases,
} from './support/malformed-input.js';

const spec = loadSpec();
const origin = 'https://widget.example';

describe('malformed input, for every operation in openapi.yaml', () => {
  let t: TestContext;
  let orgId: string;
  let secretKey: string;
  let accessToken: string;
  let ids: Record<string, string>;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) },
    });
    t = await createTestContext({ http: true, logger });
    // Real ids of every kind, so the cases reach the handlers instead of stopping at "not found".
    const demo = await seedDemoOrg(t, [origin]);
    orgId = demo.orgId;
    secretKey = demo.secretKey;
    accessToken = (await t.login(demo.login.email, demo.login.password)).accessToken;
    ids = { orgId, ...demo.ids };
  }, 120_000);
  afterAll(() => t?.close());

  const idFor = (name: string) => ids[name] ?? randomUUID();
  const casesFor = (op: Operation, seed: number): SweepCase[] => {
    const sampler = new SchemaSampler(spec, idFor);
    const pathParams = Object.fromEntries(
      op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, idFor(p.name)]),
    );
    return sweepCases(sampler, op, pathParams, seededRandom(seed));
  };

  const send = (op: Operation, c: SweepCase) => {
    const token = op.anonymous ? undefined : op.credentials.includes('secret_key') ? secretKey : accessToken;
    return t.request(op.method.toUpperCase(), `${c.path}${c.query ? `?${c.query}` : ''}`, {
      token,
      headers: { 'content-type': 'application/json', origin, ...c.headers },
      ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
    });
  };

  const everyOp = spec.operations.map(
    (op, index) => [`${op.method.toUpperCase()} ${op.path}`, op, index] as const,
  );

  it.each(everyOp)(
    '%s refuses what no valid request holds with a 4xx problem, changing nothing',
    async (_, op, index) => {
      const cases = casesFor(op, index).filter((c) => c.refused);
      const before = await t.snapshot();
      for (const c of cases) {
        const response = await send(op, c);
        const label = `${c.where} ${c.what} → ${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, label).toBeGreaterThanOrEqual(400);
        expect(response.status, label).toBeLessThan(500);
      }
      expect(await t.snapshot()).toBe(before);
    },
  );

  it.each(everyOp)('%s answers odd but legitimate text without a 5xx', async (_, op, index) => {
    for (const c of casesFor(op, index).filter((c) => !c.refused)) {
      const response = await send(op, c);
      expect(
        response.status,
        `${c.where} ${c.what} → ${response.status} ${response.text.slice(0, 300)}`,
      ).toBeLessThan(500);
    }
  });

  it('logged none of the values it sent, nor any credential', async () => {
    const logs = logLines.join('');
    const [owner] = await queryRows<{ password_hash: string }>(
      t.database.db,
      sql`select password_hash from users where org_id = ${orgId} and role = 'owner'`,
    );
    expect(logs).not.toContain(marker);
    expect(logs).not.toContain(secretKey);
    expect(logs).not.toContain(accessToken);
    expect(logs).not.toContain(owner!.password_hash);
  });
});

describe('an Ascora webhook nested 10,000 levels deep', () => {
  let t: TestContext;
  let orgId: string;
  const token = 'w'.repeat(43);

  beforeAll(async () => {
    // A webhook is a hint for the queue: without one running it is refused with 503.
    t = await createTestContext({ queue: true });
    orgId = (await t.createOrg()).orgId;
    // A connection as connecting leaves it, so the webhook's token is accepted.
    await t.database.db.insert(ascoraConnections).values({
      orgId,
      status: 'connected',
      baseUrl: 'https://api.ascora.com.au',
      webhookTokenHash: sha256(token),
      directions: defaultDirections,
      connectedAt: new Date(),
    });
  });
  afterAll(() => t?.close());

  it('is refused with a 400 naming the body, before its digest is computed, changing nothing', async () => {
    const before = await t.snapshot();
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const response = await t.request('POST', `/api/v1/organizations/${orgId}/ascora/webhooks/${token}`, {
      rawBody: `{"customerId":"C-1","history":${deep}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body', message: expect.stringContaining('64 deep') }]);
    expect(await t.snapshot()).toBe(before);
  });

  it('is accepted when nested as deep as Ascora actually sends', async () => {
    const response = await t.request('POST', `/api/v1/organizations/${orgId}/ascora/webhooks/${token}`, {
      body: { customerId: 'C-1', address: { lines: [['12 Harbour St']] } },
    });
    expect(response.status).toBe(202);
  });
});
