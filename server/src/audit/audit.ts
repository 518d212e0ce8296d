import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../db/index.js';
import { type AuditActorType, type AuditCredentialType, auditLog } from '../db/schema.js';
import { newId } from '../lib/ids.js';

export interface AuditEntry {
  orgId: string;
  /** A user, an API key, or a system actor such as `{ type: 'system', id: 'ascora-sync' }`. */
  actor: { type: AuditActorType; id: string };
  credential?: { type: AuditCredentialType; id: string } | null;
  /** The operationId, or for a system actor what it did (`ascora.applyCustomers`). */
  operation: string;
  target: { type: string; id: string | null };
  /** Field name → new value, or "changed" where the value may be personal data or a secret. */
  changes: Record<string, unknown>;
  requestId?: string | null;
}

/**
 * The audit entry of a request's change, for a service that commits the change in a transaction
 * of its own (bookings written by the group commit, holds, moves): finished there with the id of
 * what it made or changed, and written in that same transaction.
 */
export type PendingAudit = (targetId: string) => AuditEntry;

/** Writes a pending entry, if the request brought one, in the transaction `db` of its change. */
export async function recordPending(
  db: Db,
  pending: PendingAudit | undefined,
  targetId: string,
  now: number,
): Promise<void> {
  if (pending) await recordAudit(db, pending(targetId), now);
}

/** The system actor for changes the Ascora sync applies to local records. */
export const ascoraSyncActor = { type: 'system', id: 'ascora-sync' } as const;

/** The lowest UUIDv7 of a millisecond: every id made at or after it sorts at or after this one. */
export function firstIdAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** How many expired entries one write removes at most: a backlog drains over a few writes. */
const pruneBatch = 100;

/**
 * Records changes. Call it with the transaction that makes them, so the
 * entries commit (or roll back) with them. The same statement removes a few of the organization's
 * entries older than its `auditRetentionDays` — one index probe when there are none, so no separate
 * task has to sweep every organization.
 */
export async function recordAudit(
  db: Db,
  entries: AuditEntry | AuditEntry[],
  now: number = Date.now(),
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  const orgIds = [...new Set(list.map((entry) => entry.orgId))];
  const at = new Date(now).toISOString();
  const rows = list.map(
    (entry) => sql`(${newId(now)}, ${entry.orgId}, ${at}, ${entry.actor.type}, ${entry.actor.id},
      ${entry.credential?.type ?? null}, ${entry.credential?.id ?? null}, ${entry.operation},
      ${entry.target.type}, ${entry.target.id}, ${JSON.stringify(entry.changes)}::jsonb,
      ${entry.requestId ?? null})`,
  );
  await db.execute(sql`
    with expired as (
      delete from audit_log where id in (
        select a.id from audit_log a join organizations o on o.id = a.org_id
        where a.org_id in (${sql.join(
          orgIds.map((id) => sql`${id}`),
          sql`, `,
        )})
          and a.id < (lpad(to_hex(${now}::bigint - o.audit_retention_days::bigint * 86400000), 12, '0')
                      || '00000000000000000000')::uuid
        order by a.id
        limit ${pruneBatch}
      )
    )
    insert into audit_log (id, org_id, at, actor_type, actor_id, credential_type, credential_id,
                           operation, target_type, target_id, changes, request_id)
    values ${sql.join(rows, sql`, `)}`);
}

/**
 * Writes entries for changes already committed outside any request transaction — new bookings go
 * through the booking group commit — together: while one write is under way the next entries wait
 * and then go in one statement, so a burst of bookings adds a few statements, not one per booking.
 */
export class AuditWriter {
  readonly #db: Db;
  readonly #now: () => number;
  #waiting: { entry: AuditEntry; done: (error?: unknown) => void }[] = [];
  #writing = false;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ entry, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, 500);
      try {
        await recordAudit(
          this.#db,
          batch.map((w) => w.entry),
          this.#now(),
        );
        for (const w of batch) w.done();
      } catch (error) {
        for (const w of batch) w.done(error);
      }
    }
    this.#writing = false;
  }
}

/** An entry for a record the Ascora sync wrote; `changes` names the fields it set (masked as needed). */
export function ascoraSyncEntry(
  orgId: string,
  operation: string,
  target: { type: string; id: string },
  changes: Record<string, unknown>,
): AuditEntry {
  return { orgId, actor: ascoraSyncActor, credential: null, operation, target, changes };
}

/** Who a credential is, for the audit log. */
export function actorOf(principal: Principal | undefined): Pick<AuditEntry, 'actor' | 'credential'> {
  if (!principal) return { actor: { type: 'system', id: 'anonymous' }, credential: null };
  if (principal.kind === 'user') {
    return {
      actor: { type: 'user', id: principal.userId },
      credential: { type: 'session', id: principal.sessionId },
    };
  }
  return {
    actor: { type: 'api_key', id: principal.keyId },
    credential: { type: principal.kind, id: principal.keyId },
  };
}

export interface AuditQuery {
  actorType?: AuditActorType | undefined;
  actorId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Instants (ms): entries at or after `from` and before `to`. */
  from?: number | undefined;
  to?: number | undefined;
  /** The id of the last entry of the previous page; the list runs newest first. */
  before?: string | undefined;
  limit: number;
}

/** One organization's entries, newest first; time bounds are id bounds (ids are time-ordered). */
export function listAudit(db: Db, orgId: string, query: AuditQuery) {
  const conditions: (SQL | undefined)[] = [
    eq(auditLog.orgId, orgId),
    query.actorType ? eq(auditLog.actorType, query.actorType) : undefined,
    query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
    query.targetType ? eq(auditLog.targetType, query.targetType) : undefined,
    query.targetId ? eq(auditLog.targetId, query.targetId) : undefined,
    query.from === undefined ? undefined : gte(auditLog.id, firstIdAt(query.from)),
    query.to === undefined ? undefined : lt(auditLog.id, firstIdAt(query.to)),
    query.before ? lt(auditLog.id, query.before) : undefined,
  ];
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
}
