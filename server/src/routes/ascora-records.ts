import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';

import { enqueuePaymentPush, requireQueue } from '../ascora/worker.js';
import type { Db } from '../db/index.js';
import { ascoraConnections, ascoraMappings, invoiceLines, invoices, jobs, payments } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';

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

function toPayment(row: PaymentRow): Schemas['Payment'] {
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

export const ascoraRecordHandlers = {
  async listJobs(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.orgId, params.orgId), after ? gt(jobs.id, after) : undefined))
      .orderBy(asc(jobs.id))
      .limit(limit + 1);
    const links = await ascoraIds(
      c.var.db,
      params.orgId,
      'job',
      rows.map((r) => r.id),
    );
    return c.json(
      toPage(rows, limit, (row) => jobBody(row, links.get(row.id) ?? null)),
      200,
    );
  },

  async getJob(c, { params }) {
    const [row] = await c.var.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.orgId, params.orgId), eq(jobs.id, params.jobId)));
    if (!row) throw new ApiError('not_found');
    return c.json(await toJob(c.var.db, params.orgId, row), 200);
  },

  async listInvoices(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.orgId, params.orgId), after ? gt(invoices.id, after) : undefined))
      .orderBy(asc(invoices.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const data = await toInvoices(c.var.db, params.orgId, page);
    const { nextCursor } = toPage(rows, limit, (r) => r);
    return c.json({ data, nextCursor }, 200);
  },

  async getInvoice(c, { params }) {
    const rows = await c.var.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.orgId, params.orgId), eq(invoices.id, params.invoiceId)));
    const [invoice] = await toInvoices(c.var.db, params.orgId, rows);
    if (!invoice) throw new ApiError('not_found');
    return c.json(invoice, 200);
  },

  async recordPayment(c, { params, body }) {
    const [invoice] = await c.var.db
      .select({ id: invoices.id })
      .from(invoices)
      .where(and(eq(invoices.orgId, params.orgId), eq(invoices.id, params.invoiceId)));
    if (!invoice) throw new ApiError('not_found');
    const [connection] = await c.var.db
      .select({ status: ascoraConnections.status, directions: ascoraConnections.directions })
      .from(ascoraConnections)
      .where(eq(ascoraConnections.orgId, params.orgId));
    const pushes = connection?.status === 'connected' && connection.directions.payments !== 'pull';
    // Checked before the payment is written: one recorded with a push nobody will make stays pending.
    const queue = pushes ? requireQueue(c.var.services.queue) : undefined;
    const [row] = await c.var.db
      .insert(payments)
      .values({
        id: newId(),
        orgId: params.orgId,
        invoiceId: invoice.id,
        amountMinor: body.amountMinor,
        paidOn: body.paidOn,
        method: body.method,
        reference: body.reference ?? null,
        origin: 'local',
        pushState: pushes ? 'pending' : null,
      })
      .returning();
    if (queue) await enqueuePaymentPush(queue, params.orgId, row!.id, c.var.db);
    return c.json(toPayment(row!), 201);
  },
} satisfies HandlerTable;
