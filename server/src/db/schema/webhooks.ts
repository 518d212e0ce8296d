import { sql } from 'drizzle-orm';
import {
  boolean,
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

/**
 * Where an organization wants its domain events sent (Standard Webhooks). The signing secret is
 * sealed with a key derived from CREWKIT_SECRET; during a rotation's overlap the previous one signs
 * too, until `previous_secret_expires_at`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Set when the server switched it off (failing for days); cleared when switched on again. */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** The first failure since the last success: how long the endpoint has been failing. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    secretSealed: text('secret_sealed').notNull(),
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.id)],
);

export interface WebhookAttemptRecord {
  at: string;
  url: string;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/**
 * One event to send to one endpoint, and every attempt at it. The dispatcher writes one per
 * (event, endpoint) — a redelivered event finds its row and adds none — and a replay writes a new
 * one pointing at what it replays. The sender claims due rows with a lease, so a process that dies
 * mid-request leaves the row to be tried again once the lease runs out.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The domain event's id, sent as `webhook-id`. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The JSON body, exactly as signed and sent on every attempt. */
    body: text('body').notNull(),
    status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    replayOf: uuid('replay_of'),
    attemptLog: jsonb('attempt_log').$type<WebhookAttemptRecord[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_idx')
      .on(t.eventId, t.endpointId)
      .where(sql`${t.replayOf} is null`),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
  ],
);

/**
 * Calendar feed tokens are derived (HMAC of the organization, the feed and this version), never
 * stored: rotating a feed's token is raising its version, which invalidates every earlier URL.
 * `feed`: `organization`, or a technician's id.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    feed: text('feed').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.feed] })],
);
