const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:([Tt ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads an Ascora timestamp. Ascora sends ISO strings, sometimes with `Z`, sometimes with no zone at
 * all (`2026-02-17T20:50:55.943`), and dates as `YYYY-MM-DD`.
 *
 * ASSUMPTION: a value without a zone is UTC. Ascora is hosted for Australian companies, so it could
 * also be the company's local time; nothing public says which. UTC is the choice that never depends
 * on the machine running the sync (`new Date(s)` would read it in the process's local zone), and the
 * zoned values seen next to zoneless ones in the same payloads are all `Z`. A date alone is midnight
 * UTC. Fractions beyond milliseconds (.NET writes seven digits) are truncated.
 *
 * @throws RangeError when the value is not such a timestamp or names an impossible date.
 */
export function parseAscoraTimestamp(value: string): Date {
  return new Date(read(value).time);
}

/**
 * The same instant as ISO 8601 with `Z` (`2026-02-17T20:50:55.943Z`), under the same assumption.
 * Values already in that form, or in it minus the `Z`, are not rebuilt through a Date: this runs for
 * every timestamp of every record of a sync.
 *
 * @throws RangeError like parseAscoraTimestamp.
 */
export function normaliseAscoraTimestamp(value: string): string {
  const { time, canonical, zoned } = read(value);
  if (canonical) return zoned ? value : `${value}Z`;
  return new Date(time).toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function read(value: string): { time: number; canonical: boolean; zoned: boolean } {
  const match = TIMESTAMP.exec(value);
  if (!match) throw new RangeError(`Not an Ascora timestamp: ${JSON.stringify(value)}`);
  const [, y, mo, d, separator, h = '0', mi = '0', s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  // Date.UTC would roll 31 February over into March; such a value is corrupt, not lenient.
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`Not a valid date: ${JSON.stringify(value)}`);
  }
  const ms =
    fraction === undefined
      ? 0
      : Number(fraction.length === 3 ? fraction : fraction.slice(0, 3).padEnd(3, '0'));
  let time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const utc = zone === undefined || zone === 'Z' || zone === 'z';
  if (!utc) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return {
    time,
    canonical:
      separator === 'T' && fraction?.length === 3 && (zone === undefined || zone === 'Z') && year >= 1000,
    zoned: zone === 'Z',
  };
}

/** `YYYY-MM-DD` for a query parameter such as `priorToDate`, from a Date (its UTC day) or a string. */
export function toAscoraDate(value: Date | string): string {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return normaliseAscoraTimestamp(value).slice(0, 10);
  }
  return value.toISOString().slice(0, 10);
}
