import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { type Db, queryRows } from '../db/index.js';
import { organizations, pricingTiers, serviceCategories, serviceItems } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { localDateOf } from '../scheduling/time.js';

type Schemas = components['schemas'];
type ItemRow = typeof serviceItems.$inferSelect;
type TierRow = typeof pricingTiers.$inferSelect;

function toCategory(row: typeof serviceCategories.$inferSelect): Schemas['ServiceCategory'] {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    parentId: row.parentId,
    position: row.position,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function toTier(row: TierRow, currency: string): Schemas['PricingTier'] {
  return {
    id: row.id,
    itemId: row.itemId,
    name: row.name,
    price: { amountMinor: row.priceMinor, currency },
    validFrom: row.validFrom,
    validTo: row.validTo,
    createdAt: iso(row.createdAt),
  };
}

/** The tier in force on `on` for each item, in one query; items without one use their base price. */
/** The pricing tier in force on `on` for each item id, in one query (absent: the base price applies). */
export async function tiersInForce(db: Db, itemIds: string[], on: string): Promise<Map<string, TierRow>> {
  if (itemIds.length === 0) return new Map();
  const tiers = await db
    .select()
    .from(pricingTiers)
    .where(
      and(
        inArray(pricingTiers.itemId, itemIds),
        lte(pricingTiers.validFrom, on),
        or(isNull(pricingTiers.validTo), gte(pricingTiers.validTo, on)),
      ),
    );
  return new Map(tiers.map((t) => [t.itemId, t]));
}

export function priceInForce(
  item: ItemRow,
  tier: TierRow | undefined,
  on: string,
  currency: string,
): Schemas['PriceInForce'] {
  return {
    on,
    price: { amountMinor: tier?.priceMinor ?? item.basePriceMinor, currency },
    tierId: tier?.id ?? null,
  };
}

/** The price in force on `on` for each item, in one query; items without a tier use their base price. */
export async function pricesInForce(db: Db, items: ItemRow[], on: string, currency: string) {
  const tiers = await tiersInForce(
    db,
    items.map((i) => i.id),
    on,
  );
  return new Map(items.map((item) => [item.id, priceInForce(item, tiers.get(item.id), on, currency)]));
}

async function orgSettings(c: AppContext, orgId: string) {
  const [org] = await c.var.db
    .select({ currency: organizations.currency, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw new ApiError('not_found');
  return org;
}

async function serializeItems(c: AppContext, orgId: string, items: ItemRow[]) {
  const org = await orgSettings(c, orgId);
  const prices = await pricesInForce(
    c.var.db,
    items,
    localDateOf(org.timeZone, c.var.services.now()),
    org.currency,
  );
  return (item: ItemRow): Schemas['ServiceItem'] => ({
    id: item.id,
    categoryId: item.categoryId,
    name: item.name,
    description: item.description,
    durationMinutes: item.durationMinutes,
    bufferBeforeMinutes: item.bufferBeforeMinutes,
    bufferAfterMinutes: item.bufferAfterMinutes,
    requiredSkills: item.requiredSkills,
    basePrice: { amountMinor: item.basePriceMinor, currency: org.currency },
    currentPrice: prices.get(item.id)!,
    minimumNoticeMinutes: item.minimumNoticeMinutes,
    horizonDays: item.horizonDays,
    active: item.active,
    public: item.public,
    createdAt: iso(item.createdAt),
    updatedAt: iso(item.updatedAt),
  });
}

async function findCategory(db: Db, orgId: string, categoryId: string) {
  const [row] = await db
    .select()
    .from(serviceCategories)
    .where(and(eq(serviceCategories.orgId, orgId), eq(serviceCategories.id, categoryId)));
  return row;
}

async function requireParent(
  db: Db,
  orgId: string,
  parentId: string | null | undefined,
  path = 'body.parentId',
) {
  if (!parentId) return;
  if (!(await findCategory(db, orgId, parentId))) {
    throw new ApiError('validation_failed', {
      errors: [{ path, message: 'is not a category of this organization' }],
    });
  }
}

async function findItem(db: Db, orgId: string, itemId: string) {
  const [row] = await db
    .select()
    .from(serviceItems)
    .where(and(eq(serviceItems.orgId, orgId), eq(serviceItems.id, itemId)));
  if (!row) throw new ApiError('not_found');
  return row;
}

export const catalogHandlers = {
  async listServiceCategories(c, { params }) {
    const rows = await c.var.db
      .select()
      .from(serviceCategories)
      .where(eq(serviceCategories.orgId, params.orgId))
      .orderBy(asc(serviceCategories.position), asc(serviceCategories.id));
    // Parents before children, so a client can build the tree in one pass.
    const byParent = new Map<string | null, typeof rows>();
    for (const row of rows) byParent.set(row.parentId, [...(byParent.get(row.parentId) ?? []), row]);
    const ordered: typeof rows = [];
    const visit = (parentId: string | null) => {
      for (const row of byParent.get(parentId) ?? []) {
        ordered.push(row);
        visit(row.id);
      }
    };
    visit(null);
    return c.json({ data: ordered.map(toCategory) }, 200);
  },

  async createServiceCategory(c, { params, body }) {
    await requireParent(c.var.db, params.orgId, body.parentId);
    const [row] = await c.var.db
      .insert(serviceCategories)
      .values({
        id: newId(),
        orgId: params.orgId,
        name: body.name,
        description: body.description ?? null,
        parentId: body.parentId ?? null,
        position: body.position ?? 0,
      })
      .returning();
    return c.json(toCategory(row!), 201);
  },

  async getServiceCategory(c, { params }) {
    const row = await findCategory(c.var.db, params.orgId, params.categoryId);
    if (!row) throw new ApiError('not_found');
    return c.json(toCategory(row), 200);
  },

  async updateServiceCategory(c, { params, body }) {
    const updated = await c.var.db.transaction(async (tx) => {
      // Moves are serialised per organization: two concurrent moves could otherwise each pass the
      // cycle check and together make a loop.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`categories:${params.orgId}`}))`);
      const current = await findCategory(tx, params.orgId, params.categoryId);
      if (!current) throw new ApiError('not_found');
      if (body.parentId) {
        await requireParent(tx, params.orgId, body.parentId);
        const loop = await queryRows(
          tx,
          sql`with recursive up(id, parent_id) as (
                select id, parent_id from service_categories where id = ${body.parentId}
                union all
                select c.id, c.parent_id from service_categories c join up on c.id = up.parent_id
              ) select 1 from up where id = ${params.categoryId} limit 1`,
        );
        if (loop.length > 0) {
          throw new ApiError('conflict', {
            detail: 'A category cannot be moved under itself or one of its descendants.',
          });
        }
      }
      const [row] = await tx
        .update(serviceCategories)
        .set({ ...body, updatedAt: sql`now()` })
        .where(eq(serviceCategories.id, params.categoryId))
        .returning();
      return row!;
    });
    return c.json(toCategory(updated), 200);
  },

  async deleteServiceCategory(c, { params }) {
    try {
      const deleted = await c.var.db
        .delete(serviceCategories)
        .where(and(eq(serviceCategories.orgId, params.orgId), eq(serviceCategories.id, params.categoryId)))
        .returning({ id: serviceCategories.id });
      if (deleted.length === 0) throw new ApiError('not_found');
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.foreignKeyViolation) {
        throw new ApiError('conflict', {
          detail: 'This category still has subcategories or items; move or delete them first.',
        });
      }
      throw error;
    }
    return c.body(null, 204);
  },

  async listServiceItems(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    // The booking widget sees only what is on sale.
    const publicOnly = c.var.principal?.kind === 'publishable_key';
    const rows = await c.var.db
      .select()
      .from(serviceItems)
      .where(
        and(
          eq(serviceItems.orgId, params.orgId),
          after ? gt(serviceItems.id, after) : undefined,
          query.categoryId ? eq(serviceItems.categoryId, query.categoryId) : undefined,
          query.active === undefined ? undefined : eq(serviceItems.active, query.active),
          publicOnly ? and(eq(serviceItems.active, true), eq(serviceItems.public, true)) : undefined,
        ),
      )
      .orderBy(asc(serviceItems.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, await serializeItems(c, params.orgId, rows.slice(0, limit))), 200);
  },

  async createServiceItem(c, { params, body }) {
    await requireParent(c.var.db, params.orgId, body.categoryId, 'body.categoryId');
    const [row] = await c.var.db
      .insert(serviceItems)
      .values({ id: newId(), orgId: params.orgId, ...body })
      .returning();
    return c.json((await serializeItems(c, params.orgId, [row!]))(row!), 201);
  },

  async getServiceItem(c, { params }) {
    const row = await findItem(c.var.db, params.orgId, params.itemId);
    return c.json((await serializeItems(c, params.orgId, [row]))(row), 200);
  },

  async updateServiceItem(c, { params, body }) {
    await findItem(c.var.db, params.orgId, params.itemId);
    await requireParent(c.var.db, params.orgId, body.categoryId, 'body.categoryId');
    const [row] = await c.var.db
      .update(serviceItems)
      .set({ ...body, updatedAt: sql`now()` })
      .where(eq(serviceItems.id, params.itemId))
      .returning();
    return c.json((await serializeItems(c, params.orgId, [row!]))(row!), 200);
  },

  async deleteServiceItem(c, { params }) {
    const deleted = await c.var.db
      .delete(serviceItems)
      .where(and(eq(serviceItems.orgId, params.orgId), eq(serviceItems.id, params.itemId)))
      .returning({ id: serviceItems.id });
    if (deleted.length === 0) throw new ApiError('not_found');
    return c.body(null, 204);
  },

  async listPricingTiers(c, { params, query }) {
    const item = await findItem(c.var.db, params.orgId, params.itemId);
    const org = await orgSettings(c, params.orgId);
    const tiers = await c.var.db
      .select()
      .from(pricingTiers)
      .where(eq(pricingTiers.itemId, item.id))
      .orderBy(asc(pricingTiers.validFrom));
    const on = query.on ?? localDateOf(org.timeZone, c.var.services.now());
    const prices = await pricesInForce(c.var.db, [item], on, org.currency);
    return c.json(
      { data: tiers.map((t) => toTier(t, org.currency)), priceInForce: prices.get(item.id)! },
      200,
    );
  },

  async createPricingTier(c, { params, body }) {
    const item = await findItem(c.var.db, params.orgId, params.itemId);
    if (body.validTo && body.validTo < body.validFrom) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.validTo', message: 'must not be before validFrom' }],
      });
    }
    const org = await orgSettings(c, params.orgId);
    try {
      const [row] = await c.var.db
        .insert(pricingTiers)
        .values({
          id: newId(),
          orgId: params.orgId,
          itemId: item.id,
          name: body.name,
          priceMinor: body.priceMinor,
          validFrom: body.validFrom,
          validTo: body.validTo ?? null,
        })
        .returning();
      return c.json(toTier(row!, org.currency), 201);
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.exclusionViolation) {
        throw new ApiError('conflict', { detail: 'This tier overlaps another tier of the same item.' });
      }
      throw error;
    }
  },

  async deletePricingTier(c, { params }) {
    const deleted = await c.var.db
      .delete(pricingTiers)
      .where(
        and(
          eq(pricingTiers.orgId, params.orgId),
          eq(pricingTiers.itemId, params.itemId),
          eq(pricingTiers.id, params.tierId),
        ),
      )
      .returning({ id: pricingTiers.id });
    if (deleted.length === 0) throw new ApiError('not_found');
    return c.body(null, 204);
  },
} satisfies HandlerTable;
