import { ascoraLinks } from '../ascora/links.js';
import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toContact, toCustomer, toPreferences } from '../serializers/customers.js';
import * as customers from '../services/customers.js';

export const customerHandlers = {
  async listCustomers(c, { params, query }) {
    const rows = await customers.listCustomers(c.var.db, params.orgId, query);
    const links = await ascoraLinks(
      c.var.db,
      params.orgId,
      'customer',
      rows.map((row) => row.id),
    );
    return c.json(
      toPage(rows, query.limit, (row) => toCustomer(row, links)),
      200,
    );
  },

  async createCustomer(c, { params, body }) {
    const row = await customers.createCustomer(c.var.db, params.orgId, body, c.var.services.now());
    // A customer created a moment ago has no Ascora link yet: `ascora: null`, as a read shows it.
    return c.json(toCustomer(row, new Map()), 201, {
      location: `/api/v1/organizations/${params.orgId}/customers/${row.id}`,
    });
  },

  async getCustomer(c, { params }) {
    const row = await customers.getCustomer(c.var.db, params.orgId, params.customerId);
    return c.json(toCustomer(row, await ascoraLinks(c.var.db, params.orgId, 'customer', [row.id])), 200);
  },

  async updateCustomer(c, { params, body }) {
    const row = await customers.updateCustomer(
      c.var.db,
      params.orgId,
      params.customerId,
      body,
      c.var.services.now(),
    );
    return c.json(toCustomer(row, await ascoraLinks(c.var.db, params.orgId, 'customer', [row.id])), 200);
  },

  async deleteCustomer(c, { params }) {
    await customers.deleteCustomer(c.var.db, params.orgId, params.customerId);
    return c.body(null, 204);
  },

  async listCustomerContacts(c, { params }) {
    const rows = await customers.listContacts(c.var.db, params.orgId, params.customerId);
    return c.json({ data: rows.map(toContact) }, 200);
  },

  async createCustomerContact(c, { params, body }) {
    const row = await customers.createContact(c.var.db, params.orgId, params.customerId, body);
    return c.json(toContact(row), 201);
  },

  async updateCustomerContact(c, { params, body }) {
    const row = await customers.updateContact(
      c.var.db,
      params.orgId,
      params.customerId,
      params.contactId,
      body,
    );
    return c.json(toContact(row), 200);
  },

  async deleteCustomerContact(c, { params }) {
    await customers.deleteContact(c.var.db, params.orgId, params.customerId, params.contactId);
    return c.body(null, 204);
  },

  async getCustomerPreferences(c, { params }) {
    const row = await customers.getPreferences(c.var.db, params.orgId, params.customerId);
    return c.json(toPreferences(row), 200);
  },

  async replaceCustomerPreferences(c, { params, body }) {
    const row = await customers.replacePreferences(c.var.db, params.orgId, params.customerId, body);
    return c.json(toPreferences(row), 200);
  },
} satisfies HandlerTable;
