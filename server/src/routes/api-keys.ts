import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toApiKey } from '../serializers/access.js';
import * as apiKeys from '../services/api-keys.js';

/** The secret is shown once: no cache may keep it. */
const noStore = { 'cache-control': 'no-store' };

export const apiKeyHandlers = {
  async listApiKeys(c, { params, query }) {
    const rows = await apiKeys.listKeys(c.var.db, params.orgId, query);
    return c.json(toPage(rows, query.limit, toApiKey), 200);
  },

  async createApiKey(c, { params, body }) {
    const { row, secret } = await apiKeys.createKey(c.var.db, params.orgId, body);
    return c.json({ ...toApiKey(row), secret }, 201, noStore);
  },

  async rotateApiKey(c, { params, body }) {
    const { db, services } = c.var;
    const grace = body?.graceSeconds ?? 0;
    const { row, secret } = await apiKeys.rotateKey(db, services, params.orgId, params.keyId, grace);
    return c.json({ ...toApiKey(row), secret }, 201, noStore);
  },

  async updateApiKey(c, { params, body }) {
    const row = await apiKeys.updateKey(c.var.db, c.var.services, params.orgId, params.keyId, body);
    return c.json(toApiKey(row), 200);
  },

  async revokeApiKey(c, { params }) {
    await apiKeys.revokeKey(c.var.db, c.var.services, params.orgId, params.keyId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
