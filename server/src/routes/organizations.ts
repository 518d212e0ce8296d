import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { organizations } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { checkIntl } from '../lib/intl.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toBookingSettings, toOrganization } from './serializers.js';

async function findOrganization(c: AppContext, orgId: string) {
  const [org] = await c.var.db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new ApiError('not_found');
  return org;
}

export const organizationHandlers = {
  async getOrganization(c, { params }) {
    return c.json(toOrganization(await findOrganization(c, params.orgId)), 200);
  },

  async updateOrganization(c, { params, body }) {
    const errors = checkIntl(body);
    if (errors.length > 0) throw new ApiError('validation_failed', { errors });
    const { bookingSettings, ...rest } = body;
    const [org] = await c.var.db
      .update(organizations)
      .set({ ...rest, ...bookingSettings, updatedAt: sql`now()` })
      .where(eq(organizations.id, params.orgId))
      .returning();
    if (!org) throw new ApiError('not_found');
    return c.json(toOrganization(org), 200);
  },

  async getBookingProfile(c, { params }) {
    const org = await findOrganization(c, params.orgId);
    return c.json(
      {
        id: org.id,
        name: org.name,
        timeZone: org.timeZone,
        currency: org.currency,
        locale: org.locale,
        bookingSettings: toBookingSettings(org),
      },
      200,
      { 'cache-control': 'private, max-age=60' },
    );
  },
} satisfies HandlerTable;
