import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('organizations', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('returns the organization with its booking settings', async () => {
    const response = await t.request('GET', `/api/v1/organizations/${org.orgId}`, { token: org.secretKey });
    expect(response.body).toMatchObject({
      id: org.orgId,
      timeZone: 'Australia/Sydney',
      currency: 'AUD',
      bookingSettings: { minimumNoticeMinutes: 120, horizonDays: 60, slotStepMinutes: 30 },
    });
  });

  it('updates the name and part of the booking settings', async () => {
    const response = await t.request('PATCH', `/api/v1/organizations/${org.orgId}`, {
      token: org.secretKey,
      body: { name: 'Renamed Plumbing', bookingSettings: { minimumNoticeMinutes: 60 } },
    });
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('Renamed Plumbing');
    expect(response.body.bookingSettings).toEqual({
      minimumNoticeMinutes: 60,
      horizonDays: 60,
      slotStepMinutes: 30,
    });
  });

  it('rejects a time zone that does not exist and changes nothing', async () => {
    const before = await t.snapshot();
    const response = await t.request('PATCH', `/api/v1/organizations/${org.orgId}`, {
      token: org.secretKey,
      body: { timeZone: 'Mars/Olympus_Mons', currency: 'XXY' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'body.timeZone', message: expect.stringContaining('IANA') },
      { path: 'body.currency', message: expect.stringContaining('ISO 4217') },
    ]);
    expect(await t.snapshot()).toBe(before);
  });

  it('lets only owners and admins change settings', async () => {
    const dispatcher = await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: { email: 'dispatch@example.com', name: 'D', role: 'dispatcher', password: 'dispatcher-password' },
    });
    expect(dispatcher.status).toBe(201);
    const { accessToken } = await t.login('dispatch@example.com', 'dispatcher-password');
    const response = await t.request('PATCH', `/api/v1/organizations/${org.orgId}`, {
      token: accessToken,
      body: { name: 'Mine now' },
    });
    expect(response.status).toBe(403);
    expect(response.body.detail).toContain('owner, admin');
  });
});

describe('publishable keys', () => {
  let t: TestContext;
  let org: TestOrg;
  const profilePath = () => `/api/v1/organizations/${org.orgId}/booking-profile`;
  beforeAll(async () => {
    // Limits count in fixed windows on the app's clock: a still clock keeps 301 requests in one.
    const startedAt = Date.now();
    t = await createTestContext({ now: () => startedAt });
    org = await t.createOrg({ allowedOrigins: ['https://plumber.example'] });
  });
  afterAll(() => t.close());

  it('read the public booking profile from an allowed origin, with CORS for that origin', async () => {
    const response = await t.request('GET', profilePath(), {
      token: org.publishableKey,
      headers: { origin: 'https://plumber.example' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: org.orgId, currency: 'AUD' });
    expect(response.body).not.toHaveProperty('slug');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://plumber.example');
  });

  it('see the active technicians by name only, so a visitor can ask for one', async () => {
    const other = await t.createOrg();
    const hire = (token: string, orgId: string, body: Record<string, unknown>) =>
      t.request('POST', `/api/v1/organizations/${orgId}/technicians`, { token, body });
    await hire(org.secretKey, org.orgId, { name: 'Zoe Active', email: 'zoe@plumber.example' });
    await hire(org.secretKey, org.orgId, { name: 'Adam Active' });
    await hire(org.secretKey, org.orgId, { name: 'Ivy Inactive', active: false });
    await hire(other.secretKey, other.orgId, { name: 'Otto Elsewhere' });

    const response = await t.request('GET', profilePath(), {
      token: org.publishableKey,
      headers: { origin: 'https://plumber.example' },
    });
    expect(response.status).toBe(200);
    expect(response.body.technicians.map((tech: { name: string }) => tech.name)).toEqual([
      'Adam Active',
      'Zoe Active',
    ]);
    expect(Object.keys(response.body.technicians[1]).sort()).toEqual(['id', 'name']);
  });

  it('are refused from any other origin, in an answer that page can read but that holds no data', async () => {
    const response = await t.request('GET', profilePath(), {
      token: org.publishableKey,
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('origin_not_allowed');
    expect(response.body).not.toHaveProperty('id');
    expect(response.text).not.toContain('plumber.example');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
  });

  it('are refused without an Origin header', async () => {
    const response = await t.request('GET', profilePath(), { token: org.publishableKey });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('origin_not_allowed');
  });

  it('are accepted from a page on the server itself, which sends fetch metadata instead of an Origin', async () => {
    const local = await t.createOrg({ allowedOrigins: ['http://localhost'] });
    const path = `/api/v1/organizations/${local.orgId}/booking-profile`;
    const sameOrigin = { 'sec-fetch-site': 'same-origin' };
    expect((await t.request('GET', path, { token: local.publishableKey, headers: sameOrigin })).status).toBe(
      200,
    );
    // The server's own origin still has to be allowed for the key.
    const refused = await t.request('GET', profilePath(), { token: org.publishableKey, headers: sameOrigin });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('origin_not_allowed');
  });

  it('cannot call operations that are not public', async () => {
    const response = await t.request('GET', `/api/v1/organizations/${org.orgId}`, {
      token: org.publishableKey,
      headers: { origin: 'https://plumber.example' },
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it('answer a CORS preflight for the headers the SDK sends', async () => {
    const response = await t.app.request(profilePath(), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://plumber.example',
        'access-control-request-headers': 'authorization, idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('are rate limited per client', async () => {
    let last = 0;
    for (let i = 0; i < 301; i++) {
      last = (
        await t.app.request(profilePath(), {
          headers: { authorization: `Bearer ${org.publishableKey}`, origin: 'https://plumber.example' },
        })
      ).status;
    }
    expect(last).toBe(429);
  });
});
