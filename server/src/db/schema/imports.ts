import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { createdAt } from './columns.js';

/** A row of an import that could not be taken, and why. */
export interface ImportRowError {
  /** The row in the file, counting the header as row 1. */
  row: number;
  field: string;
  message: string;
}

/**
 * Imports of customers, technicians or catalog items from CSV or XLSX, run on the job queue. A file
 * is imported whole or not at all: any invalid row fails it, with every row's problems listed.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    format: text('format').notNull(),
    /** queued → running → succeeded | failed. */
    status: text('status').notNull(),
    /** The file, base64, kept until the import has run (then emptied: it holds personal data). */
    content: text('content').notNull(),
    totalRows: integer('total_rows'),
    importedRows: integer('imported_rows'),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default([]),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('imports_org_idx').on(t.orgId, t.createdAt)],
);
