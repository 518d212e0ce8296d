import { describe, expect, it } from 'vitest';
import {
  addDays,
  civilFromDays,
  daysBetween,
  daysFromCivil,
  formatInstant,
  fromEpochDay,
  HOUR_MS,
  isoWeekday,
  localDateOf,
  localToInstant,
  offsetAt,
  toEpochDay,
} from './time.js';

const at = (iso: string) => Date.parse(iso);
const hm = (hours: number, minutes = 0) => hours * 60 + minutes;

describe('calendar dates', () => {
  it('round-trip between dates and epoch days over four centuries', () => {
    for (let day = daysFromCivil(1900, 1, 1); day <= daysFromCivil(2300, 12, 31); day += 17) {
      const { year, month, day: dayOfMonth } = civilFromDays(day);
      expect(daysFromCivil(year, month, dayOfMonth)).toBe(day);
      expect(toEpochDay(fromEpochDay(day))).toBe(day);
    }
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(fromEpochDay(-1)).toBe('1969-12-31');
  });

  it('add days across months, years and leap days, forwards and backwards', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-04-05', 0)).toBe('2026-04-05');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('number weekdays the ISO way, Monday 1 to Sunday 7', () => {
    expect(isoWeekday('2026-06-01')).toBe(1);
    expect(isoWeekday('2026-06-06')).toBe(6);
    expect(isoWeekday('2026-06-07')).toBe(7);
    expect(isoWeekday('2024-02-29')).toBe(4);
    expect(isoWeekday('1969-12-31')).toBe(3);
  });

  it('reject strings that are not real dates', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00', '']) {
      expect(() => toEpochDay(bad)).toThrow(RangeError);
    }
  });
});

describe('zone offsets and local dates', () => {
  it('read the offset in force at an instant, either side of a transition', () => {
    expect(offsetAt('Australia/Sydney', at('2026-04-04T15:59:59Z'))).toBe(11 * HOUR_MS);
    expect(offsetAt('Australia/Sydney', at('2026-04-04T16:00:00Z'))).toBe(10 * HOUR_MS);
    expect(offsetAt('America/New_York', at('2026-03-08T06:59:59.999Z'))).toBe(-5 * HOUR_MS);
    expect(offsetAt('America/New_York', at('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR_MS);
    expect(offsetAt('Asia/Kathmandu', at('2026-01-01T00:00:00Z'))).toBe(5.75 * HOUR_MS);
    expect(offsetAt('UTC', at('2026-01-01T00:00:00Z'))).toBe(0);
  });

  it('give the local date of an instant in the zone, not in UTC', () => {
    const instant = at('2026-04-04T14:30:00Z');
    expect(localDateOf('Australia/Sydney', instant)).toBe('2026-04-05');
    expect(localDateOf('UTC', instant)).toBe('2026-04-04');
    expect(localDateOf('America/New_York', at('2026-01-01T04:59:59Z'))).toBe('2025-12-31');
  });

  it('format instants with the zone offset, never Z', () => {
    expect(formatInstant('Australia/Sydney', at('2026-04-04T23:00:00Z'))).toBe('2026-04-05T09:00:00+10:00');
    expect(formatInstant('Australia/Sydney', at('2026-04-03T22:00:00Z'))).toBe('2026-04-04T09:00:00+11:00');
    expect(formatInstant('America/New_York', at('2026-07-01T13:00:00Z'))).toBe('2026-07-01T09:00:00-04:00');
    expect(formatInstant('UTC', at('2026-07-01T13:00:00Z'))).toBe('2026-07-01T13:00:00+00:00');
    expect(formatInstant('Asia/Kolkata', at('2026-07-01T13:00:00.250Z'))).toBe(
      '2026-07-01T18:30:00.250+05:30',
    );
  });

  it('print local-mean-time offsets to the second so the text stays exact', () => {
    expect(formatInstant('Australia/Sydney', at('1890-01-01T00:00:00Z'))).toBe(
      '1890-01-01T10:04:52+10:04:52',
    );
  });

  it('reject zones the runtime does not know', () => {
    expect(() => offsetAt('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});

describe('wall clock to instant', () => {
  it('convert ordinary local times with the offset of that day', () => {
    expect(localToInstant('Australia/Sydney', '2026-04-04', hm(9))).toBe(at('2026-04-04T09:00:00+11:00'));
    expect(localToInstant('Australia/Sydney', '2026-04-06', hm(9))).toBe(at('2026-04-06T09:00:00+10:00'));
    expect(localToInstant('America/New_York', '2026-03-08', hm(9))).toBe(at('2026-03-08T09:00:00-04:00'));
  });

  it('read 24:00 as the next local midnight', () => {
    expect(localToInstant('Australia/Sydney', '2026-04-04', hm(24))).toBe(
      localToInstant('Australia/Sydney', '2026-04-05', 0),
    );
  });

  it('shift a time in a spring-forward gap forward by the length of the gap', () => {
    // Sydney 2026-10-04: 02:00 AEST → 03:00 AEDT, so 02:30 does not exist and means 03:30.
    expect(localToInstant('Australia/Sydney', '2026-10-04', hm(2, 30))).toBe(at('2026-10-04T03:30:00+11:00'));
    expect(localToInstant('Australia/Sydney', '2026-10-04', hm(2))).toBe(at('2026-10-04T03:00:00+11:00'));
    // New York 2026-03-08: 02:00 EST → 03:00 EDT.
    expect(localToInstant('America/New_York', '2026-03-08', hm(2, 15))).toBe(at('2026-03-08T03:15:00-04:00'));
  });

  it('take the earlier instant for a time that happens twice after falling back', () => {
    // Sydney 2026-04-05: 03:00 AEDT → 02:00 AEST, so 02:00–02:59 happen twice.
    expect(localToInstant('Australia/Sydney', '2026-04-05', hm(2, 30))).toBe(at('2026-04-05T02:30:00+11:00'));
    expect(localToInstant('Australia/Sydney', '2026-04-05', hm(3))).toBe(at('2026-04-05T03:00:00+10:00'));
    // New York 2026-11-01: 02:00 EDT → 01:00 EST.
    expect(localToInstant('America/New_York', '2026-11-01', hm(1, 30))).toBe(at('2026-11-01T01:30:00-04:00'));
    // Lord Howe falls back only half an hour (02:00 → 01:30).
    expect(localToInstant('Australia/Lord_Howe', '2026-04-05', hm(1, 45))).toBe(
      at('2026-04-05T01:45:00+11:00'),
    );
  });

  it('start a day whose midnight falls in a gap at the end of the gap', () => {
    // Chile springs forward at midnight: 2026-09-06 begins at 01:00.
    expect(localToInstant('America/Santiago', '2026-09-06', 0)).toBe(at('2026-09-06T01:00:00-03:00'));
  });
});
