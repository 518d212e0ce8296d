import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

export type JobSheet = components['schemas']['JobSheet'];
export type Appointment = components['schemas']['Appointment'];

/** The server accepted the visit as completed; `event.appointment` is it. */
export class CrewVisitCompletedEvent extends Event {
  static readonly type = 'crew-visit-completed';
  constructor(public readonly appointment: Appointment) {
    super(CrewVisitCompletedEvent.type, eventOptions);
  }
}

/** Every edit made offline has been sent and answered; `event.sent` says how many went out. */
export class CrewEditsSyncedEvent extends Event {
  static readonly type = 'crew-edits-synced';
  constructor(public readonly sent: number) {
    super(CrewEditsSyncedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-visit-completed': CrewVisitCompletedEvent;
    'crew-edits-synced': CrewEditsSyncedEvent;
  }
}
