import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test-support/harness.js';
import type { Database } from '../db/index.js';
import { RateLimiter } from './rate-limiter.js';

describe('the shared rate limiter', () => {
  let database: Database;
  let clock = Date.parse('2026-03-02T09:00:00Z');
  const now = () => clock;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('allows a limit once across two instances, not once each', async () => {
    const rule = { requests: 5, perSeconds: 60 };
    const [a, b] = [new RateLimiter(database.db, { now }), new RateLimiter(database.db, { now })];
    const allowed: boolean[] = [];
    for (const limiter of [a, b, a, b, a, b, a]) allowed.push((await limiter.hit('exact', rule)).allowed);
    expect(allowed).toEqual([true, true, true, true, true, false, false]);
  });

  it('never lets instances reserving hits in blocks allow more than the limit between them', async () => {
    const rule = { requests: 1000, perSeconds: 60 };
    const limiters = [0, 1, 2].map(() => new RateLimiter(database.db, { now }));
    let allowed = 0;
    for (let i = 0; i < 1500; i++) if ((await limiters[i % 3]!.hit('blocks', rule)).allowed) allowed += 1;
    expect(allowed).toBeLessThanOrEqual(1000);
    expect(allowed).toBeGreaterThan(1000 - 3 * 10);
  });

  it('reserves one block for simultaneous hits on one instance, not one block each', async () => {
    const rule = { requests: 1000, perSeconds: 60 };
    const limiter = new RateLimiter(database.db, { now });
    const answers = await Promise.all(Array.from({ length: 10 }, () => limiter.hit('simultaneous', rule)));
    expect(answers.every((a) => a.allowed)).toBe(true);
    const other = new RateLimiter(database.db, { now });
    // Ten hits used one block of ten, so the other instance finds 990 left, not 900.
    expect((await other.hit('simultaneous', rule)).remaining).toBe(1000 - 11);
  });

  it('starts counting again when the window ends, and says when that is', async () => {
    const rule = { requests: 1, perSeconds: 60 };
    const limiter = new RateLimiter(database.db, { now });
    clock = Date.parse('2026-03-02T10:00:15Z');
    expect((await limiter.hit('window', rule)).allowed).toBe(true);
    const refused = await limiter.hit('window', rule);
    expect(refused).toEqual({ allowed: false, limit: 1, remaining: 0, resetSeconds: 45 });
    clock += 45_000;
    expect((await limiter.hit('window', rule)).allowed).toBe(true);
  });

  it('reports what is left of the limit', async () => {
    const rule = { requests: 3, perSeconds: 60 };
    const limiter = new RateLimiter(database.db, { now });
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) remaining.push((await limiter.hit('remaining', rule)).remaining);
    expect(remaining).toEqual([2, 1, 0, 0]);
  });

  it('takes back a hit that is undone, for every instance', async () => {
    const rule = { requests: 1, perSeconds: 60 };
    const [a, b] = [new RateLimiter(database.db, { now }), new RateLimiter(database.db, { now })];
    await a.hit('undo', rule);
    await a.undo('undo', rule);
    expect((await b.hit('undo', rule)).allowed).toBe(true);
    expect((await a.hit('undo', rule)).allowed).toBe(false);
  });
});
