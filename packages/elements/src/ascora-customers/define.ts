import { defineElement } from '../shared/register.js';
import { CrewAscoraCustomers } from './ascora-customers.js';

export * from './events.js';
export { CrewAscoraCustomers };

defineElement('crew-ascora-customers', CrewAscoraCustomers);

declare global {
  interface HTMLElementTagNameMap {
    'crew-ascora-customers': CrewAscoraCustomers;
  }
}
