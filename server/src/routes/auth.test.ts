import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('signing in', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('returns an access token that reaches the organization and a refresh token', async () => {
    const tokens = await t.login(org.owner.email, org.owner.password);
    expect(tokens.accessToken).toMatch(/^eyJ/);
    const me = await t.request('GET', '/api/v1/auth/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      organizationId: org.orgId,
      user: { email: org.owner.email, role: 'owner' },
    });
    const orgResponse = await t.request('GET', `/api/v1/organizations/${org.orgId}`, {
      token: tokens.accessToken,
    });
    expect(orgResponse.status).toBe(200);
  });

  it('accepts the email in any letter case', async () => {
    const response = await t.request('POST', '/api/v1/auth/login', {
      body: { email: org.owner.email.toUpperCase(), password: org.owner.password },
    });
    expect(response.status).toBe(200);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await t.request('POST', '/api/v1/auth/login', {
      body: { email: org.owner.email, password: 'nope' },
    });
    const unknown = await t.request('POST', '/api/v1/auth/login', {
      body: { email: 'ghost@example.com', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('tells a secret key who it is', async () => {
    const me = await t.request('GET', '/api/v1/auth/me', { token: org.secretKey });
    expect(me.body).toMatchObject({ kind: 'secret_key', organizationId: org.orgId });
  });

  it('rotates refresh tokens, and a reused one ends the session', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const second = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    const third = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(third.status).toBe(200);
    // The first token is two rotations old: presenting it now looks like theft.
    const replayed = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(replayed.status).toBe(200); // within the retry grace period it rotates again…
    const stolen = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(stolen.status).toBe(401);
  });

  it('revokes the whole session when a refresh token is reused after the grace period', async () => {
    const tokens = await t.login(org.owner.email, org.owner.password);
    const rotated = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    await t.database.db.execute(
      // Move the rotation outside the 30-second window in which a repeat counts as a lost response.
      (await import('drizzle-orm')).sql`update sessions set rotated_at = now() - interval '5 minutes'`,
    );
    const reuse = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(reuse.status).toBe(401);
    const newest = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(newest.status).toBe(401);
    const me = await t.request('GET', '/api/v1/auth/me', { token: rotated.body.accessToken });
    expect(me.status).toBe(401);
  });

  it('logs out: the access token and the refresh token stop working', async () => {
    const tokens = await t.login(org.owner.email, org.owner.password);
    const out = await t.request('POST', '/api/v1/auth/logout', { token: tokens.accessToken });
    expect(out.status).toBe(204);
    expect((await t.request('GET', '/api/v1/auth/me', { token: tokens.accessToken })).status).toBe(401);
    expect(
      (await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } }))
        .status,
    ).toBe(401);
  });

  it('refuses logout with a key, which has no session', async () => {
    const response = await t.request('POST', '/api/v1/auth/logout', { token: org.secretKey });
    expect(response.status).toBe(403);
  });

  it('rejects a tampered access token', async () => {
    const { accessToken } = await t.login(org.owner.email, org.owner.password);
    const [header, payload, signature] = accessToken.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}xx`;
    expect((await t.request('GET', '/api/v1/auth/me', { token: forged })).status).toBe(401);
  });

  it('slows down password guessing against one account', async () => {
    const victim = await t.createOrg();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (
          await t.request('POST', '/api/v1/auth/login', {
            body: { email: victim.owner.email, password: `guess-${i}` },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
