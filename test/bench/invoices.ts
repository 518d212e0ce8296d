/**
 * Invoicing benchmarks (issue #14), printed for docs/performance.md, server time (app.request, no
 * network) on PGlite and on PostgreSQL:
 * 1. A 20-line invoice's PDF (read, laid out, drawn): p50 and p99. Target p50 < 150 ms.
 * 2. The revenue report over 100,000 invoice lines (10,000 issued invoices of 10 lines over two
 *    years), grouped by month, category and technician: p50 and p99. Target < 500 ms.
 */

import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createApp } from '../../server/src/app.js';
import { type Database, openDatabase } from '../../server/src/db/index.js';
import { customers, serviceCategories, serviceItems, technicians } from '../../server/src/db/schema.js';
import { newId } from '../../server/src/lib/ids.js';
import { createLogger } from '../../server/src/logger.js';
import { InvoicingService } from '../../server/src/services/invoicing/invoices.js';
import { updateTaxSettings } from '../../server/src/services/invoicing/settings.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { testConfig } from '../../server/test-support/harness.js';
import { startPostgres } from '../../server/test-support/postgres.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(runs: number, once: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function bench(database: Database, label: string) {
  const db = database.db;
  const { organization, secretKey } = await createOrganization(db, {
    name: 'Harbour Plumbing Co.',
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
  });
  const orgId = organization.id;
  await updateTaxSettings(db, orgId, {
    taxName: 'GST',
    taxId: '51 824 753 556',
    pricesIncludeTax: false,
    rounding: 'line',
    rates: [
      { code: 'GST', name: 'GST', ratePercent: '10' },
      { code: 'FRE', name: 'GST-free', ratePercent: '0' },
    ],
    defaultTaxCode: 'GST',
    paymentDetails: 'BSB 062-000, account 1234 5678',
    businessAddress: { line1: '1 Pipe St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
  });
  const customerId = newId();
  await db.insert(customers).values({
    id: customerId,
    orgId,
    name: 'Olivia Hart',
    email: 'olivia@example.com',
    address: { line1: '22 Rose Ave', city: 'Marrickville', region: 'NSW', postalCode: '2204', country: 'AU' },
  });
  const invoicing = new InvoicingService({ now: Date.now });
  const draft = await invoicing.create(db, orgId, {
    customerId,
    lines: Array.from({ length: 20 }, (_, i) => ({
      description: `Line ${i + 1}: ${i % 2 ? 'copper fitting 15mm' : 'labour, standard hours'}`,
      quantity: 1 + (i % 4) * 0.5,
      unitAmountMinor: 1_000 + i * 377,
      taxCode: i % 7 === 0 ? 'FRE' : 'GST',
    })),
  });
  await invoicing.issue(db, orgId, draft.row.id);

  const categories = Array.from({ length: 5 }, (_, i) => ({ id: newId(), orgId, name: `Category ${i}` }));
  await db.insert(serviceCategories).values(categories);
  const items = Array.from({ length: 20 }, (_, i) => ({
    id: newId(),
    orgId,
    categoryId: categories[i % 5]!.id,
    name: `Item ${i}`,
    durationMinutes: 60,
    basePriceMinor: 10_000,
  }));
  await db.insert(serviceItems).values(items);
  const techs = Array.from({ length: 10 }, (_, i) => ({
    id: newId(),
    orgId,
    name: `Tech ${i}`,
    timeZone: 'Australia/Sydney',
  }));
  await db.insert(technicians).values(techs);
  const array = (ids: string[]) => sql.raw(`array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`);
  // 10,000 issued invoices over two years, 10 lines each: 100,000 lines.
  await db.execute(sql`
    insert into invoices (id, org_id, kind, source, status, number, sequence_number, customer_id, issued_on,
                          due_on, currency, total_ex_tax_minor, total_tax_minor, total_inc_tax_minor)
    select gen_random_uuid(), ${orgId}, 'invoice', 'local', 'issued', 'B-' || g, 1000 + g, ${customerId},
           date '2025-01-01' + (g % 730), date '2025-01-15' + (g % 730), 'AUD', 100000, 10000, 110000
    from generate_series(1, 10000) g`);
  await db.execute(sql`
    insert into invoice_lines (id, org_id, invoice_id, position, description, quantity, unit_amount_ex_tax_minor,
                               amount_ex_tax_minor, line_type, unit_amount_minor, tax_code, tax_rate_ppm, tax_minor,
                               amount_inc_tax_minor, service_item_id, category_id, technician_id)
    select gen_random_uuid(), ${orgId}, i.id, p, 'Line', 1, 10000, 10000, 'labour', 10000, 'GST', 100000, 1000, 11000,
           (${array(items.map((x) => x.id))})[1 + (i.sequence_number + p) % 20],
           (${array(items.map((x) => x.categoryId))})[1 + (i.sequence_number + p) % 20],
           (${array(techs.map((x) => x.id))})[1 + (i.sequence_number + p) % 10]
    from invoices i cross join generate_series(0, 9) p
    where i.org_id = ${orgId} and i.number like 'B-%'`);
  await db.execute(sql`analyze invoices`);
  await db.execute(sql`analyze invoice_lines`);

  const app = createApp({ database, config: testConfig(), logger: createLogger({ level: 'silent' }) });
  const headers = { authorization: `Bearer ${secretKey}` };
  const pdf = await timed(50, async () => {
    const response = await app.request(`/api/v1/organizations/${orgId}/invoices/${draft.row.id}/pdf`, {
      headers,
    });
    if (response.status !== 200) throw new Error(`pdf: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  });
  const reports: Record<string, { p50: number; p99: number }> = {};
  for (const groupBy of ['period', 'category', 'technician']) {
    reports[groupBy] = await timed(20, async () => {
      const response = await app.request(
        `/api/v1/organizations/${orgId}/reports/revenue?from=2025-01-01&to=2026-12-31&groupBy=${groupBy}`,
        { headers },
      );
      const body = (await response.json()) as { totals: { lines: number } };
      if (response.status !== 200 || body.totals.lines < 100_000)
        throw new Error(`report: ${response.status}`);
    });
  }
  return { label, pdf, reports };
}

const cluster = await startPostgres();
process.on('uncaughtException', (error) => {
  if (!/Connection terminated|ECONNRESET/.test(error.message)) throw error;
});
try {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database invoice_bench');
  await admin.end();
  const rows = [];
  const lite = await openDatabase({ dataDir: 'memory://' });
  await lite.migrate();
  rows.push(await bench(lite, 'pglite'));
  await lite.close();
  const pgDb = await openDatabase({
    databaseUrl: cluster.url.replace(/\/postgres$/, '/invoice_bench'),
    dataDir: 'memory://',
  });
  await pgDb.migrate();
  rows.push(await bench(pgDb, 'postgres'));
  await pgDb.close();
  const ms = (n: number) => n.toFixed(1);
  console.log(
    '| database | 20-line PDF p50 / p99 (ms) | revenue by month p50 / p99 | by category | by technician |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${ms(r.pdf.p50)} / ${ms(r.pdf.p99)} | ${ms(r.reports.period!.p50)} / ${ms(r.reports.period!.p99)} | ${ms(r.reports.category!.p50)} / ${ms(r.reports.category!.p99)} | ${ms(r.reports.technician!.p50)} / ${ms(r.reports.technician!.p99)} |`,
    );
  }
} finally {
  await cluster.stop();
}
