import type { components } from '@crewkit/sdk/openapi';
import { iso } from '../lib/time.js';
import type { DeliveryRow, EndpointRow } from '../services/webhooks/endpoints.js';

type Schemas = components['schemas'];

/** An endpoint without its secret, which is shown only by the answer that made it. */
export function toWebhookEndpoint(row: EndpointRow): Schemas['WebhookEndpoint'] {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as Schemas['WebhookEventType'][],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    previousSecretExpiresAt: iso(row.previousSecretExpiresAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toWebhookDelivery(row: DeliveryRow, endpoint: EndpointRow): Schemas['WebhookDelivery'] {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType as Schemas['WebhookEventType'],
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    replayOf: row.replayOf,
    request: { url: row.attemptLog.at(-1)?.url ?? endpoint.url, bodyExcerpt: row.body.slice(0, 1024) },
    attemptLog: row.attemptLog.map(({ url: _url, ...attempt }) => attempt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
