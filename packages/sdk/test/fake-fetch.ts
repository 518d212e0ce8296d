import { type Crewkit, type CrewkitOptions, createCrewkit, type ErrorCode } from '@crewkit/sdk';
import { expect, test } from 'vitest';
import type { SendHooks } from '../src/send.js';

export const ORG_ID = '0b9a7d1e-3f51-4c0e-9d7a-6b2f1c8e4a10';
export const USER_ID = '5d2e8f41-7a6c-4b39-8e15-2c9f0a7b3d64';

/** A reply is a Response, an Error to reject with (a network failure), or made from the request. */
type Reply = Response | Error | ((request: Request) => Response);

/** A fetch that answers from a script and records every Request it was given. */
export function fakeFetch(replies: Reply[]) {
  const requests: Request[] = [];
  async function fetch(request: Request): Promise<Response> {
    requests.push(request);
    const reply = replies.shift();
    if (reply === undefined)
      throw new Error(`fakeFetch has no reply left for ${request.method} ${request.url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(request) : reply;
  }
  return { fetch, requests };
}

/** A client over a fake fetch, whose retries record their delays instead of waiting. */
export function testClient(replies: Reply[], options: Partial<CrewkitOptions & SendHooks> = {}) {
  const { fetch, requests } = fakeFetch(replies);
  const delays: number[] = [];
  const withHooks: CrewkitOptions & SendHooks = {
    baseUrl: 'https://api.crewkit.test',
    apiKey: 'sk_test_123',
    organizationId: ORG_ID,
    fetch,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...options,
  };
  return { crewkit: createCrewkit(withHooks), requests, delays };
}

export const json = (body: unknown, init?: ResponseInit) => Response.json(body, init);

export function problem(
  status: number,
  code: ErrorCode,
  headers: Record<string, string> = {},
  members: Record<string, unknown> = {},
) {
  const body = {
    type: 'about:blank',
    title: `Problem ${code}`,
    status,
    code,
    requestId: 'req_42',
    ...members,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'req_42', ...headers },
  });
}

export const user = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  organizationId: ORG_ID,
  email: `user${n}@plumber.example`,
  name: `User ${n}`,
  role: 'technician' as const,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
});

export const OTHER_ORG = '9c3b1a2d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
export const ORG_PATH = `/api/v1/organizations/${ORG_ID}`;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const page = (ids: string[], nextCursor: string | null) =>
  json({ data: ids.map((id) => ({ id })), nextCursor });
export const pathOf = (request: Request | undefined) => new URL(request?.url ?? '').pathname;
export const searchOf = (request: Request | undefined) =>
  decodeURIComponent(new URL(request?.url ?? '').search);

/** Methods by the route each must call ("POST /jobs", relative to the client's organization). */
export type RouteTable = Record<string, (c: Crewkit) => Promise<unknown>>;

/**
 * The checks every organization-scoped namespace owes: each method calls its route, with an
 * idempotency key on a POST only; and without an organization id it throws and sends nothing.
 */
export function testRoutes(routes: RouteTable) {
  test.each(Object.entries(routes))('%s, with an idempotency key only on a POST', async (route, call) => {
    const { crewkit, requests } = testClient([json({ data: [], nextCursor: null })]);
    await call(crewkit);
    const [method, path] = route.split(' ');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe(method);
    expect(pathOf(requests[0])).toBe(`${ORG_PATH}${path}`);
    const key = requests[0]?.headers.get('Idempotency-Key');
    if (method === 'POST') expect(key).toMatch(UUID);
    else expect(key).toBeNull();
  });

  test.each(Object.entries(routes))('%s throws without any organization id and sends nothing', (_, call) => {
    const { crewkit, requests } = testClient([], { organizationId: undefined });
    expect(() => call(crewkit)).toThrow('set organizationId in createCrewkit({ organizationId })');
    expect(requests).toHaveLength(0);
  });
}
