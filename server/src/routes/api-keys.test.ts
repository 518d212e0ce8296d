import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    await t.request('GET', orgPath(), { token: created.body.secret });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const listed = await t.request('GET', keys(), { token: org.secretKey });
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id).lastUsedAt).not.toBeNull();
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

  it('cannot be managed by a dispatcher', async () => {
    await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: { email: 'd@example.com', name: 'D', role: 'dispatcher', password: 'dispatcher-password' },
    });
    const { accessToken } = await t.login('d@example.com', 'dispatcher-password');
    expect((await t.request('GET', keys(), { token: accessToken })).status).toBe(403);
  });
});
