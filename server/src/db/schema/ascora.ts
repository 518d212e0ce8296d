import type { ascoraConflictStrategies, ascoraDirections } from '@crewkit/sdk/enums';
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { createdAt, updatedAt } from './columns.js';

// Ascora integration
export const ascoraEntities = ['customer', 'job', 'invoice', 'payment'] as const;
export type AscoraEntity = (typeof ascoraEntities)[number];
export type AscoraDirection = (typeof ascoraDirections)[number];
export type AscoraConflictStrategy = (typeof ascoraConflictStrategies)[number];
export interface AscoraDirections {
  customers: AscoraDirection;
  jobs: AscoraDirection;
  invoices: 'pull';
  payments: AscoraDirection;
}

/** A Crewkit field that lives in one of Ascora's custom fields (see `ascora/custom-fields.ts`). */
export interface AscoraCustomFieldMapping {
  entity: 'customer' | 'job';
  /** The custom field's name in Ascora. */
  ascoraField: string;
  crewkitField: 'phone' | 'description' | 'workUndertaken';
}

/** One connection per organization; a disconnected row keeps the history but not the key. */
export const ascoraConnections = pgTable('ascora_connections', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  status: text('status').$type<'connected' | 'disconnected'>().notNull(),
  baseUrl: text('base_url').notNull(),
  /** AES-256-GCM under a key derived from CREWKIT_SECRET; null once disconnected. */
  apiKeySealed: text('api_key_sealed'),
  /** sha256 of the secret in the webhook URL; the token itself is never stored. */
  webhookTokenHash: text('webhook_token_hash'),
  webhookSubscriptionIds: jsonb('webhook_subscription_ids').$type<string[]>().notNull().default([]),
  directions: jsonb('directions').$type<AscoraDirections>().notNull(),
  syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(60),
  conflictStrategy: text('conflict_strategy')
    .$type<AscoraConflictStrategy>()
    .notNull()
    .default('newest_wins'),
  customFieldMappings: jsonb('custom_field_mappings')
    .$type<AscoraCustomFieldMapping[]>()
    .notNull()
    .default([]),
  connectedAt: timestamp('connected_at', { withTimezone: true }).notNull(),
  disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
  lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
  /** When Ascora last delivered a webhook with the live token: the proof it reaches this server. */
  lastWebhookAt: timestamp('last_webhook_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/**
 * Links a local row to its Ascora record. `syncedHash` is the hash of the shared fields as both sides
 * agreed at the last sync: a side whose current hash differs has changed since.
 */
export const ascoraMappings = pgTable(
  'ascora_mappings',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    ascoraId: text('ascora_id').notNull(),
    localId: uuid('local_id').notNull(),
    ascoraNumber: text('ascora_number'),
    syncedHash: text('synced_hash').notNull(),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.entity, t.ascoraId] }),
    uniqueIndex('ascora_mappings_local_unique').on(t.orgId, t.entity, t.localId),
  ],
);

/**
 * A record being created in Ascora right now. Ascora has no idempotency keys, so two pushes of one
 * record at once (a double click, a sync meeting a manual push, two server processes) would create
 * it twice. A create first takes this row, then reads the link again: whoever waited finds the
 * record linked and creates nothing. `expiresAt` frees the claim of a process that died holding it.
 */
export const ascoraPushClaims = pgTable(
  'ascora_push_claims',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    localId: uuid('local_id').notNull(),
    token: text('token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.entity, t.localId] })],
);

/**
 * A create sent to Ascora whose answer has not been recorded yet. Ascora has no idempotency keys:
 * when the answer is lost (a timeout, a crash), Ascora may have created the record all the same.
 * The row outlives that failure, so the next push looks the record up in Ascora before creating it
 * again, and a webhook echoing the create links it instead of adding a second Crewkit record.
 */
export const ascoraPendingCreates = pgTable(
  'ascora_pending_creates',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    localId: uuid('local_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.entity, t.localId] })],
);

export type AscoraRunStatus = 'running' | 'completed' | 'failed';
/** Records done of those expected, per stage of a run (expected: Ascora's count, once known). */
export type AscoraRunProgress = Record<string, { done: number; expected: number | null }>;
export interface AscoraRunCounts {
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  failed: number;
}
/** Where an interrupted run picks up: the next page of this entity's stage. */
export interface AscoraCheckpoint {
  stage: string;
  page: number;
}

export const ascoraSyncRuns = pgTable(
  'ascora_sync_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    trigger: text('trigger').$type<'manual' | 'schedule' | 'webhook' | 'connect'>().notNull(),
    status: text('status').$type<AscoraRunStatus>().notNull(),
    checkpoint: jsonb('checkpoint').$type<AscoraCheckpoint>(),
    totalPages: integer('total_pages'),
    counts: jsonb('counts').$type<AscoraRunCounts>().notNull(),
    progress: jsonb('progress').$type<AscoraRunProgress>().notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('ascora_sync_runs_org_idx').on(t.orgId, t.id),
    // At most one live run per organization, whichever process tries to start another.
    uniqueIndex('ascora_sync_runs_one_running').on(t.orgId).where(sql`${t.status} = 'running'`),
  ],
);

export const ascoraSyncFailures = pgTable(
  'ascora_sync_failures',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => ascoraSyncRuns.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    ascoraId: text('ascora_id'),
    localId: uuid('local_id'),
    /** The latest reason: a retry that fails again replaces it. */
    reason: text('reason').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Last retried on its own (`POST …/failures/{id}/retry`). */
    retriedAt: timestamp('retried_at', { withTimezone: true }),
    /** Set when a retry synced the record; a resolved failure is not retried again. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('ascora_sync_failures_run_idx').on(t.runId, t.id)],
);

export const ascoraConflicts = pgTable(
  'ascora_conflicts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    entity: text('entity').$type<AscoraEntity>().notNull(),
    localId: uuid('local_id').notNull(),
    ascoraId: text('ascora_id').notNull(),
    fields: text('fields').array().notNull(),
    local: jsonb('local').$type<Record<string, unknown>>().notNull(),
    remote: jsonb('remote').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
    resolution: jsonb('resolution').$type<Record<string, 'local' | 'remote'>>(),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('ascora_conflicts_org_idx').on(t.orgId, t.id),
    // One open conflict per record: a later sync refreshes it instead of queueing another.
    uniqueIndex('ascora_conflicts_open_unique')
      .on(t.orgId, t.entity, t.localId)
      .where(sql`${t.status} = 'open'`),
  ],
);

/** Webhook deliveries already seen, so a duplicate delivery is acknowledged without work. */
export const ascoraWebhookReceipts = pgTable(
  'ascora_webhook_receipts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    digest: text('digest').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.digest] })],
);
