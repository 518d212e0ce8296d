import { defineElement } from '../shared/register.js';
import { CrewNotificationSettings } from './notification-settings.js';

export * from './events.js';
export { CrewNotificationSettings };

defineElement('crew-notification-settings', CrewNotificationSettings);

declare global {
  interface HTMLElementTagNameMap {
    'crew-notification-settings': CrewNotificationSettings;
  }
}
