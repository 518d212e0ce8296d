import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/index.js';
import {
  organizations,
  scheduleOverrides,
  type serviceItems,
  technicians,
  type Weekday,
  type WeeklyHours,
  weekdays,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { checkIntl } from '../lib/intl.js';
import { type Interval, MAX_QUERY_DAYS, type TechnicianCalendar } from '../scheduling/availability.js';
import { addDays, DAY_MS, daysBetween, localDateOf, localToInstant } from '../scheduling/time.js';
import { qualify } from './qualification.js';

type ItemRow = typeof serviceItems.$inferSelect;
type TechnicianRow = typeof technicians.$inferSelect;

const forever = 8.64e15; // the largest Date

export interface SchedulingContext {
  org: typeof organizations.$inferSelect;
  /** Active technicians qualified for the item, with their calendars over the window. */
  calendars: TechnicianCalendar[];
  technicians: Map<string, TechnicianRow & { proficiency: number }>;
  rules: { minimumNoticeMinutes: number; horizonDays: number; slotStepMinutes: number };
}

/**
 * Loads everything availability and booking need for one item over [start, end): the org's rules,
 * the qualified technicians' hours and overrides, and — in ONE query — every reservation and
 * absence in the window. Never one query per day or per technician.
 */
export async function loadSchedulingContext(
  db: Db,
  orgId: string,
  /** The item, or its pending lookup: the reads below need only its organization, so they start at once. */
  itemOrLookup: ItemRow | Promise<ItemRow>,
  window: { start: number; end: number; technicianId?: string | undefined },
): Promise<SchedulingContext> {
  // Days are looked at a day either side, in any zone, so slots near midnight are never lost.
  const firstDate = localDateOf('UTC', window.start - DAY_MS);
  const lastDate = localDateOf('UTC', window.end + DAY_MS);
  // All four reads at once (they depend on nothing but the organization): one round trip of
  // latency on PostgreSQL instead of four.
  const [item, [org], rows, overrides, blocked] = await Promise.all([
    itemOrLookup,
    db.select().from(organizations).where(eq(organizations.id, orgId)),
    db
      .select()
      .from(technicians)
      .where(
        and(
          eq(technicians.orgId, orgId),
          eq(technicians.active, true),
          window.technicianId ? eq(technicians.id, window.technicianId) : undefined,
        ),
      ),
    db
      .select()
      .from(scheduleOverrides)
      .where(
        and(
          eq(scheduleOverrides.orgId, orgId),
          window.technicianId ? eq(scheduleOverrides.technicianId, window.technicianId) : undefined,
          gte(scheduleOverrides.date, firstDate),
          lte(scheduleOverrides.date, lastDate),
        ),
      ),
    // One row per technician and kind, the intervals as one "start,end,start,end…" string of
    // epoch milliseconds: thousands of intervals arrive as a few rows, cheap to build and to split.
    queryRows<{ technician_id: string; kind: 'busy' | 'off'; spans: string }>(
      db,
      sql`select technician_id, kind, string_agg(s::text || ',' || e::text, ',') as spans from (
                  select technician_id, (extract(epoch from starts_at) * 1000)::bigint as s, (extract(epoch from ends_at) * 1000)::bigint as e, 'busy' as kind
                    from reservations
                   where org_id = ${orgId} and released_at is null
                     and (kind = 'appointment' or expires_at > now())
                     and starts_at < ${new Date(window.end + DAY_MS).toISOString()}
                     and ends_at > ${new Date(window.start - DAY_MS).toISOString()}
                   union all
                  select technician_id, (extract(epoch from starts_at) * 1000)::bigint, (extract(epoch from ends_at) * 1000)::bigint, 'off'
                    from time_off
                   where org_id = ${orgId}
                     and starts_at < ${new Date(window.end + DAY_MS).toISOString()}
                     and ends_at > ${new Date(window.start - DAY_MS).toISOString()}
                ) blocked group by technician_id, kind`,
    ),
  ]);
  if (!org) throw new Error(`organization ${orgId} vanished`);
  const qualified = rows
    .map((row) => ({ row, q: qualify(row, item.requiredSkills) }))
    .filter(({ q }) => q.qualified);
  const ids = qualified.map(({ row }) => row.id);
  // One pass over the blocked rows, grouped by technician (not one scan per technician).
  const blockedBy = new Map(ids.map((id) => [id, { busy: [] as Interval[], timeOff: [] as Interval[] }]));
  for (const row of blocked) {
    const list = blockedBy.get(row.technician_id)?.[row.kind === 'busy' ? 'busy' : 'timeOff'];
    const numbers = row.spans.split(',');
    for (let i = 0; i + 1 < numbers.length; i += 2)
      list?.push({ start: Number(numbers[i]), end: Number(numbers[i + 1]) });
  }
  const calendars: TechnicianCalendar[] = qualified.map(({ row, q }) => {
    const { busy, timeOff } = blockedBy.get(row.id)!;
    // An expiring certification ends the qualification at the end of its last valid day.
    for (const lastDay of q.gatedUntil) {
      timeOff.push({ start: localToInstant(row.timeZone, addDays(lastDay, 1), 0), end: forever });
    }
    return {
      id: row.id,
      timeZone: row.timeZone,
      weeklyHours: isoWeeklyHours(row.weeklyHours),
      overrides: overrides
        .filter((o) => o.technicianId === row.id)
        .map((o) => ({ date: o.date, hours: o.hours })),
      timeOff,
      busy,
    };
  });

  return {
    org,
    calendars,
    technicians: new Map(qualified.map(({ row, q }) => [row.id, { ...row, proficiency: q.proficiency }])),
    rules: {
      minimumNoticeMinutes: item.minimumNoticeMinutes ?? org.minimumNoticeMinutes,
      horizonDays: item.horizonDays ?? org.horizonDays,
      slotStepMinutes: org.slotStepMinutes,
    },
  };
}

/** Weekday names (the API's) to ISO weekday numbers (the engine's). */
export function isoWeeklyHours(hours: WeeklyHours): TechnicianCalendar['weeklyHours'] {
  return Object.fromEntries(weekdays.map((day: Weekday, index) => [index + 1, hours[day] ?? []]));
}

/**
 * Checks a day window query (`from`, `to` inclusive, optional `timeZone`) as availability and the
 * calendar both take it; throws the 400 problem listing every bad field.
 */
export function checkDayWindow(query: { from: string; to: string; timeZone?: string | undefined }): void {
  const errors = checkIntl({ timeZone: query.timeZone });
  if (query.to < query.from) errors.push({ path: 'query.to', message: 'must not be before from' });
  else if (daysBetween(query.from, query.to) + 1 > MAX_QUERY_DAYS) {
    errors.push({ path: 'query.to', message: `must be within ${MAX_QUERY_DAYS} days of from` });
  }
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
}
