import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { createdAt, updatedAt } from './columns.js';

// Service catalog
export const serviceCategories = pgTable(
  'service_categories',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // No cascade: deleting a category that still has children is refused (409), not rippled.
    parentId: uuid('parent_id').references((): AnyPgColumn => serviceCategories.id),
    name: text('name').notNull(),
    description: text('description'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('service_categories_org_idx').on(t.orgId, t.parentId)],
);

export interface RequiredSkill {
  skill: string;
  minProficiency: number;
}

/** One line of an item's job-sheet checklist; `key` is what a tick on the sheet refers to. */
export interface ChecklistEntry {
  key: string;
  label: string;
}

/** What a visit for this item needs before it may be completed. */
export interface CompletionRules {
  signatureRequired?: boolean;
  minimumPhotos?: number;
  checklistComplete?: boolean;
}

export const serviceItems = pgTable(
  'service_items',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    categoryId: uuid('category_id').references(() => serviceCategories.id),
    name: text('name').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    requiredSkills: jsonb('required_skills').$type<RequiredSkill[]>().notNull().default([]),
    basePriceMinor: integer('base_price_minor').notNull(),
    minimumNoticeMinutes: integer('minimum_notice_minutes'),
    horizonDays: integer('horizon_days'),
    active: boolean('active').notNull().default(true),
    public: boolean('public').notNull().default(true),
    checklist: jsonb('checklist').$type<ChecklistEntry[]>().notNull().default([]),
    completionRules: jsonb('completion_rules').$type<CompletionRules>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('service_items_org_idx').on(t.orgId, t.id),
    index('service_items_category_idx').on(t.categoryId),
  ],
);

export const pricingTiers = pgTable(
  'pricing_tiers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => serviceItems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    priceMinor: integer('price_minor').notNull(),
    validFrom: date('valid_from').notNull(),
    // Inclusive last day; null = open-ended. Overlaps are refused by an exclusion constraint
    // (migration 0003), so two tiers can never both be "in force" on one day.
    validTo: date('valid_to'),
    createdAt: createdAt(),
  },
  (t) => [
    index('pricing_tiers_item_idx').on(t.itemId, t.validFrom),
    check('pricing_tiers_range_check', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);
