import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/index.js';

export interface RateLimitRule {
  requests: number;
  perSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Hits left in this window, as far as this instance knows (others may have used some). */
  remaining: number;
  /** Whole seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

interface LocalWindow {
  endsAt: number;
  /** Hits counted in the database before our latest block was reserved. */
  countedBefore: number;
  /** Hits of our latest block that we may still hand out. */
  granted: number;
  used: number;
  /** The database said the window is full: refuse locally until it ends. */
  exhausted: boolean;
  /** A block being reserved: simultaneous hits wait for it rather than each reserving their own. */
  reserving?: Promise<unknown> | undefined;
}

export interface RateLimiterOptions {
  now?: () => number;
  /**
   * Share of a limit an instance reserves in one database round trip. 1/100: a limit of 100 or
   * less is counted hit by hit (exact across instances); a busy organization's limit of 120,000 a
   * minute costs one upsert per 1,200 requests, and at most 1 % per instance goes unused.
   */
  blockFraction?: number;
}

/**
 * Fixed-window counters shared by every instance through the `rate_limit_counters` table, so N
 * instances allow the limit once, not N times. Each instance reserves hits in blocks with one
 * upsert and hands them out from memory; once the database says a window is full, the instance
 * refuses from memory until the window ends, so a flood costs the database nothing.
 * Windows are aligned to the epoch and measured by the injected clock, not the database's.
 */
export class RateLimiter {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #blockFraction: number;
  readonly #windows = new Map<string, LocalWindow>();
  #reservations = 0;

  constructor(db: Db, { now = Date.now, blockFraction = 1 / 100 }: RateLimiterOptions = {}) {
    this.#db = db;
    this.#now = now;
    this.#blockFraction = blockFraction;
  }

  /** Counts one hit against `key` and says whether it is within `rule`. */
  async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    const now = this.#now();
    const endsAt = windowEnd(now, rule);
    let window = this.#windows.get(key);
    if (!window || window.endsAt !== endsAt) {
      if (this.#windows.size > 50_000) this.#forgetEnded(now);
      window = { endsAt, countedBefore: 0, granted: 0, used: 0, exhausted: false };
      this.#windows.set(key, window);
    }
    if (window.used < window.granted) {
      window.used += 1;
      return result(rule, now, endsAt, window.countedBefore + window.used);
    }
    if (window.exhausted) return result(rule, now, endsAt, rule.requests + 1);
    if (window.reserving) {
      await window.reserving;
      return this.hit(key, rule);
    }

    const block = Math.max(1, Math.floor(rule.requests * this.#blockFraction));
    const reservation = this.#reserve(key, endsAt, block);
    window.reserving = reservation.catch(() => undefined);
    let total: number;
    try {
      total = await reservation;
    } finally {
      window.reserving = undefined;
    }
    const before = total - block;
    const granted = Math.min(block, Math.max(0, rule.requests - before));
    Object.assign(window, { countedBefore: before, granted, used: 0, exhausted: granted === 0 });
    if (granted === 0) return result(rule, now, endsAt, rule.requests + 1);
    window.used = 1;
    return result(rule, now, endsAt, before + 1);
  }

  /**
   * Takes back one hit of this window, for limits on failures that count every attempt up front
   * (so simultaneous attempts cannot all slip under the limit) and refund the ones that succeed.
   * Exact for limits counted hit by hit (100 or less); larger ones just lose the block in hand.
   */
  async undo(key: string, rule: RateLimitRule): Promise<void> {
    const endsAt = windowEnd(this.#now(), rule);
    this.#windows.delete(key);
    await this.#db.execute(
      sql`update rate_limit_counters set hits = greatest(hits - 1, 0)
          where key = ${key} and window_ends_at = ${new Date(endsAt).toISOString()}`,
    );
  }

  async #reserve(key: string, endsAt: number, block: number): Promise<number> {
    // An instance whose clock runs behind adds to the newer window rather than resetting it.
    const [row] = await queryRows<{ hits: number }>(
      this.#db,
      sql`insert into rate_limit_counters as c (key, window_ends_at, hits)
          values (${key}, ${new Date(endsAt).toISOString()}, ${block})
          on conflict (key) do update set
            hits = case when excluded.window_ends_at > c.window_ends_at then excluded.hits else c.hits + excluded.hits end,
            window_ends_at = greatest(c.window_ends_at, excluded.window_ends_at)
          returning hits`,
    );
    this.#reservations += 1;
    if (this.#reservations % 1000 === 0) this.#sweep();
    return Number(row!.hits);
  }

  /** Ended windows are dead weight; any instance clears them now and then, off the request path. */
  #sweep(): void {
    const before = new Date(this.#now() - 60_000).toISOString();
    this.#db
      .execute(sql`delete from rate_limit_counters where window_ends_at < ${before}`)
      .catch(() => undefined);
  }

  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
  }
}

function windowEnd(now: number, rule: RateLimitRule): number {
  const length = rule.perSeconds * 1000;
  return Math.floor(now / length) * length + length;
}

function result(rule: RateLimitRule, now: number, endsAt: number, count: number): RateLimitResult {
  return {
    allowed: count <= rule.requests,
    limit: rule.requests,
    remaining: Math.max(0, rule.requests - count),
    resetSeconds: Math.max(1, Math.ceil((endsAt - now) / 1000)),
  };
}

/** The IETF draft's RateLimit-* fields, plus Retry-After when the hit was refused. */
export function rateLimitHeaders(limit: RateLimitResult): Record<string, string> {
  return {
    'ratelimit-limit': String(limit.limit),
    'ratelimit-remaining': String(limit.remaining),
    'ratelimit-reset': String(limit.resetSeconds),
    ...(limit.allowed ? {} : { 'retry-after': String(limit.resetSeconds) }),
  };
}
