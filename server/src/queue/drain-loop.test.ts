import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { DrainLoop } from './drain-loop.js';

/** A sleep the test releases by hand, so no test waits on real time. */
function manualSleep() {
  const waiting: Array<{ ms: number; wake: () => void }> = [];
  return {
    waiting,
    sleep: (ms: number) => new Promise<void>((wake) => waiting.push({ ms, wake })),
    wakeAll() {
      for (const entry of waiting.splice(0)) entry.wake();
    },
  };
}

function loop(options: { lingerMs?: number; sleep?: (ms: number) => Promise<void> } = {}) {
  const passes: number[] = [];
  let release: (() => void) | undefined;
  let holding = false;
  const drainLoop = new DrainLoop({
    queue: 'test-queue',
    logger: createLogger({ level: 'silent' }),
    failure: 'test pass failed',
    drain: async () => {
      passes.push(passes.length + 1);
      if (holding) await new Promise<void>((resolve) => (release = resolve));
    },
    ...options,
  });
  return {
    drainLoop,
    passes,
    hold() {
      holding = true;
    },
    finishPass() {
      holding = false;
      release?.();
    },
  };
}

describe('DrainLoop', () => {
  it('does nothing on a poke before it starts', async () => {
    const { drainLoop, passes } = loop();
    drainLoop.poke();
    await drainLoop.stop();
    expect(passes).toEqual([]);
  });

  it('runs one more pass for any number of pokes during a pass', async () => {
    const { drainLoop, passes, hold, finishPass } = loop();
    hold();
    await drainLoop.start(undefined); // the first pass starts, and is held
    expect(passes).toEqual([1]);
    drainLoop.poke();
    drainLoop.poke();
    drainLoop.poke();
    finishPass();
    await vi.waitFor(() => expect(passes).toEqual([1, 2]));
    await drainLoop.stop();
    expect(passes).toEqual([1, 2]);
  });

  it('lingers after a poke, so the pokes of that while share one pass', async () => {
    const clock = manualSleep();
    const { drainLoop, passes } = loop({ lingerMs: 100, sleep: clock.sleep });
    await drainLoop.start(undefined);
    expect(clock.waiting.map((entry) => entry.ms)).toEqual([100]);
    drainLoop.poke();
    drainLoop.poke();
    expect(passes).toEqual([]);
    clock.wakeAll();
    await drainLoop.stop();
    expect(passes).toEqual([1]);
    expect(clock.waiting).toEqual([]);
  });
});
