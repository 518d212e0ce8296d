import { offsetAt, startOfDayIn } from '../shared/time-zone.js';

/**
 * The board's geometry: the days shown side by side, each cut to the same window of wall-clock
 * hours in the board's zone (night hours would take most of the width and hold nothing). An instant
 * maps to a fraction of the lane's width and back; moves snap to `snapMinutes`.
 */
export interface BoardFrame {
  zone: string;
  /** `YYYY-MM-DD`, in order. */
  days: string[];
  /** Minutes after local midnight where each day's window starts and ends. */
  windowStart: number;
  windowEnd: number;
}

export const snapMinutes = 15;
const MINUTE = 60_000;

const partsFormats = new Map<string, Intl.DateTimeFormat>();

const partsCache = new Map<string, { day: string; minute: number }>();

/**
 * The local day (`YYYY-MM-DD`) and minute of the day of an instant in `zone`. Remembered: a board
 * asks for the same few thousand instants on every render, and formatToParts is the slow part.
 */
export function localParts(instant: number, zone: string): { day: string; minute: number } {
  const key = `${zone}|${instant}`;
  const known = partsCache.get(key);
  if (known) return known;
  // Bounded: a long session moving through many weeks starts afresh rather than growing.
  if (partsCache.size > 50_000) partsCache.clear();
  const parts = computeParts(instant, zone);
  partsCache.set(key, parts);
  return parts;
}

function computeParts(instant: number, zone: string): { day: string; minute: number } {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormats.set(zone, format);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of format.formatToParts(instant)) part[type] = value;
  return {
    day: `${part.year}-${part.month}-${part.day}`,
    minute: Number(part.hour) * 60 + Number(part.minute),
  };
}

/** The instant a wall-clock minute of a day has in `zone` (right across a daylight-saving change). */
export function instantAt(day: string, minute: number, zone: string): number {
  const midnight = startOfDayIn(day, zone).getTime();
  const naive = midnight + minute * MINUTE;
  return naive - (offsetAt(naive, zone) - offsetAt(midnight, zone));
}

/** `count` days from `first` (`YYYY-MM-DD`). */
export function daysFrom(first: string, count: number): string[] {
  const [y, m, d] = first.split('-').map(Number);
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(y!, m! - 1, d! + i)).toISOString().slice(0, 10),
  );
}

/** The day `count` days after `day` (before, when negative). */
export function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + count)).toISOString().slice(0, 10);
}

/** The Monday on or before `day`. */
export function weekStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  const back = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(y!, m! - 1, d! - back)).toISOString().slice(0, 10);
}

/**
 * The hours to show: from the earliest working hour to the latest across the lanes, padded to the
 * hour and never narrower than 08:00–18:00, so a visit booked just outside hours still shows.
 */
export function windowFor(
  zone: string,
  spans: Array<{ start: string; end: string }>,
): { windowStart: number; windowEnd: number } {
  let earliest = 8 * 60;
  let latest = 18 * 60;
  for (const span of spans) {
    const start = localParts(Date.parse(span.start), zone);
    const end = localParts(Date.parse(span.end), zone);
    earliest = Math.min(earliest, start.minute);
    // A span ending at midnight ends the day.
    latest = Math.max(latest, end.day === start.day ? end.minute : 24 * 60);
  }
  return {
    windowStart: Math.floor(earliest / 60) * 60,
    windowEnd: Math.min(24 * 60, Math.ceil(latest / 60) * 60),
  };
}

/** Where an instant sits along a lane, 0–1 (clamped into the window of its day, or the board's ends). */
export function fractionOf(frame: BoardFrame, instant: number): number {
  const { day, minute } = localParts(instant, frame.zone);
  const index = frame.days.indexOf(day);
  if (index === -1) return day < frame.days[0]! ? 0 : 1;
  const width = frame.windowEnd - frame.windowStart;
  const within = Math.min(Math.max(minute - frame.windowStart, 0), width);
  return (index * width + within) / (frame.days.length * width);
}

/** The snapped instant at a fraction along a lane (the inverse of `fractionOf`). */
export function instantAtFraction(frame: BoardFrame, fraction: number): number {
  const width = frame.windowEnd - frame.windowStart;
  const total = Math.min(Math.max(fraction, 0), 0.999999) * frame.days.length * width;
  const index = Math.floor(total / width);
  const minute = frame.windowStart + Math.round((total - index * width) / snapMinutes) * snapMinutes;
  return instantAt(frame.days[index]!, Math.min(minute, frame.windowEnd - snapMinutes), frame.zone);
}

/**
 * A keyboard step from `instant`: `minutes` later or earlier, staying inside the window (a step past
 * a day's end goes to the next day's start), or a whole day with `days`.
 */
export function stepInstant(frame: BoardFrame, instant: number, minutes: number, days = 0): number {
  const { day, minute } = localParts(instant, frame.zone);
  let index = frame.days.indexOf(day) + days;
  let next = minute + minutes;
  if (next < frame.windowStart) {
    index -= 1;
    next = frame.windowEnd - snapMinutes;
  } else if (next > frame.windowEnd - snapMinutes) {
    index += 1;
    next = frame.windowStart;
  }
  index = Math.min(Math.max(index, 0), frame.days.length - 1);
  return instantAt(frame.days[index]!, next, frame.zone);
}
