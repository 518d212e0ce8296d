import { defineElement } from '../shared/register.js';
import { CrewWebhooks } from './webhooks.js';

export * from './events.js';
export { CrewWebhooks };

defineElement('crew-webhooks', CrewWebhooks);

declare global {
  interface HTMLElementTagNameMap {
    'crew-webhooks': CrewWebhooks;
  }
}
