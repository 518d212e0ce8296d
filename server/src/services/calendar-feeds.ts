import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import ical, { ICalEventStatus } from 'ical-generator';
import type { Principal } from '../auth/principal.js';
import { type Db, queryRows } from '../db/index.js';
import type { CustomerAddress } from '../db/schema/customers.js';
import { calendarFeeds, organizations, technicians } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { constantTimeEqual, sha256 } from '../lib/crypto.js';
import { vtimezone, zonedDateTime } from '../lib/ical.js';
import { DAY_MS } from '../scheduling/time.js';
import { ownTechnicianId } from './booking/service.js';

/** What feed URLs need: the key tokens are derived with, where the server is reached, the clock. */
export interface FeedContext {
  key: Buffer;
  baseUrl: string;
  now: number;
}

/** The organization's feed, or one technician's. */
export type FeedScope = { technicianId: string | null };

const organizationFeed = 'organization';
/** Visits shown: a month back (what just happened) to half a year ahead. */
const pastMs = 30 * DAY_MS;
const aheadMs = 180 * DAY_MS;
const maxVisits = 5000;

function feedName(scope: FeedScope): string {
  return scope.technicianId ?? organizationFeed;
}

/**
 * `<feed>.<version>.<mac>`: the feed (`org` or a technician's id) and its version, authenticated
 * with an HMAC over the organization, feed and version. Nothing secret is stored; raising the
 * version (a rotation) makes every earlier token fail the check.
 */
function tokenFor(key: Buffer, orgId: string, feed: string, version: number): string {
  const mac = createHmac('sha256', key).update(`${orgId}|${feed}|${version}`).digest('base64url');
  return `${feed === organizationFeed ? 'org' : feed}.${version}.${mac}`;
}

async function versionOf(db: Db, orgId: string, feed: string): Promise<number> {
  const [row] = await db
    .select({ version: calendarFeeds.version })
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.orgId, orgId), eq(calendarFeeds.feed, feed)));
  return row?.version ?? 1;
}

/** The technician must be the organization's, and a technician may only reach their own feed. */
async function checkScope(db: Db, principal: Principal | undefined, orgId: string, scope: FeedScope) {
  const own = await ownTechnicianId(db, principal);
  if (!scope.technicianId) {
    if (own) throw new ApiError('forbidden', { detail: 'Technicians can reach their own feed only.' });
    return;
  }
  const [row] = await db
    .select({ id: technicians.id })
    .from(technicians)
    .where(and(eq(technicians.orgId, orgId), eq(technicians.id, scope.technicianId)));
  if (!row || (own && own !== row.id)) throw new ApiError('not_found');
}

function feedUrl(context: FeedContext, orgId: string, token: string): string {
  return `${context.baseUrl.replace(/\/$/, '')}/api/v1/organizations/${orgId}/calendar-feeds/${token}`;
}

export async function calendarFeedUrl(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  scope: FeedScope,
  context: FeedContext,
): Promise<string> {
  await checkScope(db, principal, orgId, scope);
  const feed = feedName(scope);
  return feedUrl(context, orgId, tokenFor(context.key, orgId, feed, await versionOf(db, orgId, feed)));
}

/** A new URL for the feed; the old one answers 404 from now on. */
export async function rotateCalendarFeed(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  scope: FeedScope,
  context: FeedContext,
): Promise<string> {
  await checkScope(db, principal, orgId, scope);
  const feed = feedName(scope);
  const [row] = await db
    .insert(calendarFeeds)
    .values({ orgId, feed, version: 2 })
    .onConflictDoUpdate({
      target: [calendarFeeds.orgId, calendarFeeds.feed],
      set: { version: sql`${calendarFeeds.version} + 1`, updatedAt: new Date(context.now) },
    })
    .returning();
  return feedUrl(context, orgId, tokenFor(context.key, orgId, feed, row!.version));
}

interface VisitRow {
  id: string;
  reference: string;
  status: string;
  starts_at: string | Date;
  ends_at: string | Date;
  notes: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  root_id: string;
  depth: number;
  item_name: string;
  technician_name: string;
  customer_name: string;
  address: CustomerAddress | null;
}

/** The feed a token opens, as iCalendar text with its ETag; 404 for a token that is not (or no longer) valid. */
export async function renderCalendarFeed(
  db: Db,
  orgId: string,
  token: string,
  context: Pick<FeedContext, 'key' | 'now'>,
): Promise<{ body: string; etag: string }> {
  const [feedKey, versionText, mac] = token.split('.');
  const version = Number(versionText);
  const feed = feedKey === 'org' ? organizationFeed : feedKey;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (!feed || !mac || !Number.isInteger(version) || (feed !== organizationFeed && !uuid.test(feed))) {
    throw new ApiError('not_found');
  }
  const [org] = await db
    .select({ name: organizations.name, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const current = org ? await versionOf(db, orgId, feed) : 0;
  if (!org || version !== current || !constantTimeEqual(token, tokenFor(context.key, orgId, feed, current))) {
    throw new ApiError('not_found');
  }
  const technicianId = feed === organizationFeed ? null : feed;
  let calendarName = org.name;
  if (technicianId) {
    const [technician] = await db
      .select({ name: technicians.name })
      .from(technicians)
      .where(and(eq(technicians.orgId, orgId), eq(technicians.id, technicianId)));
    if (!technician) throw new ApiError('not_found');
    calendarName = `${technician.name} – ${org.name}`;
  }
  const from = context.now - pastMs;
  const to = context.now + aheadMs;
  const visits = await queryRows<VisitRow>(
    db,
    sql`with recursive visits as (
          select a.* from appointments a
           where a.org_id = ${orgId}
             and (${technicianId}::uuid is null or a.technician_id = ${technicianId}::uuid)
             and a.starts_at >= ${new Date(from).toISOString()}::timestamptz
             and a.starts_at < ${new Date(to).toISOString()}::timestamptz
             -- A visit moved elsewhere lives on as its successor, under the same UID.
             and a.rescheduled_to_id is null
           order by a.starts_at limit ${maxVisits}
        ), chain(leaf, id, from_id, depth) as (
          select v.id, v.id, v.rescheduled_from_id, 0 from visits v
          union all
          select c.leaf, p.id, p.rescheduled_from_id, c.depth + 1
            from chain c join appointments p on p.id = c.from_id
        )
        select v.id, v.reference, v.status, v.starts_at, v.ends_at, v.notes, v.created_at, v.updated_at,
               r.id as root_id, r.depth, i.name as item_name, t.name as technician_name,
               cu.name as customer_name, cu.address
          from visits v
          join chain r on r.leaf = v.id and r.from_id is null
          join service_items i on i.id = v.service_item_id
          join technicians t on t.id = v.technician_id
          join customers cu on cu.id = v.customer_id
         order by v.starts_at, v.id`,
  );
  const calendar = ical({
    name: calendarName,
    prodId: { company: 'Crewkit', product: 'Calendar feed', language: 'EN' },
    ttl: 15 * 60,
  });
  calendar.x('X-WR-TIMEZONE', org.timeZone);
  for (const visit of visits) {
    const location = addressLine(visit.address);
    calendar.createEvent({
      // The first visit of a reschedule chain names it: a moved visit updates the same event.
      id: `appointment-${visit.root_id}@crewkit`,
      sequence: visit.depth,
      start: zonedDateTime(new Date(visit.starts_at).getTime(), org.timeZone),
      end: zonedDateTime(new Date(visit.ends_at).getTime(), org.timeZone),
      timezone: org.timeZone,
      // The last change, not the time of the request: an unchanged feed is byte for byte the same.
      stamp: new Date(visit.updated_at),
      created: new Date(visit.created_at),
      lastModified: new Date(visit.updated_at),
      summary: `${visit.item_name} – ${visit.customer_name}`,
      description: [
        `Reference ${visit.reference}`,
        `Technician: ${visit.technician_name}`,
        `Status: ${visit.status.replace('_', ' ')}`,
        ...(visit.notes ? [`Notes: ${visit.notes}`] : []),
      ].join('\n'),
      ...(location ? { location } : {}),
      status:
        visit.status === 'cancelled' || visit.status === 'no_show'
          ? ICalEventStatus.CANCELLED
          : ICalEventStatus.CONFIRMED,
    });
  }
  const text = calendar.toString();
  // ical-generator writes a VTIMEZONE only through its calendar-wide time zone, which would also
  // turn DTSTAMP into local time (RFC 5545 wants UTC there): the block goes in by hand.
  const zoneBlock = `${vtimezone(org.timeZone, from, to)}\r\n`;
  const at = text.indexOf('BEGIN:VEVENT');
  const body =
    at >= 0
      ? text.slice(0, at) + zoneBlock + text.slice(at)
      : text.replace('END:VCALENDAR', `${zoneBlock}END:VCALENDAR`);
  return { body, etag: `"${sha256(body).slice(0, 32)}"` };
}

function addressLine(address: CustomerAddress | null): string | undefined {
  if (!address) return undefined;
  const parts = [
    address.line1,
    address.line2,
    address.city,
    address.region,
    address.postalCode,
    address.country,
  ];
  const line = parts.filter((part) => part?.trim()).join(', ');
  return line || undefined;
}
