import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** The connection as the server reports it; never holds the API key. */
export type AscoraStatus = components['schemas']['AscoraStatus'];
export type AscoraSettings = components['schemas']['AscoraSettings'];
/** One sync run with its counts, as in `…/ascora/sync/status` and `…/ascora/logs`. */
export type AscoraSyncRun = components['schemas']['AscoraSyncRun'];

/** A key was tested by Ascora and saved; `event.status` is the new connection. */
export class CrewAscoraConnectedEvent extends Event {
  static readonly type = 'crew-ascora-connected';
  constructor(public readonly status: AscoraStatus) {
    super(CrewAscoraConnectedEvent.type, eventOptions);
  }
}

/** The user confirmed the disconnection and the server wiped the key. */
export class CrewAscoraDisconnectedEvent extends Event {
  static readonly type = 'crew-ascora-disconnected';
  constructor() {
    super(CrewAscoraDisconnectedEvent.type, eventOptions);
  }
}

/** New settings were saved; `event.settings` is what the server now holds. */
export class CrewAscoraSettingsChangedEvent extends Event {
  static readonly type = 'crew-ascora-settings-changed';
  constructor(public readonly settings: AscoraSettings) {
    super(CrewAscoraSettingsChangedEvent.type, eventOptions);
  }
}

/** A sync was queued from the element (sync now, or a retry of failed records). */
export class CrewSyncQueuedEvent extends Event {
  static readonly type = 'crew-sync-queued';
  constructor() {
    super(CrewSyncQueuedEvent.type, eventOptions);
  }
}

/** A sync the element watched has finished; `event.run.status` is `completed` or `failed`. */
export class CrewSyncCompletedEvent extends Event {
  static readonly type = 'crew-sync-completed';
  constructor(public readonly run: AscoraSyncRun) {
    super(CrewSyncCompletedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-ascora-connected': CrewAscoraConnectedEvent;
    'crew-ascora-disconnected': CrewAscoraDisconnectedEvent;
    'crew-ascora-settings-changed': CrewAscoraSettingsChangedEvent;
    'crew-sync-queued': CrewSyncQueuedEvent;
    'crew-sync-completed': CrewSyncCompletedEvent;
  }
}
