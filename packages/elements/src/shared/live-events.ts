import type { Crewkit, LiveEvent } from '@crewkit/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps an element current while it is in the page: reads the organization's live event stream
 * (`streamEvents`) and calls `onChange` when an event the element shows arrives. Changes that
 * arrive while `onChange` is still running are folded into one more call, so a burst of 50 moves
 * reloads twice, not 50 times. The SDK reconnects a dropped stream and resumes where it left off.
 * A server without the stream, or a credential not allowed to read it, simply leaves the element
 * as it was (it still refreshes after its own changes).
 */
export class LiveEventsController implements ReactiveController {
  #client: Crewkit | undefined;
  #stop: AbortController | undefined;
  #running: Promise<void> | undefined;
  #pending = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: {
      /** Which events matter to the host, e.g. `appointment.` for anything about appointments. */
      prefixes: readonly string[];
      onChange: (events: LiveEvent[]) => Promise<void> | void;
    },
  ) {
    host.addController(this);
  }

  /** Follows this client's organization from now on (a new client replaces the old stream). */
  follow(client: Crewkit | undefined): void {
    this.#stop?.abort();
    this.#client = client;
    if (client && this.#connected) this.#start(client);
  }

  #connected = false;

  hostConnected(): void {
    this.#connected = true;
    if (this.#client && !this.#stop) this.#start(this.#client);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop?.abort();
    this.#stop = undefined;
  }

  #start(client: Crewkit): void {
    const stop = new AbortController();
    this.#stop = stop;
    void (async () => {
      try {
        for await (const event of client.liveEvents.stream({ signal: stop.signal })) {
          if (this.options.prefixes.some((prefix) => event.type.startsWith(prefix))) this.#changed([event]);
        }
      } catch {
        // Not allowed or not offered: the element works without live updates.
      }
    })();
  }

  #changed(events: LiveEvent[]): void {
    if (this.#running) {
      this.#pending = true;
      return;
    }
    this.#running = (async () => {
      try {
        await this.options.onChange(events);
        while (this.#pending) {
          this.#pending = false;
          await this.options.onChange([]);
        }
      } finally {
        this.#running = undefined;
      }
    })();
  }
}
