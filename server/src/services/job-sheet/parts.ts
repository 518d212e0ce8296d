import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { parts } from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import { orgOf } from '../booking/service.js';

type Schemas = components['schemas'];
export type PartRow = typeof parts.$inferSelect;

export interface Priced {
  row: PartRow;
  currency: string;
}

/** Parts are priced in the organization's currency. */
export async function currencyOf(db: Db, orgId: string): Promise<string> {
  return (await orgOf(db, orgId)).currency;
}

/** The organization's parts list, by id (creation order), optionally searched by sku or name. */
export async function listParts(
  db: Db,
  orgId: string,
  filter: { limit: number; after?: string | undefined; q?: string | undefined; active?: boolean | undefined },
): Promise<{ rows: PartRow[]; currency: string }> {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const listing = db
    .select()
    .from(parts)
    .where(
      and(
        eq(parts.orgId, orgId),
        filter.after ? gt(parts.id, filter.after) : undefined,
        filter.active === undefined ? undefined : eq(parts.active, filter.active),
        pattern ? or(sql`${parts.sku} ilike ${pattern}`, sql`${parts.name} ilike ${pattern}`) : undefined,
      ),
    )
    .orderBy(asc(parts.id))
    .limit(filter.limit + 1);
  const [rows, currency] = await Promise.all([listing, currencyOf(db, orgId)]);
  return { rows, currency };
}

export async function createPart(db: Db, orgId: string, body: Schemas['PartCreate']): Promise<Priced> {
  const [row] = await db
    .insert(parts)
    .values({ id: newId(), orgId, ...body })
    .onConflictDoNothing()
    .returning();
  if (!row) throw skuTaken(body.sku);
  return { row, currency: await currencyOf(db, orgId) };
}

export async function updatePart(
  db: Db,
  orgId: string,
  partId: string,
  body: Schemas['PartUpdate'],
): Promise<Priced> {
  if (body.sku !== undefined) {
    const [clash] = await db
      .select({ id: parts.id })
      .from(parts)
      .where(
        and(
          eq(parts.orgId, orgId),
          sql`lower(${parts.sku}) = lower(${body.sku})`,
          sql`${parts.id} <> ${partId}`,
        ),
      );
    if (clash) throw skuTaken(body.sku);
  }
  const [row] = await db
    .update(parts)
    .set({ ...body, updatedAt: sql`now()` })
    .where(and(eq(parts.orgId, orgId), eq(parts.id, partId)))
    .returning();
  if (!row) throw new ApiError('not_found');
  return { row, currency: await currencyOf(db, orgId) };
}

/** Visits that used the part keep their copy of it (parts_used.part_id is set null). */
export async function deletePart(db: Db, orgId: string, partId: string): Promise<void> {
  const deleted = await db
    .delete(parts)
    .where(and(eq(parts.orgId, orgId), eq(parts.id, partId)))
    .returning({ id: parts.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}

function skuTaken(sku: string): ApiError {
  return new ApiError('conflict', { detail: `Another part already has the sku "${sku}".` });
}
