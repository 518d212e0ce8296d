/**
 * Whether this process should be sent traffic, as `/readyz` reports it. A process is alive
 * (`/healthz`) long before and long after it is ready: it starts before its background work is
 * running, and it stops being ready the moment it is asked to shut down, while it still finishes
 * the requests it has, so a load balancer moves new ones elsewhere first.
 */
export type ReadinessState = 'starting' | 'ready' | 'draining';

export class Readiness {
  #state: ReadinessState;

  constructor(state: ReadinessState = 'starting') {
    this.#state = state;
  }

  get state(): ReadinessState {
    return this.#state;
  }

  /** Start-up is complete. Once draining, a process never becomes ready again. */
  ready(): void {
    if (this.#state === 'starting') this.#state = 'ready';
  }

  drain(): void {
    this.#state = 'draining';
  }
}
