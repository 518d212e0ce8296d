import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

export type NotificationSettings = components['schemas']['NotificationSettings'];
export type MessageTemplate = components['schemas']['MessageTemplate'];
export type MessageType = components['schemas']['MessageType'];
export type MessageLanguage = components['schemas']['MessageLanguage'];
export type NotificationChannel = components['schemas']['NotificationChannel'];

/** The organization's message settings were saved; `event.settings` is what is now in force. */
export class CrewNotificationSettingsSavedEvent extends Event {
  static readonly type = 'crew-notification-settings-saved';
  constructor(public readonly settings: NotificationSettings) {
    super(CrewNotificationSettingsSavedEvent.type, eventOptions);
  }
}

/** A message's template in one language was saved (or reset); `event.template` is it. */
export class CrewMessageTemplateSavedEvent extends Event {
  static readonly type = 'crew-message-template-saved';
  constructor(public readonly template: MessageTemplate) {
    super(CrewMessageTemplateSavedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-notification-settings-saved': CrewNotificationSettingsSavedEvent;
    'crew-message-template-saved': CrewMessageTemplateSavedEvent;
  }
}
