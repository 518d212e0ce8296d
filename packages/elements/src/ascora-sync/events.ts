import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** A record changed on both sides, waiting for a person to choose per field. */
export type AscoraConflict = components['schemas']['AscoraConflict'];
export type AscoraSyncRunDetail = components['schemas']['AscoraSyncRunDetail'];
export type AscoraSyncFailure = components['schemas']['AscoraSyncFailure'];
/** What retrying one failed record did: `synced`, `failed` (with the new reason) or `queued`. */
export type AscoraFailureRetry = components['schemas']['AscoraFailureRetry'];

/** A conflict was settled; `event.conflict` is the resolved record with its `resolution`. */
export class CrewConflictResolvedEvent extends Event {
  static readonly type = 'crew-conflict-resolved';
  constructor(public readonly conflict: AscoraConflict) {
    super(CrewConflictResolvedEvent.type, eventOptions);
  }
}

/** One failed record was retried; `event.result.outcome` says how it went. */
export class CrewFailureRetriedEvent extends Event {
  static readonly type = 'crew-failure-retried';
  constructor(public readonly result: AscoraFailureRetry) {
    super(CrewFailureRetriedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-conflict-resolved': CrewConflictResolvedEvent;
    'crew-failure-retried': CrewFailureRetriedEvent;
  }
}
