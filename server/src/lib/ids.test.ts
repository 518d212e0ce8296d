import { describe, expect, it } from 'vitest';
import { newId, randomBytesPooled } from './ids.js';

describe('ids', () => {
  it('are UUIDv7 strings', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sort in creation order, even many within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('randomBytesPooled', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 8 KiB a pool: 3,000 draws of 16 bytes refill it five times.
    for (let i = 0; i < 3000; i++) seen.add(randomBytesPooled(16).toString('hex'));
    expect(seen.size).toBe(3000);
    expect(randomBytesPooled(10_000)).toHaveLength(10_000);
  });
});
