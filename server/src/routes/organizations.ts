import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import type { Db } from '../db/index.js';
import { organizations, technicians } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { checkIntl } from '../lib/intl.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toBookingSettings, toOrganization } from './serializers.js';

// Prepared once per database: the booking widget reads the profile on every page view, and a
// prepared statement skips drizzle's query building and PostgreSQL's parse and plan.
const prepared = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  return db
    .select()
    .from(organizations)
    .where(eq(organizations.id, sql.placeholder('orgId')))
    .prepare('find_organization');
}

async function findOrganization(c: AppContext, orgId: string) {
  const db = c.var.db;
  // A transaction (idempotent request) has its own connection; it gets the plain query.
  const isRoot = db === c.var.services.db;
  let query = isRoot ? prepared.get(db) : undefined;
  if (isRoot && !query) {
    query = prepare(db);
    prepared.set(db, query);
  }
  const [org] = query
    ? await query.execute({ orgId })
    : await db.select().from(organizations).where(eq(organizations.id, orgId));
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
    // In parallel: a visitor waits for this before the widget shows anything.
    const [org, bookable] = await Promise.all([
      findOrganization(c, params.orgId),
      c.var.db
        .select({ id: technicians.id, name: technicians.name })
        .from(technicians)
        .where(and(eq(technicians.orgId, params.orgId), eq(technicians.active, true)))
        .orderBy(asc(technicians.name), asc(technicians.id)),
    ]);
    return c.json(
      {
        id: org.id,
        name: org.name,
        timeZone: org.timeZone,
        currency: org.currency,
        locale: org.locale,
        bookingSettings: toBookingSettings(org),
        technicians: bookable,
      },
      200,
      { 'cache-control': 'private, max-age=60' },
    );
  },
} satisfies HandlerTable;
