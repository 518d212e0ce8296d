import type { Logger } from '../logger.js';
import type { JobQueue } from './queue.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface DrainLoopOptions {
  /** The pg-boss queue whose jobs (from any process, and the schedule) start a pass. */
  queue: string;
  /**
   * The once-a-minute schedule's key on that queue; none when the owner schedules its sweep itself.
   */
  scheduleKey?: string;
  /** One pass; it returns when nothing is left to do. */
  drain: () => Promise<unknown>;
  logger: Logger;
  /** What the log says when a pass fails (the next poke or the schedule tries again). */
  failure: string;
  /**
   * How long a poke waits before its pass, so that the pokes of that while share one pass (work
   * that is cheaper by the batch than by the piece). None by default: passes start at once.
   */
  lingerMs?: number;
  /** How the loop waits (injected: tests need no real time). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Work drained on demand: a poke right after a commit in this process (low latency), a job on the
 * queue from any process, and a once-a-minute schedule that catches what a crash left behind. A
 * poke during a pass asks for one more pass instead of starting a second at once, so a flood of
 * pokes costs nothing. The outbox dispatcher and the webhook sender both run this way.
 */
export class DrainLoop {
  readonly #options: DrainLoopOptions;
  #live = false;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: DrainLoopOptions) {
    this.#options = options;
  }

  /** Whether pokes start passes (between `start` and `stop`). */
  get live(): boolean {
    return this.#live;
  }

  poke(): void {
    if (!this.#live) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    const { lingerMs, sleep = delay } = this.#options;
    this.#running = (async () => {
      try {
        if (lingerMs) await sleep(lingerMs);
        do {
          this.#again = false;
          await this.#options.drain();
        } while (this.#again && this.#live);
      } catch (error) {
        this.#options.logger.warn({ err: error }, this.#options.failure);
      } finally {
        this.#running = undefined;
      }
    })();
  }

  /** Connects the queue's jobs to passes. Tests leave it at that and drain by hand. */
  attach(queue: JobQueue): void {
    queue.handle(this.#options.queue, async () => {
      await this.#options.drain();
    });
  }

  /** Drains on every poke from now on, and schedules the sweep (the server, not tests). */
  async start(queue: JobQueue | undefined): Promise<void> {
    this.#live = true;
    if (queue && this.#options.scheduleKey !== undefined)
      await queue.boss.schedule(this.#options.queue, '* * * * *', {}, { key: this.#options.scheduleKey });
    this.poke();
  }

  /** Stops draining on pokes and waits for a pass under way. */
  async stop(): Promise<void> {
    this.#live = false;
    await this.#running;
  }
}
