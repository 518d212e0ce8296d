import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { sha256 } from '../lib/crypto.js';
import { canonicalJson } from './idempotency.js';

const site = 'https://plumber.example';

/*
 * A browser hides any answer without Access-Control-Allow-Origin from the page, and fetch then
 * rejects as if the network had failed. Every refusal must therefore be readable, or the widget can
 * only say "We could not reach the server" and the SDK retries what will never succeed.
 */
describe.each([
  ['app.request', false],
  ['HTTP', true],
])('Error answers to a cross-origin request (%s)', (_, http) => {
  let t: TestContext;
  let org: TestOrg;
  let other: TestOrg;
  const orgPath = (id = org.orgId) => `/api/v1/organizations/${id}`;
  const crossOrigin = (token?: string, headers: Record<string, string> = {}) => ({
    ...(token ? { token } : {}),
    headers: { origin: site, ...headers },
  });

  beforeAll(async () => {
    // A still clock: the 429 case counts to a limit within one fixed window.
    const startedAt = Date.now();
    t = await createTestContext({ http, now: () => startedAt });
    org = await t.createOrg({ allowedOrigins: [site] });
    other = await t.createOrg({ allowedOrigins: ['https://other.example'] });
  });
  afterAll(() => t.close());

  function expectReadable(response: { headers: Headers }) {
    expect(response.headers.get('access-control-allow-origin')).toBe(site);
    expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
    expect(response.headers.get('vary')).toContain('Origin');
  }

  it('a 401 for a missing credential is readable', async () => {
    const response = await t.request('GET', `${orgPath()}/booking-profile`, crossOrigin());
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthorized');
    expectReadable(response);
  });

  it('a 401 for an unknown publishable key says the key is invalid, readably', async () => {
    const response = await t.request(
      'GET',
      `${orgPath()}/booking-profile`,
      crossOrigin('pk_live_not-a-real-key'),
    );
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('invalid_publishable_key');
    expectReadable(response);
  });

  it("a publishable key used for another organization's page is invalid there, whether or not that organization exists", async () => {
    const elsewhere = await t.request(
      'GET',
      `${orgPath(other.orgId)}/booking-profile`,
      crossOrigin(org.publishableKey),
    );
    const nowhere = await t.request(
      'GET',
      `${orgPath(randomUUID())}/booking-profile`,
      crossOrigin(org.publishableKey),
    );
    for (const response of [elsewhere, nowhere]) {
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_publishable_key');
      expectReadable(response);
    }
    expect(elsewhere.body.detail).toBe(nowhere.body.detail);
  });

  it('a 403 for an origin the publishable key does not allow is readable, and discloses no data', async () => {
    const response = await t.request('GET', `${orgPath(other.orgId)}/booking-profile`, {
      token: other.publishableKey,
      headers: { origin: site },
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('origin_not_allowed');
    expect(Object.keys(response.body).sort()).toEqual([
      'code',
      'detail',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(response.text).not.toContain('other.example');
    expectReadable(response);
  });

  it('a 403 for an operation the credential may not call is readable', async () => {
    const response = await t.request('GET', orgPath(), crossOrigin(org.publishableKey));
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expectReadable(response);
  });

  it("a 404 for another organization's secret key is readable", async () => {
    const response = await t.request('GET', orgPath(other.orgId), crossOrigin(org.secretKey));
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expectReadable(response);
  });

  it('a 404 for a path no operation has is readable', async () => {
    const response = await t.request('GET', `${orgPath()}/no-such-thing`, crossOrigin(org.secretKey));
    expect(response.status).toBe(404);
    expectReadable(response);
  });

  it('a 422 for a reused idempotency key is readable', async () => {
    const headers = { 'idempotency-key': `reuse-${http}` };
    const keys = `${orgPath()}/api-keys`;
    await t.request('POST', keys, {
      ...crossOrigin(org.secretKey, headers),
      body: { kind: 'secret', name: 'A' },
    });
    const response = await t.request('POST', keys, {
      ...crossOrigin(org.secretKey, headers),
      body: { kind: 'secret', name: 'B' },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('idempotency_key_reused');
    expectReadable(response);
  });

  it('a 409 for a request still running is readable, with a Retry-After the page may read', async () => {
    const keys = `${orgPath()}/api-keys`;
    const body = { kind: 'secret', name: 'Busy' };
    const key = `busy-${http}`;
    const hash = sha256(`POST ${keys}\n${canonicalJson(body)}`);
    // Keys are scoped to the credential that sent them.
    const me = await t.request('GET', '/api/v1/auth/me', { token: org.secretKey });
    const scope = `key:${me.body.apiKeyId}`;
    await t.database.db.execute(
      sql`insert into idempotency_keys (org_id, scope, key, request_hash, state, locked_at) values (${org.orgId}, ${scope}, ${key}, ${hash}, 'in_progress', now())`,
    );
    const response = await t.request('POST', keys, {
      ...crossOrigin(org.secretKey, { 'idempotency-key': key }),
      body,
    });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('idempotency_request_in_progress');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expectReadable(response);
  });

  it('a 429 is readable, with a Retry-After the page may read', async () => {
    const refresh = () =>
      t.request('POST', '/api/v1/auth/refresh', { ...crossOrigin(), body: { refreshToken: 'made-up' } });
    let response = await refresh();
    for (let attempt = 0; response.status !== 429 && attempt < 25; attempt++) response = await refresh();
    expect(response.status).toBe(429);
    expect(response.body.code).toBe('rate_limited');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expectReadable(response);
  });
});
