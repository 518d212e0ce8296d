import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

type Appointment = components['schemas']['Appointment'];

/** A visit was moved on the board and the server accepted it (also fired for an undo). */
export class CrewVisitMovedEvent extends Event {
  static readonly type = 'crew-visit-moved';
  constructor(
    /** The appointment before the move. */
    public readonly from: Appointment,
    /** The appointment the server answered with (a new one after a reschedule). */
    public readonly to: Appointment,
  ) {
    super(CrewVisitMovedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-visit-moved': CrewVisitMovedEvent;
  }
}
