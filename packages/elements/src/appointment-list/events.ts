import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** A row of the appointment list: the appointment, its customer, and the statuses the workflow allows next. */
export type AppointmentListItem = components['schemas']['AppointmentListItem'];

/** The user opened an appointment (click, Enter or Space on its row). */
export class CrewAppointmentSelectedEvent extends Event {
  static readonly type = 'crew-appointment-selected';
  constructor(public readonly appointment: AppointmentListItem) {
    super(CrewAppointmentSelectedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-appointment-selected': CrewAppointmentSelectedEvent;
  }
}
