import { defineElement } from '../shared/register.js';
import { CrewAscoraConnect } from './ascora-connect.js';

export * from './events.js';
export { CrewAscoraConnect };

defineElement('crew-ascora-connect', CrewAscoraConnect);

declare global {
  interface HTMLElementTagNameMap {
    'crew-ascora-connect': CrewAscoraConnect;
  }
}
