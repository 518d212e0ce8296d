import { decodeCursor, encodeCursor } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toInvoice, toPayment, toTaxSettings } from '../serializers/invoicing.js';
import { renderInvoicePdf } from '../services/invoicing/pdf.js';
import { revenueCsv, revenueReport } from '../services/invoicing/revenue.js';
import { getTaxSettings, updateTaxSettings } from '../services/invoicing/settings.js';

export const invoiceHandlers = {
  async getTaxSettings(c, { params }) {
    return c.json(toTaxSettings(await getTaxSettings(c.var.db, params.orgId)), 200);
  },

  async updateTaxSettings(c, { params, body }) {
    return c.json(toTaxSettings(await updateTaxSettings(c.var.db, params.orgId, body)), 200);
  },

  async listInvoices(c, { params, query }) {
    const limit = query.limit ?? 25;
    const { data, hasMore } = await c.var.services.invoicing.list(c.var.db, params.orgId, {
      ...query,
      limit,
      after: decodeCursor(query.cursor),
    });
    const last = data.at(-1);
    return c.json(
      { data: data.map(toInvoice), nextCursor: hasMore && last ? encodeCursor(last.row.id) : null },
      200,
    );
  },

  async createInvoice(c, { params, body }) {
    const view = await c.var.services.invoicing.create(c.var.db, params.orgId, body);
    return c.json(toInvoice(view), 201, {
      location: `/api/v1/organizations/${params.orgId}/invoices/${view.row.id}`,
    });
  },

  async getInvoice(c, { params }) {
    return c.json(
      toInvoice(await c.var.services.invoicing.get(c.var.db, params.orgId, params.invoiceId)),
      200,
    );
  },

  async updateInvoice(c, { params, body }) {
    const view = await c.var.services.invoicing.update(c.var.db, params.orgId, params.invoiceId, body);
    return c.json(toInvoice(view), 200);
  },

  async issueInvoice(c, { params }) {
    return c.json(
      toInvoice(await c.var.services.invoicing.issue(c.var.db, params.orgId, params.invoiceId)),
      200,
    );
  },

  async voidInvoice(c, { params }) {
    return c.json(
      toInvoice(await c.var.services.invoicing.void(c.var.db, params.orgId, params.invoiceId)),
      200,
    );
  },

  async createCreditNote(c, { params, body }) {
    const view = await c.var.services.invoicing.createCreditNote(
      c.var.db,
      params.orgId,
      params.invoiceId,
      body,
    );
    return c.json(toInvoice(view), 201, {
      location: `/api/v1/organizations/${params.orgId}/invoices/${view.row.id}`,
    });
  },

  async getInvoicePdf(c, { params }) {
    const { pdf, fileName } = await renderInvoicePdf(
      c.var.db,
      c.var.services.invoicing,
      params.orgId,
      params.invoiceId,
    );
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${fileName}"`,
    });
  },

  async getInvoiceHistory(c, { params }) {
    const data = await c.var.services.invoicing.history(c.var.db, params.orgId, params.invoiceId);
    return c.json({ data }, 200);
  },

  async recordPayment(c, { params, body }) {
    const { services } = c.var;
    const row = await services.invoicing.recordPayment(
      c.var.db,
      services.queue,
      params.orgId,
      params.invoiceId,
      body,
    );
    return c.json(toPayment(row), 201);
  },

  async getRevenueReport(c, { params, query }) {
    const report = await revenueReport(c.var.db, params.orgId, query);
    const wantsCsv =
      query.format === 'csv' || (!query.format && /\btext\/csv\b/.test(c.req.header('accept') ?? ''));
    if (wantsCsv)
      return c.body(revenueCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="revenue-${report.from}-${report.to}.csv"`,
      });
    return c.json(report, 200);
  },
} satisfies HandlerTable;
