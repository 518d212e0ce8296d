import { describe, expect, test } from 'vitest';
import { json, ORG_PATH, type RouteTable, testClient, testRoutes } from './fake-fetch.js';

const ENDPOINT_ID = '7c1e2b3a-9d4e-4c8b-a6f0-1e2d3c4b5a69';
const TECHNICIAN_ID = '9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';

describe('webhooks', () => {
  const routes: RouteTable = {
    'GET /webhooks/endpoints': (c) => c.webhooks.list(),
    'POST /webhooks/endpoints': (c) =>
      c.webhooks.create({ url: 'https://erp.example/hooks', events: ['appointment.created'], enabled: true }),
    [`PATCH /webhooks/endpoints/${ENDPOINT_ID}`]: (c) => c.webhooks.update(ENDPOINT_ID, { enabled: false }),
    [`DELETE /webhooks/endpoints/${ENDPOINT_ID}`]: (c) => c.webhooks.delete(ENDPOINT_ID),
    [`POST /webhooks/endpoints/${ENDPOINT_ID}/rotate-secret`]: (c) => c.webhooks.rotateSecret(ENDPOINT_ID),
    [`GET /webhooks/endpoints/${ENDPOINT_ID}/deliveries`]: (c) => c.webhooks.deliveries(ENDPOINT_ID),
    [`POST /webhooks/endpoints/${ENDPOINT_ID}/replay`]: (c) =>
      c.webhooks.replay(ENDPOINT_ID, { since: '2031-03-01T00:00:00Z' }),
  };
  testRoutes(routes);

  test('replay sends one delivery id, or a time, as given', async () => {
    const { crewkit, requests } = testClient([json({ replayed: 1 }, { status: 202 })]);
    const { data } = await crewkit.webhooks.replay(ENDPOINT_ID, { deliveryId: ENDPOINT_ID });
    expect(requests[0]?.url).toBe(
      `https://api.crewkit.test${ORG_PATH}/webhooks/endpoints/${ENDPOINT_ID}/replay`,
    );
    expect(await requests[0]?.json()).toEqual({ deliveryId: ENDPOINT_ID });
    expect(data).toEqual({ replayed: 1 });
  });
});

describe('calendarFeeds', () => {
  const routes: RouteTable = {
    'GET /calendar-feed': (c) => c.calendarFeeds.organization(),
    [`GET /technicians/${TECHNICIAN_ID}/calendar-feed`]: (c) => c.calendarFeeds.technician(TECHNICIAN_ID),
    'POST /calendar-feed/rotate': (c) => c.calendarFeeds.rotate(TECHNICIAN_ID),
  };
  testRoutes(routes);

  test('rotating without a technician rotates the organization’s feed', async () => {
    const { crewkit, requests } = testClient([json({ url: 'https://crewkit.example/feed' })]);
    await crewkit.calendarFeeds.rotate();
    expect(await requests[0]?.json()).toEqual({ technicianId: null });
  });
});
