import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { customerContacts, customers } from '../db/schema.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { findOrCreateCustomer } from '../services/customers.js';

describe('customers', () => {
  let t: TestContext;
  let org: TestOrg;
  const base = (o: TestOrg = org) => `/api/v1/organizations/${o.orgId}/customers`;
  const create = (body: Record<string, unknown>, o: TestOrg = org) =>
    t.request('POST', base(o), { token: o.secretKey, body });
  const addUser = async (role: string, email: string) => {
    await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: { email, name: `The ${role}`, role, password: `${role}-password-123` },
    });
    return (await t.login(email, `${role}-password-123`)).accessToken;
  };
  const rowCount = async (table: string, customerId: string) => {
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where customer_id = ${customerId}`,
    );
    return row!.n;
  };

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('are created with contact details, an address and notes, and fetched back', async () => {
    const created = await create({
      name: 'Harbour View Strata',
      email: 'office@harbourview.example',
      phone: '+61 2 9000 0000',
      address: { line1: '1 Harbour St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
      notes: 'Invoice the strata manager.',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${base()}/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'Harbour View Strata',
      email: 'office@harbourview.example',
      address: { line1: '1 Harbour St', country: 'AU' },
    });
    const fetched = await t.request('GET', `${base()}/${created.body.id}`, { token: org.secretKey });
    expect(fetched.body).toEqual(created.body);
  });

  it('need only a name', async () => {
    const created = await create({ name: 'Walk-in' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: null, phone: null, address: null, notes: null });
  });

  it('refuse a country that is not an ISO 3166-1 alpha-2 code', async () => {
    const response = await create({ name: 'Abroad', address: { country: 'Australia' } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toMatch(/^body\.address/);
  });

  it('cannot share an email within an organization, in any letter case', async () => {
    expect((await create({ name: 'First', email: 'Same@Example.com' })).status).toBe(201);
    const before = await t.snapshot();
    const again = await create({ name: 'Second', email: 'same@example.COM' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    expect(again.body.errors).toEqual([
      { path: 'body.email', message: 'is already used by another customer' },
    ]);
    expect(await t.snapshot()).toBe(before);

    const other = await t.createOrg();
    expect((await create({ name: 'Elsewhere', email: 'same@example.com' }, other)).status).toBe(201);
    expect((await create({ name: 'No email 1' })).status).toBe(201);
    expect((await create({ name: 'No email 2' })).status).toBe(201);

    const third = await create({ name: 'Third', email: 'third@example.com' });
    const taking = await t.request('PATCH', `${base()}/${third.body.id}`, {
      token: org.secretKey,
      body: { email: 'SAME@example.com' },
    });
    expect(taking.status).toBe(409);
    expect(taking.body.errors[0].path).toBe('body.email');
  });

  it('are created once per Idempotency-Key', async () => {
    const send = () =>
      t.request('POST', base(), {
        token: org.secretKey,
        body: { name: 'Retried', email: 'retried@example.com' },
        headers: { 'idempotency-key': 'create-retried' },
      });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('are listed page by page in creation order', async () => {
    const mine = await t.createOrg();
    for (let i = 0; i < 5; i++) await create({ name: `Page ${i}` }, mine);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.request('GET', `${base(mine)}${query}`, { token: mine.secretKey });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((c: { name: string }) => c.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['Page 0', 'Page 1', 'Page 2', 'Page 3', 'Page 4']);
  });

  it('are found by part of their name, email or phone, in any letter case', async () => {
    const mine = await t.createOrg();
    await create({ name: 'Alice Nguyen', email: 'alice@example.com', phone: '0400 111 222' }, mine);
    await create({ name: 'Bob Smith', email: 'bob@BUILDERS.example', phone: '0400 333 444' }, mine);
    await create({ name: 'Carol Builder' }, mine);
    const search = async (q: string) => {
      const page = await t.request('GET', `${base(mine)}?q=${encodeURIComponent(q)}`, {
        token: mine.secretKey,
      });
      expect(page.status).toBe(200);
      return page.body.data.map((c: { name: string }) => c.name).sort();
    };
    expect(await search('NGUY')).toEqual(['Alice Nguyen']);
    expect(await search('builder')).toEqual(['Bob Smith', 'Carol Builder']);
    expect(await search('333')).toEqual(['Bob Smith']);
    expect(await search('nobody')).toEqual([]);
  });

  it('treat %, _ and \\ in a search as plain characters', async () => {
    const mine = await t.createOrg();
    await create({ name: '100% Plumbing' }, mine);
    await create({ name: 'Joe_Smith' }, mine);
    await create({ name: 'Back\\slash' }, mine);
    await create({ name: 'Ordinary' }, mine);
    const search = async (q: string) =>
      (
        await t.request('GET', `${base(mine)}?q=${encodeURIComponent(q)}`, { token: mine.secretKey })
      ).body.data.map((c: { name: string }) => c.name);
    expect(await search('%')).toEqual(['100% Plumbing']);
    expect(await search('_')).toEqual(['Joe_Smith']);
    expect(await search('\\')).toEqual(['Back\\slash']);
  });

  it('are listed and created by dispatchers but not by technicians, who can still look one up', async () => {
    const customer = await create({ name: 'Looked up' });
    const dispatcher = await addUser('dispatcher', 'customers-dispatcher@example.com');
    expect((await t.request('GET', base(), { token: dispatcher })).status).toBe(200);
    expect(
      (await t.request('POST', base(), { token: dispatcher, body: { name: 'By dispatcher' } })).status,
    ).toBe(201);

    const technician = await addUser('technician', 'customers-technician@example.com');
    expect((await t.request('GET', base(), { token: technician })).status).toBe(403);
    expect((await t.request('POST', base(), { token: technician, body: { name: 'Nope' } })).status).toBe(403);
    expect((await t.request('GET', `${base()}/${customer.body.id}`, { token: technician })).status).toBe(200);
    expect((await t.request('DELETE', `${base()}/${customer.body.id}`, { token: dispatcher })).status).toBe(
      403,
    );
  });

  it('are updated, and a new address replaces the old one', async () => {
    const created = await create({
      name: 'Mover',
      address: { line1: '1 Old Rd', line2: 'Unit 4', city: 'Newcastle', country: 'AU' },
    });
    const path = `${base()}/${created.body.id}`;
    const moved = await t.request('PATCH', path, {
      token: org.secretKey,
      body: { address: { line1: '9 New St', city: 'Wollongong', country: 'AU' }, phone: '0411 000 000' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.address).toEqual({ line1: '9 New St', city: 'Wollongong', country: 'AU' });
    expect(moved.body.phone).toBe('0411 000 000');
    expect(moved.body.name).toBe('Mover');
    const cleared = await t.request('PATCH', path, {
      token: org.secretKey,
      body: { address: null, notes: null },
    });
    expect(cleared.body.address).toBeNull();
    expect((await t.request('PATCH', path, { token: org.secretKey, body: {} })).status).toBe(400);
  });

  it('are deleted with their contacts and preferences', async () => {
    const customer = await create({ name: 'Leaving' });
    const path = `${base()}/${customer.body.id}`;
    await t.request('POST', `${path}/contacts`, {
      token: org.secretKey,
      body: { name: 'Tenant', isPrimary: true },
    });
    await t.request('PUT', `${path}/preferences`, {
      token: org.secretKey,
      body: { preferredTechnicianId: null, communicationChannels: ['sms'], specialInstructions: 'Dog' },
    });
    expect(await rowCount('customer_contacts', customer.body.id)).toBe(1);
    expect(await rowCount('customer_preferences', customer.body.id)).toBe(1);

    expect((await t.request('DELETE', path, { token: org.secretKey })).status).toBe(204);
    expect((await t.request('GET', path, { token: org.secretKey })).status).toBe(404);
    expect((await t.request('DELETE', path, { token: org.secretKey })).status).toBe(404);
    expect(await rowCount('customer_contacts', customer.body.id)).toBe(0);
    expect(await rowCount('customer_preferences', customer.body.id)).toBe(0);
  });

  it('keep one organization’s customers from another', async () => {
    const other = await t.createOrg();
    const customer = await create({ name: 'Mine' });
    const before = await t.snapshot();
    const path = `${base(other)}/${customer.body.id}`;
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Stolen' }],
      ['DELETE', undefined],
    ] as const) {
      expect((await t.request(method, path, { token: other.secretKey, body })).status).toBe(404);
    }
    expect((await t.request('GET', `${path}/contacts`, { token: other.secretKey })).status).toBe(404);
    expect((await t.request('GET', `${path}/preferences`, { token: other.secretKey })).status).toBe(404);
    expect(await t.snapshot()).toBe(before);
  });

  describe('contacts', () => {
    const contacts = (customerId: string) => `${base()}/${customerId}/contacts`;
    const addContact = (customerId: string, body: Record<string, unknown>) =>
      t.request('POST', contacts(customerId), { token: org.secretKey, body });
    const list = async (customerId: string) =>
      (await t.request('GET', contacts(customerId), { token: org.secretKey })).body.data as {
        id: string;
        name: string;
        isPrimary: boolean;
      }[];

    it('are added with a role, listed primary first, updated and removed', async () => {
      const customer = await create({ name: 'Rental' });
      const tenant = await addContact(customer.body.id, {
        name: 'Tina Tenant',
        role: 'tenant',
        phone: '0400 000 001',
      });
      expect(tenant.status).toBe(201);
      expect(tenant.body).toMatchObject({ customerId: customer.body.id, role: 'tenant', isPrimary: false });
      const manager = await addContact(customer.body.id, {
        name: 'Pat Manager',
        role: 'property manager',
        email: 'pat@agency.example',
        isPrimary: true,
      });
      expect((await list(customer.body.id)).map((c) => c.name)).toEqual(['Pat Manager', 'Tina Tenant']);

      const path = `${contacts(customer.body.id)}/${tenant.body.id}`;
      const renamed = await t.request('PATCH', path, {
        token: org.secretKey,
        body: { name: 'Tina T.', email: null },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Tina T.', role: 'tenant', email: null });
      expect((await t.request('DELETE', path, { token: org.secretKey })).status).toBe(204);
      expect((await t.request('DELETE', path, { token: org.secretKey })).status).toBe(404);
      expect((await list(customer.body.id)).map((c) => c.id)).toEqual([manager.body.id]);
    });

    it('have at most one primary: a new primary makes the old one ordinary', async () => {
      const customer = await create({ name: 'Two bosses' });
      const first = await addContact(customer.body.id, { name: 'First', isPrimary: true });
      const second = await addContact(customer.body.id, { name: 'Second', isPrimary: true });
      expect(second.body.isPrimary).toBe(true);
      expect(await list(customer.body.id)).toMatchObject([
        { name: 'Second', isPrimary: true },
        { name: 'First', isPrimary: false },
      ]);

      const promoted = await t.request('PATCH', `${contacts(customer.body.id)}/${first.body.id}`, {
        token: org.secretKey,
        body: { isPrimary: true },
      });
      expect(promoted.body.isPrimary).toBe(true);
      expect(await list(customer.body.id)).toMatchObject([
        { name: 'First', isPrimary: true },
        { name: 'Second', isPrimary: false },
      ]);
      // Promoting the primary again changes nothing.
      const again = await t.request('PATCH', `${contacts(customer.body.id)}/${first.body.id}`, {
        token: org.secretKey,
        body: { isPrimary: true },
      });
      expect(again.status).toBe(200);
      expect((await list(customer.body.id)).filter((c) => c.isPrimary)).toHaveLength(1);
    });

    it('end with one primary when several are made primary at once', async () => {
      const customer = await create({ name: 'Crowded' });
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          addContact(customer.body.id, { name: `Rival ${i}`, isPrimary: true }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
      const all = await list(customer.body.id);
      expect(all).toHaveLength(6);
      expect(all.filter((c) => c.isPrimary)).toHaveLength(1);
    });

    it('are kept to one primary by the database itself', async () => {
      const customer = await create({ name: 'Guarded' });
      const row = (name: string) => ({
        id: newId(),
        orgId: org.orgId,
        customerId: customer.body.id,
        name,
        isPrimary: true,
      });
      await t.database.db.insert(customerContacts).values(row('One'));
      const error = await t.database.db
        .insert(customerContacts)
        .values(row('Two'))
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(pgErrorCode(error)).toBe(pgErrors.uniqueViolation);
    });

    it('belong to their customer', async () => {
      const a = await create({ name: 'Customer A' });
      const b = await create({ name: 'Customer B' });
      const contact = await addContact(a.body.id, { name: 'Of A' });
      const before = await t.snapshot();
      const wrong = `${contacts(b.body.id)}/${contact.body.id}`;
      expect(
        (await t.request('PATCH', wrong, { token: org.secretKey, body: { name: 'Moved' } })).status,
      ).toBe(404);
      expect((await t.request('DELETE', wrong, { token: org.secretKey })).status).toBe(404);
      expect(await t.snapshot()).toBe(before);
      expect((await addContact(newId(), { name: 'Nobody' })).status).toBe(404);
    });
  });

  describe('preferences', () => {
    const preferences = (customerId: string) => `${base()}/${customerId}/preferences`;
    const put = (customerId: string, body: Record<string, unknown>) =>
      t.request('PUT', preferences(customerId), { token: org.secretKey, body });

    it('default to no technician, no channels and no instructions', async () => {
      const customer = await create({ name: 'Fresh' });
      const response = await t.request('GET', preferences(customer.body.id), { token: org.secretKey });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        preferredTechnicianId: null,
        communicationChannels: [],
        specialInstructions: null,
      });
    });

    it('are replaced as a whole, with a technician of the organization', async () => {
      const customer = await create({ name: 'Particular' });
      const tech = await t.request('POST', `/api/v1/organizations/${org.orgId}/technicians`, {
        token: org.secretKey,
        body: { name: 'Favourite Tech' },
      });
      expect(tech.status).toBe(201);
      const stored = await put(customer.body.id, {
        preferredTechnicianId: tech.body.id,
        communicationChannels: ['sms', 'email'],
        specialInstructions: 'Gate code 1234. Beware of the dog.',
      });
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual({
        preferredTechnicianId: tech.body.id,
        communicationChannels: ['sms', 'email'],
        specialInstructions: 'Gate code 1234. Beware of the dog.',
      });
      expect((await t.request('GET', preferences(customer.body.id), { token: org.secretKey })).body).toEqual(
        stored.body,
      );
      const replaced = await put(customer.body.id, {
        preferredTechnicianId: null,
        communicationChannels: ['phone'],
        specialInstructions: null,
      });
      expect(replaced.body).toEqual({
        preferredTechnicianId: null,
        communicationChannels: ['phone'],
        specialInstructions: null,
      });
    });

    it('refuse a technician of another organization, or none at all', async () => {
      const customer = await create({ name: 'Picky' });
      const other = await t.createOrg();
      const foreign = await t.request('POST', `/api/v1/organizations/${other.orgId}/technicians`, {
        token: other.secretKey,
        body: { name: 'Not ours' },
      });
      const before = await t.snapshot();
      for (const technicianId of [foreign.body.id, newId()]) {
        const response = await put(customer.body.id, {
          preferredTechnicianId: technicianId,
          communicationChannels: [],
          specialInstructions: null,
        });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([
          { path: 'body.preferredTechnicianId', message: 'is not a technician of this organization' },
        ]);
      }
      expect(await t.snapshot()).toBe(before);
    });

    it('refuse repeated or unknown channels and overlong instructions', async () => {
      const customer = await create({ name: 'Chatty' });
      const valid = {
        preferredTechnicianId: null,
        communicationChannels: ['email'],
        specialInstructions: null,
      };
      for (const body of [
        { ...valid, communicationChannels: ['sms', 'sms'] },
        { ...valid, communicationChannels: ['pigeon'] },
        { ...valid, specialInstructions: 'x'.repeat(2001) },
        { communicationChannels: ['email'] },
      ]) {
        expect((await put(customer.body.id, body)).status).toBe(400);
      }
      expect((await put(customer.body.id, valid)).status).toBe(200);
    });

    it('are not changed by technicians, who can read them', async () => {
      const customer = await create({ name: 'Instructions' });
      const technician = await addUser('technician', 'prefs-technician@example.com');
      expect((await t.request('GET', preferences(customer.body.id), { token: technician })).status).toBe(200);
      const response = await t.request('PUT', preferences(customer.body.id), {
        token: technician,
        body: { preferredTechnicianId: null, communicationChannels: [], specialInstructions: 'Mine now' },
      });
      expect(response.status).toBe(403);
    });
  });
});

describe('findOrCreateCustomer', () => {
  let t: TestContext;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  const customersWith = (email: string) =>
    t.database.db
      .select()
      .from(customers)
      .where(and(eq(customers.orgId, org.orgId), sql`lower(${customers.email}) = lower(${email})`));

  it('creates a customer the first time an email is seen', async () => {
    const result = await findOrCreateCustomer(t.database.db, org.orgId, {
      name: 'New Person',
      email: 'new.person@example.com',
      phone: '0400 123 456',
    });
    expect(result.created).toBe(true);
    expect(result.customer).toMatchObject({
      orgId: org.orgId,
      name: 'New Person',
      email: 'new.person@example.com',
      phone: '0400 123 456',
    });
  });

  it('matches an existing customer by email in any letter case, leaving it as it was', async () => {
    const first = await findOrCreateCustomer(t.database.db, org.orgId, {
      name: 'Original Name',
      email: 'Returning@Example.com',
    });
    const again = await findOrCreateCustomer(t.database.db, org.orgId, {
      name: 'Different Name',
      email: 'returning@example.COM',
      phone: '0499 999 999',
    });
    expect(again.created).toBe(false);
    expect(again.customer.id).toBe(first.customer.id);
    expect(again.customer).toMatchObject({ name: 'Original Name', phone: null });
  });

  it('keeps organizations apart', async () => {
    const other = await t.createOrg();
    const mine = await findOrCreateCustomer(t.database.db, org.orgId, {
      name: 'Shared',
      email: 'shared@example.com',
    });
    const theirs = await findOrCreateCustomer(t.database.db, other.orgId, {
      name: 'Shared',
      email: 'shared@example.com',
    });
    expect(theirs.created).toBe(true);
    expect(theirs.customer.id).not.toBe(mine.customer.id);
    expect(theirs.customer.orgId).toBe(other.orgId);
  });

  it('ends with one customer when called concurrently with one email', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        findOrCreateCustomer(t.database.db, org.orgId, {
          name: `Racer ${i}`,
          email: i % 2 ? 'RACE@example.com' : 'race@example.com',
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.customer.id)).size).toBe(1);
    expect(await customersWith('race@example.com')).toHaveLength(1);
  });

  it('ends with one customer when concurrent callers each run in a transaction', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        t.database.db.transaction((tx) =>
          findOrCreateCustomer(tx, org.orgId, { name: `Booker ${i}`, email: 'booker@example.com' }),
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.customer.id)).size).toBe(1);
    expect(await customersWith('booker@example.com')).toHaveLength(1);
  });
});
