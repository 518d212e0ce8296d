import type { ElementError } from './api.js';

/*
 * One class per event, so listeners get typed details through `GlobalEventHandlersEventMap`, and
 * every event bubbles out of the shadow root (`composed`) so a host page can listen on any ancestor.
 */

/** What every Crewkit event is dispatched with. */
export const eventOptions = { bubbles: true, composed: true } as const;

/** The element has loaded what it needs and is interactive. */
export class CrewReadyEvent extends Event {
  static readonly type = 'crew-ready';
  constructor() {
    super(CrewReadyEvent.type, eventOptions);
  }
}

/** A call failed. The element shows the error itself; this lets the host log or react to it. */
export class CrewErrorEvent extends Event {
  static readonly type = 'crew-error';
  constructor(public readonly error: ElementError) {
    super(CrewErrorEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-ready': CrewReadyEvent;
    'crew-error': CrewErrorEvent;
  }
}
