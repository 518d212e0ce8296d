import { describe, expect, test } from 'vitest';
import { json, ORG_PATH, problem, type RouteTable, testClient, testRoutes } from './fake-fetch.js';

const KEY_ID = '3f1c2b7a-9d4e-4c8b-a6f0-1e2d3c4b5a69';

const key = {
  id: KEY_ID,
  kind: 'publishable' as const,
  name: 'Website',
  prefix: 'pk_abcd',
  allowedOrigins: ['https://plumber.example', 'https://www.plumber.example'],
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
};

describe('apiKeys', () => {
  const routes: RouteTable = {
    'GET /api-keys': (c) => c.apiKeys.list(),
    'POST /api-keys': (c) => c.apiKeys.create({ kind: 'secret', name: 'ERP' }),
    [`POST /api-keys/${KEY_ID}/rotate`]: (c) => c.apiKeys.rotate(KEY_ID),
    [`PATCH /api-keys/${KEY_ID}`]: (c) => c.apiKeys.update(KEY_ID, { name: 'Website' }),
    [`DELETE /api-keys/${KEY_ID}`]: (c) => c.apiKeys.revoke(KEY_ID),
  };
  testRoutes(routes);

  test('update sends only the fields given and returns the key as it is now', async () => {
    const { crewkit, requests } = testClient([json(key)]);
    const { data } = await crewkit.apiKeys.update(KEY_ID, { allowedOrigins: key.allowedOrigins });
    expect(requests[0]?.url).toBe(`https://api.crewkit.test${ORG_PATH}/api-keys/${KEY_ID}`);
    expect(await requests[0]?.json()).toEqual({ allowedOrigins: key.allowedOrigins });
    expect(data?.allowedOrigins).toEqual(key.allowedOrigins);
  });

  test("an origin the server refuses comes back as the field's validation problem", async () => {
    const { crewkit, requests } = testClient([
      problem(
        400,
        'validation_failed',
        {},
        {
          errors: [{ path: 'body.allowedOrigins.0', message: 'must be written as a browser sends it' }],
        },
      ),
    ]);
    const { error } = await crewkit.apiKeys.update(KEY_ID, { allowedOrigins: ['https://Plumber.example'] });
    expect(error?.errors?.[0]?.path).toBe('body.allowedOrigins.0');
    expect(requests).toHaveLength(1);
  });
});
