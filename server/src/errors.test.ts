import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../test-support/harness.js';
import { fromDatabaseError, maxBodyBytes } from './app.js';

describe('problem responses', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  const users = () => `/api/v1/organizations/${org.orgId}/users`;

  it('answer an unknown route with a 404 problem', async () => {
    const response = await t.request('GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      status: 404,
      code: 'not_found',
      title: expect.any(String),
      type: expect.stringContaining('not-found'),
    });
  });

  it('answer a known path with the wrong method with 405 and Allow', async () => {
    const response = await t.request('PUT', users(), { token: org.secretKey });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('answer malformed JSON with 400 malformed_json', async () => {
    const response = await t.request('POST', users(), {
      token: org.secretKey,
      rawBody: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('malformed_json');
  });

  it('answer a body that is not JSON with 415', async () => {
    const response = await t.request('POST', users(), {
      token: org.secretKey,
      rawBody: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });

  it('answer an oversized body with 413 before reading it all', async () => {
    const response = await t.request('POST', users(), {
      token: org.secretKey,
      rawBody: JSON.stringify({ name: 'x'.repeat(maxBodyBytes) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
  });

  it('list every invalid field with its path', async () => {
    const response = await t.request('POST', users(), {
      token: org.secretKey,
      body: { email: 'not-an-email', name: '', role: 'boss', password: 'short', extra: true },
    });
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['body.email', 'body.extra', 'body.name', 'body.password', 'body.role']);
    expect(response.body.errors.find((e: { path: string }) => e.path === 'body.role').message).toContain(
      'owner, admin',
    );
  });

  it('check query parameters against the spec', async () => {
    const response = await t.request('GET', `${users()}?limit=1000`, { token: org.secretKey });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'query.limit', message: 'must be <= 100' }]);
  });

  it('carry the caller’s request id when it is sane', async () => {
    const response = await t.request('GET', '/api/v1/nothing', {
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(response.body.requestId).toBe('trace-abc.123');
    const junk = await t.request('GET', '/api/v1/nothing', { headers: { 'x-request-id': '<script>' } });
    expect(junk.body.requestId).not.toBe('<script>');
  });
});

describe('an unexpected failure', () => {
  it('is a 500 problem with the request id and no stack trace, and is logged', async () => {
    const t = await createTestContext();
    const org = await t.createOrg();
    await t.database.close(); // every query now fails in a way no handler expects
    const response = await t.app.request(
      `/api/v1/organizations/${org.orgId}/users/01900000-0000-7000-8000-000000000000`,
      {
        headers: { authorization: `Bearer ${org.secretKey}` },
      },
    );
    const body = await response.json();
    expect([500, 503]).toContain(response.status);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

describe('database errors that escape a handler', () => {
  it('are a conflict when a constraint refused the change', () => {
    expect(fromDatabaseError({ cause: { code: '23505' } })?.code).toBe('conflict');
    expect(fromDatabaseError({ cause: { code: '23P01' } })?.code).toBe('conflict');
  });

  it('ask the client to retry after a deadlock or serialization failure, which rolled everything back', () => {
    for (const code of ['40P01', '40001', '57P01']) {
      const error = fromDatabaseError({ code });
      expect(error?.code).toBe('unavailable');
      expect(error?.options.headers).toMatchObject({ 'retry-after': '1' });
    }
  });

  it('leave anything else to the internal-error handler', () => {
    expect(fromDatabaseError(new Error('boom'))).toBeUndefined();
    expect(fromDatabaseError({ code: '22P02' })).toBeUndefined();
  });
});
