import { normaliseAscoraTimestamp, parseAscoraTimestamp, toAscoraDate } from '@crewkit/ascora';
import { describe, expect, it } from 'vitest';

describe('parseAscoraTimestamp', () => {
  it.each([
    ['2026-02-17T20:50:55.943Z', '2026-02-17T20:50:55.943Z'],
    ['2026-02-17T20:50:55.943', '2026-02-17T20:50:55.943Z'],
    ['2026-02-17T20:50:55.9430000', '2026-02-17T20:50:55.943Z'],
    ['2026-02-17T20:50:55', '2026-02-17T20:50:55.000Z'],
    ['2026-02-17 20:50', '2026-02-17T20:50:00.000Z'],
    ['2026-02-17', '2026-02-17T00:00:00.000Z'],
    ['2026-02-18T06:50:55+10:00', '2026-02-17T20:50:55.000Z'],
    ['2026-02-17T15:50:55-0500', '2026-02-17T20:50:55.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseAscoraTimestamp(input).toISOString()).toBe(expected);
  });

  it('treats a zoneless value as UTC even on a machine in Brisbane', () => {
    const original = process.env.TZ;
    process.env.TZ = 'Australia/Brisbane';
    try {
      // The trap this avoids: the platform reads a zoneless value in the machine's zone.
      expect(new Date('2026-02-17T20:50:55').toISOString()).toBe('2026-02-17T10:50:55.000Z');
      expect(parseAscoraTimestamp('2026-02-17T20:50:55').toISOString()).toBe('2026-02-17T20:50:55.000Z');
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it.each(['', 'yesterday', '2026-02-30', '2026-13-01T00:00:00Z', '2026-02-17T24:00:00', '17/02/2026'])(
    'rejects %j',
    (input) => {
      expect(() => parseAscoraTimestamp(input)).toThrow(RangeError);
    },
  );
});

describe('normaliseAscoraTimestamp', () => {
  it.each([
    ['2026-02-17T20:50:55.943Z', '2026-02-17T20:50:55.943Z'],
    ['2026-02-17T20:50:55.943', '2026-02-17T20:50:55.943Z'],
    ['2026-02-17T20:50:55', '2026-02-17T20:50:55.000Z'],
    ['2026-02-18T06:50:55.1+10:00', '2026-02-17T20:50:55.100Z'],
    ['2026-02-17', '2026-02-17T00:00:00.000Z'],
  ])('writes %s as %s', (input, expected) => {
    expect(normaliseAscoraTimestamp(input)).toBe(expected);
  });

  it('still refuses an impossible date that already looks canonical', () => {
    expect(() => normaliseAscoraTimestamp('2026-02-29T00:00:00.000Z')).toThrow(RangeError);
    expect(normaliseAscoraTimestamp('2028-02-29T00:00:00.000')).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('toAscoraDate', () => {
  it('formats the UTC day of a Date or a timestamp for query parameters', () => {
    expect(toAscoraDate(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-01');
    expect(toAscoraDate('2026-03-01T23:30:00-05:00')).toBe('2026-03-02');
    expect(toAscoraDate('2026-03-01')).toBe('2026-03-01');
  });
});
