import { describe, expect, test } from 'vitest';
import { json, problem, testClient, USER_ID, user } from './fake-fetch.js';

const newUser = {
  email: 'ann@plumber.example',
  name: 'Ann',
  role: 'dispatcher',
  password: 'long enough pw',
} as const;
const networkError = () => new TypeError('fetch failed');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('retries', () => {
  test('a network error is retried, resending the same body under the same idempotency key', async () => {
    const { crewkit, requests, delays } = testClient([
      networkError(),
      networkError(),
      json(user(1), { status: 201 }),
    ]);
    const { data } = await crewkit.users.create(newUser);
    expect(data?.id).toBe(user(1).id);
    expect(requests).toHaveLength(3);
    const keys = requests.map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys).size).toBe(1);
    expect(await Promise.all(requests.map((r) => r.json()))).toEqual([newUser, newUser, newUser]);
    expect(delays).toEqual([150, 300]);
  });

  test('two calls get two different idempotency keys', async () => {
    const { crewkit, requests } = testClient([
      json(user(1), { status: 201 }),
      json(user(2), { status: 201 }),
    ]);
    await crewkit.users.create(newUser);
    await crewkit.users.create(newUser);
    expect(requests[0]?.headers.get('Idempotency-Key')).not.toBe(requests[1]?.headers.get('Idempotency-Key'));
  });

  test('an idempotency key chosen by the caller is sent unchanged on every attempt', async () => {
    const { crewkit, requests } = testClient([problem(503, 'unavailable'), json(user(1), { status: 201 })]);
    await crewkit.users.create(newUser, { idempotencyKey: 'import-row-17' });
    expect(requests.map((r) => r.headers.get('Idempotency-Key'))).toEqual(['import-row-17', 'import-row-17']);
  });

  test('requests other than POST carry no idempotency key', async () => {
    const { crewkit, requests } = testClient([
      json(user(1)),
      json(user(1)),
      new Response(null, { status: 204 }),
    ]);
    await crewkit.users.get(USER_ID);
    await crewkit.users.update(USER_ID, { name: 'Ann' });
    await crewkit.users.delete(USER_ID);
    expect(requests.map((r) => [r.method, r.headers.has('Idempotency-Key')])).toEqual([
      ['GET', false],
      ['PATCH', false],
      ['DELETE', false],
    ]);
  });

  test('a 429 is retried after the seconds its Retry-After asks for', async () => {
    const { crewkit, requests, delays } = testClient([
      problem(429, 'rate_limited', { 'Retry-After': '3' }),
      json(user(1)),
    ]);
    const { data } = await crewkit.users.get(USER_ID);
    expect(data).toBeDefined();
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([3000]);
  });

  test('a Retry-After given as an HTTP date is waited for until that moment', async () => {
    const at = new Date(Date.now() + 10_000).toUTCString();
    const { crewkit, delays } = testClient([
      problem(503, 'unavailable', { 'Retry-After': at }),
      json(user(1)),
    ]);
    await crewkit.users.get(USER_ID);
    expect(delays).toHaveLength(1);
    // HTTP dates have whole seconds, and some milliseconds pass before the header is read.
    expect(delays[0]).toBeGreaterThan(8_000);
    expect(delays[0]).toBeLessThanOrEqual(10_000);
  });

  test('a Retry-After longer than a minute is not waited for: the 429 is returned', async () => {
    const { crewkit, requests, delays } = testClient([
      problem(429, 'rate_limited', { 'Retry-After': '900' }),
    ]);
    const { error, response } = await crewkit.auth.login({ email: 'ann@plumber.example', password: 'guess' });
    expect(error?.code).toBe('rate_limited');
    expect(response.headers.get('Retry-After')).toBe('900');
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  test('a 503 is retried with exponential backoff and full jitter, capped at 8 seconds', async () => {
    const unavailable = () => problem(503, 'unavailable');
    const { crewkit, delays } = testClient([...Array.from({ length: 8 }, unavailable), json(user(1))], {
      maxRetries: 8,
      random: () => 0.999,
    });
    const { data } = await crewkit.users.get(USER_ID);
    expect(data).toBeDefined();
    expect(delays).toEqual([299, 599, 1198, 2397, 4795, 7992, 7992, 7992]);
  });

  test('a 409 for an earlier attempt still running is retried after its Retry-After, under the same key', async () => {
    const { crewkit, requests, delays } = testClient([
      problem(409, 'idempotency_request_in_progress', { 'Retry-After': '1' }),
      json(user(1), { status: 201 }),
    ]);
    const { data } = await crewkit.users.create(newUser);
    expect(data?.id).toBe(user(1).id);
    expect(delays).toEqual([1000]);
    expect(new Set(requests.map((r) => r.headers.get('Idempotency-Key'))).size).toBe(1);
  });

  test('a 409 that is not a problem document is returned at once, its body still readable', async () => {
    const { crewkit, requests } = testClient([new Response('<html>busy</html>', { status: 409 })]);
    const { response } = await crewkit.users.create(newUser);
    expect(response.status).toBe(409);
    expect(requests).toHaveLength(1);
  });

  test.each([
    [400, 'validation_failed'],
    [401, 'unauthorized'],
    [401, 'invalid_publishable_key'],
    [403, 'origin_not_allowed'],
    [409, 'conflict'],
    [422, 'idempotency_key_reused'],
    [500, 'internal'],
  ] as const)('a %i %s is returned at once with its code, without a retry', async (status, code) => {
    const { crewkit, requests, delays } = testClient([problem(status, code)]);
    const { error } = await crewkit.users.create(newUser);
    expect(error?.code).toBe(code);
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  test('maxRetries bounds the attempts, and the last response is returned', async () => {
    const unavailable = () => problem(503, 'unavailable');
    const { crewkit, requests } = testClient(Array.from({ length: 4 }, unavailable), { maxRetries: 3 });
    const { error } = await crewkit.users.get(USER_ID);
    expect(error?.code).toBe('unavailable');
    expect(requests).toHaveLength(4);
  });

  test('maxRetries 0 sends each request once', async () => {
    const { crewkit, requests } = testClient([networkError()], { maxRetries: 0 });
    await expect(crewkit.users.get(USER_ID)).rejects.toThrow('fetch failed');
    expect(requests).toHaveLength(1);
  });

  test('a call aborted by its caller is not retried', async () => {
    const controller = new AbortController();
    const { crewkit, requests } = testClient([
      () => {
        controller.abort();
        throw new DOMException('The operation was aborted.', 'AbortError');
      },
    ]);
    await expect(crewkit.users.get(USER_ID, { signal: controller.signal })).rejects.toThrow('aborted');
    expect(requests).toHaveLength(1);
  });
});
