import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { newId } from '../lib/ids.js';
import type { DomainEventType } from './types.js';

export interface NewDomainEvent {
  orgId: string;
  type: DomainEventType;
  /** The id of the record the event is about. */
  subject: string;
  data: Record<string, unknown>;
  /** When it happened, if not `now` (a batch of bookings asked at different moments). */
  occurredAt?: number;
}

/** A fresh event id: `evt_` and a UUIDv7 in hex, so ids sort by when the event happened. */
export function newEventId(now: number = Date.now()): string {
  return `evt_${newId(now).replaceAll('-', '')}`;
}

/**
 * Records a domain event. Call it with the transaction that makes the change, so the event commits
 * (or rolls back) with it: nothing is announced that did not happen, and nothing that happened goes
 * unannounced. `now`: the services' clock (`services.now()`), when the caller has it.
 */
export async function recordEvent(db: Db, event: NewDomainEvent, now: number = Date.now()): Promise<string> {
  const [id] = await recordEvents(db, [event], now);
  return id!;
}

/** Several events in one statement (a group-commit batch's), in the order given. */
export async function recordEvents(
  db: Db,
  events: NewDomainEvent[],
  now: number = Date.now(),
): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((event) => newEventId(event.occurredAt ?? now));
  const rows = events.map(
    (event, i) =>
      sql`(${ids[i]}, ${event.orgId}, ${event.type}, ${event.subject}, ${JSON.stringify(event.data)}::jsonb,
           ${new Date(event.occurredAt ?? now).toISOString()})`,
  );
  await db.execute(sql`
    insert into domain_events (id, org_id, type, subject, data, occurred_at)
    values ${sql.join(rows, sql`, `)}`);
  return ids;
}
