import { describe, expect, it } from 'vitest';
import {
  type Availability,
  type AvailabilityQuery,
  checkStart,
  computeAvailability,
  type Day,
  nearestStarts,
  type TechnicianCalendar,
} from './availability.js';

// Brisbane has no DST, which keeps these rule tests about the rules; dst.test.ts covers the zones.
const ZONE = 'Australia/Brisbane';
/** '2026-06-01T09:00' in Brisbane → epoch ms. 2026-06-01 is a Monday. */
const at = (local: string) => Date.parse(`${local}:00+10:00`);
const MONDAY = '2026-06-01';

const morning = [{ start: '09:00', end: '12:00' }];

function technician(id: string, calendar: Partial<TechnicianCalendar> = {}): TechnicianCalendar {
  return {
    id,
    timeZone: ZONE,
    weeklyHours: { 1: morning, 2: morning, 3: morning, 4: morning, 5: morning },
    overrides: [],
    timeOff: [],
    busy: [],
    ...calendar,
  };
}

function query(overrides: Partial<AvailabilityQuery> = {}): AvailabilityQuery {
  return {
    from: MONDAY,
    to: MONDAY,
    timeZone: ZONE,
    durationMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    slotStepMinutes: 30,
    minimumNoticeMinutes: 0,
    horizonDays: 60,
    now: at('2026-05-25T00:00'),
    technicians: [technician('tech-a')],
    ...overrides,
  };
}

function dayOf(result: Availability, date: string): Day {
  const day = result.days.find((candidate) => candidate.date === date);
  if (!day) throw new Error(`no day ${date}`);
  return day;
}

/** Local 'HH:MM' of each slot start on `date`. */
function times(result: Availability, date = MONDAY): string[] {
  return dayOf(result, date).slots.map((slot) => slot.start.slice(11, 16));
}

describe('the slot grid', () => {
  it('offers starts every step from the interval start while the appointment still fits', () => {
    const result = computeAvailability(query());
    expect(times(result)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00']);
    const first = dayOf(result, MONDAY).slots[0]!;
    expect(first).toEqual({
      start: '2026-06-01T09:00:00+10:00',
      startMs: at('2026-06-01T09:00'),
      technicianIds: ['tech-a'],
      available: 1,
    });
  });

  it('lays a step that differs from the duration over each interval from its own start', () => {
    expect(times(computeAvailability(query({ slotStepMinutes: 45 })))).toEqual(['09:00', '09:45', '10:30']);
    expect(times(computeAvailability(query({ slotStepMinutes: 60, durationMinutes: 90 })))).toEqual([
      '09:00',
      '10:00',
    ]);
  });

  it('offers starts from each of several intervals in a day', () => {
    const split = [
      { start: '13:00', end: '15:00' },
      { start: '08:00', end: '10:00' },
    ];
    const result = computeAvailability(
      query({ slotStepMinutes: 60, technicians: [technician('tech-a', { weeklyHours: { 1: split } })] }),
    );
    expect(times(result)).toEqual(['08:00', '09:00', '13:00', '14:00']);
  });

  it('counts a start once when a technician lists overlapping intervals', () => {
    const overlapping = [
      { start: '09:00', end: '11:00' },
      { start: '10:00', end: '12:00' },
    ];
    const result = computeAvailability(
      query({
        slotStepMinutes: 60,
        technicians: [technician('tech-a', { weeklyHours: { 1: overlapping } })],
      }),
    );
    expect(times(result)).toEqual(['09:00', '10:00', '11:00']);
  });

  it('reads 24:00 as the end of the day', () => {
    const evening = [{ start: '21:00', end: '24:00' }];
    const result = computeAvailability(
      query({ slotStepMinutes: 60, technicians: [technician('tech-a', { weeklyHours: { 1: evening } })] }),
    );
    expect(times(result)).toEqual(['21:00', '22:00', '23:00']);
  });

  it('returns every date of the range in order, empty ones included', () => {
    const result = computeAvailability(query({ to: '2026-06-14' }));
    expect(result.timeZone).toBe(ZONE);
    expect(result.days.map((day) => day.date)).toEqual([
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
      '2026-06-04',
      '2026-06-05',
      '2026-06-06',
      '2026-06-07',
      '2026-06-08',
      '2026-06-09',
      '2026-06-10',
      '2026-06-11',
      '2026-06-12',
      '2026-06-13',
      '2026-06-14',
    ]);
    expect(dayOf(result, '2026-06-06')).toEqual({
      date: '2026-06-06',
      slots: [],
      reason: 'outside_working_hours',
    });
    expect(times(result, '2026-06-12')).toHaveLength(5);
  });
});

describe('overrides', () => {
  it('take a technician off for the whole date with empty hours', () => {
    const result = computeAvailability(
      query({
        to: '2026-06-02',
        technicians: [technician('tech-a', { overrides: [{ date: MONDAY, hours: [] }] })],
      }),
    );
    expect(dayOf(result, MONDAY)).toEqual({ date: MONDAY, slots: [], reason: 'outside_working_hours' });
    expect(times(result, '2026-06-02')).toHaveLength(5);
  });

  it('replace the weekly hours of that date, including a date with no weekly hours', () => {
    const result = computeAvailability(
      query({
        to: '2026-06-06',
        slotStepMinutes: 60,
        technicians: [
          technician('tech-a', {
            overrides: [
              { date: MONDAY, hours: [{ start: '14:00', end: '16:00' }] },
              { date: '2026-06-06', hours: [{ start: '10:00', end: '11:00' }] },
            ],
          }),
        ],
      }),
    );
    expect(times(result, MONDAY)).toEqual(['14:00', '15:00']);
    expect(times(result, '2026-06-02')).toEqual(['09:00', '10:00', '11:00']);
    expect(times(result, '2026-06-06')).toEqual(['10:00']);
  });
});

describe('bookings, holds and time off', () => {
  it('remove starts whose appointment overlaps time off', () => {
    const timeOff = [{ start: at('2026-06-01T10:30'), end: at('2026-06-01T11:30') }];
    const result = computeAvailability(query({ technicians: [technician('tech-a', { timeOff })] }));
    expect(times(result)).toEqual(['09:00', '09:30']);
  });

  it('keep both buffers of the new appointment clear of busy intervals', () => {
    const busy = [{ start: at('2026-06-01T10:00'), end: at('2026-06-01T11:00') }];
    const result = computeAvailability(
      query({
        slotStepMinutes: 15,
        bufferBeforeMinutes: 15,
        bufferAfterMinutes: 30,
        technicians: [technician('tech-a', { weeklyHours: { 1: [{ start: '08:00', end: '14:00' }] }, busy })],
      }),
    );
    // 08:30 + 60 + 30 ends exactly at 10:00 and 11:15 − 15 starts exactly at 11:00: both touch, neither overlaps.
    expect(times(result)).toEqual([
      '08:00',
      '08:15',
      '08:30',
      '11:15',
      '11:30',
      '11:45',
      '12:00',
      '12:15',
      '12:30',
      '12:45',
      '13:00',
    ]);
  });

  it('let buffers reach outside working hours but never into another booking', () => {
    const settings = { slotStepMinutes: 60, bufferBeforeMinutes: 30, bufferAfterMinutes: 30 };
    expect(times(computeAvailability(query(settings)))).toEqual(['09:00', '10:00', '11:00']);
    const busy = [
      { start: at('2026-06-01T08:00'), end: at('2026-06-01T08:45') },
      { start: at('2026-06-01T12:15'), end: at('2026-06-01T13:00') },
    ];
    expect(
      times(computeAvailability(query({ ...settings, technicians: [technician('tech-a', { busy })] }))),
    ).toEqual(['10:00']);
  });

  it('does not widen busy intervals again, since they arrive already buffered', () => {
    const busy = [{ start: at('2026-06-01T10:00'), end: at('2026-06-01T11:00') }];
    const result = computeAvailability(
      query({ slotStepMinutes: 60, technicians: [technician('tech-a', { busy })] }),
    );
    expect(times(result)).toEqual(['09:00', '11:00']);
  });
});

describe('notice and horizon', () => {
  it('drop starts earlier than now plus the minimum notice', () => {
    const result = computeAvailability(
      query({ to: '2026-06-02', now: at('2026-06-01T09:10'), minimumNoticeMinutes: 60 }),
    );
    expect(times(result)).toEqual(['10:30', '11:00']);
    expect(times(result, '2026-06-02')).toHaveLength(5);
  });

  it('keep a start exactly at now plus notice', () => {
    const result = computeAvailability(query({ now: at('2026-06-01T08:00'), minimumNoticeMinutes: 60 }));
    expect(times(result)[0]).toBe('09:00');
  });

  it('keep starts up to and including now plus the horizon', () => {
    const result = computeAvailability(
      query({ to: '2026-06-02', now: at('2026-05-31T10:00'), horizonDays: 1 }),
    );
    expect(times(result)).toEqual(['09:00', '09:30', '10:00']);
    expect(dayOf(result, '2026-06-02').reason).toBe('beyond_horizon');
  });
});

describe('reasons for empty days', () => {
  it('say no_qualified_technician for every day when nobody qualifies', () => {
    const result = computeAvailability(
      query({ to: '2026-06-07', technicians: [], now: at('2026-06-10T00:00') }),
    );
    expect(result.days.map((day) => day.reason)).toEqual(Array(7).fill('no_qualified_technician'));
    expect(result.days.every((day) => day.slots.length === 0)).toBe(true);
  });

  it('say minimum_notice for a day that ends before the earliest start, whatever its hours', () => {
    const result = computeAvailability(
      query({ from: '2026-05-31', to: '2026-06-03', now: at('2026-06-02T23:00'), minimumNoticeMinutes: 60 }),
    );
    expect(result.days.map((day) => day.reason)).toEqual([
      'minimum_notice',
      'minimum_notice',
      'minimum_notice',
      undefined,
    ]);
  });

  it('say minimum_notice when the notice removed the last starts of a working day', () => {
    const result = computeAvailability(query({ now: at('2026-06-01T11:30') }));
    expect(dayOf(result, MONDAY)).toEqual({ date: MONDAY, slots: [], reason: 'minimum_notice' });
  });

  it('say beyond_horizon for days starting after the horizon, whatever their hours', () => {
    const result = computeAvailability(
      query({ to: '2026-06-07', now: at('2026-06-01T00:00'), horizonDays: 2 }),
    );
    expect(result.days.map((day) => day.reason)).toEqual([
      undefined,
      undefined,
      'beyond_horizon',
      'beyond_horizon',
      'beyond_horizon',
      'beyond_horizon',
      'beyond_horizon',
    ]);
  });

  it('say beyond_horizon when the horizon falls before the first start of a working day', () => {
    const result = computeAvailability(query({ now: at('2026-05-31T05:00'), horizonDays: 1 }));
    expect(dayOf(result, MONDAY).reason).toBe('beyond_horizon');
  });

  it('say outside_working_hours when nobody works that day or the hours cannot hold the appointment', () => {
    const sunday = computeAvailability(query({ from: '2026-06-07', to: '2026-06-07' }));
    expect(sunday.days[0]?.reason).toBe('outside_working_hours');
    const tooShort = computeAvailability(query({ durationMinutes: 240 }));
    expect(tooShort.days[0]?.reason).toBe('outside_working_hours');
  });

  it('say fully_booked when working hours exist but bookings and time off take every start', () => {
    const busy = [{ start: at('2026-06-01T09:00'), end: at('2026-06-01T10:30') }];
    const timeOff = [{ start: at('2026-06-01T10:30'), end: at('2026-06-01T12:00') }];
    const result = computeAvailability(query({ technicians: [technician('tech-a', { busy, timeOff })] }));
    expect(dayOf(result, MONDAY)).toEqual({ date: MONDAY, slots: [], reason: 'fully_booked' });
  });
});

describe('any technician', () => {
  it('lists every free technician per start, sorted by id, with the count', () => {
    const busy = [{ start: at('2026-06-01T11:00'), end: at('2026-06-01T12:00') }];
    const result = computeAvailability(
      query({
        slotStepMinutes: 60,
        technicians: [
          technician('tech-b', { weeklyHours: { 1: [{ start: '10:00', end: '13:00' }] }, busy }),
          technician('tech-a'),
        ],
      }),
    );
    expect(
      dayOf(result, MONDAY).slots.map(({ start, technicianIds, available }) => [
        start,
        technicianIds,
        available,
      ]),
    ).toEqual([
      ['2026-06-01T09:00:00+10:00', ['tech-a'], 1],
      ['2026-06-01T10:00:00+10:00', ['tech-a', 'tech-b'], 2],
      ['2026-06-01T11:00:00+10:00', ['tech-a'], 1],
      ['2026-06-01T12:00:00+10:00', ['tech-b'], 1],
    ]);
  });

  it('keeps starts on different grids as separate slots', () => {
    const result = computeAvailability(
      query({
        slotStepMinutes: 60,
        technicians: [
          technician('tech-a'),
          technician('tech-c', { weeklyHours: { 1: [{ start: '09:15', end: '12:00' }] } }),
        ],
      }),
    );
    expect(dayOf(result, MONDAY).slots.map((slot) => [slot.start.slice(11, 16), slot.technicianIds])).toEqual(
      [
        ['09:00', ['tech-a']],
        ['09:15', ['tech-c']],
        ['10:00', ['tech-a']],
        ['10:15', ['tech-c']],
        ['11:00', ['tech-a']],
      ],
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    const input = query({ to: '2026-06-05', technicians: [technician('tech-b'), technician('tech-a')] });
    const before = JSON.stringify(input);
    const first = computeAvailability(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(computeAvailability(input)).toEqual(first);
  });
});

describe('checkStart', () => {
  const calendar = technician('tech-a', {
    weeklyHours: { 1: [{ start: '08:00', end: '12:00' }] },
    busy: [{ start: at('2026-06-01T10:00'), end: at('2026-06-01T10:30') }],
  });
  const settings = query({ bufferBeforeMinutes: 15, bufferAfterMinutes: 15, now: at('2026-06-01T00:00') });

  it('accepts exactly the starts computeAvailability offers', () => {
    const offered = dayOf(computeAvailability({ ...settings, technicians: [calendar] }), MONDAY).slots;
    expect(offered.map((slot) => slot.start.slice(11, 16))).toEqual(['08:00', '08:30', '11:00']);
    for (const slot of offered) expect(checkStart(settings, calendar, slot.startMs)).toBeNull();
  });

  it('rejects a start whose buffers, not the appointment itself, overlap a booking', () => {
    expect(checkStart(settings, calendar, at('2026-06-01T09:00'))).toBe('slot_unavailable');
    expect(checkStart(settings, calendar, at('2026-06-01T10:30'))).toBe('slot_unavailable');
  });

  it('rejects a start off the slot grid', () => {
    expect(checkStart(settings, calendar, at('2026-06-01T08:10'))).toBe('slot_unavailable');
  });

  it('rejects an appointment that does not fit inside working hours', () => {
    expect(checkStart(settings, calendar, at('2026-06-01T11:30'))).toBe('outside_working_hours');
    expect(checkStart(settings, calendar, at('2026-06-01T13:00'))).toBe('outside_working_hours');
    expect(checkStart(settings, calendar, at('2026-06-02T08:00'))).toBe('outside_working_hours');
  });

  it('rejects starts inside the minimum notice or past the horizon', () => {
    expect(checkStart({ ...settings, now: at('2026-06-01T08:10') }, calendar, at('2026-06-01T08:00'))).toBe(
      'minimum_notice',
    );
    expect(
      checkStart(
        { ...settings, now: at('2026-06-01T07:00'), minimumNoticeMinutes: 90 },
        calendar,
        at('2026-06-01T08:00'),
      ),
    ).toBe('minimum_notice');
    const horizon = { ...settings, now: at('2026-05-02T09:00'), horizonDays: 30 };
    expect(checkStart(horizon, calendar, at('2026-06-01T08:30'))).toBeNull();
    expect(checkStart(horizon, calendar, at('2026-06-01T11:00'))).toBe('beyond_horizon');
  });

  it('rejects a start inside time off', () => {
    const away = { ...calendar, timeOff: [{ start: at('2026-06-01T00:00'), end: at('2026-06-02T00:00') }] };
    expect(checkStart(settings, away, at('2026-06-01T08:00'))).toBe('slot_unavailable');
  });
});

describe('nearestStarts', () => {
  const days = computeAvailability(query({ to: '2026-06-02' })).days;
  const hhmm = (starts: string[]) => starts.map((start) => start.slice(5, 16));

  it('orders the closest starts by distance from the target', () => {
    expect(hhmm(nearestStarts(days, at('2026-06-01T10:10'), 3))).toEqual([
      '06-01T10:00',
      '06-01T10:30',
      '06-01T09:30',
    ]);
  });

  it('puts the earlier of two equally close starts first', () => {
    expect(hhmm(nearestStarts(days, at('2026-06-01T10:15'), 2))).toEqual(['06-01T10:00', '06-01T10:30']);
  });

  it('puts an exact match first and looks across days', () => {
    expect(hhmm(nearestStarts(days, at('2026-06-02T09:00'), 2))).toEqual(['06-02T09:00', '06-02T09:30']);
    // 22:00 sits 11 h after Monday's last start and 11 h before Tuesday's first.
    expect(hhmm(nearestStarts(days, at('2026-06-01T22:00'), 4))).toEqual([
      '06-01T11:00',
      '06-02T09:00',
      '06-01T10:30',
      '06-02T09:30',
    ]);
    expect(hhmm(nearestStarts(days, at('2026-05-30T00:00'), 2))).toEqual(['06-01T09:00', '06-01T09:30']);
  });

  it('returns at most count starts, and all of them when there are fewer', () => {
    expect(nearestStarts(days, at('2026-06-01T10:00'), 0)).toEqual([]);
    expect(nearestStarts(days, at('2026-06-01T10:00'), 50)).toHaveLength(10);
    expect(nearestStarts([], at('2026-06-01T10:00'), 3)).toEqual([]);
  });
});

describe('invalid queries', () => {
  it('allow 62 days and refuse 63 or a range that ends before it starts', () => {
    expect(computeAvailability(query({ to: '2026-08-01' })).days).toHaveLength(62);
    expect(() => computeAvailability(query({ to: '2026-08-02' }))).toThrow(RangeError);
    expect(() => computeAvailability(query({ to: '2026-05-31' }))).toThrow(RangeError);
  });

  it('refuse bad dates, zones, durations and steps', () => {
    expect(() => computeAvailability(query({ from: '2026-02-30' }))).toThrow(RangeError);
    expect(() => computeAvailability(query({ timeZone: 'Nowhere/Special' }))).toThrow(RangeError);
    expect(() => computeAvailability(query({ slotStepMinutes: 0 }))).toThrow(RangeError);
    expect(() => computeAvailability(query({ durationMinutes: -30 }))).toThrow(RangeError);
    expect(() => computeAvailability(query({ bufferAfterMinutes: Number.NaN }))).toThrow(RangeError);
  });

  it('refuse malformed working hours', () => {
    for (const hours of [
      [{ start: '25:00', end: '26:00' }],
      [{ start: '24:00', end: '24:00' }],
      [{ start: '10:00', end: '09:00' }],
      [{ start: '9:00', end: '10:00' }],
    ]) {
      expect(() =>
        computeAvailability(query({ technicians: [technician('tech-a', { weeklyHours: { 1: hours } })] })),
      ).toThrow(RangeError);
    }
  });
});
