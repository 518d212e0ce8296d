import type { components } from '@crewkit/sdk/openapi';
import type { pricingTiers, serviceCategories, serviceItems } from '../db/schema.js';
import { iso } from '../lib/time.js';

type Schemas = components['schemas'];
export type ItemRow = typeof serviceItems.$inferSelect;
export type TierRow = typeof pricingTiers.$inferSelect;

export function toCategory(row: typeof serviceCategories.$inferSelect): Schemas['ServiceCategory'] {
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

export function toTier(row: TierRow, currency: string): Schemas['PricingTier'] {
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

/** Today's price of each item (by id) and the organization's currency, as the catalog service gives them. */
export interface ItemPrices {
  prices: Map<string, Schemas['PriceInForce']>;
  currency: string;
}

export function toServiceItem(item: ItemRow, { prices, currency }: ItemPrices): Schemas['ServiceItem'] {
  return {
    id: item.id,
    categoryId: item.categoryId,
    name: item.name,
    description: item.description,
    durationMinutes: item.durationMinutes,
    bufferBeforeMinutes: item.bufferBeforeMinutes,
    bufferAfterMinutes: item.bufferAfterMinutes,
    requiredSkills: item.requiredSkills,
    basePrice: { amountMinor: item.basePriceMinor, currency },
    currentPrice: prices.get(item.id)!,
    minimumNoticeMinutes: item.minimumNoticeMinutes,
    horizonDays: item.horizonDays,
    active: item.active,
    public: item.public,
    checklist: item.checklist,
    completionRules: item.completionRules,
    createdAt: iso(item.createdAt),
    updatedAt: iso(item.updatedAt),
  };
}
