import { and, eq, getTableColumns, gte, lte, sql, type Table } from 'drizzle-orm';
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

/** One row per technician and kind: its intervals as "start,end,start,end…" in epoch milliseconds. */
export interface BlockedRow {
  technician_id: string;
  kind: 'busy' | 'off';
  spans: string;
}

/** What a scheduling context is built from; `loadSchedulingContext` and the booking read both fetch it. */
export interface SchedulingRows {
  org: typeof organizations.$inferSelect;
  technicians: TechnicianRow[];
  overrides: Array<typeof scheduleOverrides.$inferSelect>;
  blocked: BlockedRow[];
  /** Busy time and time off already parsed (from the busy cache), by technician; not modified. */
  intervals?: Map<string, { busy: Interval[]; timeOff: Interval[] }>;
}

/** The stretch a window's reads cover: days are looked at a day either side, in any zone, so slots near midnight are never lost. */
export function readBounds(window: { start: number; end: number }) {
  return {
    firstDate: localDateOf('UTC', window.start - DAY_MS),
    lastDate: localDateOf('UTC', window.end + DAY_MS),
    from: new Date(window.start - DAY_MS).toISOString(),
    to: new Date(window.end + DAY_MS).toISOString(),
  };
}

/**
 * Every live reservation and absence overlapping the bounds, one row per technician and kind:
 * thousands of intervals arrive as a few rows, cheap to build and to split.
 */
export function blockedQuery(orgId: string, bounds: { from: string; to: string }, technicianId?: string) {
  const onlyOne = technicianId ? sql`and technician_id = ${technicianId}` : sql``;
  return sql`select technician_id, kind, string_agg(s::text || ',' || e::text, ',') as spans from (
                  select technician_id, (extract(epoch from starts_at) * 1000)::bigint as s, (extract(epoch from ends_at) * 1000)::bigint as e, 'busy' as kind
                    from reservations
                   where org_id = ${orgId} and released_at is null ${onlyOne}
                     and (kind = 'appointment' or expires_at > now())
                     and starts_at < ${bounds.to}::timestamptz
                     and ends_at > ${bounds.from}::timestamptz
                   union all
                  select technician_id, (extract(epoch from starts_at) * 1000)::bigint, (extract(epoch from ends_at) * 1000)::bigint, 'off'
                    from time_off
                   where org_id = ${orgId} ${onlyOne}
                     and starts_at < ${bounds.to}::timestamptz
                     and ends_at > ${bounds.from}::timestamptz
                ) blocked group by technician_id, kind`;
}

/**
 * Loads everything availability and booking need for one item over [start, end): the org's rules,
 * the qualified technicians' hours and overrides, and their reservations and absences in the
 * window — from memory where a technician's schedule version has not moved (see `BusyCache`),
 * otherwise in the same single query. Never one query per day or per technician.
 */
export async function loadSchedulingContext(
  db: Db,
  orgId: string,
  /** The item, or its pending lookup: the reads below need only its organization, so they start at once. */
  itemOrLookup: ItemRow | Promise<ItemRow>,
  window: { start: number; end: number; technicianId?: string | undefined },
  /**
   * `now`: the clock's reading (holds count until they lapse). `cache`: busy time this process
   * already holds; only for reads on the shared handle, never in a transaction, so what a
   * transaction has written but not committed never reaches it.
   */
  { now, cache = new BusyCache() }: { now: number; cache?: BusyCache | undefined },
): Promise<SchedulingContext> {
  const bounds = readBounds(window);
  const from = window.start - DAY_MS;
  const to = window.end + DAY_MS;
  // What this process already holds for the window, by technician: the version it was read at.
  // Kept aside: the shared map may change while the reads are under way.
  const known = new Map([...cache.entries()].filter(([, entry]) => entry.from <= from && entry.to >= to));
  // All reads at once (they depend on nothing but the organization): one round trip of latency
  // on PostgreSQL. The technicians come with their schedule versions, and with their busy time
  // only where the version differs from the one this process holds: versions and intervals come
  // from one statement, hence one snapshot, so a cached entry is never newer than its version.
  const [item, [org], rows, overrides] = await Promise.all([
    itemOrLookup,
    db.select().from(organizations).where(eq(organizations.id, orgId)),
    queryRows<{
      technician: Record<string, unknown>;
      version: string;
      busy: string | null;
      holds: string | null;
      off: string | null;
    }>(
      db,
      sql`select row_to_json(t) as technician, coalesce(v.version, 0)::text as version,
                 case when c.version::bigint is distinct from coalesce(v.version, 0) then array_to_string(array(
                   select (extract(epoch from r.starts_at) * 1000)::bigint || ',' || (extract(epoch from r.ends_at) * 1000)::bigint
                     from reservations r
                    where r.technician_id = t.id and r.org_id = ${orgId} and r.released_at is null and r.kind = 'appointment'
                      and tstzrange(r.starts_at, r.ends_at, '[)') && tstzrange(${bounds.from}::timestamptz, ${bounds.to}::timestamptz)), ',') end as busy,
                 case when c.version::bigint is distinct from coalesce(v.version, 0) then array_to_string(array(
                   select (extract(epoch from r.starts_at) * 1000)::bigint || ',' || (extract(epoch from r.ends_at) * 1000)::bigint
                          || ',' || (extract(epoch from r.expires_at) * 1000)::bigint
                     from reservations r
                    where r.technician_id = t.id and r.org_id = ${orgId} and r.released_at is null and r.kind = 'hold'
                      and tstzrange(r.starts_at, r.ends_at, '[)') && tstzrange(${bounds.from}::timestamptz, ${bounds.to}::timestamptz)), ',') end as holds,
                 case when c.version::bigint is distinct from coalesce(v.version, 0) then array_to_string(array(
                   select (extract(epoch from o.starts_at) * 1000)::bigint || ',' || (extract(epoch from o.ends_at) * 1000)::bigint
                     from time_off o
                    where o.technician_id = t.id and o.org_id = ${orgId}
                      and o.starts_at < ${bounds.to}::timestamptz and o.ends_at > ${bounds.from}::timestamptz), ',') end as off
            from technicians t
            left join schedule_versions v on v.technician_id = t.id
            left join unnest(${pgArray([...known.keys()])}::uuid[], ${pgArray([...known.values()].map((e) => e.version))}::text[])
                   as c(id, version) on c.id = t.id
           where t.org_id = ${orgId} and t.active ${window.technicianId ? sql`and t.id = ${window.technicianId}` : sql``}`,
    ),
    db
      .select()
      .from(scheduleOverrides)
      .where(
        and(
          eq(scheduleOverrides.orgId, orgId),
          window.technicianId ? eq(scheduleOverrides.technicianId, window.technicianId) : undefined,
          gte(scheduleOverrides.date, bounds.firstDate),
          lte(scheduleOverrides.date, bounds.lastDate),
        ),
      ),
  ]);
  if (!org) throw new Error(`organization ${orgId} vanished`);
  const intervals = new Map<string, { busy: Interval[]; timeOff: Interval[] }>();
  const technicianRows = rows.map((row) => {
    const technician = rowFromJson(technicians, row.technician);
    let entry = known.get(technician.id);
    if (row.busy !== null && row.holds !== null && row.off !== null) {
      entry = {
        version: row.version,
        from,
        to,
        busy: pairs(row.busy),
        holds: triples(row.holds),
        off: pairs(row.off),
      };
      cache.remember(technician.id, entry);
    }
    if (entry) {
      // A hold counts until it lapses; lapsing writes nothing, so it is judged at each use.
      const live = entry.holds.filter((h) => h.expires > now);
      intervals.set(technician.id, {
        busy: live.length > 0 ? [...entry.busy, ...live] : entry.busy,
        timeOff: entry.off,
      });
    }
    return technician;
  });
  return buildSchedulingContext(item, {
    org,
    technicians: technicianRows,
    overrides,
    blocked: [],
    intervals,
  });
}

export interface BusyEntry {
  /** `schedule_versions.version` the intervals were read at (text: a bigint). */
  version: string;
  /** The stretch the intervals cover, epoch ms. */
  from: number;
  to: number;
  /** Appointments and time off, parsed once when read (thousands of intervals for a month). */
  busy: Interval[];
  off: Interval[];
  holds: Array<{ start: number; end: number; expires: number }>;
}

/**
 * Busy time per technician, as this process last read it. Only a hint: every use is checked
 * against the technician's current schedule version, read in the same round as everything else.
 * One per services container (see createServices), shared by every request on the shared handle.
 */
export class BusyCache {
  readonly #entries = new Map<string, BusyEntry>();
  readonly #maxTechnicians: number;

  constructor(maxTechnicians = 10_000) {
    this.#maxTechnicians = maxTechnicians;
  }

  entries(): IterableIterator<[string, BusyEntry]> {
    return this.#entries.entries();
  }

  remember(technicianId: string, entry: BusyEntry): void {
    if (this.#entries.size >= this.#maxTechnicians && !this.#entries.has(technicianId)) this.#entries.clear();
    this.#entries.set(technicianId, entry);
  }
}

function pairs(spans: string): Interval[] {
  const numbers = spans === '' ? [] : spans.split(',');
  const intervals: Interval[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2)
    intervals.push({ start: Number(numbers[i]), end: Number(numbers[i + 1]) });
  return intervals;
}

function triples(spans: string): BusyEntry['holds'] {
  const numbers = spans === '' ? [] : spans.split(',').map(Number);
  const holds: BusyEntry['holds'] = [];
  for (let i = 0; i + 2 < numbers.length; i += 3)
    holds.push({ start: numbers[i]!, end: numbers[i + 1]!, expires: numbers[i + 2]! });
  return holds;
}

/** A PostgreSQL array literal of plain tokens (uuids, numbers, codes: nothing to quote). */
export function pgArray(values: string[]): string {
  return `{${values.join(',')}}`;
}

/** The qualified technicians' calendars and the rules in force, from rows already read. */
export function buildSchedulingContext(item: ItemRow, rows: SchedulingRows): SchedulingContext {
  const { org, overrides, blocked } = rows;
  const qualified = rows.technicians
    .map((row) => ({ row, q: qualify(row, item.requiredSkills) }))
    .filter(({ q }) => q.qualified);
  const ids = qualified.map(({ row }) => row.id);
  // One pass over the blocked rows, grouped by technician (not one scan per technician).
  // Copies: certification gates are added to time off below.
  const blockedBy = new Map(
    ids.map((id) => {
      const known = rows.intervals?.get(id);
      return [id, { busy: [...(known?.busy ?? [])], timeOff: [...(known?.timeOff ?? [])] }];
    }),
  );
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

/**
 * A row of `table` from its `to_json` form (database column names, timestamps as text), typed and
 * converted as drizzle's own select would return it. Lets one statement return several tables' rows.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
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
