import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/index.js';
import { organizations, pricingTiers, serviceCategories, serviceItems } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor } from '../lib/pagination.js';
import { localDateOf } from '../scheduling/time.js';
import type { ItemPrices, ItemRow, TierRow } from '../serializers/catalog.js';

type Schemas = components['schemas'];
type CategoryRow = typeof serviceCategories.$inferSelect;
type PriceInForce = Schemas['PriceInForce'];

/** A page of items with the price in force today (in the organization's zone). */
export interface PricedItems extends ItemPrices {
  rows: ItemRow[];
}

/** One item with its price in force today. */
export interface PricedItem extends ItemPrices {
  item: ItemRow;
}

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
): PriceInForce {
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

async function orgSettings(db: Db, orgId: string) {
  const [org] = await db
    .select({ currency: organizations.currency, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw new ApiError('not_found');
  return org;
}

/** The prices of `items` on the day `now` falls on in the organization's zone, in its currency. */
async function todaysPrices(db: Db, orgId: string, items: ItemRow[], now: number): Promise<ItemPrices> {
  const org = await orgSettings(db, orgId);
  const prices = await pricesInForce(db, items, localDateOf(org.timeZone, now), org.currency);
  return { prices, currency: org.currency };
}

async function pricedItem(db: Db, orgId: string, item: ItemRow, now: number): Promise<PricedItem> {
  return { item, ...(await todaysPrices(db, orgId, [item], now)) };
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

/** The organization's categories, parents before children, so a client can build the tree in one pass. */
export async function listCategories(db: Db, orgId: string): Promise<CategoryRow[]> {
  const rows = await db
    .select()
    .from(serviceCategories)
    .where(eq(serviceCategories.orgId, orgId))
    .orderBy(asc(serviceCategories.position), asc(serviceCategories.id));
  const byParent = new Map<string | null, CategoryRow[]>();
  for (const row of rows) byParent.set(row.parentId, [...(byParent.get(row.parentId) ?? []), row]);
  const ordered: CategoryRow[] = [];
  const visit = (parentId: string | null) => {
    for (const row of byParent.get(parentId) ?? []) {
      ordered.push(row);
      visit(row.id);
    }
  };
  visit(null);
  return ordered;
}

export async function createCategory(
  db: Db,
  orgId: string,
  body: Schemas['ServiceCategoryCreate'],
): Promise<CategoryRow> {
  await requireParent(db, orgId, body.parentId);
  const [row] = await db
    .insert(serviceCategories)
    .values({
      id: newId(),
      orgId,
      name: body.name,
      description: body.description ?? null,
      parentId: body.parentId ?? null,
      position: body.position ?? 0,
    })
    .returning();
  return row!;
}

export async function getCategory(db: Db, orgId: string, categoryId: string): Promise<CategoryRow> {
  const row = await findCategory(db, orgId, categoryId);
  if (!row) throw new ApiError('not_found');
  return row;
}

export async function updateCategory(
  db: Db,
  orgId: string,
  categoryId: string,
  body: Schemas['ServiceCategoryUpdate'],
): Promise<CategoryRow> {
  return db.transaction(async (tx) => {
    // Moves are serialised per organization: two concurrent moves could otherwise each pass the
    // cycle check and together make a loop.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`categories:${orgId}`}))`);
    const current = await findCategory(tx, orgId, categoryId);
    if (!current) throw new ApiError('not_found');
    if (body.parentId) {
      await requireParent(tx, orgId, body.parentId);
      const loop = await queryRows(
        tx,
        sql`with recursive up(id, parent_id) as (
              select id, parent_id from service_categories where id = ${body.parentId}
              union all
              select c.id, c.parent_id from service_categories c join up on c.id = up.parent_id
            ) select 1 from up where id = ${categoryId} limit 1`,
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
      .where(eq(serviceCategories.id, categoryId))
      .returning();
    return row!;
  });
}

export async function deleteCategory(db: Db, orgId: string, categoryId: string): Promise<void> {
  try {
    const deleted = await db
      .delete(serviceCategories)
      .where(and(eq(serviceCategories.orgId, orgId), eq(serviceCategories.id, categoryId)))
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
}

export interface ItemFilter {
  limit: number;
  cursor?: string;
  categoryId?: string;
  active?: boolean;
  /** Only what is on sale: active and public (what the booking widget sees). */
  publicOnly: boolean;
}

/** One page of items (fetched with one extra row to tell whether another page exists), priced. */
export async function listItems(
  db: Db,
  orgId: string,
  filter: ItemFilter,
  now: number,
): Promise<PricedItems> {
  const after = decodeCursor(filter.cursor);
  const rows = await db
    .select()
    .from(serviceItems)
    .where(
      and(
        eq(serviceItems.orgId, orgId),
        after ? gt(serviceItems.id, after) : undefined,
        filter.categoryId ? eq(serviceItems.categoryId, filter.categoryId) : undefined,
        filter.active === undefined ? undefined : eq(serviceItems.active, filter.active),
        filter.publicOnly ? and(eq(serviceItems.active, true), eq(serviceItems.public, true)) : undefined,
      ),
    )
    .orderBy(asc(serviceItems.id))
    .limit(filter.limit + 1);
  return { rows, ...(await todaysPrices(db, orgId, rows.slice(0, filter.limit), now)) };
}

export async function createItem(
  db: Db,
  orgId: string,
  body: Schemas['ServiceItemCreate'],
  now: number,
): Promise<PricedItem> {
  await requireParent(db, orgId, body.categoryId, 'body.categoryId');
  const [row] = await db
    .insert(serviceItems)
    .values({ id: newId(), orgId, ...body })
    .returning();
  return pricedItem(db, orgId, row!, now);
}

export async function getItem(db: Db, orgId: string, itemId: string, now: number): Promise<PricedItem> {
  return pricedItem(db, orgId, await findItem(db, orgId, itemId), now);
}

export async function updateItem(
  db: Db,
  orgId: string,
  itemId: string,
  body: Schemas['ServiceItemUpdate'],
  now: number,
): Promise<PricedItem> {
  await findItem(db, orgId, itemId);
  await requireParent(db, orgId, body.categoryId, 'body.categoryId');
  const [row] = await db
    .update(serviceItems)
    .set({ ...body, updatedAt: sql`now()` })
    .where(eq(serviceItems.id, itemId))
    .returning();
  return pricedItem(db, orgId, row!, now);
}

export async function deleteItem(db: Db, orgId: string, itemId: string): Promise<void> {
  const deleted = await db
    .delete(serviceItems)
    .where(and(eq(serviceItems.orgId, orgId), eq(serviceItems.id, itemId)))
    .returning({ id: serviceItems.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}

/** An item's tiers in date order, with the price in force on `on` (default: today in the org's zone). */
export async function listTiers(db: Db, orgId: string, itemId: string, now: number, on?: string) {
  const item = await findItem(db, orgId, itemId);
  const org = await orgSettings(db, orgId);
  const tiers = await db
    .select()
    .from(pricingTiers)
    .where(eq(pricingTiers.itemId, item.id))
    .orderBy(asc(pricingTiers.validFrom));
  const prices = await pricesInForce(db, [item], on ?? localDateOf(org.timeZone, now), org.currency);
  return { tiers, priceInForce: prices.get(item.id)!, currency: org.currency };
}

export async function createTier(
  db: Db,
  orgId: string,
  itemId: string,
  body: Schemas['PricingTierCreate'],
): Promise<{ tier: TierRow; currency: string }> {
  const item = await findItem(db, orgId, itemId);
  if (body.validTo && body.validTo < body.validFrom) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.validTo', message: 'must not be before validFrom' }],
    });
  }
  const org = await orgSettings(db, orgId);
  try {
    const [row] = await db
      .insert(pricingTiers)
      .values({
        id: newId(),
        orgId,
        itemId: item.id,
        name: body.name,
        priceMinor: body.priceMinor,
        validFrom: body.validFrom,
        validTo: body.validTo ?? null,
      })
      .returning();
    return { tier: row!, currency: org.currency };
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.exclusionViolation) {
      throw new ApiError('conflict', { detail: 'This tier overlaps another tier of the same item.' });
    }
    throw error;
  }
}

/** Changes a tier; the result must still end after it starts and overlap no other tier of the item. */
export async function updateTier(
  db: Db,
  orgId: string,
  itemId: string,
  tierId: string,
  body: Schemas['PricingTierUpdate'],
): Promise<{ tier: TierRow; currency: string }> {
  const [current] = await db
    .select()
    .from(pricingTiers)
    .where(and(eq(pricingTiers.orgId, orgId), eq(pricingTiers.itemId, itemId), eq(pricingTiers.id, tierId)));
  if (!current) throw new ApiError('not_found');
  const validFrom = body.validFrom ?? current.validFrom;
  const validTo = body.validTo === undefined ? current.validTo : body.validTo;
  if (validTo && validTo < validFrom) {
    throw new ApiError('validation_failed', {
      errors: [
        {
          path: body.validTo ? 'body.validTo' : 'body.validFrom',
          message: 'the tier must not end before it starts',
        },
      ],
    });
  }
  const org = await orgSettings(db, orgId);
  try {
    const [row] = await db
      .update(pricingTiers)
      .set({
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.priceMinor === undefined ? {} : { priceMinor: body.priceMinor }),
        validFrom,
        validTo,
      })
      .where(eq(pricingTiers.id, current.id))
      .returning();
    return { tier: row!, currency: org.currency };
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.exclusionViolation) {
      throw new ApiError('conflict', { detail: 'This tier would overlap another tier of the same item.' });
    }
    throw error;
  }
}

export async function deleteTier(db: Db, orgId: string, itemId: string, tierId: string): Promise<void> {
  const deleted = await db
    .delete(pricingTiers)
    .where(and(eq(pricingTiers.orgId, orgId), eq(pricingTiers.itemId, itemId), eq(pricingTiers.id, tierId)))
    .returning({ id: pricingTiers.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}
