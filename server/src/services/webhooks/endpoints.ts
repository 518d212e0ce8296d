import type { components } from '@crewkit/sdk/openapi';
import { and, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { domainEvents, webhookDeliveries, webhookEndpoints } from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { decrypt, encrypt } from '../../lib/crypto.js';
import { newId } from '../../lib/ids.js';
import {
  checkOutboundAddresses,
  checkOutboundUrl,
  type OutboundPolicy,
  OutboundUrlRefusedError,
} from '../../lib/outbound-url.js';
import { decodeCursor } from '../../lib/pagination.js';
import { newWebhookSecret } from './signature.js';

type Schemas = components['schemas'];

/** The most events one replay sends; a longer outage is replayed in several steps. */
const maxReplay = 10_000;
export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** What endpoint changes need besides the database: the sealing key, the clock, the URL policy. */
export interface EndpointContext {
  sealKey: Buffer;
  now: number;
  policy: OutboundPolicy;
}

/** The URL, if this server may send to it; else 400 naming the field. Resolved now as well as at each delivery. */
async function allowedUrl(raw: string, policy: OutboundPolicy, path: string): Promise<string> {
  try {
    const url = checkOutboundUrl(raw, policy);
    await checkOutboundAddresses(url, policy);
    return url.toString();
  } catch (error) {
    if (!(error instanceof OutboundUrlRefusedError)) throw error;
    throw new ApiError('validation_failed', { errors: [{ path, message: error.message }] });
  }
}

async function findEndpoint(db: Db, orgId: string, endpointId: string): Promise<EndpointRow> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, endpointId)));
  if (!row) throw new ApiError('not_found');
  return row;
}

export async function listEndpoints(
  db: Db,
  orgId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<EndpointRow[]> {
  const after = decodeCursor(query.cursor);
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), after ? sql`${webhookEndpoints.id} > ${after}` : undefined))
    .orderBy(webhookEndpoints.id)
    .limit(query.limit + 1);
}

export async function createEndpoint(
  db: Db,
  orgId: string,
  body: Schemas['WebhookEndpointCreate'],
  context: EndpointContext,
): Promise<{ endpoint: EndpointRow; secret: string }> {
  const url = await allowedUrl(body.url, context.policy, 'body.url');
  const secret = newWebhookSecret();
  const [endpoint] = await db
    .insert(webhookEndpoints)
    .values({
      id: newId(context.now),
      orgId,
      url,
      description: body.description ?? null,
      events: body.events,
      enabled: body.enabled ?? true,
      secretSealed: encrypt(context.sealKey, secret),
    })
    .returning();
  return { endpoint: endpoint!, secret };
}

export async function updateEndpoint(
  db: Db,
  orgId: string,
  endpointId: string,
  body: Schemas['WebhookEndpointUpdate'],
  context: EndpointContext,
): Promise<EndpointRow> {
  const current = await findEndpoint(db, orgId, endpointId);
  const url = body.url === undefined ? current.url : await allowedUrl(body.url, context.policy, 'body.url');
  // Switched on again by hand: the failure streak that disabled it is over as far as anyone knows.
  const reenabled = body.enabled === true && !current.enabled;
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      url,
      ...(body.events === undefined ? {} : { events: body.events }),
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      ...(reenabled ? { disabledReason: null, disabledAt: null, failingSince: null } : {}),
      updatedAt: new Date(context.now),
    })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  return row!;
}

export async function deleteEndpoint(db: Db, orgId: string, endpointId: string): Promise<void> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, endpointId)))
    .returning({ id: webhookEndpoints.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}

/** A new secret; the current one keeps signing for `overlapHours` so receivers can switch over. */
export async function rotateSecret(
  db: Db,
  orgId: string,
  endpointId: string,
  overlapHours: number,
  context: EndpointContext,
): Promise<{ endpoint: EndpointRow; secret: string }> {
  const current = await findEndpoint(db, orgId, endpointId);
  const secret = newWebhookSecret();
  const overlap = overlapHours > 0;
  const [endpoint] = await db
    .update(webhookEndpoints)
    .set({
      secretSealed: encrypt(context.sealKey, secret),
      // Re-sealed rather than copied: the sealed form carries no meaning outside this row anyway.
      previousSecretSealed: overlap
        ? encrypt(context.sealKey, decrypt(context.sealKey, current.secretSealed))
        : null,
      previousSecretExpiresAt: overlap ? new Date(context.now + overlapHours * 3_600_000) : null,
      updatedAt: new Date(context.now),
    })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  return { endpoint: endpoint!, secret };
}

export async function listDeliveries(
  db: Db,
  orgId: string,
  endpointId: string,
  query: { limit: number; cursor?: string | undefined; status?: DeliveryRow['status'] | undefined },
): Promise<{ rows: DeliveryRow[]; endpoint: EndpointRow }> {
  const endpoint = await findEndpoint(db, orgId, endpointId);
  const before = decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        before ? lt(webhookDeliveries.id, before) : undefined,
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  return { rows, endpoint };
}

/**
 * New deliveries, due now, of one delivery's event or of every subscribed event since a time. The
 * events keep their ids (`webhook-id`), so a receiver that already processed one can tell.
 */
export async function replayDeliveries(
  db: Db,
  orgId: string,
  endpointId: string,
  body: Schemas['WebhookReplay'],
  now: number,
): Promise<number> {
  const endpoint = await findEndpoint(db, orgId, endpointId);
  if (body.deliveryId) {
    const [original] = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.id, body.deliveryId)));
    if (!original) throw new ApiError('not_found', { detail: 'No such delivery to this endpoint.' });
    await db.insert(webhookDeliveries).values({
      id: newId(now),
      orgId,
      endpointId: endpoint.id,
      eventId: original.eventId,
      eventType: original.eventType,
      body: original.body,
      nextAttemptAt: new Date(now),
      replayOf: original.replayOf ?? original.id,
    });
    return 1;
  }
  if (!body.since) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body', message: 'needs deliveryId or since' }],
    });
  }
  const since = Date.parse(body.since);
  const firsts = db
    .select({ id: webhookDeliveries.id, eventId: webhookDeliveries.eventId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpoint.id), isNull(webhookDeliveries.replayOf)))
    .as('firsts');
  const events = await db
    .select({ event: domainEvents, firstDelivery: firsts.id })
    .from(domainEvents)
    .leftJoin(firsts, eq(firsts.eventId, domainEvents.id))
    .where(
      and(
        eq(domainEvents.orgId, orgId),
        gte(domainEvents.occurredAt, new Date(since)),
        inArray(domainEvents.type, endpoint.events),
      ),
    )
    .orderBy(domainEvents.seq)
    .limit(maxReplay);
  if (events.length === 0) return 0;
  // An event never sent here (the endpoint was off) gets its first delivery now.
  await insertDeliveries(
    db,
    events.map(({ event, firstDelivery }) => ({
      id: newId(now),
      eventId: event.id,
      endpointId: endpoint.id,
      replayOf: firstDelivery,
    })),
    now,
  );
  return events.length;
}

/** A delivery to write: which event to which endpoint, and what it replays, if anything. */
export interface NewDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  replayOf?: string | null;
}

/**
 * Writes deliveries of recorded events, due `now`. The body — Standard Webhooks' `{type, timestamp,
 * data}`, `timestamp` being when the event happened — is built in the statement from the outbox
 * row, so event data never travels to the application and back. Rows already there (an event
 * handed out again) are kept as they are.
 */
export async function insertDeliveries(db: Db, deliveries: NewDelivery[], now: number): Promise<void> {
  for (let i = 0; i < deliveries.length; i += 2000) {
    const chunk = deliveries.slice(i, i + 2000).map((d) => ({ ...d, replayOf: d.replayOf ?? null }));
    await db.execute(sql`
      insert into webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, body, next_attempt_at, replay_of)
      select p.id, e.org_id, p."endpointId", e.id, e.type,
             json_build_object(
               'type', e.type,
               'timestamp', to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'data', e.data)::text,
             ${new Date(now).toISOString()}::timestamptz, p."replayOf"
        from json_to_recordset(${JSON.stringify(chunk)}::json)
             as p(id uuid, "eventId" text, "endpointId" uuid, "replayOf" uuid)
        join domain_events e on e.id = p."eventId"
       order by e.seq
      on conflict do nothing`);
  }
}
