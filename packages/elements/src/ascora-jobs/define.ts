import { defineElement } from '../shared/register.js';
import { CrewAscoraJobs } from './ascora-jobs.js';

export { CrewAscoraJobs };

defineElement('crew-ascora-jobs', CrewAscoraJobs);

declare global {
  interface HTMLElementTagNameMap {
    'crew-ascora-jobs': CrewAscoraJobs;
  }
}
