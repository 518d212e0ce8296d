import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/index.js';
import {
  customers,
  type ImportRowError,
  imports,
  serviceCategories,
  serviceItems,
  technicians,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../logger.js';
import type { JobQueue, QueueDefinition } from '../queue/queue.js';
import { checkAppointments, writeAppointments } from './import-appointments.js';

export type ImportKind = 'customers' | 'technicians' | 'catalog-items' | 'appointments';
type ImportRow = typeof imports.$inferSelect;

/** The pg-boss queue imports run on. */
export const importQueue = 'imports';
export const importQueues: QueueDefinition[] = [
  { name: importQueue, retryLimit: 3, retryDelaySeconds: 10, expireInSeconds: 600 },
];

/** Stores the file and queues it; the import itself runs on the queue (`runImport`). */
export async function createImport(
  db: Db,
  queue: JobQueue | undefined,
  orgId: string,
  body: { kind: ImportKind; format: 'csv' | 'xlsx'; content: string },
): Promise<ImportRow> {
  if (!queue) {
    throw new ApiError('queue_unavailable', {
      detail: 'This server runs without its job queue: nothing was imported.',
    });
  }
  const [row] = await db
    .insert(imports)
    .values({
      id: newId(),
      orgId,
      kind: body.kind,
      format: body.format,
      status: 'queued',
      content: body.content,
    })
    .returning();
  await queue.send(importQueue, { importId: row!.id, orgId });
  return row!;
}

export async function getImport(db: Db, orgId: string, importId: string): Promise<ImportRow> {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.orgId, orgId), eq(imports.id, importId)));
  if (!row) throw new ApiError('not_found');
  return row;
}

/** The import as the API shows it (never the file). */
export function serializeImport(row: ImportRow) {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    format: row.format as 'csv' | 'xlsx',
    status: row.status as 'queued' | 'running' | 'succeeded' | 'failed',
    totalRows: row.totalRows,
    importedRows: row.importedRows,
    errors: row.errors,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Runs one import: reads the file, checks every row, and only if every row is valid creates all the
 * records in one transaction. A retried job finds the import finished and does nothing.
 */
export async function runImport(db: Db, logger: Logger, importId: string, now: () => number): Promise<void> {
  const [row] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!row || row.status === 'succeeded' || row.status === 'failed') return;
  await db.update(imports).set({ status: 'running' }).where(eq(imports.id, importId));
  const finish = (fields: Partial<typeof imports.$inferInsert>) =>
    db
      .update(imports)
      .set({ ...fields, content: '', finishedAt: new Date(now()) })
      .where(eq(imports.id, importId));
  let table: string[][];
  try {
    table = await readTable(row.format as 'csv' | 'xlsx', Buffer.from(row.content, 'base64'));
  } catch {
    await finish({
      status: 'failed',
      importedRows: 0,
      errors: [{ row: 0, field: '', message: `not a readable ${row.format.toUpperCase()} file` }],
    });
    return;
  }
  const [header = [], ...data] = table;
  const rows = data.filter((cells) => cells.some((cell) => cell.trim() !== ''));
  const columns = header.map((name) => name.trim().toLowerCase());
  const kind = row.kind as ImportKind;
  const [org] = await db
    .execute(sql`select time_zone, currency from organizations where id = ${row.orgId}`)
    .then((result) => (result as unknown as { rows: Array<{ time_zone: string; currency: string }> }).rows);
  const timeZone = org?.time_zone ?? 'UTC';
  const categories =
    kind === 'catalog-items'
      ? await db
          .select({ id: serviceCategories.id, name: serviceCategories.name })
          .from(serviceCategories)
          .where(eq(serviceCategories.orgId, row.orgId))
      : [];
  const errors: ImportRowError[] = [];
  const missing = requiredColumns[kind].filter((column) => !columns.includes(column));
  for (const column of missing) errors.push({ row: 1, field: column, message: 'column is missing' });
  const getters = rows.map((cells) => (name: string) => {
    const at = columns.indexOf(name);
    return at === -1 ? '' : (cells[at] ?? '').trim();
  });
  const records =
    missing.length > 0
      ? []
      : kind === 'appointments'
        ? await checkAppointments(db, row.orgId, getters, errors, { timeZone })
        : getters.map((get, index) => {
            const problems: Array<{ field: string; message: string }> = [];
            const record = validators[kind](get, problems, { timeZone, categories });
            for (const problem of problems) errors.push({ row: index + 2, ...problem });
            return record;
          });
  // Row order in the report, whichever check found the problem first.
  errors.sort((a, b) => a.row - b.row);
  if (errors.length > 0 || rows.length === 0) {
    if (rows.length === 0 && errors.length === 0)
      errors.push({ row: 0, field: '', message: 'the file has no rows' });
    await finish({ status: 'failed', totalRows: rows.length, importedRows: 0, errors });
    return;
  }
  try {
    await db.transaction(async (tx) => {
      if (kind === 'appointments')
        await writeAppointments(tx, row.orgId, records as Awaited<ReturnType<typeof checkAppointments>>, {
          importId,
          currency: org?.currency ?? 'USD',
          now: now(),
        });
      else await insertAll(tx, kind, row.orgId, records as Array<Record<string, unknown>>);
      // The request that queued the file has its own entry; this one says what the file made.
      await recordAudit(
        tx,
        {
          orgId: row.orgId,
          actor: { type: 'system', id: 'imports' },
          credential: null,
          operation: `imports.apply${kindName[kind]}`,
          target: { type: 'import', id: importId },
          changes: { kind, importedRows: rows.length },
        },
        now(),
      );
      await tx
        .update(imports)
        .set({
          status: 'succeeded',
          totalRows: rows.length,
          importedRows: rows.length,
          content: '',
          finishedAt: new Date(now()),
        })
        .where(eq(imports.id, importId));
    });
  } catch (error) {
    // A customer whose email is already on file, say: the transaction rolled back whole.
    logger.warn({ err: error, importId }, 'import could not be saved');
    await finish({
      status: 'failed',
      totalRows: rows.length,
      importedRows: 0,
      errors: [
        {
          row: 0,
          field: '',
          message:
            kind === 'appointments'
              ? 'the visits could not be saved (a technician booked meanwhile?); nothing was imported'
              : 'the records could not be saved (a customer email already on file?); nothing was imported',
        },
      ],
    });
  }
}

const kindName: Record<ImportKind, string> = {
  customers: 'Customers',
  technicians: 'Technicians',
  'catalog-items': 'CatalogItems',
  appointments: 'Appointments',
};

const requiredColumns: Record<ImportKind, string[]> = {
  appointments: ['service', 'start'],
  customers: ['name'],
  technicians: ['name'],
  'catalog-items': ['name', 'duration_minutes', 'base_price_minor'],
};

type Get = (name: string) => string;
type Problems = Array<{ field: string; message: string }>;
interface Context {
  timeZone: string;
  categories: Array<{ id: string; name: string }>;
}

function text(get: Get, problems: Problems, field: string, max: number, required = false): string | null {
  const value = get(field);
  if (!value) {
    if (required) problems.push({ field, message: 'is required' });
    return null;
  }
  if (value.length > max) problems.push({ field, message: `must be at most ${max} characters` });
  return value;
}

function whole(
  get: Get,
  problems: Problems,
  field: string,
  min: number,
  max: number,
  fallback?: number,
): number | null {
  const value = get(field);
  if (!value && fallback !== undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    problems.push({ field, message: `must be a whole number from ${min} to ${max}` });
    return null;
  }
  return Number(value);
}

function yesNo(get: Get, problems: Problems, field: string): boolean {
  const value = get(field).toLowerCase();
  if (!value || value === 'true' || value === 'yes' || value === '1') return true;
  if (value === 'false' || value === 'no' || value === '0') return false;
  problems.push({ field, message: 'must be true or false' });
  return true;
}

/** "gas 4; plumbing 3" → skills, each level 1–5. */
function skillList(get: Get, problems: Problems, field: string, key: 'proficiency' | 'minProficiency') {
  const skills: Array<Record<string, string | number>> = [];
  for (const part of get(field)
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(.+?)\s+([1-5])$/.exec(part);
    if (!match) {
      problems.push({ field, message: `“${part}” is not a skill and a level from 1 to 5` });
      continue;
    }
    skills.push({ skill: match[1]!.trim(), [key]: Number(match[2]) });
  }
  return skills;
}

function email(get: Get, problems: Problems): string | null {
  const value = text(get, problems, 'email', 254);
  if (value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    problems.push({ field: 'email', message: 'is not an email address' });
  return value;
}

const validators: Record<
  Exclude<ImportKind, 'appointments'>,
  (get: Get, problems: Problems, context: Context) => Record<string, unknown>
> = {
  customers: (get, problems) => ({
    name: text(get, problems, 'name', 200, true),
    email: email(get, problems),
    phone: text(get, problems, 'phone', 40),
    notes: text(get, problems, 'notes', 5000),
  }),
  technicians: (get, problems, { timeZone }) => {
    const zone = get('time_zone') || timeZone;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      problems.push({ field: 'time_zone', message: 'is not an IANA time zone' });
    }
    return {
      name: text(get, problems, 'name', 200, true),
      email: email(get, problems),
      phone: text(get, problems, 'phone', 40),
      timeZone: zone,
      active: yesNo(get, problems, 'active'),
      skills: skillList(get, problems, 'skills', 'proficiency'),
    };
  },
  'catalog-items': (get, problems, { categories }) => {
    const categoryName = get('category');
    const category = categories.find((c) => c.name.toLowerCase() === categoryName.toLowerCase());
    if (categoryName && !category)
      problems.push({ field: 'category', message: `no category is called “${categoryName}”` });
    return {
      categoryId: category?.id ?? null,
      name: text(get, problems, 'name', 200, true),
      durationMinutes: whole(get, problems, 'duration_minutes', 5, 1440),
      bufferBeforeMinutes: whole(get, problems, 'buffer_before_minutes', 0, 480, 0),
      bufferAfterMinutes: whole(get, problems, 'buffer_after_minutes', 0, 480, 0),
      basePriceMinor: whole(get, problems, 'base_price_minor', 0, 100_000_000),
      requiredSkills: skillList(get, problems, 'required_skills', 'minProficiency'),
      active: yesNo(get, problems, 'active'),
      public: yesNo(get, problems, 'public'),
    };
  },
};

async function insertAll(
  db: Db,
  kind: ImportKind,
  orgId: string,
  records: Array<Record<string, unknown>>,
): Promise<void> {
  // In chunks: one statement per 500 rows keeps each under PostgreSQL's parameter limit.
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500).map((record) => ({ id: newId(), orgId, ...record }));
    if (kind === 'customers')
      await db.insert(customers).values(chunk as Array<typeof customers.$inferInsert>);
    else if (kind === 'technicians')
      await db.insert(technicians).values(chunk as Array<typeof technicians.$inferInsert>);
    else await db.insert(serviceItems).values(chunk as Array<typeof serviceItems.$inferInsert>);
  }
}

/** The file's cells as text, row by row. */
async function readTable(format: 'csv' | 'xlsx', file: Buffer): Promise<string[][]> {
  if (format === 'csv') return parseCsv(file.toString('utf8'));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(values.map(cellText));
  });
  return rows;
}

/**
 * A spreadsheet cell as text. A date cell has no zone (ExcelJS reads its wall clock as UTC), so it
 * becomes a local date and time, read in the organization's zone like one typed as text.
 */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (typeof value === 'object') {
    const cell = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (cell.richText) return cell.richText.map((part) => part.text).join('');
    if (cell.text !== undefined) return String(cell.text);
    if (cell.result !== undefined) return cellText(cell.result);
  }
  return String(value);
}

/**
 * RFC 4180: quoted fields with doubled quotes and line breaks inside, CRLF or LF, a leading
 * byte-order mark. A leading apostrophe that an export put before formula-looking text is removed.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(unneutralised(field));
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      row.push(unneutralised(field));
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(unneutralised(field));
    rows.push(row);
  }
  return rows;
}

function unneutralised(field: string): string {
  return /^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field;
}
