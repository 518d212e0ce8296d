import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('users', () => {
  let t: TestContext;
  let org: TestOrg;
  const users = () => `/api/v1/organizations/${org.orgId}/users`;
  const add = (role: string, email: string, token = org.secretKey) =>
    t.request('POST', users(), {
      token,
      body: { email, name: `The ${role}`, role, password: `${role}-password-123` },
    });

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('are created, fetched and never expose a password hash', async () => {
    const created = await add('technician', 'tech@example.com');
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${users()}/${created.body.id}`);
    expect(created.text).not.toContain('scrypt');
    const fetched = await t.request('GET', `${users()}/${created.body.id}`, { token: org.secretKey });
    expect(fetched.body).toEqual(created.body);
  });

  it('cannot share an email, in any letter case', async () => {
    await add('dispatcher', 'Same@Example.com');
    const again = await add('dispatcher', 'same@example.COM');
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ path: 'body.email', message: 'is already in use' }]);
  });

  it('are listed page by page in creation order', async () => {
    for (let i = 0; i < 5; i++) await add('technician', `page${i}@example.com`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const page = await t.request('GET', `${users()}${query}`, { token: org.secretKey });
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((u: { email: string }) => u.email));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.indexOf('page0@example.com')).toBeLessThan(seen.indexOf('page4@example.com'));
  });

  it('filter by role', async () => {
    const page = await t.request('GET', `${users()}?role=owner`, { token: org.secretKey });
    expect(page.body.data.map((u: { role: string }) => u.role)).toEqual(['owner']);
  });

  it('reject a cursor the API did not issue', async () => {
    const page = await t.request('GET', `${users()}?cursor=bm9wZQ`, { token: org.secretKey });
    expect(page.status).toBe(400);
    expect(page.body.errors[0].path).toBe('query.cursor');
  });

  it('see only themselves unless they manage people', async () => {
    const tech = await add('technician', 'self@example.com');
    const other = await add('technician', 'other@example.com');
    const { accessToken } = await t.login('self@example.com', 'technician-password-123');
    expect((await t.request('GET', `${users()}/${tech.body.id}`, { token: accessToken })).status).toBe(200);
    expect((await t.request('GET', `${users()}/${other.body.id}`, { token: accessToken })).status).toBe(403);
    expect((await t.request('GET', users(), { token: accessToken })).status).toBe(403);
  });

  it('change their own password only with the current one, which signs out their other sessions', async () => {
    const user = await add('technician', 'pw@example.com');
    const elsewhere = await t.login('pw@example.com', 'technician-password-123');
    const here = await t.login('pw@example.com', 'technician-password-123');
    const path = `${users()}/${user.body.id}`;
    const without = await t.request('PATCH', path, {
      token: here.accessToken,
      body: { password: 'a-brand-new-password' },
    });
    expect(without.status).toBe(403);
    const withIt = await t.request('PATCH', path, {
      token: here.accessToken,
      body: { password: 'a-brand-new-password', currentPassword: 'technician-password-123' },
    });
    expect(withIt.status).toBe(200);
    expect((await t.request('GET', path, { token: elsewhere.accessToken })).status).toBe(401);
    expect((await t.request('GET', path, { token: here.accessToken })).status).toBe(200);
    await t.login('pw@example.com', 'a-brand-new-password');
  });

  it('cannot promote themselves', async () => {
    const user = await add('dispatcher', 'climber@example.com');
    const { accessToken } = await t.login('climber@example.com', 'dispatcher-password-123');
    const response = await t.request('PATCH', `${users()}/${user.body.id}`, {
      token: accessToken,
      body: { role: 'admin' },
    });
    expect(response.status).toBe(403);
  });

  it('lose a demoted role within the same instance at once', async () => {
    const admin = await add('admin', 'demote@example.com');
    const { accessToken } = await t.login('demote@example.com', 'admin-password-123');
    expect((await t.request('GET', users(), { token: accessToken })).status).toBe(200);
    await t.request('PATCH', `${users()}/${admin.body.id}`, {
      token: org.secretKey,
      body: { role: 'technician' },
    });
    expect((await t.request('GET', users(), { token: accessToken })).status).toBe(403);
  });

  it('keep at least one owner', async () => {
    const demote = await t.request('PATCH', `${users()}/${org.owner.id}`, {
      token: org.secretKey,
      body: { role: 'admin' },
    });
    expect(demote.status).toBe(409);
    const remove = await t.request('DELETE', `${users()}/${org.owner.id}`, { token: org.secretKey });
    expect(remove.status).toBe(409);
  });

  it('when removed, lose their sessions', async () => {
    const user = await add('technician', 'leaver@example.com');
    const { accessToken } = await t.login('leaver@example.com', 'technician-password-123');
    expect((await t.request('DELETE', `${users()}/${user.body.id}`, { token: org.secretKey })).status).toBe(
      204,
    );
    expect((await t.request('GET', '/api/v1/auth/me', { token: accessToken })).status).toBe(401);
    expect((await t.request('GET', `${users()}/${user.body.id}`, { token: org.secretKey })).status).toBe(404);
  });

  it('of another organization are invisible', async () => {
    const other = await t.createOrg();
    const response = await t.request('GET', `${users()}/${other.owner.id}`, { token: org.secretKey });
    expect(response.status).toBe(404);
  });
});
