import { describe, expect, it } from 'vitest';
import {
  type Availability,
  type AvailabilityQuery,
  checkStart,
  computeAvailability,
  type TechnicianCalendar,
  type TimeRange,
} from './availability.js';
import { addDays, HOUR_MS, localToInstant, MINUTE_MS } from './time.js';

// Transitions used below (all on Sundays):
// Australia/Sydney 2026-04-05 03:00 AEDT → 02:00 AEST; 2026-10-04 02:00 AEST → 03:00 AEDT.
// America/New_York 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.

const SYDNEY = 'Australia/Sydney';
const NEW_YORK = 'America/New_York';

function everyDay(hours: TimeRange[]): TechnicianCalendar['weeklyHours'] {
  return { 1: hours, 2: hours, 3: hours, 4: hours, 5: hours, 6: hours, 7: hours };
}

function technician(id: string, timeZone: string, hours: TimeRange[]): TechnicianCalendar {
  return { id, timeZone, weeklyHours: everyDay(hours), overrides: [], timeOff: [], busy: [] };
}

function query(
  timeZone: string,
  from: string,
  to: string,
  technicians: TechnicianCalendar[],
  settings: Partial<AvailabilityQuery> = {},
): AvailabilityQuery {
  return {
    from,
    to,
    timeZone,
    durationMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    slotStepMinutes: 60,
    minimumNoticeMinutes: 0,
    horizonDays: 365,
    now: Date.parse('2026-01-01T00:00:00Z'),
    technicians,
    ...settings,
  };
}

/** Slot starts per day, after checking each ISO string names the same instant as its startMs. */
function startsByDay(result: Availability): Record<string, string[]> {
  const byDay: Record<string, string[]> = {};
  for (const day of result.days) {
    for (const slot of day.slots) expect(Date.parse(slot.start)).toBe(slot.startMs);
    byDay[day.date] = day.slots.map((slot) => slot.start);
  }
  return byDay;
}

const morningStarts = (date: string, offset: string) =>
  ['08', '09', '10', '11'].map((hour) => `${date}T${hour}:00:00${offset}`);

describe('working 08:00–12:00 local around a DST change', () => {
  it.each([
    {
      zone: SYDNEY,
      days: ['2026-04-04', '2026-04-05', '2026-04-06'],
      offsets: ['+11:00', '+10:00', '+10:00'],
    },
    {
      zone: SYDNEY,
      days: ['2026-10-03', '2026-10-04', '2026-10-05'],
      offsets: ['+10:00', '+11:00', '+11:00'],
    },
    {
      zone: NEW_YORK,
      days: ['2026-03-07', '2026-03-08', '2026-03-09'],
      offsets: ['-05:00', '-04:00', '-04:00'],
    },
    {
      zone: NEW_YORK,
      days: ['2026-10-31', '2026-11-01', '2026-11-02'],
      offsets: ['-04:00', '-05:00', '-05:00'],
    },
  ])('offers exactly 08:00 to 11:00 each day in $zone around $days.1', ({ zone, days, offsets }) => {
    const calendar = technician('tech', zone, [{ start: '08:00', end: '12:00' }]);
    const result = computeAvailability(query(zone, days[0]!, days[2]!, [calendar]));
    expect(startsByDay(result)).toEqual(
      Object.fromEntries(days.map((date, index) => [date, morningStarts(date, offsets[index]!)])),
    );
  });
});

describe('a working interval spanning the change', () => {
  it.each([
    {
      zone: SYDNEY,
      date: '2026-04-05',
      hours: 6,
      starts: [
        '00:00:00+11:00',
        '01:00:00+11:00',
        '02:00:00+11:00',
        '02:00:00+10:00',
        '03:00:00+10:00',
        '04:00:00+10:00',
      ],
    },
    {
      zone: SYDNEY,
      date: '2026-10-04',
      hours: 4,
      starts: ['00:00:00+10:00', '01:00:00+10:00', '03:00:00+11:00', '04:00:00+11:00'],
    },
    {
      zone: NEW_YORK,
      date: '2026-03-08',
      hours: 4,
      starts: ['00:00:00-05:00', '01:00:00-05:00', '03:00:00-04:00', '04:00:00-04:00'],
    },
    {
      zone: NEW_YORK,
      date: '2026-11-01',
      hours: 6,
      starts: [
        '00:00:00-04:00',
        '01:00:00-04:00',
        '01:00:00-05:00',
        '02:00:00-05:00',
        '03:00:00-05:00',
        '04:00:00-05:00',
      ],
    },
  ])('lasts $hours real hours for 00:00–05:00 in $zone on $date', ({ zone, date, hours, starts }) => {
    const calendar = technician('tech', zone, [{ start: '00:00', end: '05:00' }]);
    const result = computeAvailability(query(zone, date, date, [calendar]));
    expect(startsByDay(result)[date]).toEqual(starts.map((time) => `${date}T${time}`));
    const end = localToInstant(zone, date, 5 * 60);
    expect(end - localToInstant(zone, date, 0)).toBe(hours * HOUR_MS);
    // Hourly starts fill the interval exactly: the last one ends at 05:00.
    const slots = result.days[0]!.slots;
    expect(slots[slots.length - 1]!.startMs + HOUR_MS).toBe(end);
  });
});

describe('local times that do not exist or happen twice', () => {
  it('starts an interval that opens inside a gap after the gap, shifted by its length', () => {
    const calendar = technician('tech', SYDNEY, [{ start: '02:30', end: '05:00' }]);
    const result = computeAvailability(
      query(SYDNEY, '2026-10-04', '2026-10-04', [calendar], { slotStepMinutes: 30 }),
    );
    expect(startsByDay(result)['2026-10-04']).toEqual([
      '2026-10-04T03:30:00+11:00',
      '2026-10-04T04:00:00+11:00',
    ]);
  });

  it('drops an interval that a gap turns inside out and calls the day outside working hours', () => {
    const calendar = technician('tech', SYDNEY, [{ start: '02:30', end: '03:15' }]);
    const result = computeAvailability(
      query(SYDNEY, '2026-10-04', '2026-10-04', [calendar], { durationMinutes: 15 }),
    );
    expect(result.days[0]).toEqual({ date: '2026-10-04', slots: [], reason: 'outside_working_hours' });
  });

  it('starts an interval that opens inside a repeated hour at its first occurrence', () => {
    const calendar = technician('tech', SYDNEY, [{ start: '02:30', end: '04:00' }]);
    const result = computeAvailability(query(SYDNEY, '2026-04-05', '2026-04-05', [calendar]));
    // 02:30 AEDT to 04:00 AEST is two and a half real hours.
    expect(startsByDay(result)['2026-04-05']).toEqual([
      '2026-04-05T02:30:00+11:00',
      '2026-04-05T02:30:00+10:00',
    ]);
  });

  it('starts a query day whose midnight is skipped at the end of the gap', () => {
    const calendar = technician('tech', 'America/Santiago', [{ start: '00:00', end: '03:00' }]);
    const result = computeAvailability(query('America/Santiago', '2026-09-05', '2026-09-06', [calendar]));
    expect(startsByDay(result)).toEqual({
      '2026-09-05': ['2026-09-05T00:00:00-04:00', '2026-09-05T01:00:00-04:00', '2026-09-05T02:00:00-04:00'],
      '2026-09-06': ['2026-09-06T01:00:00-03:00', '2026-09-06T02:00:00-03:00'],
    });
  });
});

describe('a visitor in another zone', () => {
  const sydneyMornings = technician('syd', SYDNEY, [{ start: '08:00', end: '12:00' }]);

  it('buckets a Sydney technician’s starts into the visitor’s UTC days', () => {
    const result = computeAvailability(query('UTC', '2026-04-03', '2026-04-05', [sydneyMornings]));
    expect(startsByDay(result)).toEqual({
      // 00:00 is Sydney's 11:00 on 3 April; 21:00–23:00 are Sydney's 08:00–10:00 on 4 April (AEDT).
      '2026-04-03': ['00:00', '21:00', '22:00', '23:00'].map((time) => `2026-04-03T${time}:00+00:00`),
      // After the change Sydney's 08:00 is 22:00 UTC.
      '2026-04-04': ['00:00', '22:00', '23:00'].map((time) => `2026-04-04T${time}:00+00:00`),
      '2026-04-05': ['00:00', '01:00', '22:00', '23:00'].map((time) => `2026-04-05T${time}:00+00:00`),
    });
  });

  it('buckets a Sydney technician’s starts into the visitor’s New York days', () => {
    const result = computeAvailability(query(NEW_YORK, '2026-04-03', '2026-04-05', [sydneyMornings]));
    expect(startsByDay(result)).toEqual({
      '2026-04-03': ['17', '18', '19', '20'].map((hour) => `2026-04-03T${hour}:00:00-04:00`),
      '2026-04-04': ['18', '19', '20', '21'].map((hour) => `2026-04-04T${hour}:00:00-04:00`),
      '2026-04-05': ['18', '19', '20', '21'].map((hour) => `2026-04-05T${hour}:00:00-04:00`),
    });
  });

  it('buckets a New York technician’s starts into a Sydney visitor’s days across both zones’ changes', () => {
    const newYorkMornings = technician('nyc', NEW_YORK, [{ start: '08:00', end: '12:00' }]);
    const result = computeAvailability(query(SYDNEY, '2026-10-31', '2026-11-02', [newYorkMornings]));
    expect(startsByDay(result)).toEqual({
      // New York's 09:00–11:00 EDT on 30 October, then its 08:00 EDT on 31 October.
      '2026-10-31': ['00', '01', '02', '23'].map((hour) => `2026-10-31T${hour}:00:00+11:00`),
      // New York's 09:00–11:00 EDT on 31 October; its 08:00 on 1 November (EST) is already 2 November here.
      '2026-11-01': ['00', '01', '02'].map((hour) => `2026-11-01T${hour}:00:00+11:00`),
      '2026-11-02': ['00', '01', '02', '03'].map((hour) => `2026-11-02T${hour}:00:00+11:00`),
    });
  });

  it.each([
    { visitor: 'UTC', technicianZone: SYDNEY, from: '2026-04-01', to: '2026-04-08' },
    { visitor: NEW_YORK, technicianZone: SYDNEY, from: '2026-09-30', to: '2026-10-07' },
    { visitor: SYDNEY, technicianZone: NEW_YORK, from: '2026-03-05', to: '2026-03-11' },
    { visitor: 'Asia/Kathmandu', technicianZone: NEW_YORK, from: '2026-10-29', to: '2026-11-04' },
  ])(
    'gives a $visitor visitor the same instants as a $technicianZone one over the same stretch of time',
    ({ visitor, technicianZone, from, to }) => {
      const calendar = technician('tech', technicianZone, [
        { start: '00:00', end: '05:00' },
        { start: '08:00', end: '12:00' },
        { start: '20:00', end: '24:00' },
      ]);
      const settings = { slotStepMinutes: 30 };
      const seen = computeAvailability(query(visitor, from, to, [calendar], settings));
      const windowStart = localToInstant(visitor, from, 0);
      const windowEnd = localToInstant(visitor, to, 24 * 60);
      // The technician-zone query spans a day more each side so it covers the visitor's window.
      const reference = computeAvailability(
        query(technicianZone, addDays(from, -2), addDays(to, 2), [calendar], settings),
      );
      const instants = (result: Availability) =>
        result.days.flatMap((day) => day.slots.map((slot) => slot.startMs));
      expect(instants(seen)).toEqual(
        instants(reference).filter((instant) => instant >= windowStart && instant < windowEnd),
      );
      expect(instants(seen).length).toBeGreaterThan(0);
    },
  );
});

describe('checkStart across DST changes', () => {
  // Seeded so a failure reproduces.
  function mulberry32(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  it('accepts exactly the technician-starts that computeAvailability offers, and nothing else', () => {
    const random = mulberry32(42);
    const visitor = NEW_YORK;
    const from = '2026-09-30';
    const to = '2026-10-07';
    const windowStart = localToInstant(visitor, from, 0);
    const windowEnd = localToInstant(visitor, to, 24 * 60);
    const split = [
      { start: '07:30', end: '12:00' },
      { start: '13:00', end: '18:30' },
    ];
    const night = [{ start: '01:00', end: '04:30' }];
    const technicians = [
      { zone: SYDNEY, id: 'syd-1' },
      { zone: SYDNEY, id: 'syd-2' },
      { zone: 'Australia/Lord_Howe', id: 'lhi-1' },
      { zone: NEW_YORK, id: 'nyc-1' },
      { zone: 'UTC', id: 'utc-1' },
    ].map(({ zone, id }): TechnicianCalendar => {
      const busy = Array.from({ length: 40 }, () => {
        const start = windowStart + Math.floor(random() * 4 * 24 * 8) * 15 * MINUTE_MS;
        return { start, end: start + (15 + Math.floor(random() * 12) * 15) * MINUTE_MS };
      });
      const timeOffStart = windowStart + Math.floor(random() * 8) * 24 * HOUR_MS;
      return {
        id,
        timeZone: zone,
        weeklyHours: { 1: split, 2: split, 3: split, 4: split, 5: split, 6: night, 7: night },
        overrides: [
          { date: '2026-10-02', hours: [{ start: '10:00', end: '14:00' }] },
          { date: '2026-10-06', hours: [] },
        ],
        timeOff: [{ start: timeOffStart, end: timeOffStart + 10 * HOUR_MS }],
        busy,
      };
    });
    const settings = query(visitor, from, to, technicians, {
      durationMinutes: 60,
      slotStepMinutes: 45,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 20,
      minimumNoticeMinutes: 180,
      horizonDays: 6,
      now: windowStart + 5 * HOUR_MS,
    });

    const offered = new Set<string>();
    for (const day of computeAvailability(settings).days) {
      for (const slot of day.slots) {
        for (const id of slot.technicianIds) offered.add(`${slot.startMs} ${id}`);
      }
    }
    const accepted = new Set<string>();
    const reasons = new Set<string | null>();
    for (let start = windowStart; start < windowEnd; start += 15 * MINUTE_MS) {
      for (const calendar of technicians) {
        const verdict = checkStart(settings, calendar, start);
        reasons.add(verdict);
        if (verdict === null) accepted.add(`${start} ${calendar.id}`);
      }
    }
    expect([...accepted].sort()).toEqual([...offered].sort());
    expect(offered.size).toBeGreaterThan(50);
    // The sample exercised every way to refuse a start.
    expect(reasons).toEqual(
      new Set([null, 'minimum_notice', 'beyond_horizon', 'outside_working_hours', 'slot_unavailable']),
    );
  });
});
