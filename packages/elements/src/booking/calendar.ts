/*
 * Calendar arithmetic on plain `YYYY-MM-DD` strings. The API's days are days of a time zone, not
 * instants, so they are never turned into a local `Date` (which would shift them across midnight).
 */

export type IsoDate = string;

const utc = (date: IsoDate) => new Date(`${date}T00:00:00Z`);
const iso = (date: Date): IsoDate => date.toISOString().slice(0, 10);

/** Today's date in an IANA zone. */
export function todayIn(timeZone: string, now = new Date()): IsoDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

/** The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = utc(date);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return iso(d);
}

export const firstOfMonth = (date: IsoDate): IsoDate => `${date.slice(0, 7)}-01`;

export function lastOfMonth(date: IsoDate): IsoDate {
  const d = utc(firstOfMonth(date));
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (date: IsoDate) => utc(date).getUTCDay();

/** The first day of the week where the visitor lives (Monday in most of the world, Sunday in the US). */
export function firstDayOfWeek(lang: string): number {
  try {
    const locale = new Intl.Locale(lang) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = locale.getWeekInfo?.() ?? locale.weekInfo;
    if (info) return info.firstDay % 7; // Intl counts Monday = 1 … Sunday = 7
  } catch {
    // an unknown tag: fall through to ISO weeks
  }
  return 1;
}

/** The month as rows of seven cells, `null` for the padding before the 1st and after the last day. */
export function monthWeeks(month: IsoDate, firstDay: number): Array<Array<IsoDate | null>> {
  const first = firstOfMonth(month);
  const last = lastOfMonth(month);
  const cells: Array<IsoDate | null> = Array.from(
    { length: (weekday(first) - firstDay + 7) % 7 },
    () => null,
  );
  for (let day = first; day <= last; day = addDays(day, 1)) cells.push(day);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: Array<Array<IsoDate | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** A `Date` that formats as `date` when formatted in UTC, for Intl labels of a calendar day. */
export const dayAsInstant = (date: IsoDate) => new Date(`${date}T12:00:00Z`);
