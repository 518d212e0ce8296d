import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { canonicalJson } from './idempotency.js';

describe('idempotent POSTs', () => {
  let t: TestContext;
  let org: TestOrg;
  const keys = () => `/api/v1/organizations/${org.orgId}/api-keys`;
  const countKeys = async () =>
    (
      await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from api_keys where org_id = ${org.orgId}`,
      )
    )[0]!.n;

  let secretKeyScope: string;

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
    const me = await t.request('GET', '/api/v1/auth/me', { token: org.secretKey });
    secretKeyScope = `key:${me.body.apiKeyId}`;
  });
  afterAll(() => t.close());

  it('replay the first response for a retry with the same key and body, doing the work once', async () => {
    const before = await countKeys();
    const send = () =>
      t.request('POST', keys(), {
        token: org.secretKey,
        headers: { 'idempotency-key': 'retry-1' },
        body: { kind: 'secret', name: 'Once' },
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countKeys()).toBe(before + 1);
  });

  it('keep the replayed response encrypted at rest (it can hold a new secret key)', async () => {
    const created = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'sealed' },
      body: { kind: 'secret', name: 'Sealed' },
    });
    const [row] = await queryRows<{ response_body: string }>(
      t.database.db,
      sql`select response_body from idempotency_keys where key = 'sealed'`,
    );
    expect(row!.response_body).not.toContain(created.body.secret);
    expect(row!.response_body).toMatch(/^v1\./);
  });

  it('refuse the same key with a different body', async () => {
    await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'reuse' },
      body: { kind: 'secret', name: 'A' },
    });
    const before = await t.snapshot();
    const reused = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'reuse' },
      body: { kind: 'secret', name: 'B' },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(await t.snapshot()).toBe(before);
  });

  it('answer 409 while the first request with the key is still running', async () => {
    await t.database.db.execute(
      sql`insert into idempotency_keys (org_id, scope, key, request_hash, state, locked_at) values (${org.orgId}, ${secretKeyScope}, 'busy', 'x', 'in_progress', now())`,
    );
    const response = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'busy' },
      body: { kind: 'secret', name: 'B' },
    });
    // The stored hash differs, so first make it match by asking with the request the claim was for.
    expect([409, 422]).toContain(response.status);
    const hash = (await import('../lib/crypto.js')).sha256(
      `POST ${keys()}\n${canonicalJson({ kind: 'secret', name: 'Busy' })}`,
    );
    await t.database.db.execute(sql`update idempotency_keys set request_hash = ${hash} where key = 'busy'`);
    const busy = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'busy' },
      body: { kind: 'secret', name: 'Busy' },
    });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('idempotency_request_in_progress');
  });

  it('let a retry take over a claim left by a process that died mid-request', async () => {
    const body = { kind: 'secret', name: 'Orphan' };
    const hash = (await import('../lib/crypto.js')).sha256(`POST ${keys()}\n${canonicalJson(body)}`);
    await t.database.db.execute(
      sql`insert into idempotency_keys (org_id, scope, key, request_hash, state, locked_at) values (${org.orgId}, ${secretKeyScope}, 'orphan', ${hash}, 'in_progress', now() - interval '5 minutes')`,
    );
    const before = await countKeys();
    const response = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'orphan' },
      body,
    });
    expect(response.status).toBe(201);
    expect(await countKeys()).toBe(before + 1);
  });

  it('release the key when the request fails, so a corrected retry can use it', async () => {
    const failed = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'fails-first' },
      body: { kind: 'publishable', name: 'No origins' },
    });
    expect(failed.status).toBe(400);
    const [row] = await queryRows(
      t.database.db,
      sql`select 1 from idempotency_keys where key = 'fails-first'`,
    );
    expect(row).toBeUndefined();
  });

  it('run concurrent duplicates once: one succeeds, the others are told to wait or get the replay', async () => {
    const before = await countKeys();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.request('POST', keys(), {
          token: org.secretKey,
          headers: { 'idempotency-key': 'burst' },
          body: { kind: 'secret', name: 'Burst' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const secrets = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.secret));
    expect(secrets.size).toBe(1);
    expect(await countKeys()).toBe(before + 1);
  });

  it('are scoped per organization', async () => {
    const other = await t.createOrg();
    const mine = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'shared' },
      body: { kind: 'secret', name: 'S' },
    });
    const theirs = await t.request('POST', `/api/v1/organizations/${other.orgId}/api-keys`, {
      token: other.secretKey,
      headers: { 'idempotency-key': 'shared' },
      body: { kind: 'secret', name: 'S' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('treat the same body with its keys in another order as the same request', async () => {
    const before = await countKeys();
    const first = await t.request('POST', keys(), {
      token: org.secretKey,
      rawBody: '{"kind":"secret","name":"Reordered"}',
      headers: { 'idempotency-key': 'reordered', 'content-type': 'application/json' },
    });
    const retry = await t.request('POST', keys(), {
      token: org.secretKey,
      rawBody: '{"name":"Reordered","kind":"secret"}',
      headers: { 'idempotency-key': 'reordered', 'content-type': 'application/json' },
    });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await countKeys()).toBe(before + 1);
  });

  it("never show one caller's response to another caller who picked the same key", async () => {
    const owner = await t.login(org.owner.email, org.owner.password);
    const body = { kind: 'secret', name: 'Mine' };
    const byKey = await t.request('POST', keys(), {
      token: org.secretKey,
      headers: { 'idempotency-key': 'same-key' },
      body,
    });
    const byUser = await t.request('POST', keys(), {
      token: owner.accessToken,
      headers: { 'idempotency-key': 'same-key' },
      body,
    });
    expect(byUser.status).toBe(201);
    expect(byUser.headers.get('idempotent-replayed')).toBeNull();
    expect(byUser.body.id).not.toBe(byKey.body.id);
    expect(byUser.body.secret).not.toBe(byKey.body.secret);
  });
});
