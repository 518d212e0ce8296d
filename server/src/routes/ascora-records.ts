import { findJob, listJobs } from '../ascora/jobs-and-invoices.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
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
} satisfies HandlerTable;
