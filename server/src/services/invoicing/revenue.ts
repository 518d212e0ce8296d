import type { components } from '@crewkit/sdk/openapi';
import { eq, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/index.js';
import { organizations } from '../../db/schema.js';
import { ApiError } from '../../errors.js';

type Schemas = components['schemas'];
type GroupBy = Schemas['RevenueReport']['groupBy'];

const periodFormats = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' } as const;

/** What a row is keyed and labelled by, per grouping (all names are columns, never user input). */
function grouping(groupBy: GroupBy, period: keyof typeof periodFormats) {
  switch (groupBy) {
    case 'category':
      return {
        key: sql`l.category_id::text`,
        label: sql`coalesce(g.name, 'Uncategorized')`,
        join: sql`left join service_categories g on g.id = l.category_id`,
      };
    case 'item':
      return {
        key: sql`l.service_item_id::text`,
        label: sql`coalesce(g.name, 'Other')`,
        join: sql`left join service_items g on g.id = l.service_item_id`,
      };
    case 'technician':
      return {
        key: sql`l.technician_id::text`,
        label: sql`coalesce(g.name, 'Unassigned')`,
        join: sql`left join technicians g on g.id = l.technician_id`,
      };
    default: {
      const key = sql.raw(`to_char(i.issued_on, '${periodFormats[period]}')`);
      return { key, label: key, join: sql`` };
    }
  }
}

/**
 * Revenue from invoices and credit notes made here and issued in [from, to] (credit notes count
 * negative: their amounts are), in one aggregate query. Drafts and void invoices do not count;
 * invoices pulled from Ascora carry no tax here, so Ascora reports them.
 */
export async function revenueReport(
  db: Db,
  orgId: string,
  query: {
    from: string;
    to: string;
    groupBy?: GroupBy | undefined;
    period?: 'day' | 'month' | 'year' | undefined;
  },
): Promise<Schemas['RevenueReport']> {
  if (query.from > query.to)
    throw new ApiError('validation_failed', {
      errors: [{ path: 'query.to', message: 'must not be before from' }],
    });
  const groupBy = query.groupBy ?? 'period';
  const [org] = await db
    .select({ currency: organizations.currency })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw new ApiError('not_found');
  const g = grouping(groupBy, query.period ?? 'month');
  const rows = await queryRows<{
    key: string | null;
    label: string;
    net: string;
    tax: string;
    gross: string;
    lines: string;
  }>(
    db,
    sql`select ${g.key} as key, min(${g.label}) as label,
          sum(l.amount_ex_tax_minor)::bigint as net, sum(l.tax_minor)::bigint as tax,
          sum(l.amount_inc_tax_minor)::bigint as gross, count(*)::bigint as lines
        from invoices i
        join invoice_lines l on l.invoice_id = i.id
        ${g.join}
        where i.org_id = ${orgId} and i.source = 'local' and i.status in ('issued', 'part_paid', 'paid')
          and i.issued_on between ${query.from} and ${query.to}
        group by 1
        order by 1 nulls last`,
  );
  const data = rows.map((r) => ({
    key: r.key,
    label: r.label,
    netMinor: Number(r.net),
    taxMinor: Number(r.tax),
    grossMinor: Number(r.gross),
    lines: Number(r.lines),
  }));
  const sum = (k: 'netMinor' | 'taxMinor' | 'grossMinor' | 'lines') => data.reduce((a, r) => a + r[k], 0);
  return {
    from: query.from,
    to: query.to,
    groupBy,
    currency: org.currency,
    rows: data,
    totals: {
      netMinor: sum('netMinor'),
      taxMinor: sum('taxMinor'),
      grossMinor: sum('grossMinor'),
      lines: sum('lines'),
    },
  };
}

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Quoted when needed, and a leading formula character defused so a spreadsheet shows it as text.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: one row per group, then the totals; amounts in minor units, as in JSON. */
export function revenueCsv(report: Schemas['RevenueReport']): string {
  const header = ['key', 'label', 'currency', 'net_minor', 'tax_minor', 'gross_minor', 'lines'];
  const lines = [header.join(',')];
  for (const r of report.rows)
    lines.push(
      [r.key, r.label, report.currency, r.netMinor, r.taxMinor, r.grossMinor, r.lines]
        .map(csvField)
        .join(','),
    );
  const t = report.totals;
  lines.push(
    ['total', 'Total', report.currency, t.netMinor, t.taxMinor, t.grossMinor, t.lines]
      .map(csvField)
      .join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}
