/**
 * Micro-benchmark of the availability engine (prints figures, asserts nothing):
 *   npx tsx server/src/scheduling/bench-availability.ts
 * 50 technicians in Australia/Sydney (Mon–Fri 08:00–17:00, Sat 09:00–13:00) with 5,000 busy
 * intervals over the next 31 days, "any technician", a 31-day window, 200 timed runs.
 */
import { type AvailabilityQuery, computeAvailability, type TechnicianCalendar } from './availability.js';
import { addDays, localToInstant, MINUTE_MS } from './time.js';

const TECHNICIANS = 50;
const BUSY_INTERVALS = 5_000;
const DAYS = 31;
const RUNS = 200;
const WARM_UP_RUNS = 20;
const ZONE = 'Australia/Sydney';
const FIRST_DATE = '2026-09-21'; // a Monday; the window crosses the 2026-10-04 DST change

// A fixed seed keeps runs comparable.
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = mulberry32(20260921);

const now = localToInstant(ZONE, FIRST_DATE, 7 * 60);
const technicians: TechnicianCalendar[] = [];
for (let i = 0; i < TECHNICIANS; i++) {
  const weekday = [{ start: '08:00', end: '17:00' }];
  technicians.push({
    id: `tech-${String(i).padStart(2, '0')}`,
    timeZone: ZONE,
    weeklyHours: {
      1: weekday,
      2: weekday,
      3: weekday,
      4: weekday,
      5: weekday,
      6: [{ start: '09:00', end: '13:00' }],
    },
    overrides: [],
    timeOff: [],
    busy: [],
  });
}
for (let i = 0; i < BUSY_INTERVALS; i++) {
  const technician = technicians[i % TECHNICIANS]!;
  const date = addDays(FIRST_DATE, Math.floor(random() * DAYS));
  // Quarter-hour starts between 07:30 and 16:30, 30–180 minutes long (already buffer-widened).
  const start = localToInstant(ZONE, date, 7 * 60 + 30 + Math.floor(random() * 37) * 15);
  const minutes = 30 + Math.floor(random() * 11) * 15;
  technician.busy.push({ start, end: start + minutes * MINUTE_MS });
}

function query(timeZone: string): AvailabilityQuery {
  return {
    from: FIRST_DATE,
    to: addDays(FIRST_DATE, DAYS - 1),
    timeZone,
    durationMinutes: 60,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    slotStepMinutes: 30,
    minimumNoticeMinutes: 120,
    horizonDays: 60,
    now,
    technicians,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function bench(label: string, timeZone: string): void {
  const input = query(timeZone);
  const coldStart = performance.now();
  const result = computeAvailability(input);
  const cold = performance.now() - coldStart;
  for (let i = 0; i < WARM_UP_RUNS; i++) computeAvailability(input);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    computeAvailability(input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const slots = result.days.reduce((sum, day) => sum + day.slots.length, 0);
  const offers = result.days.reduce(
    (sum, day) => sum + day.slots.reduce((s, slot) => s + slot.available, 0),
    0,
  );
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  console.log(
    `${label.padEnd(28)} p50 ${ms(percentile(times, 50))}  p99 ${ms(percentile(times, 99))}  ` +
      `max ${ms(times[times.length - 1]!)}  first call ${ms(cold)}  (${slots} slots, ${offers} technician-slots)`,
  );
}

console.log(
  `${TECHNICIANS} technicians, ${BUSY_INTERVALS} busy intervals, ${DAYS} days, ${RUNS} runs ` +
    `(after ${WARM_UP_RUNS} warm-up), Node ${process.version}`,
);
bench('query in Australia/Sydney', ZONE);
bench('query in America/New_York', 'America/New_York');
