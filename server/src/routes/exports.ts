import type { HandlerTable } from '../openapi/handlers.js';
import { exportRecords } from '../services/exports.js';

export const exportHandlers = {
  exportRecords(c, { params, query }) {
    const today = new Date(c.var.services.now()).toISOString().slice(0, 10);
    const file = exportRecords(c.var.db, params.orgId, query.kind, query.format, today);
    return c.body(file.body, 200, {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    });
  },
} satisfies HandlerTable;
