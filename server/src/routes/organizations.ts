import type { HandlerTable } from '../openapi/handlers.js';
import { toBookingProfile, toOrganization } from '../serializers/access.js';
import * as organizations from '../services/organizations.js';

export const organizationHandlers = {
  async getOrganization(c, { params }) {
    const org = await organizations.findOrganization(c.var.db, c.var.services, params.orgId);
    return c.json(toOrganization(org), 200);
  },

  async updateOrganization(c, { params, body }) {
    return c.json(toOrganization(await organizations.updateOrganization(c.var.db, params.orgId, body)), 200);
  },

  async getBookingProfile(c, { params }) {
    const profile = await organizations.bookingProfile(c.var.db, c.var.services, params.orgId);
    return c.json(toBookingProfile(profile), 200, { 'cache-control': 'private, max-age=60' });
  },
} satisfies HandlerTable;
