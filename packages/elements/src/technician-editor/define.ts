import { defineElement } from '../shared/register.js';
import { CrewTechnicianEditor } from './technician-editor.js';

export { CrewTechnicianEditor };

defineElement('crew-technician-editor', CrewTechnicianEditor);

declare global {
  interface HTMLElementTagNameMap {
    'crew-technician-editor': CrewTechnicianEditor;
  }
}
