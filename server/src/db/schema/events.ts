import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './access.js';

/**
 * The outbox: one row per domain change (`appointment.created`, …), written in the transaction that
 * made the change (server/src/events/outbox.ts), so a change is never committed without its event
 * nor an event without its change. The dispatcher (server/src/events/dispatcher.ts) hands each row
 * to every consumer and stamps `dispatched_at`; the id is the event's identity everywhere after
 * (webhook-id, delivery keys), so a redelivery is recognisably the same event.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    /** `evt_` and a UUIDv7 in hex: time-ordered, stable across redeliveries. */
    id: text('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** The id of the record the event is about (an appointment, a customer). */
    subject: text('subject').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** Insertion order, for the dispatcher and for cursors; commit order may differ slightly. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    // What the dispatcher reads: only the undispatched few, in order.
    index('domain_events_undispatched_idx').on(t.seq).where(sql`${t.dispatchedAt} is null`),
    index('domain_events_org_time_idx').on(t.orgId, t.occurredAt),
    index('domain_events_org_seq_idx').on(t.orgId, t.seq),
  ],
);
