import { eventOptions } from '../shared/events.js';
import { CrewAppointmentList } from './appointment-list.js';
import { type AppointmentListItem, CrewAppointmentSelectedEvent } from './events.js';

/**
 * `crew-job-selected`, fired by `<crew-job-list>` alongside `crew-appointment-selected`.
 * @deprecated Listen for `crew-appointment-selected`; `event.appointment` is the row.
 */
export class CrewJobSelectedEvent extends Event {
  static readonly type = 'crew-job-selected';
  constructor(public readonly job: AppointmentListItem) {
    super(CrewJobSelectedEvent.type, eventOptions);
  }
}

let warned = false;

/**
 * The appointment list under its first name. It was renamed because it lists appointments (visits),
 * while a "job" is the work order they belong to. Pages written for it keep working: same
 * attributes, parts and custom properties, and it still fires `crew-job-selected`. It says so once
 * per page in the console.
 *
 * @deprecated Use `<crew-appointment-list>`.
 * @tagname crew-job-list
 * @summary Deprecated name of `<crew-appointment-list>`.
 * @event crew-job-selected - Deprecated: an appointment was opened; `event.job` is the row.
 */
export class CrewJobList extends CrewAppointmentList {
  constructor() {
    super();
    this.addEventListener(CrewAppointmentSelectedEvent.type, (event) =>
      this.dispatchEvent(new CrewJobSelectedEvent(event.appointment)),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (warned) return;
    warned = true;
    console.warn(
      '<crew-job-list> is deprecated: use <crew-appointment-list>, which takes the same attributes ' +
        'and fires crew-appointment-selected (event.appointment) instead of crew-job-selected.',
    );
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-job-selected': CrewJobSelectedEvent;
  }
}
