/**
 * A small stand-in for the reference server's webhook routes, for the element tests and the
 * stories (msw). It keeps state like the server: a made or rotated endpoint answers with its
 * secret once, and a replay adds a pending delivery of the same event.
 */
import type { components } from '@crewkit/sdk';
import { HttpResponse, http } from 'msw';
import { api, problem } from './msw.js';

type Schemas = components['schemas'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];

const id = (prefix: string, n: number) => `0190f3c4-${prefix}-7000-8000-${String(n).padStart(12, '0')}`;

export function webhookEndpoint(n: number, overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: id('bbbb', n),
    url: `https://erp${n}.example.com/crewkit`,
    description: n === 1 ? 'Our ERP' : null,
    events: ['appointment.created', 'appointment.cancelled'],
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    failingSince: null,
    previousSecretExpiresAt: null,
    createdAt: '2031-03-01T22:15:00Z',
    updatedAt: '2031-03-01T22:15:00Z',
    ...overrides,
  };
}

export function webhookDelivery(
  endpoint: WebhookEndpoint,
  n: number,
  overrides: Partial<WebhookDelivery> = {},
): WebhookDelivery {
  const at = new Date(Date.UTC(2031, 2, 4, 23, 0) - n * 60_000).toISOString();
  return {
    id: id('cccc', n),
    endpointId: endpoint.id,
    eventId: `evt_${String(n).padStart(32, '0')}`,
    eventType: 'appointment.created',
    status: 'succeeded',
    attempts: 1,
    nextAttemptAt: null,
    replayOf: null,
    request: { url: endpoint.url, bodyExcerpt: '{"type":"appointment.created"}' },
    attemptLog: [{ at, responseStatus: 200, durationMs: 42, error: null, responseExcerpt: 'ok' }],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function webhooksMock(
  initial: { endpoints?: WebhookEndpoint[]; deliveries?: Record<string, WebhookDelivery[]> } = {},
) {
  const state = {
    endpoints: [...(initial.endpoints ?? [])],
    deliveries: { ...(initial.deliveries ?? {}) } as Record<string, WebhookDelivery[]>,
    requests: [] as Array<{ method: string; path: string; body?: unknown }>,
    secrets: 0,
  };
  const secret = () => `whsec_${btoa(`secret-number-${++state.secrets}-0123456789abcdef`)}`;
  const record = async (request: Request, path: string) => {
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    state.requests.push({ method: request.method, path, ...(text ? { body: JSON.parse(text) } : {}) });
    return text ? JSON.parse(text) : undefined;
  };
  const find = (endpointId: string) => state.endpoints.find((e) => e.id === endpointId);
  const handlers = [
    http.get(api('/webhooks/endpoints'), async ({ request }) => {
      await record(request, '/webhooks/endpoints');
      return HttpResponse.json({ data: state.endpoints, nextCursor: null });
    }),
    http.post(api('/webhooks/endpoints'), async ({ request }) => {
      const body = await record(request, '/webhooks/endpoints');
      if (!String(body.url).startsWith('https://')) {
        return problem(400, 'validation_failed', {
          errors: [{ path: 'body.url', message: 'must use https' }],
        });
      }
      const made = webhookEndpoint(state.endpoints.length + 10, {
        url: body.url,
        events: body.events,
        description: body.description ?? null,
      });
      state.endpoints.push(made);
      return HttpResponse.json({ ...made, secret: secret() }, { status: 201 });
    }),
    http.patch(api('/webhooks/endpoints/:endpointId'), async ({ request, params }) => {
      const body = await record(request, `/webhooks/endpoints/${params.endpointId}`);
      const endpoint = find(String(params.endpointId));
      if (!endpoint) return problem(404, 'not_found');
      Object.assign(
        endpoint,
        body,
        body.enabled ? { disabledReason: null, disabledAt: null, failingSince: null } : {},
      );
      return HttpResponse.json(endpoint);
    }),
    http.delete(api('/webhooks/endpoints/:endpointId'), async ({ request, params }) => {
      await record(request, `/webhooks/endpoints/${params.endpointId}`);
      state.endpoints = state.endpoints.filter((e) => e.id !== params.endpointId);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(api('/webhooks/endpoints/:endpointId/rotate-secret'), async ({ request, params }) => {
      await record(request, `/webhooks/endpoints/${params.endpointId}/rotate-secret`);
      const endpoint = find(String(params.endpointId));
      if (!endpoint) return problem(404, 'not_found');
      endpoint.previousSecretExpiresAt = '2031-03-05T23:00:00Z';
      return HttpResponse.json({ ...endpoint, secret: secret() });
    }),
    http.get(api('/webhooks/endpoints/:endpointId/deliveries'), async ({ request, params }) => {
      await record(request, `/webhooks/endpoints/${params.endpointId}/deliveries`);
      return HttpResponse.json({ data: state.deliveries[String(params.endpointId)] ?? [], nextCursor: null });
    }),
    http.post(api('/webhooks/endpoints/:endpointId/replay'), async ({ request, params }) => {
      const body = await record(request, `/webhooks/endpoints/${params.endpointId}/replay`);
      const endpoint = find(String(params.endpointId))!;
      state.deliveries[endpoint.id] ??= [];
      const list = state.deliveries[endpoint.id]!;
      const originals = body.deliveryId
        ? list.filter((d) => d.id === body.deliveryId)
        : list.filter((d) => !d.replayOf);
      const copies = originals.map((original, i) =>
        webhookDelivery(endpoint, 100 + list.length + i, {
          eventId: original.eventId,
          eventType: original.eventType,
          status: 'pending',
          attempts: 0,
          attemptLog: [],
          replayOf: original.id,
          nextAttemptAt: '2031-03-04T23:00:00Z',
        }),
      );
      list.unshift(...copies);
      return HttpResponse.json({ replayed: copies.length }, { status: 202 });
    }),
  ];
  return { state, handlers };
}
