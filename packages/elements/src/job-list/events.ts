import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** A row of the job list: the appointment, its customer, and the statuses the workflow allows next. */
export type Job = components['schemas']['AppointmentListItem'];

/** The user opened a job (click, Enter or Space on its row). */
export class CrewJobSelectedEvent extends Event {
  static readonly type = 'crew-job-selected';
  constructor(public readonly job: Job) {
    super(CrewJobSelectedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-job-selected': CrewJobSelectedEvent;
  }
}
