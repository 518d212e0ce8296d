import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** How a customer, appointment or job stands with Ascora: `linked`, `pending`, `conflict` or `error`. */
export type AscoraLink = components['schemas']['AscoraLink'];
/** The answer to a push or pull of one record: its link as it stands now. */
export type AscoraRecordLink = components['schemas']['AscoraRecordLink'];

/** One record was sent to Ascora (`way: 'push'`) or fetched from it (`'pull'`) on demand. */
export class CrewAscoraRecordSyncedEvent extends Event {
  static readonly type = 'crew-ascora-record-synced';
  constructor(
    public readonly way: 'push' | 'pull',
    public readonly record: AscoraRecordLink,
  ) {
    super(CrewAscoraRecordSyncedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-ascora-record-synced': CrewAscoraRecordSyncedEvent;
  }
}
