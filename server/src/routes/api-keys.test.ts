import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('API keys', () => {
  let t: TestContext;
  let org: TestOrg;
  const keys = () => `/api/v1/organizations/${org.orgId}/api-keys`;
  const orgPath = () => `/api/v1/organizations/${org.orgId}`;

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('are shown in full once, then listed by prefix only', async () => {
    const created = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'ERP' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^sk_[\w-]{43}$/);
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const list = await t.request('GET', keys(), { token: org.secretKey });
    expect(list.text).not.toContain(created.body.secret);
    expect(list.body.data.map((k: { name: string }) => k.name)).toContain('ERP');
    expect((await t.request('GET', orgPath(), { token: created.body.secret })).status).toBe(200);
  });

  it('are stored as hashes only', async () => {
    const created = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'Hashed' },
    });
    const dump = await t.snapshot();
    expect(dump).not.toContain(created.body.secret);
    const { sql } = await import('drizzle-orm');
    const rows = (await t.database.db.execute(sql`select key_hash from api_keys`)) as unknown as {
      rows: { key_hash: string }[];
    };
    expect(rows.rows.some((r) => r.key_hash.includes(created.body.secret))).toBe(false);
  });

  it('stop working when revoked, and record when they were last used', async () => {
    const created = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'Temp' },
    });
    const lastUsedAt = async () => {
      const listed = await t.request('GET', keys(), { token: org.secretKey });
      return listed.body.data.find((k: { id: string }) => k.id === created.body.id).lastUsedAt;
    };
    expect(await lastUsedAt()).toBeNull();
    await t.request('GET', orgPath(), { token: created.body.secret });
    // The use is recorded off the request's path, so the row changes just after the answer.
    await vi.waitUntil(async () => (await lastUsedAt()) !== null, { timeout: 5_000 });
    expect((await t.request('DELETE', `${keys()}/${created.body.id}`, { token: org.secretKey })).status).toBe(
      204,
    );
    const refused = await t.request('GET', orgPath(), { token: created.body.secret });
    expect(refused.status).toBe(401);
    const active = await t.request('GET', keys(), { token: org.secretKey });
    expect(active.body.data.map((k: { id: string }) => k.id)).not.toContain(created.body.id);
    const all = await t.request('GET', `${keys()}?includeRevoked=true`, { token: org.secretKey });
    expect(all.body.data.find((k: { id: string }) => k.id === created.body.id).revokedAt).not.toBeNull();
  });

  it('rotate at once by default', async () => {
    const old = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'Rotating' },
    });
    const rotated = await t.request('POST', `${keys()}/${old.body.id}/rotate`, { token: org.secretKey });
    expect(rotated.status).toBe(201);
    expect(rotated.body.name).toBe('Rotating');
    expect((await t.request('GET', orgPath(), { token: old.body.secret })).status).toBe(401);
    expect((await t.request('GET', orgPath(), { token: rotated.body.secret })).status).toBe(200);
  });

  it('rotate with a grace period in which both keys work', async () => {
    const old = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'Graceful' },
    });
    const rotated = await t.request('POST', `${keys()}/${old.body.id}/rotate`, {
      token: org.secretKey,
      body: { graceSeconds: 3600 },
    });
    expect((await t.request('GET', orgPath(), { token: old.body.secret })).status).toBe(200);
    expect((await t.request('GET', orgPath(), { token: rotated.body.secret })).status).toBe(200);
    const listed = await t.request('GET', keys(), { token: org.secretKey });
    expect(listed.body.data.find((k: { id: string }) => k.id === old.body.id).expiresAt).not.toBeNull();
  });

  it('publishable keys need allowed origins, secret keys refuse them', async () => {
    const noOrigins = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'publishable', name: 'Widget' },
    });
    expect(noOrigins.status).toBe(400);
    const secretWithOrigins = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'secret', name: 'Oops', allowedOrigins: ['https://a.example'] },
    });
    expect(secretWithOrigins.status).toBe(400);
    const badOrigin = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'publishable', name: 'Widget', allowedOrigins: ['https://a.example/path'] },
    });
    expect(badOrigin.status).toBe(400);
    const ok = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'publishable', name: 'Widget', allowedOrigins: ['https://a.example'] },
    });
    expect(ok.body.secret).toMatch(/^pk_/);
  });

  describe('updated in place', () => {
    const profile = () => `${orgPath()}/booking-profile`;
    const from = (origin: string, token: string) =>
      t.request('GET', profile(), { token, headers: { origin } });
    const publishable = async (allowedOrigins: string[]) =>
      (
        await t.request('POST', keys(), {
          token: org.secretKey,
          body: { kind: 'publishable', name: 'Website', allowedOrigins },
        })
      ).body;

    it('let a publishable key work on a new website at once, and stop on one taken off', async () => {
      const key = await publishable(['https://old.example']);
      expect((await from('https://old.example', key.secret)).status).toBe(200);
      expect((await from('https://new.example', key.secret)).body.code).toBe('origin_not_allowed');

      const updated = await t.request('PATCH', `${keys()}/${key.id}`, {
        token: org.secretKey,
        body: { allowedOrigins: ['https://new.example'] },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        id: key.id,
        name: 'Website',
        allowedOrigins: ['https://new.example'],
      });
      expect(updated.text).not.toContain(key.secret);
      // Both keys were verified moments ago, so this also shows the cached principal was dropped.
      expect((await from('https://new.example', key.secret)).status).toBe(200);
      expect((await from('https://old.example', key.secret)).body.code).toBe('origin_not_allowed');
    });

    it('rename a key without touching its origins', async () => {
      const key = await publishable(['https://a.example']);
      const renamed = await t.request('PATCH', `${keys()}/${key.id}`, {
        token: org.secretKey,
        body: { name: 'Website (2026)' },
      });
      expect(renamed.body).toMatchObject({ name: 'Website (2026)', allowedOrigins: ['https://a.example'] });
      const listed = await t.request('GET', keys(), { token: org.secretKey });
      expect(listed.body.data.find((k: { id: string }) => k.id === key.id).name).toBe('Website (2026)');
    });

    it('refuse origins a browser would never send, saying how to write them, and change nothing', async () => {
      const key = await publishable(['https://a.example']);
      const secret = await t.request('POST', keys(), {
        token: org.secretKey,
        body: { kind: 'secret', name: 'S' },
      });
      const before = await t.snapshot();
      const patch = (id: string, body: unknown) =>
        t.request('PATCH', `${keys()}/${id}`, { token: org.secretKey, body });

      const spelled = await patch(key.id, {
        allowedOrigins: ['https://a.example', 'https://Plumber.example', 'https://b.example:443'],
      });
      expect(spelled.status).toBe(400);
      expect(spelled.body.errors).toEqual([
        { path: 'body.allowedOrigins.1', message: expect.stringContaining('https://plumber.example') },
        { path: 'body.allowedOrigins.2', message: expect.stringContaining('https://b.example') },
      ]);
      for (const body of [
        { allowedOrigins: ['https://a.example/booking'] },
        { allowedOrigins: ['https://a.example?x=1'] },
        { allowedOrigins: ['ftp://a.example'] },
        { allowedOrigins: [] },
        {},
      ]) {
        expect((await patch(key.id, body)).status, JSON.stringify(body)).toBe(400);
      }
      const onSecret = await patch(secret.body.id, { allowedOrigins: ['https://a.example'] });
      expect(onSecret.status).toBe(400);
      expect(onSecret.body.errors[0].message).toContain('publishable keys only');
      expect(await t.snapshot()).toBe(before);
    });

    it('are refused for a revoked key, and for a key of another organization', async () => {
      const key = await publishable(['https://a.example']);
      await t.request('DELETE', `${keys()}/${key.id}`, { token: org.secretKey });
      const revoked = await t.request('PATCH', `${keys()}/${key.id}`, {
        token: org.secretKey,
        body: { allowedOrigins: ['https://b.example'] },
      });
      expect(revoked.status).toBe(409);
      const other = await t.createOrg();
      const foreign = await t.request('PATCH', `${keys()}/${key.id}`, {
        token: other.secretKey,
        body: { name: 'Mine' },
      });
      expect(foreign.status).toBe(404);
      const unknown = await t.request('PATCH', `/api/v1/organizations/${other.orgId}/api-keys/${key.id}`, {
        token: other.secretKey,
        body: { name: 'Mine' },
      });
      expect(unknown.status).toBe(404);
    });
  });

  it('are refused at creation for an origin spelled unlike a browser would', async () => {
    const response = await t.request('POST', keys(), {
      token: org.secretKey,
      body: { kind: 'publishable', name: 'Widget', allowedOrigins: ['http://localhost:80'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toEqual({
      path: 'body.allowedOrigins.0',
      message: expect.stringContaining('http://localhost'),
    });
  });

  it('cannot be managed by a dispatcher', async () => {
    await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: { email: 'd@example.com', name: 'D', role: 'dispatcher', password: 'dispatcher-password' },
    });
    const { accessToken } = await t.login('d@example.com', 'dispatcher-password');
    expect((await t.request('GET', keys(), { token: accessToken })).status).toBe(403);
    const [first] = (await t.request('GET', keys(), { token: org.secretKey })).body.data;
    const renamed = await t.request('PATCH', `${keys()}/${first.id}`, {
      token: accessToken,
      body: { name: 'Mine' },
    });
    expect(renamed.status).toBe(403);
  });
});
