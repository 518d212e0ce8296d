import type { AppContext } from '../context.js';
import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toWebhookDelivery, toWebhookEndpoint } from '../serializers/webhooks.js';
import * as webhooks from '../services/webhooks/endpoints.js';

/** The secret is shown once: no cache may keep it. */
const noStore = { 'cache-control': 'no-store' };

function endpointContext(c: AppContext): webhooks.EndpointContext {
  const { services } = c.var;
  return {
    sealKey: services.webhookSealKey,
    now: services.now(),
    policy: { allowPrivate: services.config.allowPrivateUrls ?? false },
  };
}

export const webhookHandlers = {
  async listWebhookEndpoints(c, { params, query }) {
    const rows = await webhooks.listEndpoints(c.var.db, params.orgId, query);
    return c.json(toPage(rows, query.limit, toWebhookEndpoint), 200);
  },

  async createWebhookEndpoint(c, { params, body }) {
    const made = await webhooks.createEndpoint(c.var.db, params.orgId, body, endpointContext(c));
    return c.json({ ...toWebhookEndpoint(made.endpoint), secret: made.secret }, 201, noStore);
  },

  async updateWebhookEndpoint(c, { params, body }) {
    const row = await webhooks.updateEndpoint(
      c.var.db,
      params.orgId,
      params.endpointId,
      body,
      endpointContext(c),
    );
    return c.json(toWebhookEndpoint(row), 200);
  },

  async deleteWebhookEndpoint(c, { params }) {
    await webhooks.deleteEndpoint(c.var.db, params.orgId, params.endpointId);
    return c.body(null, 204);
  },

  async rotateWebhookSecret(c, { params, body }) {
    const overlapHours = body?.overlapHours ?? 24;
    const rotated = await webhooks.rotateSecret(
      c.var.db,
      params.orgId,
      params.endpointId,
      overlapHours,
      endpointContext(c),
    );
    return c.json({ ...toWebhookEndpoint(rotated.endpoint), secret: rotated.secret }, 200, noStore);
  },

  async listWebhookDeliveries(c, { params, query }) {
    const { rows, endpoint } = await webhooks.listDeliveries(
      c.var.db,
      params.orgId,
      params.endpointId,
      query,
    );
    return c.json(
      toPage(rows, query.limit, (row) => toWebhookDelivery(row, endpoint)),
      200,
    );
  },

  async replayWebhookDeliveries(c, { params, body }) {
    const { db, services } = c.var;
    const replayed = await webhooks.replayDeliveries(
      db,
      params.orgId,
      params.endpointId,
      body,
      services.now(),
    );
    return c.json({ replayed }, 202);
  },
} satisfies HandlerTable;
