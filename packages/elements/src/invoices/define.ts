import { defineElement } from '../shared/register.js';
import { CrewInvoices } from './invoices.js';

export * from './events.js';
export { CrewInvoices };

defineElement('crew-invoices', CrewInvoices);

declare global {
  interface HTMLElementTagNameMap {
    'crew-invoices': CrewInvoices;
  }
}
