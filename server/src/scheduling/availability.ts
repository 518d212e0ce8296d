/**
 * The availability engine: which appointment starts each technician can take, computed in memory
 * from calendars the caller has already loaded (one query for the whole window, no N+1). Pure and
 * deterministic: no database, no clock (`now` is an input), and the same query always gives the
 * same answer. Zone rules and the DST policy are in `time.ts`.
 */
import {
  DAY_MS,
  formatWithOffset,
  fromEpochDay,
  type IsoWeekday,
  localEpochDay,
  MINUTE_MS,
  MINUTES_PER_DAY,
  toEpochDay,
  wallToInstant,
  weekdayOfEpochDay,
  zoneDay,
} from './time.js';

export type LocalTime = string; // 'HH:MM', 24h; '24:00' allowed as an end

/** Working hours within one local day: end > start. */
export interface TimeRange {
  start: LocalTime;
  end: LocalTime;
}

/** Epoch milliseconds, half-open [start, end). */
export interface Interval {
  start: number;
  end: number;
}

export interface TechnicianCalendar {
  id: string;
  /** The technician's IANA zone; their hours are read in it. */
  timeZone: string;
  /** ISO weekday (1 = Monday … 7 = Sunday) → working ranges, several a day allowed. */
  weeklyHours: Partial<Record<IsoWeekday, TimeRange[]>>;
  /** Replaces the weekly hours on that local date; `hours: []` is a day off. A later entry for the same date wins. */
  overrides: Array<{ date: string; hours: TimeRange[] }>;
  /** Absences. */
  timeOff: Interval[];
  /** Existing appointments and live holds, ALREADY widened by their own buffers. */
  busy: Interval[];
}

export interface AvailabilityQuery {
  /** First local date (in `timeZone`), inclusive. */
  from: string;
  /** Last local date (in `timeZone`), inclusive; at most 62 days from `from` counted inclusively. */
  to: string;
  /** Zone the caller wants days and slot times in. */
  timeZone: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  slotStepMinutes: number;
  /** Earliest start = now + notice. */
  minimumNoticeMinutes: number;
  /** Latest start = now + horizonDays × 24 h. */
  horizonDays: number;
  /** Epoch milliseconds. */
  now: number;
  /** Already filtered to active, qualified technicians; [] means nobody qualifies. */
  technicians: TechnicianCalendar[];
}

export type DayReason =
  | 'outside_working_hours'
  | 'fully_booked'
  | 'minimum_notice'
  | 'beyond_horizon'
  | 'no_qualified_technician';

export interface Slot {
  /** ISO 8601 with the query zone's offset. */
  start: string;
  startMs: number;
  /** Free qualified technicians, sorted by id. */
  technicianIds: string[];
  /** = technicianIds.length */
  available: number;
}

export interface Day {
  date: string;
  slots: Slot[];
  /** Only when `slots` is empty. */
  reason?: DayReason;
}

export interface Availability {
  timeZone: string;
  days: Day[];
}

export type StartCheck = DayReason | 'slot_unavailable' | null;

export const MAX_QUERY_DAYS = 62;

/** Query settings turned into validated milliseconds, shared by both entry points so they agree. */
interface Rules {
  durationMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  stepMs: number;
  earliest: number;
  latest: number;
}

function requireNumber(name: string, value: number, minimum: number, inclusive: boolean): number {
  if (!Number.isFinite(value) || (inclusive ? value < minimum : value <= minimum)) {
    throw new RangeError(
      `${name} must be a finite number ${inclusive ? '>=' : '>'} ${minimum}, got ${value}`,
    );
  }
  return value;
}

function rulesOf(query: Omit<AvailabilityQuery, 'from' | 'to'>): Rules {
  const minutes = (name: string, value: number, positive: boolean) =>
    Math.round(requireNumber(name, value, 0, !positive) * MINUTE_MS);
  const now = requireNumber('now', query.now, Number.MIN_SAFE_INTEGER, true);
  const rules = {
    durationMs: minutes('durationMinutes', query.durationMinutes, true),
    bufferBeforeMs: minutes('bufferBeforeMinutes', query.bufferBeforeMinutes, false),
    bufferAfterMs: minutes('bufferAfterMinutes', query.bufferAfterMinutes, false),
    stepMs: minutes('slotStepMinutes', query.slotStepMinutes, true),
    earliest: now + minutes('minimumNoticeMinutes', query.minimumNoticeMinutes, false),
    latest: now + requireNumber('horizonDays', query.horizonDays, 0, true) * DAY_MS,
  };
  // A step that rounds to 0 ms would never advance the grid.
  if (rules.stepMs <= 0 || rules.durationMs <= 0) {
    throw new RangeError('durationMinutes and slotStepMinutes must be at least a millisecond');
  }
  return rules;
}

const TIME_PATTERN = /^([01]\d|2[0-4]):([0-5]\d)$/;

function parseLocalTime(value: LocalTime, isEnd: boolean, owner: string): number {
  const match = TIME_PATTERN.exec(value);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!(minutes < MINUTES_PER_DAY || (isEnd && minutes === MINUTES_PER_DAY))) {
    throw new RangeError(`${owner}: invalid time '${value}' (expected HH:MM, or 24:00 as an end)`);
  }
  return minutes;
}

interface MinuteRange {
  start: number;
  end: number;
}

function parseRanges(ranges: TimeRange[], owner: string): MinuteRange[] {
  return ranges.map((range) => {
    const start = parseLocalTime(range.start, false, owner);
    const end = parseLocalTime(range.end, true, owner);
    if (end <= start)
      throw new RangeError(`${owner}: range ${range.start}–${range.end} must end after it starts`);
    return { start, end };
  });
}

/** A technician's calendar parsed once per call. */
interface PreparedTechnician {
  id: string;
  timeZone: string;
  /** Index = ISO weekday. */
  weekly: MinuteRange[][];
  overrides: Map<number, MinuteRange[]>;
  /** Busy and time off, merged into sorted, disjoint intervals. */
  blockedStarts: number[];
  blockedEnds: number[];
}

/**
 * Parsed hours by the hours objects they came from: booking checks one start against the same
 * calendars many times (every request of a batch), and parsing "08:00" strings was most of it.
 * Keyed by identity, so a calendar given new hours objects is parsed afresh.
 */
const parsedHours = new WeakMap<
  TechnicianCalendar['weeklyHours'],
  WeakMap<TechnicianCalendar['overrides'], { weekly: MinuteRange[][]; overrides: Map<number, MinuteRange[]> }>
>();

function parseHours(technician: TechnicianCalendar) {
  let byOverrides = parsedHours.get(technician.weeklyHours);
  const known = byOverrides?.get(technician.overrides);
  if (known) return known;
  const owner = `technician ${technician.id}`;
  const weekly: MinuteRange[][] = [[]];
  for (let weekday = 1; weekday <= 7; weekday++) {
    weekly.push(parseRanges(technician.weeklyHours[weekday as IsoWeekday] ?? [], owner));
  }
  const overrides = new Map<number, MinuteRange[]>();
  for (const override of technician.overrides) {
    overrides.set(toEpochDay(override.date), parseRanges(override.hours, `${owner} on ${override.date}`));
  }
  const parsed = { weekly, overrides };
  if (!byOverrides) {
    byOverrides = new WeakMap();
    parsedHours.set(technician.weeklyHours, byOverrides);
  }
  byOverrides.set(technician.overrides, parsed);
  return parsed;
}

function prepareTechnician(technician: TechnicianCalendar, relevant: Interval): PreparedTechnician {
  const { weekly, overrides } = parseHours(technician);

  // Intervals that cannot touch any blocked range in the window are dropped before sorting.
  const blocked: Interval[] = [];
  for (const list of [technician.busy, technician.timeOff]) {
    for (const interval of list) {
      if (interval.end > interval.start && interval.end > relevant.start && interval.start < relevant.end) {
        blocked.push(interval);
      }
    }
  }
  blocked.sort((a, b) => a.start - b.start);
  const blockedStarts: number[] = [];
  const blockedEnds: number[] = [];
  for (const interval of blocked) {
    const last = blockedEnds.length - 1;
    if (last >= 0 && interval.start <= blockedEnds[last]!) {
      if (interval.end > blockedEnds[last]!) blockedEnds[last] = interval.end;
    } else {
      blockedStarts.push(interval.start);
      blockedEnds.push(interval.end);
    }
  }
  return { id: technician.id, timeZone: technician.timeZone, weekly, overrides, blockedStarts, blockedEnds };
}

/**
 * Working intervals (instants) for local days `firstDay`…`lastDay` in the technician's zone,
 * sorted by start. A range that collapses to nothing through a DST gap (e.g. 02:30–03:15 on a
 * day that skips 02:00–03:00, which reads as 03:30–03:15) is dropped.
 */
function workingIntervals(technician: PreparedTechnician, firstDay: number, lastDay: number): Interval[] {
  const intervals: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const ranges = technician.overrides.get(day) ?? technician.weekly[weekdayOfEpochDay(day)] ?? [];
    for (const range of ranges) {
      const start = wallToInstant(technician.timeZone, day, range.start);
      const end = wallToInstant(technician.timeZone, day, range.end);
      if (end > start) intervals.push({ start, end });
    }
  }
  // Days are visited in order, so only ranges listed out of order within a day need this.
  intervals.sort((a, b) => a.start - b.start);
  return intervals;
}

/** Grid starts in [windowStart, windowEnd), ascending, without duplicates (ranges may overlap). */
function gridStarts(intervals: Interval[], rules: Rules, windowStart: number, windowEnd: number): number[] {
  const starts: number[] = [];
  let sorted = true;
  for (const interval of intervals) {
    let start = interval.start;
    if (start < windowStart) {
      // Jump straight to the first grid point inside the window.
      start += Math.ceil((windowStart - start) / rules.stepMs) * rules.stepMs;
    }
    for (; start + rules.durationMs <= interval.end && start < windowEnd; start += rules.stepMs) {
      if (starts.length > 0 && start <= starts[starts.length - 1]!) sorted = false;
      starts.push(start);
    }
  }
  if (sorted) return starts;
  starts.sort((a, b) => a - b);
  return starts.filter((start, index) => index === 0 || start !== starts[index - 1]);
}

/**
 * Availability for every local date from `query.from` to `query.to` in `query.timeZone`.
 *
 * A day with no slots carries the first reason that applies: `no_qualified_technician` (no
 * technicians); `minimum_notice` (the whole day ends before now + notice); `beyond_horizon` (it
 * starts after the horizon); `outside_working_hours` (no technician's working hours produce a grid
 * start that falls on that day — hours too short for the duration count as none); then
 * `minimum_notice` / `beyond_horizon` if notice or horizon removed some of the day's starts; else
 * `fully_booked`.
 */
export function computeAvailability(query: AvailabilityQuery): Availability {
  const rules = rulesOf(query);
  const fromDay = toEpochDay(query.from);
  const toDay = toEpochDay(query.to);
  const dayCount = toDay - fromDay + 1;
  if (dayCount < 1) throw new RangeError(`'to' (${query.to}) is before 'from' (${query.from})`);
  if (dayCount > MAX_QUERY_DAYS) {
    throw new RangeError(
      `The range ${query.from}…${query.to} spans ${dayCount} days; the limit is ${MAX_QUERY_DAYS}`,
    );
  }

  // bounds[i] is the first instant of query day i; a start S belongs to day i when
  // bounds[i] <= S < bounds[i + 1]. A midnight lost to a DST gap starts the day after the gap.
  const bounds: number[] = [];
  for (let i = 0; i <= dayCount; i++) bounds.push(wallToInstant(query.timeZone, fromDay + i, 0));
  const windowStart = bounds[0]!;
  const windowEnd = bounds[dayCount]!;

  const hasStarts = new Uint8Array(dayCount);
  const cutByNotice = new Uint8Array(dayCount);
  const cutByHorizon = new Uint8Array(dayCount);
  const freeByStart = new Map<number, string[]>();

  // Visiting technicians in id order leaves every slot's id list already sorted.
  const technicians = [...query.technicians].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const relevant = {
    start: windowStart - rules.bufferBeforeMs,
    end: windowEnd + rules.durationMs + rules.bufferAfterMs,
  };
  const firstDayByZone = new Map<string, number>();
  const lastDayByZone = new Map<string, number>();

  for (const calendar of technicians) {
    const technician = prepareTechnician(calendar, relevant);
    const zone = technician.timeZone;
    let firstDay = firstDayByZone.get(zone);
    let lastDay = lastDayByZone.get(zone);
    if (firstDay === undefined || lastDay === undefined) {
      // When the zones differ, the query's first and last days overlap different local days of
      // the technician's (a slot just after midnight for the visitor may be the technician's
      // previous evening). The window's edges name those days; one spare day each side is cheap
      // insurance against odd zone rules, since starts outside the window are dropped anyway.
      firstDay = localEpochDay(zone, windowStart) - 1;
      lastDay = localEpochDay(zone, windowEnd - 1) + 1;
      firstDayByZone.set(zone, firstDay);
      lastDayByZone.set(zone, lastDay);
    }
    const starts = gridStarts(workingIntervals(technician, firstDay, lastDay), rules, windowStart, windowEnd);

    const { blockedStarts, blockedEnds } = technician;
    let blockedIndex = 0;
    let dayIndex = 0;
    for (const start of starts) {
      while (bounds[dayIndex + 1]! <= start) dayIndex++;
      hasStarts[dayIndex] = 1;
      if (start < rules.earliest) {
        cutByNotice[dayIndex] = 1;
        continue;
      }
      if (start > rules.latest) {
        cutByHorizon[dayIndex] = 1;
        continue;
      }
      // Starts ascend, so a blocked interval that ends before this start's blocked range can
      // never matter again: one moving index replaces a scan of every booking per start.
      const blockFrom = start - rules.bufferBeforeMs;
      const blockTo = start + rules.durationMs + rules.bufferAfterMs;
      while (blockedIndex < blockedEnds.length && blockedEnds[blockedIndex]! <= blockFrom) blockedIndex++;
      if (blockedIndex < blockedStarts.length && blockedStarts[blockedIndex]! < blockTo) continue;
      const ids = freeByStart.get(start);
      if (ids) ids.push(technician.id);
      else freeByStart.set(start, [technician.id]);
    }
  }

  const freeStarts = [...freeByStart.keys()].sort((a, b) => a - b);
  const days: Day[] = [];
  let next = 0;
  for (let i = 0; i < dayCount; i++) {
    const dayStart = bounds[i]!;
    const dayEnd = bounds[i + 1]!;
    const slots: Slot[] = [];
    const zone = zoneDay(query.timeZone, fromDay + i);
    for (; next < freeStarts.length && freeStarts[next]! < dayEnd; next++) {
      const start = freeStarts[next]!;
      const technicianIds = freeByStart.get(start)!;
      const offset = start < zone.transition ? zone.offsetBefore : zone.offsetAfter;
      slots.push({
        start: formatWithOffset(start, offset),
        startMs: start,
        technicianIds,
        available: technicianIds.length,
      });
    }
    const date = fromEpochDay(fromDay + i);
    if (slots.length > 0) {
      days.push({ date, slots });
      continue;
    }
    let reason: DayReason;
    if (technicians.length === 0) reason = 'no_qualified_technician';
    else if (dayEnd <= rules.earliest) reason = 'minimum_notice';
    else if (dayStart > rules.latest) reason = 'beyond_horizon';
    else if (!hasStarts[i]) reason = 'outside_working_hours';
    else if (cutByNotice[i]) reason = 'minimum_notice';
    else if (cutByHorizon[i]) reason = 'beyond_horizon';
    else reason = 'fully_booked';
    days.push({ date, slots, reason });
  }
  return { timeZone: query.timeZone, days };
}

/**
 * Whether `technician` can take an appointment starting exactly at `startMs`, by the same rules as
 * {@link computeAvailability} (meant for re-checking a chosen slot when booking). Returns null when
 * bookable, otherwise the first failing rule: `minimum_notice`, `beyond_horizon`,
 * `outside_working_hours` (the appointment does not fit inside one working interval), then
 * `slot_unavailable` — for a start that fits the hours but is off the slot grid, or whose
 * buffered range overlaps a booking, hold or time off.
 */
export function checkStart(
  query: Omit<AvailabilityQuery, 'from' | 'to'>,
  technician: TechnicianCalendar,
  startMs: number,
): StartCheck {
  const rules = rulesOf(query);
  if (!Number.isFinite(startMs)) throw new RangeError(`startMs must be a finite number, got ${startMs}`);
  if (startMs < rules.earliest) return 'minimum_notice';
  if (startMs > rules.latest) return 'beyond_horizon';

  const blockFrom = startMs - rules.bufferBeforeMs;
  const blockTo = startMs + rules.durationMs + rules.bufferAfterMs;
  const prepared = prepareTechnician(technician, { start: blockFrom, end: blockTo });
  const day = localEpochDay(prepared.timeZone, startMs);
  let fits = false;
  let onGrid = false;
  for (const interval of workingIntervals(prepared, day - 1, day + 1)) {
    if (interval.start <= startMs && startMs + rules.durationMs <= interval.end) {
      fits = true;
      if ((startMs - interval.start) % rules.stepMs === 0) {
        onGrid = true;
        break;
      }
    }
  }
  if (!fits) return 'outside_working_hours';
  if (!onGrid) return 'slot_unavailable';
  // prepareTechnician kept only intervals overlapping the blocked range.
  if (prepared.blockedStarts.length > 0) return 'slot_unavailable';
  return null;
}

/**
 * Up to `count` slot starts closest in time to `targetMs` (ties: the earlier first), ordered by
 * closeness, as the ISO strings of the slots — for suggesting alternatives to a taken start.
 */
export function nearestStarts(days: Day[], targetMs: number, count: number): string[] {
  const slots = days.flatMap((day) => day.slots);
  if (slots.some((slot, index) => index > 0 && slot.startMs < slots[index - 1]!.startMs)) {
    slots.sort((a, b) => a.startMs - b.startMs);
  }
  // Binary search for the first slot at or after the target, then widen outwards.
  let low = 0;
  let high = slots.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (slots[middle]!.startMs < targetMs) low = middle + 1;
    else high = middle;
  }
  let before = low - 1;
  let after = low;
  const result: string[] = [];
  while (result.length < count && (before >= 0 || after < slots.length)) {
    const earlier = slots[before];
    const later = slots[after];
    if (earlier && (!later || targetMs - earlier.startMs <= later.startMs - targetMs)) {
      result.push(earlier.start);
      before--;
    } else if (later) {
      result.push(later.start);
      after++;
    }
  }
  return result;
}

/**
 * A technician's working time as instants overlapping [start, end), from weekly hours and
 * overrides in their own zone (for calendars: the same reading of hours the engine books against).
 */
export function workingHoursBetween(
  technician: Pick<TechnicianCalendar, 'id' | 'timeZone' | 'weeklyHours' | 'overrides'>,
  start: number,
  end: number,
): Interval[] {
  const prepared = prepareTechnician({ ...technician, busy: [], timeOff: [] }, { start, end });
  const firstDay = localEpochDay(technician.timeZone, start) - 1;
  const lastDay = localEpochDay(technician.timeZone, end) + 1;
  return workingIntervals(prepared, firstDay, lastDay)
    .filter((interval) => interval.end > start && interval.start < end)
    .map((interval) => ({ start: Math.max(interval.start, start), end: Math.min(interval.end, end) }));
}
