import { defineElement } from '../shared/register.js';
import { CrewAppointmentList } from './appointment-list.js';
import { CrewJobList, CrewJobSelectedEvent } from './job-list-alias.js';

export * from './events.js';
export { CrewAppointmentList, CrewJobList, CrewJobSelectedEvent };

defineElement('crew-appointment-list', CrewAppointmentList);
// The element's first name, kept so pages written for it still work (see job-list-alias.ts).
defineElement('crew-job-list', CrewJobList);

declare global {
  interface HTMLElementTagNameMap {
    'crew-appointment-list': CrewAppointmentList;
    /** @deprecated Use `crew-appointment-list`. */
    'crew-job-list': CrewJobList;
  }
}
