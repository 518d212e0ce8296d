/**
 * Zone math on plain numbers: instants are epoch milliseconds, local dates are 'YYYY-MM-DD' strings
 * (or, inside the engine, "epoch days": days since 1970-01-01), local times are minutes since local
 * midnight. Only the runtime's `Intl` data knows the zones' rules, so every offset comes from
 * `Intl.DateTimeFormat#formatToParts`; calendar arithmetic is done by hand because it is exact and
 * far cheaper than parsing through `Date`.
 *
 * DST policy (the same as Temporal's default `disambiguation: 'compatible'`):
 * - A local time that does not exist (it falls in a spring-forward gap) is shifted forward by the
 *   length of the gap: 02:30 on a day whose clocks jump 02:00 → 03:00 means 03:30.
 * - A local time that happens twice (it falls in a fall-back overlap) means the EARLIER instant:
 *   02:30 on a day whose clocks go 03:00 → 02:00 means the first 02:30, still on summer time.
 * - Local times are never shifted otherwise, so "09:00–17:00" on a transition day spans 7 or 9
 *   real hours when the change falls inside it.
 *
 * Each zone is assumed to change its offset at most once in any three-day stretch, which holds
 * for every zone in the tz database since well before 1970.
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1_440;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Inverse of {@link daysFromCivil}. */
export function civilFromDays(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = floorDiv(z, 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = floorDiv(
    dayOfEra - floorDiv(dayOfEra, 1_460) + floorDiv(dayOfEra, 36_524) - floorDiv(dayOfEra, 146_096),
    365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100));
  const mp = floorDiv(5 * dayOfYear + 2, 153);
  const day = dayOfYear - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 'YYYY-MM-DD' → days since 1970-01-01. Throws a RangeError for anything that is not a real date. */
export function toEpochDay(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const epochDay = daysFromCivil(year, month, day);
    const back = civilFromDays(epochDay);
    // Round-tripping rejects 2026-02-30 and friends, which the arithmetic would silently roll over.
    if (back.year === year && back.month === month && back.day === day) return epochDay;
  }
  throw new RangeError(`Invalid date '${date}': expected a real calendar date as YYYY-MM-DD`);
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad4(value: number): string {
  return String(value).padStart(4, '0');
}

/** Days since 1970-01-01 → 'YYYY-MM-DD'. */
export function fromEpochDay(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function weekdayOfEpochDay(epochDay: number): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return (mod(epochDay + 3, 7) + 1) as IsoWeekday;
}

export function isoWeekday(date: string): IsoWeekday {
  return weekdayOfEpochDay(toEpochDay(date));
}

/**
 * What the engine needs to turn any wall-clock reading of one local day into an instant with
 * plain arithmetic: the offset in force before and after the one transition that may touch the
 * day (both equal, and `transition` = Infinity, on ordinary days).
 */
export interface ZoneDay {
  offsetBefore: number;
  offsetAfter: number;
  /** First instant on `offsetAfter`. */
  transition: number;
}

interface ZoneCache {
  formatter: Intl.DateTimeFormat;
  days: Map<number, ZoneDay>;
  /** The last instant asked about and its offset: a booking asks for one start once per technician. */
  lastInstant: number;
  lastOffset: number;
}

// Building a DateTimeFormat costs far more than using one, and each formatToParts call costs a
// few microseconds, so both the formatter and the per-day results are kept for the process'
// lifetime. They are pure memoisation: results never depend on what was cached before.
const zoneCaches = new Map<string, ZoneCache>();
const MAX_CACHED_DAYS_PER_ZONE = 20_000;

function zoneCache(timeZone: string): ZoneCache {
  let cache = zoneCaches.get(timeZone);
  if (!cache) {
    // Throws a RangeError for a zone the runtime does not know, which is what callers want.
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    cache = { formatter, days: new Map(), lastInstant: Number.NaN, lastOffset: 0 };
    zoneCaches.set(timeZone, cache);
  }
  return cache;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (local = UTC + offset). */
export function offsetAt(timeZone: string, instant: number): number {
  const cache = zoneCache(timeZone);
  if (cache.lastInstant === instant) return cache.lastOffset;
  let year = 1970;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of cache.formatter.formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        // Some ICU versions still print midnight as 24 despite h23.
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  const wall =
    daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS;
  // The formatter drops milliseconds, so compare against the instant truncated to its second.
  const offset = wall - (instant - mod(instant, SECOND_MS));
  cache.lastInstant = instant;
  cache.lastOffset = offset;
  return offset;
}

/** Offsets and transition (if any) around local day `epochDay` in `timeZone`, cached. */
export function zoneDay(timeZone: string, epochDay: number): ZoneDay {
  const cache = zoneCache(timeZone);
  const cached = cache.days.get(epochDay);
  if (cached) return cached;

  // Offsets run from −12 h to +14 h, so every instant of the local day lies in this window.
  const low = epochDay * DAY_MS - DAY_MS;
  const high = epochDay * DAY_MS + 2 * DAY_MS;
  const offsetBefore = offsetAt(timeZone, low);
  const offsetAfter = offsetAt(timeZone, high);
  let transition = Number.POSITIVE_INFINITY;
  if (offsetBefore !== offsetAfter) {
    // tz transitions fall on whole seconds: bisect in seconds (about 18 formatToParts calls, on
    // the two or so days a year that need it).
    let lo = low / SECOND_MS;
    let hi = high / SECOND_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(timeZone, mid * SECOND_MS) === offsetBefore) lo = mid;
      else hi = mid;
    }
    transition = hi * SECOND_MS;
  }
  const result: ZoneDay = { offsetBefore, offsetAfter, transition };
  if (cache.days.size >= MAX_CACHED_DAYS_PER_ZONE) cache.days.clear();
  cache.days.set(epochDay, result);
  return result;
}

/**
 * Instant of the wall-clock reading `minutes` after local midnight of `epochDay` in `timeZone`.
 * Minutes outside 0–1439 roll over into neighbouring days (1440 is the next local midnight, which
 * is how an end of '24:00' is read). Gaps shift forward, overlaps take the earlier instant.
 */
export function wallToInstant(timeZone: string, epochDay: number, minutes: number): number {
  const rollover = Math.floor(minutes / MINUTES_PER_DAY);
  const day = epochDay + rollover;
  const wall = day * DAY_MS + (minutes - rollover * MINUTES_PER_DAY) * MINUTE_MS;
  const { offsetBefore, offsetAfter, transition } = zoneDay(timeZone, day);
  const early = wall - offsetBefore;
  const late = wall - offsetAfter;
  const earlyExists = early < transition;
  const lateExists = late >= transition;
  if (earlyExists && lateExists) return Math.min(early, late);
  if (earlyExists) return early;
  if (lateExists) return late;
  // In a gap, reading the wall clock with the offset from before the jump lands exactly the gap's
  // length past the requested time: the "shift forward" policy.
  return early;
}

/** Instant of local `date` ('YYYY-MM-DD') at `minutes` after local midnight in `timeZone`. */
export function localToInstant(timeZone: string, date: string, minutes: number): number {
  return wallToInstant(timeZone, toEpochDay(date), minutes);
}

/** Local date (as an epoch day) in `timeZone` at `instant`. */
export function localEpochDay(timeZone: string, instant: number): number {
  return floorDiv(instant + offsetAt(timeZone, instant), DAY_MS);
}

/** Local date ('YYYY-MM-DD') in `timeZone` at `instant`. */
export function localDateOf(timeZone: string, instant: number): string {
  return fromEpochDay(localEpochDay(timeZone, instant));
}

/** ISO 8601 with an explicit offset, e.g. 2026-04-05T09:00:00+10:00 (never 'Z'). */
export function formatWithOffset(instant: number, offset: number): string {
  const local = instant + offset;
  const epochDay = floorDiv(local, DAY_MS);
  const { year, month, day } = civilFromDays(epochDay);
  const msOfDay = local - epochDay * DAY_MS;
  const hour = floorDiv(msOfDay, HOUR_MS);
  const minute = floorDiv(msOfDay, MINUTE_MS) % 60;
  const second = floorDiv(msOfDay, SECOND_MS) % 60;
  const millis = msOfDay % SECOND_MS;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  const offsetHours = floorDiv(absolute, HOUR_MS);
  const offsetMinutes = floorDiv(absolute, MINUTE_MS) % 60;
  const offsetSeconds = floorDiv(absolute, SECOND_MS) % 60;
  // Only pre-standard-time (LMT) offsets have seconds; printing them keeps the text exact.
  const offsetTail = offsetSeconds === 0 ? '' : `:${pad2(offsetSeconds)}`;
  return (
    `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction}` +
    `${sign}${pad2(offsetHours)}:${pad2(offsetMinutes)}${offsetTail}`
  );
}

/** `instant` as ISO 8601 local time in `timeZone` with that zone's offset at the time. */
export function formatInstant(timeZone: string, instant: number): string {
  return formatWithOffset(instant, offsetAt(timeZone, instant));
}
