import { defineElement } from '../shared/register.js';
import { CrewJobList } from './job-list.js';

export * from './events.js';
export { CrewJobList };

defineElement('crew-job-list', CrewJobList);

declare global {
  interface HTMLElementTagNameMap {
    'crew-job-list': CrewJobList;
  }
}
