import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookReplay,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const webhooks = ({ client, org }: Context) => ({
  list: ({
    orgId,
    signal,
    ...query
  }: ListParams<'listWebhookEndpoints'> = {}): ApiList<'listWebhookEndpoints'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/webhooks/endpoints', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  /** The answer carries the endpoint's `whsec_…` secret, once: store it where the receiver can read it. */
  create: (body: WebhookEndpointCreate, o?: OrgPostOptions): Promise<ApiResult<'createWebhookEndpoint'>> =>
    client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  update: (
    endpointId: string,
    body: WebhookEndpointUpdate,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'updateWebhookEndpoint'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}', {
      params: { path: { orgId: org(o?.orgId), endpointId } },
      body,
      signal: o?.signal,
    }),
  delete: (endpointId: string, o?: OrgCallOptions): Promise<ApiResult<'deleteWebhookEndpoint'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}', {
      params: { path: { orgId: org(o?.orgId), endpointId } },
      signal: o?.signal,
    }),
  /** A new secret, once; the old one keeps signing for `overlapHours` (default 24). */
  rotateSecret: (
    endpointId: string,
    body?: { overlapHours?: number },
    o?: OrgPostOptions,
  ): Promise<ApiResult<'rotateWebhookSecret'>> =>
    client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/rotate-secret', {
      params: { path: { orgId: org(o?.orgId), endpointId } },
      body: body ?? {},
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  deliveries: (
    endpointId: string,
    { orgId, signal, ...query }: ListParams<'listWebhookDeliveries'> = {},
  ): ApiList<'listWebhookDeliveries'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/deliveries', {
        params: { path: { orgId: org(orgId), endpointId }, query: q },
        signal,
      }),
    ),
  /** One delivery (`{ deliveryId }`) or every subscribed event since a time (`{ since }`), sent again. */
  replay: (
    endpointId: string,
    body: WebhookReplay,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'replayWebhookDeliveries'>> =>
    client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/replay', {
      params: { path: { orgId: org(o?.orgId), endpointId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
});

export const calendarFeeds = ({ client, org }: Context) => ({
  /** The organization's subscription URL (every technician's visits). */
  organization: (o?: OrgCallOptions): Promise<ApiResult<'getOrganizationCalendarFeed'>> =>
    client.GET('/api/v1/organizations/{orgId}/calendar-feed', {
      params: { path: { orgId: org(o?.orgId) } },
      signal: o?.signal,
    }),
  technician: (technicianId: string, o?: OrgCallOptions): Promise<ApiResult<'getTechnicianCalendarFeed'>> =>
    client.GET('/api/v1/organizations/{orgId}/technicians/{technicianId}/calendar-feed', {
      params: { path: { orgId: org(o?.orgId), technicianId } },
      signal: o?.signal,
    }),
  /** Revokes the feed's URL (the organization's, or `technicianId`'s) and answers the new one. */
  rotate: (technicianId?: string | null, o?: OrgPostOptions): Promise<ApiResult<'rotateCalendarFeedToken'>> =>
    client.POST('/api/v1/organizations/{orgId}/calendar-feed/rotate', {
      params: { path: { orgId: org(o?.orgId) } },
      body: { technicianId: technicianId ?? null },
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
});
