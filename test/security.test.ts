/**
 * The security suite, generated from openapi.yaml: every operation, present and future, is
 * attacked the same ways. Adding an operation to the spec adds its cases here by itself.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../server/src/db/index.js';
import { loadSpec, type Operation } from '../server/src/openapi/spec.js';
import { createTestContext, type TestContext, type TestOrg } from '../server/test-support/harness.js';
import { type DemoOrg, seedDemoOrg, tableFor } from './support/demo-org.js';
import { SchemaSampler } from './support/malformed-input.js';

const spec = loadSpec();
const origin = 'https://widget.example';

describe('security, for every operation in openapi.yaml', () => {
  let t: TestContext;
  let victim: TestOrg;
  let attacker: TestOrg;
  let knownIds: Record<string, string>;
  let attackerToken: string;

  beforeAll(async () => {
    t = await createTestContext();
    victim = await t.createOrg({ allowedOrigins: [origin] });
    attacker = await t.createOrg({ allowedOrigins: [origin] });
    const [key] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from api_keys where org_id = ${victim.orgId} limit 1`,
    );
    // Real ids of the victim's rows, so a cross-tenant request aims at something that exists.
    knownIds = { orgId: victim.orgId, userId: victim.owner.id, keyId: key!.id };
    attackerToken = (await t.login(attacker.owner.email, attacker.owner.password)).accessToken;
  });
  afterAll(() => t.close());

  const pathFor = (op: Operation, overrides: Record<string, string> = {}) =>
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) => overrides[name] ?? knownIds[name] ?? randomUUID());

  const bodyFor = (op: Operation) => (op.requestBody ? { body: {} } : {});

  const everyOp = spec.operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const);
  const secured = everyOp.filter(([, op]) => !op.anonymous);
  const orgScoped = secured.filter(([, op]) => op.orgScoped);
  const notPublic = secured.filter(([, op]) => !op.public);

  it.each(secured)('%s without a credential → 401', async (_, op) => {
    const response = await t.request(op.method.toUpperCase(), pathFor(op), bodyFor(op));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthorized');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
  });

  it.each(secured)('%s with a made-up credential → 401', async (_, op) => {
    for (const token of ['sk_made-up', 'pk_made-up', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      const response = await t.request(op.method.toUpperCase(), pathFor(op), { token, ...bodyFor(op) });
      expect(response.status).toBe(401);
    }
  });

  it.each(orgScoped)("%s with another organization's secret key → 404, nothing changed", async (_, op) => {
    const before = await t.snapshot();
    const response = await t.request(op.method.toUpperCase(), pathFor(op), {
      token: attacker.secretKey,
      ...bodyFor(op),
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(await t.snapshot()).toBe(before);
  });

  it.each(orgScoped)("%s with another organization's access token → 404, nothing changed", async (_, op) => {
    const before = await t.snapshot();
    const response = await t.request(op.method.toUpperCase(), pathFor(op), {
      token: attackerToken,
      ...bodyFor(op),
    });
    expect(response.status).toBe(404);
    expect(await t.snapshot()).toBe(before);
  });

  it.each(notPublic)('%s with a publishable key, even from its allowed origin → 403', async (_, op) => {
    const before = await t.snapshot();
    const response = await t.request(op.method.toUpperCase(), pathFor(op), {
      token: victim.publishableKey,
      headers: { origin },
      ...bodyFor(op),
    });
    expect(response.status).toBe(403);
    expect(await t.snapshot()).toBe(before);
  });

  const withUuidParams = secured.filter(([, op]) =>
    op.parameters.some((p) => p.in === 'path' && p.name !== 'orgId'),
  );
  it.each(withUuidParams)('%s with a malformed id in the path → 400 problem', async (_, op) => {
    const overrides = Object.fromEntries(
      op.parameters
        .filter((p) => p.in === 'path' && p.name !== 'orgId')
        .map((p) => [p.name, "1'; drop table users;--"]),
    );
    const response = await t.request(op.method.toUpperCase(), pathFor(op, overrides), {
      token: victim.secretKey,
      ...bodyFor(op),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors[0].path).toMatch(/^path\./);
  });

  const withNumericQuery = everyOp.filter(([, op]) =>
    op.parameters.some((p) => p.in === 'query' && p.schema.type === 'integer'),
  );
  it.each(withNumericQuery)('%s with a non-numeric number in the query → 400 problem', async (_, op) => {
    const name = op.parameters.find((p) => p.in === 'query' && p.schema.type === 'integer')!.name;
    const response = await t.request(op.method.toUpperCase(), `${pathFor(op)}?${name}=lots`, {
      token: victim.secretKey,
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe(`query.${name}`);
  });

  const withBody = everyOp.filter(([, op]) => op.requestBody);
  it.each(withBody)('%s with bodies of the wrong shape → 400 problem, nothing changed', async (_, op) => {
    const before = await t.snapshot();
    for (const rawBody of ['[]', '"text"', '42', '{"__not_in_the_contract__": true}', '{"a":']) {
      const response = await t.request(op.method.toUpperCase(), pathFor(op), {
        token: victim.secretKey,
        rawBody,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status, rawBody).toBe(400);
      expect(['validation_failed', 'malformed_json']).toContain(response.body.code);
    }
    expect(await t.snapshot()).toBe(before);
  });

  it('never answered any of the above with a 5xx', async () => {
    // Each case above asserts its own status; this one sweeps odd inputs across every operation.
    const odd = ['%00', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(2000), '🙂'];
    for (const [, op] of everyOp) {
      for (const value of odd) {
        const response = await t.app.request(
          pathFor(
            op,
            Object.fromEntries(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, value])),
          ),
          {
            method: op.method.toUpperCase(),
            headers: { authorization: `Bearer ${victim.secretKey}`, 'content-type': 'application/json' },
            ...(op.method === 'get' ? {} : { body: '{}' }),
          },
        );
        expect(response.status, `${op.method} ${op.path} with ${value.slice(0, 20)}`).toBeLessThan(500);
      }
    }
  });
});

describe("isolation: the attacker's own organization, the victim's records", () => {
  // Every case above names the victim's organization and is refused by the one tenancy check that
  // runs before any handler. Here the path names the attacker's own organization, which the
  // credential may use, so every handler's own scoping of the victim's ids is what is tested.
  let t: TestContext;
  let victim: DemoOrg;
  let attacker: TestOrg;
  let attackerToken: string;
  let victimText: string[];

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    victim = await seedDemoOrg(t, [origin]);
    attacker = await t.createOrg({ allowedOrigins: [origin] });
    attackerToken = (await t.login(attacker.owner.email, attacker.owner.password)).accessToken;
    // What the victim's records say, which no answer to the attacker may repeat.
    victimText = ['olivia.hart@example.com', 'Harbour City Plumbing', 'Winter rate', 'Site manager'];
  }, 120_000);
  afterAll(() => t?.close());

  // Also used while collecting the cases, before any victim exists: then any uuid stands in.
  const sampler = () => new SchemaSampler(spec, (name) => victim?.ids[name] ?? randomUUID());
  const requestAs = (op: Operation, token: string, query = '') => {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      name === 'orgId' ? attacker.orgId : (victim.ids[name] ?? randomUUID()),
    );
    return t.request(op.method.toUpperCase(), `${path}${query}`, {
      token,
      // A publishable key is only accepted from its allowed origins.
      ...(token.startsWith('pk_') ? { headers: { origin } } : {}),
      ...(op.requestBody ? { body: sampler().sample(op.requestBody.schema) } : {}),
    });
  };
  // Each credential the operation accepts: the secret key, an owner's token, the widget's key.
  const attackerCredentials = (op: Operation) => [
    attacker.secretKey,
    attackerToken,
    ...(op.public ? [attacker.publishableKey] : []),
  ];

  const orgOps = spec.operations
    .filter((op) => op.orgScoped && !op.anonymous)
    .map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const);
  // Records named by id; a message template is named by its type and language, which every
  // organization has its own of, so there is no victim's record in such a path to reach.
  const withIdInPath = orgOps.filter(([, op]) => /\{(?!orgId\})\w+Id\}/.test(op.path));

  it.each(withIdInPath)(
    "%s with the victim's ids in the attacker's organization → 404, nothing changed",
    async (_, op) => {
      for (const token of attackerCredentials(op)) {
        const before = await t.snapshot();
        const response = await requestAs(op, token);
        expect(response.status, response.text.slice(0, 300)).toBe(404);
        expect(response.body.code).toBe('not_found');
        expect(await t.snapshot()).toBe(before);
      }
    },
  );

  const withIdInBody = orgOps.filter(
    ([, op]) =>
      !withIdInPath.some(([, other]) => other === op) &&
      op.requestBody !== undefined &&
      JSON.stringify(sampler().sample(op.requestBody.schema)).match(/[0-9a-f]{8}-[0-9a-f]{4}-/),
  );
  it.each(withIdInBody)(
    "%s naming the victim's records in its body → 4xx, nothing changed",
    async (_, op) => {
      for (const token of attackerCredentials(op)) {
        const before = await t.snapshot();
        const response = await requestAs(op, token);
        expect(response.status, response.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(await t.snapshot()).toBe(before);
      }
    },
  );

  const withIdInQuery = orgOps.filter(([, op]) =>
    op.parameters.some((p) => p.in === 'query' && p.name in tableFor),
  );
  it.each(withIdInQuery)("%s filtering by the victim's ids shows nothing of the victim's", async (_, op) => {
    const query = op.parameters
      .filter((p) => p.in === 'query' && (p.name in tableFor || p.required))
      .map((p) => `${p.name}=${encodeURIComponent(String(sampler().sample(p.schema, p.name)))}`)
      .join('&');
    const response = await requestAs(op, attacker.secretKey, `?${query}`);
    expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
    for (const id of Object.values(victim.ids)) expect(response.text).not.toContain(id);
    for (const text of victimText) expect(response.text).not.toContain(text);
  });
});
