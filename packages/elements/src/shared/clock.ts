/**
 * The time an element reads and the timers it sets. Elements take one as their `clock` property so a
 * test can pass a manual clock and prove a timer is gone instead of waiting to see nothing happen;
 * host pages never need to set it.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
