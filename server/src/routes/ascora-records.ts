import {
  findInvoice,
  findJob,
  listInvoices,
  listJobs,
  recordPayment,
  toPayment,
} from '../ascora/jobs-and-invoices.js';
import { ascoraRequest } from '../ascora/service.js';
import { decodeCursor, encodeCursor, toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';

export const ascoraRecordHandlers = {
  async listJobs(c, { params, query }) {
    const limit = query.limit ?? 25;
    const { rows, view } = await listJobs(c.var.db, params.orgId, {
      limit,
      after: decodeCursor(query.cursor),
    });
    return c.json(toPage(rows, limit, view), 200);
  },

  async getJob(c, { params }) {
    return c.json(await findJob(c.var.db, params.orgId, params.jobId), 200);
  },

  async listInvoices(c, { params, query }) {
    const limit = query.limit ?? 25;
    const { data, last, hasMore } = await listInvoices(c.var.db, params.orgId, {
      limit,
      after: decodeCursor(query.cursor),
    });
    return c.json({ data, nextCursor: hasMore && last ? encodeCursor(last.id) : null }, 200);
  },

  async getInvoice(c, { params }) {
    return c.json(await findInvoice(c.var.db, params.orgId, params.invoiceId), 200);
  },

  async recordPayment(c, { params, body }) {
    const { deps, queue } = ascoraRequest(c);
    return c.json(toPayment(await recordPayment(deps.db, queue, params.orgId, params.invoiceId, body)), 201);
  },
} satisfies HandlerTable;
