import { defineElement } from '../shared/register.js';
import { CrewJobSheet } from './job-sheet.js';

export * from './events.js';
export { CrewJobSheet };

defineElement('crew-job-sheet', CrewJobSheet);

declare global {
  interface HTMLElementTagNameMap {
    'crew-job-sheet': CrewJobSheet;
  }
}
