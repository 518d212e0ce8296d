import { decodeCursor, toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toPart } from '../serializers/job-sheet.js';
import * as partsList from '../services/job-sheet/parts.js';

/** The organization's parts list, which job sheets record parts from. */
export const partHandlers = {
  async listParts(c, { params, query }) {
    const { limit } = query;
    const { rows, currency } = await partsList.listParts(c.var.db, params.orgId, {
      limit,
      after: decodeCursor(query.cursor),
      q: query.q,
      active: query.active,
    });
    return c.json(
      toPage(rows, limit, (row) => toPart(row, currency)),
      200,
    );
  },

  async createPart(c, { params, body }) {
    const { row, currency } = await partsList.createPart(c.var.db, params.orgId, body);
    return c.json(toPart(row, currency), 201, {
      location: `/api/v1/organizations/${params.orgId}/parts/${row.id}`,
    });
  },

  async updatePart(c, { params, body }) {
    const { row, currency } = await partsList.updatePart(c.var.db, params.orgId, params.partId, body);
    return c.json(toPart(row, currency), 200);
  },

  async deletePart(c, { params }) {
    await partsList.deletePart(c.var.db, params.orgId, params.partId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
