import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { ascoraConnections, ascoraMappings, invoiceLines, invoices, jobs, payments } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import { iso } from '../lib/time.js';
import type { JobQueue } from '../queue/queue.js';
import { enqueuePaymentPush, requireQueue } from './worker.js';

/*
 * Jobs, invoices and payments as the API shows them: with their Ascora ids, and an invoice with its
 * lines and payments, assembled in a fixed number of queries per page.
 */

type Schemas = components['schemas'];
type JobRow = typeof jobs.$inferSelect;
type InvoiceRow = typeof invoices.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;

async function ascoraIds(db: Db, orgId: string, entity: 'job' | 'invoice', localIds: string[]) {
  if (localIds.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ localId: ascoraMappings.localId, ascoraId: ascoraMappings.ascoraId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        inArray(ascoraMappings.localId, localIds),
      ),
    );
  return new Map(rows.map((r) => [r.localId, r.ascoraId]));
}

function jobBody(row: JobRow, ascoraId: string | null): Schemas['Job'] {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    description: row.description,
    workUndertaken: row.workUndertaken,
    status: row.status,
    siteCustomerId: row.siteCustomerId,
    billingCustomerId: row.billingCustomerId,
    address: row.address,
    totalExTaxMinor: row.totalExTaxMinor,
    totalIncTaxMinor: row.totalIncTaxMinor,
    completedAt: iso(row.completedAt),
    ascoraId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export async function toJob(db: Db, orgId: string, row: JobRow): Promise<Schemas['Job']> {
  const links = await ascoraIds(db, orgId, 'job', [row.id]);
  return jobBody(row, links.get(row.id) ?? null);
}

export function toPayment(row: PaymentRow): Schemas['Payment'] {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    amountMinor: row.amountMinor,
    paidOn: row.paidOn,
    method: row.method,
    reference: row.reference,
    origin: row.origin,
    pushState: row.pushState,
    createdAt: iso(row.createdAt),
  };
}

/** Invoices with their lines and payments, in three queries for the whole page. */
async function toInvoices(db: Db, orgId: string, rows: InvoiceRow[]): Promise<Schemas['Invoice'][]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const lines = await db
    .select()
    .from(invoiceLines)
    .where(inArray(invoiceLines.invoiceId, ids))
    .orderBy(asc(invoiceLines.position));
  const paid = await db
    .select()
    .from(payments)
    .where(inArray(payments.invoiceId, ids))
    .orderBy(asc(payments.id));
  const links = await ascoraIds(db, orgId, 'invoice', ids);
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    jobId: row.jobId,
    issuedOn: row.issuedOn,
    currency: row.currency,
    totalExTaxMinor: row.totalExTaxMinor,
    lines: lines
      .filter((l) => l.invoiceId === row.id)
      .map((l) => ({
        itemCode: l.itemCode,
        description: l.description,
        quantity: l.quantity,
        unitAmountExTaxMinor: l.unitAmountExTaxMinor,
        amountExTaxMinor: l.amountExTaxMinor,
        lineType: l.lineType,
      })),
    payments: paid.filter((p) => p.invoiceId === row.id).map(toPayment),
    ascoraId: links.get(row.id) ?? null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  }));
}

/** A page of jobs in creation order; `limit + 1` rows are read, the extra one only for `hasMore`. */
export async function listJobs(db: Db, orgId: string, page: { limit: number; after?: string | undefined }) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), page.after ? gt(jobs.id, page.after) : undefined))
    .orderBy(asc(jobs.id))
    .limit(page.limit + 1);
  const links = await ascoraIds(
    db,
    orgId,
    'job',
    rows.map((r) => r.id),
  );
  return { rows, view: (row: JobRow) => jobBody(row, links.get(row.id) ?? null) };
}

export async function findJob(db: Db, orgId: string, jobId: string): Promise<Schemas['Job']> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, jobId)));
  if (!row) throw new ApiError('not_found');
  return toJob(db, orgId, row);
}

/** A page of invoices in creation order, and whether another follows. */
export async function listInvoices(
  db: Db,
  orgId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ data: Schemas['Invoice'][]; last: InvoiceRow | undefined; hasMore: boolean }> {
  const rows = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), page.after ? gt(invoices.id, page.after) : undefined))
    .orderBy(asc(invoices.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  return { data: await toInvoices(db, orgId, shown), last: shown.at(-1), hasMore: rows.length > page.limit };
}

export async function findInvoice(db: Db, orgId: string, invoiceId: string): Promise<Schemas['Invoice']> {
  const rows = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId)));
  const [invoice] = await toInvoices(db, orgId, rows);
  if (!invoice) throw new ApiError('not_found');
  return invoice;
}

export interface NewPayment {
  amountMinor: number;
  paidOn: string;
  method: PaymentRow['method'];
  reference?: string | null | undefined;
}

/**
 * Records a payment made in Crewkit and, when the organization pushes payments to Ascora, queues
 * the push in the same transaction.
 */
export async function recordPayment(
  db: Db,
  queue: JobQueue | undefined,
  orgId: string,
  invoiceId: string,
  input: NewPayment,
): Promise<PaymentRow> {
  const [invoice] = await db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId)));
  if (!invoice) throw new ApiError('not_found');
  const [connection] = await db
    .select({ status: ascoraConnections.status, directions: ascoraConnections.directions })
    .from(ascoraConnections)
    .where(eq(ascoraConnections.orgId, orgId));
  const pushes = connection?.status === 'connected' && connection.directions.payments !== 'pull';
  // Checked before the payment is written: one recorded with a push nobody will make stays pending.
  const pushQueue = pushes ? requireQueue(queue) : undefined;
  const [row] = await db
    .insert(payments)
    .values({
      id: newId(),
      orgId,
      invoiceId: invoice.id,
      amountMinor: input.amountMinor,
      paidOn: input.paidOn,
      method: input.method,
      reference: input.reference ?? null,
      origin: 'local',
      pushState: pushes ? 'pending' : null,
    })
    .returning();
  if (pushQueue) await enqueuePaymentPush(pushQueue, orgId, row!.id, db);
  return row!;
}
