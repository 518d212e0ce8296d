import { PassThrough, Readable } from 'node:stream';
import { type SQL, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { type Db, queryRows } from '../db/index.js';

export type ExportKind = 'customers' | 'technicians' | 'catalog-items' | 'appointments';
export type ExportFormat = 'csv' | 'xlsx';

type Cell = string | number | boolean | null;

interface Table {
  columns: string[];
  /** One page of rows after `afterId` (by id), as cells in column order. */
  page(db: Db, orgId: string, afterId: string, limit: number): Promise<Array<{ id: string; cells: Cell[] }>>;
}

const pageSize = 500;
const none = '00000000-0000-0000-0000-000000000000';

function table(columns: string[], query: (orgId: string, afterId: string, limit: number) => SQL): Table {
  return {
    columns,
    async page(db, orgId, afterId, limit) {
      const rows = await queryRows<Record<string, Cell>>(db, query(orgId, afterId, limit));
      return rows.map((row) => ({ id: String(row.id), cells: columns.map((column) => row[column] ?? null) }));
    },
  };
}

/**
 * What each export holds: the columns an import would need to recreate the record, names instead
 * of ids where a person reads them (service, technician, customer), times as UTC instants.
 */
const tables: Record<ExportKind, Table> = {
  customers: table(
    ['id', 'name', 'email', 'phone', 'notes', 'created_at'],
    (orgId, afterId, limit) =>
      sql`select id::text, name, email, phone, notes, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at
        from customers where org_id = ${orgId} and id > ${afterId}::uuid order by id limit ${limit}`,
  ),
  technicians: table(
    ['id', 'name', 'email', 'phone', 'time_zone', 'active', 'skills', 'certifications'],
    (orgId, afterId, limit) =>
      sql`select id::text, name, email, phone, time_zone, active,
            coalesce((select string_agg((s->>'skill') || ' ' || (s->>'proficiency'), '; ')
                      from jsonb_array_elements(skills) s), '') as skills,
            coalesce((select string_agg((c->>'name') || coalesce(' until ' || (c->>'expiresOn'), ''), '; ')
                      from jsonb_array_elements(certifications) c), '') as certifications
          from technicians where org_id = ${orgId} and id > ${afterId}::uuid order by id limit ${limit}`,
  ),
  'catalog-items': table(
    [
      'id',
      'category',
      'name',
      'duration_minutes',
      'buffer_before_minutes',
      'buffer_after_minutes',
      'required_skills',
      'base_price_minor',
      'currency',
      'active',
      'public',
    ],
    (orgId, afterId, limit) =>
      sql`select i.id::text, c.name as category, i.name, i.duration_minutes, i.buffer_before_minutes,
            i.buffer_after_minutes,
            coalesce((select string_agg((s->>'skill') || ' ' || (s->>'minProficiency'), '; ')
                      from jsonb_array_elements(i.required_skills) s), '') as required_skills,
            i.base_price_minor, o.currency, i.active, i.public
          from service_items i
          join organizations o on o.id = i.org_id
          left join service_categories c on c.id = i.category_id
          where i.org_id = ${orgId} and i.id > ${afterId}::uuid order by i.id limit ${limit}`,
  ),
  appointments: table(
    [
      'id',
      'reference',
      'status',
      'start',
      'end',
      'service',
      'technician',
      'customer',
      'customer_email',
      'price_minor',
      'currency',
      // What an appointments import reads besides the above: the same file can be imported again.
      'technician_email',
      'notes',
      'internal_notes',
      'site_line1',
      'site_line2',
      'site_city',
      'site_region',
      'site_postal_code',
      'site_country',
      'site_access_notes',
    ],
    (orgId, afterId, limit) =>
      sql`select a.id::text, a.reference, a.status,
            to_char(a.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start,
            to_char(a.ends_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as end,
            i.name as service, t.name as technician, c.name as customer, c.email as customer_email,
            a.price_minor, a.currency, t.email as technician_email, a.notes, a.internal_notes,
            a.site_address->>'line1' as site_line1, a.site_address->>'line2' as site_line2,
            a.site_address->>'city' as site_city, a.site_address->>'region' as site_region,
            a.site_address->>'postalCode' as site_postal_code, a.site_address->>'country' as site_country,
            a.site_address->>'accessNotes' as site_access_notes
          from appointments a
          join service_items i on i.id = a.service_item_id
          join technicians t on t.id = a.technician_id
          join customers c on c.id = a.customer_id
          where a.org_id = ${orgId} and a.id > ${afterId}::uuid order by a.id limit ${limit}`,
  ),
};

/** Every row of the organization's `kind`, a page at a time (a large export never sits in memory). */
async function* rowsOf(db: Db, orgId: string, kind: ExportKind): AsyncGenerator<Cell[]> {
  const { page } = tables[kind];
  let after = none;
  for (;;) {
    const rows = await page(db, orgId, after, pageSize);
    for (const row of rows) yield row.cells;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

/**
 * A cell as CSV (RFC 4180). Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return first) gets a leading apostrophe: a customer named `=HYPERLINK(…)` must not become
 * a link in the office's spreadsheet.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'string' ? neutralised(value) : String(value);
  if (/[",\r\n]/.test(text)) text = `"${text.replaceAll('"', '""')}"`;
  return text;
}

function neutralised(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface ExportFile {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}

/** Streams the organization's records of one kind as CSV or XLSX. */
export function exportRecords(
  db: Db,
  orgId: string,
  kind: ExportKind,
  format: ExportFormat,
  today: string,
): ExportFile {
  const { columns } = tables[kind];
  const filename = `${kind}-${today}.${format}`;
  if (format === 'csv') {
    const lines = (async function* () {
      // A byte-order mark, so spreadsheet programs read the file as UTF-8 (names with accents).
      yield `\uFEFF${columns.join(',')}\r\n`;
      for await (const cells of rowsOf(db, orgId, kind)) yield `${cells.map(csvCell).join(',')}\r\n`;
    })();
    const encoder = new TextEncoder();
    return {
      // Pulled: the next page is read only when the client has taken the last one.
      body: new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await lines.return(undefined);
        },
      }),
      contentType: 'text/csv; charset=utf-8',
      filename,
    };
  }
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(kind);
  void (async () => {
    try {
      sheet.addRow(columns).commit();
      for await (const cells of rowsOf(db, orgId, kind)) {
        sheet.addRow(cells.map((cell) => (typeof cell === 'string' ? neutralised(cell) : cell))).commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return {
    body: Readable.toWeb(out) as ReadableStream<Uint8Array>,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename,
  };
}
