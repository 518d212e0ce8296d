import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { parseCsv } from '../services/imports.js';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('imports (createImport, getImport)', () => {
  let t: TestContext;
  let org: TestOrg;
  const importsPath = (o: TestOrg) => `/api/v1/organizations/${o.orgId}/imports`;
  const start = (body: Record<string, unknown>, o = org) =>
    t.request('POST', importsPath(o), { token: o.secretKey, body });
  /** Queues the file, runs the queue, and answers the finished import. */
  const run = async (body: Record<string, unknown>) => {
    const queued = await start(body);
    expect(queued.status, queued.text).toBe(202);
    expect(queued.body.status).toBe('queued');
    await t.services.queue!.drain(['imports']);
    return (await t.request('GET', `${importsPath(org)}/${queued.body.id}`, { token: org.secretKey })).body;
  };
  const count = async (what: string) =>
    (await t.request('GET', `/api/v1/organizations/${org.orgId}/${what}?limit=100`, { token: org.secretKey }))
      .body.data.length as number;

  beforeAll(async () => {
    t = await createTestContext({ queue: true });
    org = await t.createOrg();
  });
  afterAll(() => t?.close());

  it('imports every customer of a valid CSV, as an export writes it', async () => {
    const csv =
      '\uFEFFid,name,email,phone,notes,created_at\r\n' +
      ',Ada Lovelace,ada@example.com,,,\r\n' +
      ',"Álvarez, José ""Pepe""",jose@example.com,+61 2 9999 0000,"Gate code\n1234",\r\n';
    const done = await run({ kind: 'customers', format: 'csv', content: base64(csv) });
    expect(done).toMatchObject({ status: 'succeeded', totalRows: 2, importedRows: 2, errors: [] });
    const list = await t.request('GET', `/api/v1/organizations/${org.orgId}/customers?q=Pepe`, {
      token: org.secretKey,
    });
    expect(list.body.data[0]).toMatchObject({ name: 'Álvarez, José "Pepe"', email: 'jose@example.com' });
  });

  it('imports nothing from a file with invalid rows, and reports every problem by row and column', async () => {
    const before = await count('technicians');
    const csv = [
      'name,email,time_zone,active,skills',
      'Sam Okafor,sam@example.com,Australia/Sydney,true,gas 4; plumbing 3',
      ',priya@example,Mars/Olympus,maybe,gas 9',
      'Luis Moreno,,,,',
    ].join('\n');
    const done = await run({ kind: 'technicians', format: 'csv', content: base64(csv) });
    expect(done.status).toBe('failed');
    expect(done.importedRows).toBe(0);
    expect(done.totalRows).toBe(3);
    expect(done.errors).toEqual([
      { row: 3, field: 'time_zone', message: 'is not an IANA time zone' },
      { row: 3, field: 'name', message: 'is required' },
      { row: 3, field: 'email', message: 'is not an email address' },
      { row: 3, field: 'active', message: 'must be true or false' },
      { row: 3, field: 'skills', message: '“gas 9” is not a skill and a level from 1 to 5' },
    ]);
    expect(await count('technicians')).toBe(before);
  });

  it('imports catalog items from XLSX', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('catalog-items');
    sheet.addRow(['name', 'duration_minutes', 'base_price_minor', 'required_skills']);
    sheet.addRow(['Hot water service', 90, 24900, 'plumbing 3']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const done = await run({ kind: 'catalog-items', format: 'xlsx', content: file });
    expect(done).toMatchObject({ status: 'succeeded', importedRows: 1 });
    const items = await t.request('GET', `/api/v1/organizations/${org.orgId}/services/items?limit=100`, {
      token: org.secretKey,
    });
    expect(items.body.data.find((i: { name: string }) => i.name === 'Hot water service')).toMatchObject({
      durationMinutes: 90,
      requiredSkills: [{ skill: 'plumbing', minProficiency: 3 }],
    });
  });

  it('fails a whole file whose rows clash with what is stored, leaving no row of it behind', async () => {
    const csv = 'name,email\nNew Person,new@example.com\nAda Again,ada@example.com\n';
    const before = await count('customers');
    const done = await run({ kind: 'customers', format: 'csv', content: base64(csv) });
    expect(done.status).toBe('failed');
    expect(done.errors[0].message).toContain('nothing was imported');
    expect(await count('customers')).toBe(before);
  });

  it('says so when the file is not what it claims to be, or has no rows', async () => {
    expect(
      (await run({ kind: 'customers', format: 'xlsx', content: base64('name\nnot a zip') })).errors,
    ).toEqual([{ row: 0, field: '', message: 'not a readable XLSX file' }]);
    expect((await run({ kind: 'customers', format: 'csv', content: base64('name,email\n') })).errors).toEqual(
      [{ row: 0, field: '', message: 'the file has no rows' }],
    );
  });

  it('keeps one organization’s imports from another, and refuses bad input', async () => {
    const other = await t.createOrg();
    const queued = await start({ kind: 'customers', format: 'csv', content: base64('name\nX\n') });
    expect(
      (await t.request('GET', `${importsPath(other)}/${queued.body.id}`, { token: other.secretKey })).status,
    ).toBe(404);
    expect((await start({ kind: 'invoices', format: 'csv', content: base64('a') })).status).toBe(400);
    expect((await start({ kind: 'customers', format: 'csv', content: 'not base64!' })).status).toBe(400);
  });

  it('reads CSV by RFC 4180 and undoes the export’s formula guard', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,"2\n3",\'=SUM(A1)')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2\n3', '=SUM(A1)'],
    ]);
  });
});

describe('imports without a job queue', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t?.close());

  it('answers 503 queue_unavailable and stores nothing', async () => {
    const org = await t.createOrg();
    const before = await t.snapshot();
    const response = await t.request('POST', `/api/v1/organizations/${org.orgId}/imports`, {
      token: org.secretKey,
      body: { kind: 'customers', format: 'csv', content: base64('name\nX\n') },
    });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('queue_unavailable');
    expect(await t.snapshot()).toBe(before);
  });
});
