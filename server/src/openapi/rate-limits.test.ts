import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openTestDatabase, testConfig } from '../../test-support/harness.js';
import { createApp } from '../app.js';
import type { AppEnv } from '../context.js';
import type { Database } from '../db/index.js';
import { createLogger } from '../logger.js';
import { specPath } from '../paths.js';
import { createOrganization } from '../services/organizations.js';
import { parseSpec } from './spec.js';

/** The real contract with small limits: 3 a minute by default, 2 a minute for listing customers. */
function specWithSmallLimits() {
  const document = parse(readFileSync(specPath, 'utf8'));
  document['x-crewkit-org-rate-limit'] = { requests: 3, perSeconds: 60 };
  document.paths['/api/v1/organizations/{orgId}/customers'].get['x-crewkit-org-rate-limit'] = {
    requests: 2,
    perSeconds: 60,
  };
  return parseSpec(stringify(document));
}

describe('per-organization rate limits', () => {
  let database: Database;
  let clock = Date.parse('2026-03-02T09:00:10Z');
  let first: Hono<AppEnv>;
  let second: Hono<AppEnv>;
  const spec = specWithSmallLimits();
  const newOrg = async (name: string) => {
    const created = await createOrganization(database.db, {
      name,
      timeZone: 'Australia/Sydney',
      currency: 'AUD',
      locale: 'en-AU',
      allowedOrigins: [],
    });
    return { orgId: created.organization.id, key: created.secretKey };
  };
  const get = (app: Hono<AppEnv>, org: { orgId: string; key: string }, path = '') =>
    app.request(`/api/v1/organizations/${org.orgId}${path}`, {
      headers: { authorization: `Bearer ${org.key}` },
    });

  beforeAll(async () => {
    database = await openTestDatabase();
    // Two instances of the server on one database, as behind a load balancer.
    const instance = () =>
      createApp(
        { database, config: testConfig(), logger: createLogger({ level: 'silent' }), now: () => clock },
        spec,
      );
    first = instance();
    second = instance();
  });
  afterAll(() => database.close());

  it('are shared by every instance, and say how much is left on every answer', async () => {
    const org = await newOrg('Shared');
    const answers = [await get(first, org), await get(second, org), await get(first, org)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0']);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(answers[0]!.headers.get('ratelimit-reset')).toBe('50');

    const refused = await get(second, org);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await refused.json()).code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe('50');
  });

  it('open again when the window ends', async () => {
    const org = await newOrg('Waits');
    for (let i = 0; i < 3; i++) await get(first, org);
    const refused = await get(first, org);
    expect(refused.status).toBe(429);
    clock += Number(refused.headers.get('retry-after')) * 1000;
    expect((await get(second, org)).status).toBe(200);
  });

  it('count each organization apart', async () => {
    const busy = await newOrg('Busy');
    const quiet = await newOrg('Quiet');
    for (let i = 0; i < 4; i++) await get(first, busy);
    expect((await get(first, quiet)).status).toBe(200);
  });

  it('count an operation with a limit of its own apart from the default', async () => {
    const org = await newOrg('Own limit');
    const customers = [await get(first, org, '/customers'), await get(second, org, '/customers')];
    expect(customers.map((a) => a.headers.get('ratelimit-limit'))).toEqual(['2', '2']);
    expect((await get(first, org, '/customers')).status).toBe(429);
    expect((await get(second, org)).status).toBe(200);
  });
});
