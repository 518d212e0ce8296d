import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toCategory, toServiceItem, toTier } from '../serializers/catalog.js';
import * as catalog from '../services/catalog.js';

export const catalogHandlers = {
  async listServiceCategories(c, { params }) {
    const rows = await catalog.listCategories(c.var.db, params.orgId);
    return c.json({ data: rows.map(toCategory) }, 200);
  },

  async createServiceCategory(c, { params, body }) {
    return c.json(toCategory(await catalog.createCategory(c.var.db, params.orgId, body)), 201);
  },

  async getServiceCategory(c, { params }) {
    return c.json(toCategory(await catalog.getCategory(c.var.db, params.orgId, params.categoryId)), 200);
  },

  async updateServiceCategory(c, { params, body }) {
    const row = await catalog.updateCategory(c.var.db, params.orgId, params.categoryId, body);
    return c.json(toCategory(row), 200);
  },

  async deleteServiceCategory(c, { params }) {
    await catalog.deleteCategory(c.var.db, params.orgId, params.categoryId);
    return c.body(null, 204);
  },

  async listServiceItems(c, { params, query }) {
    const items = await catalog.listItems(
      c.var.db,
      params.orgId,
      {
        ...query,
        publicOnly: c.var.principal?.kind === 'publishable_key',
      },
      c.var.services.now(),
    );
    return c.json(
      toPage(items.rows, query.limit, (item) => toServiceItem(item, items)),
      200,
    );
  },

  async createServiceItem(c, { params, body }) {
    const { item, ...prices } = await catalog.createItem(c.var.db, params.orgId, body, c.var.services.now());
    return c.json(toServiceItem(item, prices), 201);
  },

  async getServiceItem(c, { params }) {
    const { item, ...prices } = await catalog.getItem(
      c.var.db,
      params.orgId,
      params.itemId,
      c.var.services.now(),
    );
    return c.json(toServiceItem(item, prices), 200);
  },

  async updateServiceItem(c, { params, body }) {
    const { item, ...prices } = await catalog.updateItem(
      c.var.db,
      params.orgId,
      params.itemId,
      body,
      c.var.services.now(),
    );
    return c.json(toServiceItem(item, prices), 200);
  },

  async deleteServiceItem(c, { params }) {
    await catalog.deleteItem(c.var.db, params.orgId, params.itemId);
    return c.body(null, 204);
  },

  async listPricingTiers(c, { params, query }) {
    const { tiers, priceInForce, currency } = await catalog.listTiers(
      c.var.db,
      params.orgId,
      params.itemId,
      c.var.services.now(),
      query.on,
    );
    return c.json({ data: tiers.map((t) => toTier(t, currency)), priceInForce }, 200);
  },

  async createPricingTier(c, { params, body }) {
    const { tier, currency } = await catalog.createTier(c.var.db, params.orgId, params.itemId, body);
    return c.json(toTier(tier, currency), 201);
  },

  async updatePricingTier(c, { params, body }) {
    const { tier, currency } = await catalog.updateTier(
      c.var.db,
      params.orgId,
      params.itemId,
      params.tierId,
      body,
    );
    return c.json(toTier(tier, currency), 200);
  },

  async deletePricingTier(c, { params }) {
    await catalog.deleteTier(c.var.db, params.orgId, params.itemId, params.tierId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
