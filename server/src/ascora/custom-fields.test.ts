import { createFakeAscora, DEMO_API_KEY, type FakeAscora } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { customFieldValue, withCustomField } from './custom-fields.js';

let t: TestContext;
let fake: FakeAscora;
let org: TestOrg;
let closeFake: () => Promise<void>;
let fakeUrl: string;

const api = (method: string, path: string, body?: unknown) =>
  t.request(method, `/api/v1/organizations/${org.orgId}${path}`, {
    token: org.secretKey,
    ...(body === undefined ? {} : { body }),
  });

const mappings = [
  { entity: 'customer', ascoraField: 'Site mobile', crewkitField: 'phone' },
  { entity: 'job', ascoraField: 'Technician report', crewkitField: 'workUndertaken' },
];

beforeAll(async () => {
  t = await createTestContext({
    http: true,
    queue: true,
    ascora: { clientOptions: { retry: { initialDelayMs: 5, maxDelayMs: 20 } }, urls: { allowPrivate: true } },
  });
  fake = createFakeAscora();
  const server = await fake.listen();
  closeFake = server.close;
  fakeUrl = server.url;
  org = await t.createOrg();
});

afterAll(async () => {
  await closeFake?.();
  await t?.close();
});

describe('Ascora custom fields mapped to Crewkit fields', () => {
  it('are refused for a Crewkit field the record does not have, or one mapped twice, changing nothing', async () => {
    const connected = await api('PUT', '/ascora/connection', { apiKey: DEMO_API_KEY, baseUrl: fakeUrl });
    expect(connected.status).toBe(200);
    expect(connected.body.settings.customFieldMappings).toEqual([]);
    await t.services.queue!.drain();
    const before = await t.snapshot();
    const wrongField = await api('PATCH', '/ascora/settings', {
      customFieldMappings: [{ entity: 'customer', ascoraField: 'Notes', crewkitField: 'description' }],
    });
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.errors).toEqual([
      { path: 'body.customFieldMappings.0.crewkitField', message: 'a customer can map phone' },
    ]);
    const twice = await api('PATCH', '/ascora/settings', {
      customFieldMappings: [mappings[1], { ...mappings[1], ascoraField: 'Other' }],
    });
    expect(twice.status).toBe(400);
    expect(await t.snapshot()).toBe(before);
  });

  it('are kept in the Ascora settings and shown in the status', async () => {
    const saved = await api('PATCH', '/ascora/settings', { customFieldMappings: mappings });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.settings.customFieldMappings).toEqual(mappings);
    expect((await api('GET', '/ascora/status')).body.settings.customFieldMappings).toEqual(mappings);
  });

  it('feed the Crewkit field at a pull, instead of Ascora’s standard field', async () => {
    const remote = fake.store.createCustomer({
      customerName: 'Harbour View Apartments',
      emailAddress: 'strata@harbourview.example',
      phoneNumber: '+61 3 9000 0000',
      customFields: [{ name: 'Site mobile', value: '+61 411 000 111' }],
    });
    fake.store.createJob({
      siteCustomer: { id: remote.customerId, name: remote.customerName },
      jobName: 'Replace hot water unit',
      workUndertaken: 'See report',
      customFields: [{ fieldName: 'Technician report', fieldValue: 'Replaced the tempering valve' }],
    });
    expect((await api('POST', '/ascora/sync')).status).toBe(202);
    const { failed } = await t.services.queue!.drain();
    expect(failed).toEqual([]);
    const customers = await api('GET', '/customers?limit=10');
    const local = customers.body.data.find(
      (c: { email: string }) => c.email === 'strata@harbourview.example',
    );
    expect(local.phone).toBe('+61 411 000 111');
    const jobs = await api('GET', '/jobs?limit=10');
    expect(jobs.body.data.map((j: { workUndertaken: string }) => j.workUndertaken)).toEqual([
      'Replaced the tempering valve',
    ]);
  });

  it('take the Crewkit field back at a push, leaving Ascora’s standard field as it was', async () => {
    const customers = await api('GET', '/customers?limit=10');
    const local = customers.body.data.find(
      (c: { email: string }) => c.email === 'strata@harbourview.example',
    );
    await api('PATCH', `/customers/${local.id}`, { phone: '+61 422 333 444' });
    const pushed = await api('POST', '/ascora/records/push', { recordType: 'customer', recordId: local.id });
    expect(pushed.status, pushed.text).toBe(200);
    const remote = fake.store.customers.get(local.ascora.ascoraId.toLowerCase())!;
    expect(customFieldValue(remote.customFields, 'Site mobile')).toBe('+61 422 333 444');
    expect(remote.phoneNumber).toBe('+61 3 9000 0000');
    // Agreed on both sides: the next sync finds nothing to do for it.
    expect((await api('GET', `/customers/${local.id}`)).body.ascora.state).toBe('linked');
  });
});

describe('A custom field entry', () => {
  it('is found by name in either spelling, whatever the letter case, and empty reads as absent', () => {
    const fields = [
      { fieldName: 'Gate code', fieldValue: ' 4711 ' },
      { name: 'Dog', value: '' },
    ];
    expect(customFieldValue(fields, 'gate CODE')).toBe('4711');
    expect(customFieldValue(fields, 'Dog')).toBeNull();
    expect(customFieldValue(null, 'Dog')).toBeNull();
  });

  it('is written back in the spelling it was read in, and a new one is added as name and value', () => {
    const fields = [{ fieldName: 'Gate code', fieldValue: '4711', id: 7 }];
    expect(withCustomField(fields, 'Gate code', '0815')).toEqual([
      { fieldName: 'Gate code', fieldValue: '0815', id: 7 },
    ]);
    expect(withCustomField(fields, 'Dog', 'friendly')).toEqual([
      { fieldName: 'Gate code', fieldValue: '4711', id: 7 },
      { name: 'Dog', value: 'friendly' },
    ]);
  });
});
