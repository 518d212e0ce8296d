import { createCrewkit } from '@crewkit/sdk';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { csvCell } from '../services/exports.js';

describe('exports (exportRecords)', () => {
  let t: TestContext;
  let org: TestOrg;
  let other: TestOrg;
  const path = (o: TestOrg, kind: string, query = '') =>
    `/api/v1/organizations/${o.orgId}/exports?kind=${kind}${query}`;

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
    other = await t.createOrg();
    for (const [o, name] of [
      [org, 'Ada Lovelace'],
      [org, 'José "Pepe" Álvarez, Jr.'],
      [org, '=HYPERLINK("https://evil.example")'],
      [other, 'Not Yours'],
    ] as const) {
      const created = await t.request('POST', `/api/v1/organizations/${o.orgId}/customers`, {
        token: o.secretKey,
        body: { name, email: `c${Math.random().toString(36).slice(2, 8)}@example.com` },
      });
      expect(created.status).toBe(201);
    }
    await t.request('POST', `/api/v1/organizations/${org.orgId}/technicians`, {
      token: org.secretKey,
      body: { name: 'Sam Okafor', skills: [{ skill: 'gas', proficiency: 4 }] },
    });
  });
  afterAll(() => t?.close());

  it('streams the organization’s customers as CSV, and no other organization’s', async () => {
    const response = await t.request('GET', path(org, 'customers'), { token: org.secretKey });
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = response.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('id,name,email,phone,notes,created_at');
    expect(lines).toHaveLength(4);
    expect(response.text).toContain('Ada Lovelace');
    expect(response.text).toContain('"José ""Pepe"" Álvarez, Jr."');
    // A formula is text in the office's spreadsheet, never a live link.
    expect(response.text).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
    expect(response.text).not.toContain('Not Yours');
  });

  it('exports technicians as XLSX with their skills', async () => {
    const response = await fetchRaw(path(org, 'technicians', '&format=xlsx'), org.secretKey);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const rows = workbook.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0]!.slice(1)).toEqual([
      'id',
      'name',
      'email',
      'phone',
      'time_zone',
      'active',
      'skills',
      'certifications',
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('Sam Okafor');
    expect(rows[1]).toContain('gas 4');
  });

  it('exports catalog items and appointments with their headers', async () => {
    for (const [kind, header] of [
      ['catalog-items', 'id,category,name,duration_minutes'],
      ['appointments', 'id,reference,status,start,end,service,technician,customer'],
    ]) {
      const response = await t.request('GET', path(org, kind!), { token: org.secretKey });
      expect(response.status).toBe(200);
      expect(response.text.replace(/^\uFEFF/, '')).toMatch(new RegExp(`^${header}`));
    }
  });

  it('is refused for another organization, an unknown kind or format, and without a credential', async () => {
    expect((await t.request('GET', path(other, 'customers'), { token: org.secretKey })).status).toBe(404);
    expect((await t.request('GET', path(org, 'invoices'), { token: org.secretKey })).status).toBe(400);
    expect(
      (await t.request('GET', path(org, 'customers', '&format=pdf'), { token: org.secretKey })).status,
    ).toBe(400);
    expect((await t.request('GET', path(org, 'customers'))).status).toBe(401);
  });

  it('is what the SDK downloads', async () => {
    const client = createCrewkit({
      baseUrl: 'http://crewkit.test',
      organizationId: org.orgId,
      apiKey: org.secretKey,
      fetch: (request) => Promise.resolve(t.app.fetch(request)),
    });
    const file = await client.exports.download({ kind: 'customers', format: 'csv' });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain('Ada Lovelace');
  });

  it('writes CSV cells by RFC 4180, neutralising what a spreadsheet would run', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('+61 2 9999 0000')).toBe("'+61 2 9999 0000");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  async function fetchRaw(url: string, token: string): Promise<Response> {
    return t.app.request(url, { headers: { authorization: `Bearer ${token}` } });
  }
});
