import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { ascoraConnections, ascoraMappings, customers, jobs } from '../db/schema.js';
import { iso } from '../lib/time.js';

export type { AscoraLink } from '../serializers/ascora-links.js';

import type { AscoraLink } from '../serializers/ascora-links.js';

/**
 * How each given customer or job stands with Ascora, in one query however many are asked for (a
 * list page asks for all of its rows at once). A record has no link (absent from the map) when the
 * organization is not connected, or when it was never linked, is not being created in Ascora and
 * never failed to sync.
 *
 * The state, most pressing first: `conflict` — both sides changed and the organization settles it
 * by hand; `error` — the last attempt to sync it failed (a failure newer than its last agreement,
 * so a failure the record has since synced past is not shown); `pending` — changed here since it
 * was last synced, or its create was sent and no answer is recorded (what the next push sends);
 * `linked` — both sides agree as of `lastSyncedAt`.
 */
export async function ascoraLinks(
  db: Db,
  orgId: string,
  entity: 'customer' | 'job',
  localIds: readonly string[],
): Promise<Map<string, AscoraLink>> {
  const ids = [...new Set(localIds)];
  if (ids.length === 0) return new Map();
  // drizzle cannot select from a union of tables; both have the columns read here.
  const table = (entity === 'customer' ? customers : jobs) as typeof customers;
  const rows = await db
    .select({
      localId: table.id,
      ascoraId: ascoraMappings.ascoraId,
      ascoraNumber: ascoraMappings.ascoraNumber,
      syncedAt: ascoraMappings.syncedAt,
      changedHere: sql<boolean>`coalesce(${table.updatedAt} > ${ascoraMappings.syncedAt}, false)`,
      conflicted: sql<boolean>`exists (select 1 from ascora_conflicts c where c.org_id = ${table.orgId}
        and c.entity = ${entity} and c.local_id = ${table.id} and c.status = 'open')`,
      creating: sql<boolean>`exists (select 1 from ascora_pending_creates p where p.org_id = ${table.orgId}
        and p.entity = ${entity} and p.local_id = ${table.id})`,
      lastError: sql<string | null>`(select f.reason from ascora_sync_failures f
        where f.org_id = ${table.orgId} and f.entity = ${entity} and f.local_id = ${table.id}
          and f.resolved_at is null
          and (${ascoraMappings.syncedAt} is null or f.at > ${ascoraMappings.syncedAt})
        order by f.at desc limit 1)`,
    })
    .from(table)
    .innerJoin(
      ascoraConnections,
      and(eq(ascoraConnections.orgId, table.orgId), eq(ascoraConnections.status, 'connected')),
    )
    .leftJoin(
      ascoraMappings,
      and(
        eq(ascoraMappings.orgId, table.orgId),
        eq(ascoraMappings.entity, entity),
        eq(ascoraMappings.localId, table.id),
      ),
    )
    .where(and(eq(table.orgId, orgId), inArray(table.id, ids)));
  const links = new Map<string, AscoraLink>();
  for (const row of rows) {
    if (!row.ascoraId && !row.creating && !row.lastError) continue;
    const state: AscoraLink['state'] = row.conflicted
      ? 'conflict'
      : row.lastError
        ? 'error'
        : row.creating || !row.ascoraId || row.changedHere
          ? 'pending'
          : 'linked';
    links.set(row.localId, {
      ascoraId: row.ascoraId,
      ascoraNumber: row.ascoraNumber,
      lastSyncedAt: row.ascoraId ? iso(new Date(row.syncedAt!)) : null,
      state,
      lastError: row.lastError,
    });
  }
  return links;
}

/** Links of appointments: an appointment is linked through its work order (its job). */
export async function appointmentLinks(
  db: Db,
  orgId: string,
  rows: readonly { id: string; jobId: string | null }[],
): Promise<Map<string, AscoraLink>> {
  const byJob = await ascoraLinks(
    db,
    orgId,
    'job',
    rows.flatMap((row) => (row.jobId ? [row.jobId] : [])),
  );
  const links = new Map<string, AscoraLink>();
  for (const row of rows) {
    const link = row.jobId ? byJob.get(row.jobId) : undefined;
    if (link) links.set(row.id, link);
  }
  return links;
}
