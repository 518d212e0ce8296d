import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce.js';

describe('Coalescer', () => {
  it('answers lookups asked for in one turn with one call, each caller its own answer', async () => {
    const calls: number[][] = [];
    const squares = new Coalescer<number, number>(async (keys) => {
      calls.push(keys);
      return keys.map((key) => key * key);
    });
    // Callers whose earlier awaits settle together, as a group-commit batch's bookings do.
    const settled = Promise.resolve();
    const answers = await Promise.all([2, 3, 4].map(async (n) => settled.then(() => squares.load(n))));
    expect(answers).toEqual([4, 9, 16]);
    expect(calls).toEqual([[2, 3, 4]]);
    expect(await squares.load(5)).toBe(25);
    expect(calls).toEqual([[2, 3, 4], [5]]);
  });

  it('fails every caller of a call that failed, and the next turn starts afresh', async () => {
    let fail = true;
    const lookups = new Coalescer<string, string>(async (keys) => {
      if (fail) throw new Error('database gone');
      return keys.map((key) => key.toUpperCase());
    });
    const results = await Promise.allSettled([lookups.load('a'), lookups.load('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await lookups.load('c')).toBe('C');
  });
});
