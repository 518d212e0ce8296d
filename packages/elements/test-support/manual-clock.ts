import type { Clock } from '../src/shared/clock.js';

export interface ManualClock extends Clock {
  /** Timers set and neither fired nor cleared: 0 means nothing more will happen on its own. */
  readonly pending: number;
  /** Moves time on by `ms`, firing each timer that falls due, earliest first. */
  advance(ms: number): void;
}

/** A clock that only moves when the test says so. */
export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    get pending() {
      return timers.size;
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        const [id, timer] = due;
        timers.delete(id);
        now = timer.at;
        timer.callback();
      }
      now = until;
    },
  };
}
