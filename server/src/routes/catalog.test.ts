import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('the service catalog', () => {
  let t: TestContext;
  let org: TestOrg;
  const base = () => `/api/v1/organizations/${org.orgId}/services`;
  const post = (path: string, body: unknown) =>
    t.request('POST', `${base()}${path}`, { token: org.secretKey, body });

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg({ allowedOrigins: ['https://plumber.example'] });
  });
  afterAll(() => t.close());

  it('lists categories as a tree, parents before children', async () => {
    const plumbing = await post('/categories', { name: 'Plumbing' });
    const drains = await post('/categories', { name: 'Drains', parentId: plumbing.body.id });
    const hot = await post('/categories', { name: 'Hot water', parentId: plumbing.body.id, position: 1 });
    await post('/categories', { name: 'Blocked drains', parentId: drains.body.id });
    const list = await t.request('GET', `${base()}/categories`, { token: org.secretKey });
    const names = list.body.data.map((c: { name: string }) => c.name);
    expect(names.indexOf('Plumbing')).toBeLessThan(names.indexOf('Drains'));
    expect(names.indexOf('Drains')).toBeLessThan(names.indexOf('Blocked drains'));
    expect(names.indexOf('Blocked drains')).toBeLessThan(names.indexOf('Hot water'));
    expect(hot.body.parentId).toBe(plumbing.body.id);
  });

  it('refuses to move a category under its own descendant', async () => {
    const a = await post('/categories', { name: 'A' });
    const b = await post('/categories', { name: 'B', parentId: a.body.id });
    const c = await post('/categories', { name: 'C', parentId: b.body.id });
    const before = await t.snapshot();
    const loop = await t.request('PATCH', `${base()}/categories/${a.body.id}`, {
      token: org.secretKey,
      body: { parentId: c.body.id },
    });
    expect(loop.status).toBe(409);
    const self = await t.request('PATCH', `${base()}/categories/${a.body.id}`, {
      token: org.secretKey,
      body: { parentId: a.body.id },
    });
    expect(self.status).toBe(409);
    expect(await t.snapshot()).toBe(before);
    const fine = await t.request('PATCH', `${base()}/categories/${c.body.id}`, {
      token: org.secretKey,
      body: { parentId: null },
    });
    expect(fine.status).toBe(200);
  });

  it('refuses a parent from another organization', async () => {
    const other = await t.createOrg();
    const foreign = await t.request('POST', `/api/v1/organizations/${other.orgId}/services/categories`, {
      token: other.secretKey,
      body: { name: 'Theirs' },
    });
    const response = await post('/categories', { name: 'Sneaky', parentId: foreign.body.id });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe('body.parentId');
  });

  it('refuses to delete a category that still has children or items', async () => {
    const parent = await post('/categories', { name: 'Parent' });
    const child = await post('/categories', { name: 'Child', parentId: parent.body.id });
    expect(
      (await t.request('DELETE', `${base()}/categories/${parent.body.id}`, { token: org.secretKey })).status,
    ).toBe(409);
    const item = await post('/items', {
      name: 'Thing',
      durationMinutes: 30,
      basePriceMinor: 100,
      categoryId: child.body.id,
    });
    expect(
      (await t.request('DELETE', `${base()}/categories/${child.body.id}`, { token: org.secretKey })).status,
    ).toBe(409);
    await t.request('DELETE', `${base()}/items/${item.body.id}`, { token: org.secretKey });
    expect(
      (await t.request('DELETE', `${base()}/categories/${child.body.id}`, { token: org.secretKey })).status,
    ).toBe(204);
    expect(
      (await t.request('DELETE', `${base()}/categories/${parent.body.id}`, { token: org.secretKey })).status,
    ).toBe(204);
  });

  it('creates items with durations, buffers, skills and a base price in the organization currency', async () => {
    const item = await post('/items', {
      name: 'Hot water system service',
      durationMinutes: 90,
      bufferBeforeMinutes: 30,
      bufferAfterMinutes: 15,
      requiredSkills: [{ skill: 'gas', minProficiency: 3 }],
      basePriceMinor: 24900,
    });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({
      durationMinutes: 90,
      bufferBeforeMinutes: 30,
      requiredSkills: [{ skill: 'gas', minProficiency: 3 }],
      basePrice: { amountMinor: 24900, currency: 'AUD' },
      currentPrice: { price: { amountMinor: 24900, currency: 'AUD' }, tierId: null },
      active: true,
      public: true,
    });
  });

  it('shows the booking widget only active, public items', async () => {
    await post('/items', { name: 'Visible', durationMinutes: 30, basePriceMinor: 1000 });
    await post('/items', { name: 'Internal', durationMinutes: 30, basePriceMinor: 1000, public: false });
    await post('/items', { name: 'Retired', durationMinutes: 30, basePriceMinor: 1000, active: false });
    const widget = await t.request('GET', `${base()}/items?limit=100`, {
      token: org.publishableKey,
      headers: { origin: 'https://plumber.example' },
    });
    const names = widget.body.data.map((i: { name: string }) => i.name);
    expect(names).toContain('Visible');
    expect(names).not.toContain('Internal');
    expect(names).not.toContain('Retired');
    const admin = await t.request('GET', `${base()}/items?limit=100`, { token: org.secretKey });
    expect(admin.body.data.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining(['Internal', 'Retired']),
    );
  });

  it('computes the price in force from non-overlapping tiers', async () => {
    const item = await post('/items', { name: 'Drain clear', durationMinutes: 60, basePriceMinor: 15000 });
    const pricing = `/items/${item.body.id}/pricing`;
    expect(
      (
        await post(pricing, {
          name: '2026 rates',
          priceMinor: 16000,
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
        })
      ).status,
    ).toBe(201);
    expect(
      (await post(pricing, { name: '2027 rates', priceMinor: 17500, validFrom: '2027-01-01' })).status,
    ).toBe(201);
    const overlapping = await post(pricing, {
      name: 'Winter special',
      priceMinor: 9900,
      validFrom: '2026-12-01',
      validTo: '2027-01-31',
    });
    expect(overlapping.status).toBe(409);
    const backwards = await post(pricing, {
      name: 'Backwards',
      priceMinor: 1,
      validFrom: '2025-05-01',
      validTo: '2025-04-01',
    });
    expect(backwards.status).toBe(400);

    const price = async (on: string) =>
      (await t.request('GET', `${base()}${pricing}?on=${on}`, { token: org.secretKey })).body.priceInForce
        .price.amountMinor;
    expect(await price('2025-06-01')).toBe(15000);
    expect(await price('2026-12-31')).toBe(16000);
    expect(await price('2027-01-01')).toBe(17500);
    expect(await price('2031-01-01')).toBe(17500);
  });

  it('changes a tier’s name, price and dates, refusing an overlap or a tier that ends before it starts', async () => {
    const item = await post('/items', {
      name: 'Hot water service',
      durationMinutes: 60,
      basePriceMinor: 20000,
    });
    const pricing = `/items/${item.body.id}/pricing`;
    const summer = await post(pricing, {
      name: 'Summer',
      priceMinor: 18000,
      validFrom: '2030-01-01',
      validTo: '2030-02-28',
    });
    await post(pricing, {
      name: 'Autumn',
      priceMinor: 21000,
      validFrom: '2030-03-01',
      validTo: '2030-05-31',
    });
    const patch = (body: unknown, token = org.secretKey, path = `${base()}${pricing}/${summer.body.id}`) =>
      t.request('PATCH', path, { token, body });

    const changed = await patch({ name: 'Summer sale', priceMinor: 16500, validTo: '2030-02-15' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: summer.body.id,
      name: 'Summer sale',
      price: { amountMinor: 16500, currency: 'AUD' },
      validFrom: '2030-01-01',
      validTo: '2030-02-15',
    });
    const on = async (day: string) =>
      (await t.request('GET', `${base()}${pricing}?on=${day}`, { token: org.secretKey })).body.priceInForce
        .price.amountMinor;
    expect(await on('2030-02-10')).toBe(16500);
    expect(await on('2030-02-20')).toBe(20000);

    const other = await t.createOrg();
    const before = await t.snapshot();
    expect((await patch({ validTo: '2030-03-10' })).status).toBe(409);
    const backwards = await patch({ validFrom: '2030-02-20' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].path).toBe('body.validFrom');
    expect((await patch({})).status).toBe(400);
    expect(
      (
        await patch(
          { name: 'Theirs' },
          other.secretKey,
          `/api/v1/organizations/${other.orgId}/services${pricing}/${summer.body.id}`,
        )
      ).status,
    ).toBe(404);
    expect(await t.snapshot()).toBe(before);
  });

  it('keeps one organization’s catalog from another', async () => {
    const other = await t.createOrg();
    const item = await post('/items', { name: 'Mine', durationMinutes: 30, basePriceMinor: 1 });
    const response = await t.request(
      'GET',
      `/api/v1/organizations/${other.orgId}/services/items/${item.body.id}`,
      {
        token: other.secretKey,
      },
    );
    expect(response.status).toBe(404);
  });
});

describe('the price in force today', () => {
  let t: TestContext;
  let org: TestOrg;
  // Half past midnight on New Year's Day in Sydney, while it is still 2026 in UTC.
  let now = Date.parse('2026-12-31T13:30:00Z');

  beforeAll(async () => {
    t = await createTestContext({ now: () => now });
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it("follows the server's clock on the organization's calendar", async () => {
    const base = `/api/v1/organizations/${org.orgId}/services/items`;
    const post = (path: string, body: unknown) => t.request('POST', path, { token: org.secretKey, body });
    const item = await post(base, { name: 'Drain clear', durationMinutes: 60, basePriceMinor: 15000 });
    const pricing = `${base}/${item.body.id}/pricing`;
    await post(pricing, {
      name: '2026 rates',
      priceMinor: 16000,
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    });
    await post(pricing, { name: '2027 rates', priceMinor: 17500, validFrom: '2027-01-01' });
    const today = async () => ({
      item: (await t.request('GET', `${base}/${item.body.id}`, { token: org.secretKey })).body.currentPrice
        .price.amountMinor,
      list: (await t.request('GET', base, { token: org.secretKey })).body.data[0].currentPrice.price
        .amountMinor,
      tiers: (await t.request('GET', pricing, { token: org.secretKey })).body.priceInForce.price.amountMinor,
    });
    expect(await today()).toEqual({ item: 17500, list: 17500, tiers: 17500 });
    now = Date.parse('2026-12-31T12:30:00Z'); // 11:30 pm in Sydney: still 2026 there
    expect(await today()).toEqual({ item: 16000, list: 16000, tiers: 16000 });
  });
});
