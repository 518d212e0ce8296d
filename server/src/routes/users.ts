import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toUser } from '../serializers/access.js';
import * as users from '../services/users.js';

export const userHandlers = {
  async listUsers(c, { params, query }) {
    const rows = await users.listUsers(c.var.db, params.orgId, query);
    return c.json(toPage(rows, query.limit, toUser), 200);
  },

  async createUser(c, { params, body }) {
    const user = await users.createUser(c.var.db, c.var.principal, params.orgId, body);
    return c.json(toUser(user), 201, {
      location: `/api/v1/organizations/${params.orgId}/users/${user.id}`,
    });
  },

  async getUser(c, { params }) {
    return c.json(toUser(await users.getUser(c.var.db, c.var.principal, params.orgId, params.userId)), 200);
  },

  async updateUser(c, { params, body }) {
    const { db, services, principal } = c.var;
    const user = await users.updateUser(db, services, principal, params.orgId, params.userId, body);
    return c.json(toUser(user), 200);
  },

  async deleteUser(c, { params }) {
    await users.deleteUser(c.var.db, c.var.services, c.var.principal, params.orgId, params.userId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
