import type { MessageType } from '../../db/schema.js';
import { HOUR_MS, localEpochDay, MINUTE_MS, offsetAt, wallToInstant } from '../../scheduling/time.js';

export interface QuietHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export const parseClock = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
export const formatClock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const DAY_MS = 24 * HOUR_MS;

function minutesOfDay(timeZone: string, instant: number): number {
  const local = instant + offsetAt(timeZone, instant);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/**
 * When a reminder is due. The day-before one comes at the visit's own wall-clock time on the
 * previous local day, so a 09:00 visit the morning after the clocks change is announced at 09:00,
 * not at 08:00 or 10:00 (24 elapsed hours would be); the two-hour one comes two elapsed hours before.
 */
export function reminderDueAt(
  type: 'reminder_24h' | 'reminder_2h',
  timeZone: string,
  startsAt: number,
): number {
  if (type === 'reminder_2h') return startsAt - 2 * HOUR_MS;
  const day = localEpochDay(timeZone, startsAt);
  return wallToInstant(timeZone, day - 1, minutesOfDay(timeZone, startsAt));
}

/**
 * How long after its time a message is still worth sending. A reminder that could not go out
 * (the server was down) is skipped rather than sent late: "tomorrow at 9" read at 8:55 misleads,
 * and the two-hour one follows anyway. "On my way" is stale once the technician has arrived.
 */
export function stillWorthSending(type: MessageType): number {
  switch (type) {
    case 'reminder_24h':
      return 2 * HOUR_MS;
    case 'reminder_2h':
      return 45 * MINUTE_MS;
    case 'on_my_way':
      return HOUR_MS;
    case 'invoice_overdue':
      return 2 * DAY_MS;
    default:
      return Number.POSITIVE_INFINITY;
  }
}

export function inQuietHours(timeZone: string, instant: number, quiet: QuietHours): boolean {
  const minute = minutesOfDay(timeZone, instant);
  if (quiet.start === quiet.end) return false;
  return quiet.start < quiet.end
    ? minute >= quiet.start && minute < quiet.end
    : minute >= quiet.start || minute < quiet.end;
}

/** The first instant at or after `instant` outside the quiet hours. */
export function afterQuietHours(timeZone: string, instant: number, quiet: QuietHours): number {
  if (!inQuietHours(timeZone, instant, quiet)) return instant;
  const day = localEpochDay(timeZone, instant);
  for (const candidate of [day, day + 1]) {
    const end = wallToInstant(timeZone, candidate, quiet.end);
    if (end > instant) return end;
  }
  return instant;
}

/** The start of the quiet hours that `instant` falls in (the evening before, for a night). */
function quietStartOf(timeZone: string, instant: number, quiet: QuietHours): number {
  const day = localEpochDay(timeZone, instant);
  for (const candidate of [day, day - 1]) {
    const start = wallToInstant(timeZone, candidate, quiet.start);
    if (start <= instant) return start;
  }
  return instant;
}

/**
 * When a message may go, given the organization's quiet hours. Most messages wait until the quiet
 * hours end. A reminder must still come before the visit, so it goes just before they begin; if
 * that moment has passed, when they end — or, if that is too late for the visit, not at all (null).
 * A confirmation is never held back: the customer has just booked and is waiting for it.
 */
export function sendTimeWithin(
  type: MessageType,
  due: number,
  now: number,
  timeZone: string,
  quiet: QuietHours | null,
  visitStartsAt: number | null,
): number | null {
  if (!quiet || type === 'confirmation' || !inQuietHours(timeZone, due, quiet)) return due;
  if (type === 'reminder_24h' || type === 'reminder_2h') {
    const before = quietStartOf(timeZone, due, quiet) - MINUTE_MS;
    if (before >= now) return before;
    const after = afterQuietHours(timeZone, due, quiet);
    return visitStartsAt !== null && after >= visitStartsAt ? null : after;
  }
  return afterQuietHours(timeZone, due, quiet);
}
