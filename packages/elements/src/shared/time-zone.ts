/*
 * IANA time zone helpers without a time zone library: Intl knows every zone's rules, so the offset
 * at an instant is read back from a formatter.
 */

const knownZones = new Map<string, boolean>();

/**
 * Whether this browser knows `zone` (an IANA name such as `Australia/Sydney`). Remembered: making a
 * formatter to find out costs a fraction of a millisecond, and a board asks once per visit.
 */
export function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1000) knownZones.set(zone, known);
  }
  return known;
}

/**
 * What `isTimeZone` has found out about `zone` without asking the browser: true or false once
 * checked, undefined before (and for text that cannot be a zone name, false).
 */
export function knownTimeZone(zone: string): boolean | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  return knownZones.get(zone);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
export function offsetAt(instant: number, zone: string): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(zone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(instant).map(({ type, value }) => [type, Number(value)]),
  ) as Record<Intl.DateTimeFormatPartTypes, number>;
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant a `YYYY-MM-DD` day (plus `addDays`) starts in `zone`. Where a clock change skips
 * midnight, the day starts at the first time that exists.
 */
export function startOfDayIn(date: string, zone: string, addDays = 0): Date {
  const [year, month, day] = date.split('-').map(Number);
  const wallMidnight = Date.UTC(year!, month! - 1, day! + addDays);
  // The offset at midnight is unknown until midnight is found: guess with the offset at the wall
  // time read as UTC, then correct once with the offset at that guess (enough for any real zone).
  const guess = wallMidnight - offsetAt(wallMidnight, zone);
  const corrected = wallMidnight - offsetAt(guess, zone);
  return new Date(
    offsetAt(corrected, zone) === offsetAt(guess, zone) ? corrected : Math.max(guess, corrected),
  );
}
