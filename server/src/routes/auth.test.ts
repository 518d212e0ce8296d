import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
});

describe('refreshing tokens', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    // Over HTTP, so simultaneous refreshes really are simultaneous requests on PostgreSQL.
    t = await createTestContext({ http: true, config: { trustProxy: true } });
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  // Each test from its own address, clear of the per-client limit on refreshing.
  let address = 0;
  beforeEach(() => {
    address += 1;
  });
  const refresh = (refreshToken: string) =>
    t.request('POST', '/api/v1/auth/refresh', {
      headers: { 'x-forwarded-for': `198.51.100.${address}` },
      body: { refreshToken },
    });
  const signedIn = async (accessToken: string) =>
    (await t.request('GET', '/api/v1/auth/me', { token: accessToken })).status === 200;
  const pastGracePeriod = () =>
    t.database.db.execute(sql`update sessions set rotated_at = rotated_at - interval '5 minutes'`);

  it('gives a new pair for the current token, and the old refresh token stops giving new ones', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await refresh(second.body.refreshToken)).status).toBe(200);
  });

  it('answers a retry just after rotation with the same new token, and the real client stays signed in', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const rotated = await refresh(first.refreshToken);
    const replayed = await refresh(first.refreshToken);
    expect(replayed.status).toBe(200);
    expect(replayed.body.refreshToken).toBe(rotated.body.refreshToken);
    const next = await refresh(rotated.body.refreshToken);
    expect(next.status).toBe(200);
    expect(await signedIn(next.body.accessToken)).toBe(true);
  });

  it('ends the whole session when a token two rotations old comes back', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const second = await refresh(first.refreshToken);
    const third = await refresh(second.body.refreshToken);
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    expect(await signedIn(third.body.accessToken)).toBe(false);
  });

  it('ends the whole session when a rotated token comes back after the grace period', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const rotated = await refresh(first.refreshToken);
    await pastGracePeriod();
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    expect(await signedIn(rotated.body.accessToken)).toBe(false);
  });

  it('ends only the session the reused token belongs to', async () => {
    const phone = await t.login(org.owner.email, org.owner.password);
    const laptop = await t.login(org.owner.email, org.owner.password);
    await refresh(phone.refreshToken);
    await pastGracePeriod();
    await refresh(phone.refreshToken);
    expect((await refresh(laptop.refreshToken)).status).toBe(200);
  });

  it('makes one chain out of ten simultaneous refreshes of one token', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(first.refreshToken)));
    const issued = new Set(answers.filter((a) => a.status === 200).map((a) => a.body.refreshToken));
    expect(answers.every((a) => a.status === 200 || a.status === 401)).toBe(true);
    expect(issued.size).toBe(1);
    const [only] = issued;
    const next = await refresh(only as string);
    expect(next.status).toBe(200);
    expect(await signedIn(next.body.accessToken)).toBe(true);
  });
});

describe('sign-in throttling', () => {
  let t: TestContext;
  let org: TestOrg;
  let clock = Date.parse('2026-03-02T09:00:00Z');
  beforeAll(async () => {
    t = await createTestContext({ config: { trustProxy: true }, now: () => clock });
  });
  beforeEach(async () => {
    clock += 15 * 60_000; // a fresh window for every counter
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  const signIn = (address: string, email: string, password: string) =>
    t.request('POST', '/api/v1/auth/login', {
      headers: { 'x-forwarded-for': address },
      body: { email, password },
    });
  const attacker = '203.0.113.7';
  const owner = '198.51.100.2';

  it('stops an address after five wrong passwords for one account, with Retry-After, checking no more passwords', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(attacker, org.owner.email, `guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const refused = await signIn(attacker, org.owner.email, org.owner.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });

  it('does not let fifty wrong passwords from one address lock the owner out from another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await signIn(attacker, org.owner.email, `guess-${i}`)).status);
    expect(statuses.at(-1)).toBe(429);
    const last = await signIn(attacker, org.owner.email, 'guess-51');
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await signIn(owner, org.owner.email, org.owner.password)).status).toBe(200);
  });

  it('stops many addresses guessing one account, except the owner from an address they signed in from', async () => {
    expect((await signIn(owner, org.owner.email, org.owner.password)).status).toBe(200);
    for (let a = 1; a <= 4; a++) {
      for (let i = 0; i < 5; i++) await signIn(`203.0.113.${a}`, org.owner.email, `guess-${i}`);
    }
    expect((await signIn('203.0.113.99', org.owner.email, 'guess')).status).toBe(429);
    expect((await signIn('192.0.2.1', org.owner.email, org.owner.password)).status).toBe(429);
    expect((await signIn(owner, org.owner.email, org.owner.password)).status).toBe(200);
  });

  it('counts only failures: the owner may sign in as often as they like', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await signIn(owner, org.owner.email, org.owner.password)).status).toBe(200);
    }
  });

  it('lets an access token work for 15 minutes on the app’s clock, then not', async () => {
    const { accessToken } = await t.login(org.owner.email, org.owner.password);
    const me = () => t.request('GET', '/api/v1/auth/me', { token: accessToken });
    clock += 14 * 60_000;
    expect((await me()).status).toBe(200);
    clock += 2 * 60_000;
    expect((await me()).status).toBe(401);
  });

  it('lets a stopped address try again once the window has passed', async () => {
    for (let i = 0; i < 6; i++) await signIn(attacker, org.owner.email, `guess-${i}`);
    const refused = await signIn(attacker, org.owner.email, org.owner.password);
    expect(refused.status).toBe(429);
    clock += Number(refused.headers.get('retry-after')) * 1000;
    expect((await signIn(attacker, org.owner.email, org.owner.password)).status).toBe(200);
  });
});

describe('the audit log of signing in and out', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  const entriesAbout = async (userId: string) =>
    (
      await t.request(
        'GET',
        `/api/v1/organizations/${org.orgId}/audit-log?targetType=user&targetId=${userId}`,
        {
          token: org.secretKey,
        },
      )
    ).body.data as { operation: string; actor: { type: string; id: string }; requestId: string | null }[];

  it('records a sign-in, a wrong password for the account, and signing out', async () => {
    const wrong = await t.request('POST', '/api/v1/auth/login', {
      body: { email: org.owner.email, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    const tokens = await t.login(org.owner.email, org.owner.password);
    expect((await t.request('POST', '/api/v1/auth/logout', { token: tokens.accessToken })).status).toBe(204);
    const entries = await entriesAbout(org.owner.id);
    expect(entries.map((e) => e.operation).sort()).toEqual(['login', 'login.failed', 'logout']);
    expect(entries.every((e) => e.actor.type === 'user' && e.actor.id === org.owner.id)).toBe(true);
    expect(entries.every((e) => e.requestId)).toBe(true);
  });

  it('records the session ended because a copied refresh token came back', async () => {
    const first = await t.login(org.owner.email, org.owner.password);
    const refresh = (refreshToken: string) =>
      t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    const second = await refresh(first.refreshToken);
    await refresh(second.body.refreshToken);
    expect((await refresh(first.refreshToken)).status).toBe(401);
    const reuse = (await entriesAbout(org.owner.id)).filter((e) => e.operation === 'refreshToken.reused');
    expect(reuse).toHaveLength(1);
    expect(reuse[0]!.actor).toEqual({ type: 'system', id: 'session-guard' });
  });
});
