import { defineElement } from '../shared/register.js';
import { CrewAscoraSync } from './ascora-sync.js';

export * from './events.js';
export { CrewAscoraSync };

defineElement('crew-ascora-sync', CrewAscoraSync);

declare global {
  interface HTMLElementTagNameMap {
    'crew-ascora-sync': CrewAscoraSync;
  }
}
