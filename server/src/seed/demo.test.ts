import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { demoLogin, seedDemo } from './demo.js';

describe('the demo organization', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('is created once, and its keys and login work after every start', async () => {
    const origins = ['http://localhost:3000'];
    const first = await seedDemo(t.database.db, { secret: t.config.secret, origins });
    const second = await seedDemo(t.database.db, { secret: t.config.secret, origins });
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    const org = await t.request('GET', `/api/v1/organizations/${first.orgId}`, { token: first.secretKey });
    expect(org.body.name).toBe('Harbour City Plumbing');
    await t.login(demoLogin.email, demoLogin.password);
  });

  it('offers a believable catalog and crew to the booking widget', async () => {
    const demo = await seedDemo(t.database.db, {
      secret: t.config.secret,
      origins: ['http://localhost:3000'],
    });
    const widget = { token: demo.publishableKey, headers: { origin: 'http://localhost:3000' } };
    const items = await t.request(
      'GET',
      `/api/v1/organizations/${demo.orgId}/services/items?limit=100`,
      widget,
    );
    expect(items.body.data.length).toBeGreaterThanOrEqual(6);
    expect(items.body.data.map((i: { name: string }) => i.name)).not.toContain('Site quote (internal)');
    const tap = items.body.data.find((i: { name: string }) => i.name === 'Leaking tap repair');
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 13 * 86_400_000).toISOString().slice(0, 10);
    const slots = await t.request(
      'GET',
      `/api/v1/organizations/${demo.orgId}/technicians/availability?serviceItemId=${tap.id}&from=${today}&to=${later}`,
      widget,
    );
    const bookable = slots.body.days.flatMap((d: { slots: unknown[] }) => d.slots);
    expect(bookable.length).toBeGreaterThan(20);
  });
});

describe('the demo publishable key', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('also works from the origins of a later start on another port', async () => {
    const first = await seedDemo(t.database.db, {
      secret: t.config.secret,
      origins: ['http://localhost:3000'],
    });
    const profile = `/api/v1/organizations/${first.orgId}/booking-profile`;
    const from = (origin: string) => ({ token: first.publishableKey, headers: { origin } });
    // No request before the second start: credentials are cached for a few seconds per process.
    await seedDemo(t.database.db, { secret: t.config.secret, origins: ['http://localhost:4000'] });
    await t.request('GET', profile, from('http://localhost:4000')).then((r) => expect(r.status).toBe(200));
    await t.request('GET', profile, from('http://localhost:3000')).then((r) => expect(r.status).toBe(200));
  });
});
