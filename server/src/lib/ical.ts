import { DAY_MS, MINUTE_MS, offsetAt } from '../scheduling/time.js';

/**
 * An instant shown in a time zone, shaped like the luxon DateTime that ical-generator formats (it
 * formats a native Date in the server process's own zone, which is not the organization's). Only
 * what ical-generator reads is here; the wall time comes from `offsetAt`, the engine's own.
 */
export interface ZonedDateTime {
  isValid: true;
  zone: { type: 'iana' };
  toJSDate(): Date;
  toMillis(): number;
  valueOf(): number;
  toISO(): string;
  toJSON(): string;
  setZone(zone: string): ZonedDateTime;
  toFormat(format: string): string;
}

export function zonedDateTime(instant: number, zone: string): ZonedDateTime {
  const wall = () => {
    const local = new Date(instant + offsetAt(zone, instant));
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    return {
      date: `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}`,
      time: `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`,
    };
  };
  return {
    isValid: true,
    zone: { type: 'iana' },
    toJSDate: () => new Date(instant),
    toMillis: () => instant,
    valueOf: () => instant,
    toISO: () => new Date(instant).toISOString(),
    toJSON: () => new Date(instant).toISOString(),
    setZone: (other) => zonedDateTime(instant, other),
    toFormat(format) {
      if (format === 'yyyyLLdd') return wall().date;
      if (format === 'HHmmss') return wall().time;
      throw new Error(`zonedDateTime cannot format ${format}`);
    },
  };
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
}

function localStamp(instant: number, offsetMs: number): string {
  return new Date(instant + offsetMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, '');
}

function abbreviation(zone: string, instant: number): string | undefined {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName');
  return part?.value;
}

/** The first minute at or after `from` (and before `to`) whose offset differs from the one at `from`. */
function transitionBetween(zone: string, from: number, to: number): number {
  const before = offsetAt(zone, from);
  let low = from;
  let high = to;
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(zone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * A VTIMEZONE for `zone` that is exact from `from` to `to`: the offset in force at `from`, then
 * every transition in between as its own observance (an explicit DTSTART, no rule), which is what
 * RFC 5545 allows for historical data and what every calendar client reads. Clients that know the
 * zone by its TZID use their own data; the others need this to place a visit at the right hour.
 */
export function vtimezone(zone: string, from: number, to: number): string {
  const start = Math.floor(from / DAY_MS) * DAY_MS;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const observance = (at: number, fromOffset: number, toOffset: number) => {
    const kind = toOffset > fromOffset ? 'DAYLIGHT' : 'STANDARD';
    const name = abbreviation(zone, at);
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(at, fromOffset)}`,
      `TZOFFSETFROM:${formatOffset(fromOffset)}`,
      `TZOFFSETTO:${formatOffset(toOffset)}`,
      ...(name ? [`TZNAME:${name}`] : []),
      `END:${kind}`,
    );
  };
  let offset = offsetAt(zone, start);
  observance(start, offset, offset);
  for (let day = start; day < to; day += DAY_MS) {
    const next = offsetAt(zone, day + DAY_MS);
    if (next === offset) continue;
    const at = transitionBetween(zone, day, day + DAY_MS);
    observance(at, offset, next);
    offset = next;
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
