import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
export type WebhookEventType = components['schemas']['WebhookEventType'];

/** An endpoint was added; `event.endpoint` is it (its secret was shown once, not carried here). */
export class CrewWebhookEndpointCreatedEvent extends Event {
  static readonly type = 'crew-webhook-endpoint-created';
  constructor(public readonly endpoint: WebhookEndpoint) {
    super(CrewWebhookEndpointCreatedEvent.type, eventOptions);
  }
}

/** An endpoint's signing secret was replaced; the old one signs until `endpoint.previousSecretExpiresAt`. */
export class CrewWebhookSecretRotatedEvent extends Event {
  static readonly type = 'crew-webhook-secret-rotated';
  constructor(public readonly endpoint: WebhookEndpoint) {
    super(CrewWebhookSecretRotatedEvent.type, eventOptions);
  }
}

/** Deliveries were queued again; `event.replayed` says how many. */
export class CrewWebhookReplayedEvent extends Event {
  static readonly type = 'crew-webhook-replayed';
  constructor(
    public readonly endpointId: string,
    public readonly replayed: number,
  ) {
    super(CrewWebhookReplayedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-webhook-endpoint-created': CrewWebhookEndpointCreatedEvent;
    'crew-webhook-secret-rotated': CrewWebhookSecretRotatedEvent;
    'crew-webhook-replayed': CrewWebhookReplayedEvent;
  }
}
