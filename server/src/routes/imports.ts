import type { HandlerTable } from '../openapi/handlers.js';
import { createImport, getImport, serializeImport } from '../services/imports.js';

export const importHandlers = {
  async createImport(c, { params, body }) {
    const row = await createImport(c.var.db, c.var.services.queue, params.orgId, body);
    return c.json(serializeImport(row), 202);
  },

  async getImport(c, { params }) {
    return c.json(serializeImport(await getImport(c.var.db, params.orgId, params.importId)), 200);
  },
} satisfies HandlerTable;
