import { CrewkitError, type User } from '@crewkit/sdk';
import { describe, expect, test } from 'vitest';
import { json, problem, testClient, user } from './fake-fetch.js';

const page = (ns: number[], nextCursor: string | null) => json({ data: ns.map(user), nextCursor });
const threePages = () => [page([1, 2], 'c2'), page([3, 4], 'c3'), page([5], null)];

describe('pagination', () => {
  test('awaiting a list call gives its first page as { data, error, response }', async () => {
    const { crewkit, requests } = testClient(threePages());
    const { data, error, response } = await crewkit.users.list({ limit: 2 });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data?.data.map((u) => u.name)).toEqual(['User 1', 'User 2']);
    expect(data?.nextCursor).toBe('c2');
    expect(requests).toHaveLength(1);
  });

  test('for await visits every item of every page, following nextCursor and keeping the filters', async () => {
    const { crewkit, requests } = testClient(threePages());
    const seen: User[] = [];
    for await (const u of crewkit.users.list({ limit: 2, role: 'technician' })) seen.push(u);
    expect(seen.map((u) => u.name)).toEqual(['User 1', 'User 2', 'User 3', 'User 4', 'User 5']);
    expect(requests.map((r) => new URL(r.url).search)).toEqual([
      '?limit=2&role=technician',
      '?limit=2&role=technician&cursor=c2',
      '?limit=2&role=technician&cursor=c3',
    ]);
  });

  test('toArray collects up to its limit and asks for no page beyond it', async () => {
    const { crewkit, requests } = testClient(threePages());
    const some = await crewkit.users.list({ limit: 2 }).toArray({ limit: 3 });
    expect(some.map((u) => u.name)).toEqual(['User 1', 'User 2', 'User 3']);
    expect(requests).toHaveLength(2);
  });

  test('toArray with a limit beyond the end returns the whole list', async () => {
    const { crewkit } = testClient(threePages());
    expect(await crewkit.users.list().toArray({ limit: 100 })).toHaveLength(5);
  });

  test('toArray without a limit throws a TypeError that explains why one is needed', () => {
    const { crewkit } = testClient(threePages());
    const list = crewkit.users.list();
    // @ts-expect-error: the limit is required, and this checks what plain JavaScript callers get.
    expect(() => list.toArray()).toThrow(TypeError);
    // @ts-expect-error: as above.
    expect(() => list.toArray({})).toThrow('a list can be far larger than you expect');
  });

  test('a page that fails during iteration throws a CrewkitError carrying the problem', async () => {
    const { crewkit } = testClient([page([1, 2], 'c2'), problem(403, 'forbidden')]);
    const seen: string[] = [];
    const iterate = async () => {
      for await (const u of crewkit.users.list()) seen.push(u.name);
    };
    const error = await iterate().catch((e: unknown) => e);
    expect(seen).toEqual(['User 1', 'User 2']);
    expect(error).toBeInstanceOf(CrewkitError);
    expect(error).toMatchObject({
      name: 'CrewkitError',
      status: 403,
      code: 'forbidden',
      requestId: 'req_42',
      message: 'Problem forbidden',
      problem: { status: 403, code: 'forbidden' },
    });
  });

  test('an error that is no problem document still becomes a CrewkitError with the status', async () => {
    const { crewkit } = testClient([
      new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'X-Request-Id': 'edge-7' } }),
    ]);
    const error = await crewkit.apiKeys
      .list()
      .toArray({ limit: 10 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: undefined, requestId: 'edge-7', message: 'HTTP 502' });
  });

  test('every list endpoint paginates the same way', async () => {
    const key = (n: number) => ({
      id: `k${n}`,
      kind: 'secret',
      name: `Key ${n}`,
      prefix: 'sk_',
      allowedOrigins: [],
    });
    const { crewkit, requests } = testClient([
      json({ data: [key(1)], nextCursor: 'next' }),
      json({ data: [key(2)], nextCursor: null }),
    ]);
    const keys = await crewkit.apiKeys.list({ includeRevoked: true }).toArray({ limit: 10 });
    expect(keys.map((k) => k.name)).toEqual(['Key 1', 'Key 2']);
    expect(new URL(requests[1]?.url ?? '').search).toBe('?includeRevoked=true&cursor=next');
  });
});
