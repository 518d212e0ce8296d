import type { ErrorCode } from '@crewkit/sdk';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { problem, testClient, USER_ID } from './fake-fetch.js';

describe('errors', () => {
  test('an HTTP error is returned as the problem document, not thrown', async () => {
    const { crewkit } = testClient([problem(404, 'not_found')]);
    const { data, error, response } = await crewkit.users.get(USER_ID);
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ status: 404, code: 'not_found', requestId: 'req_42' });
    expectTypeOf(error?.code).toEqualTypeOf<ErrorCode | undefined>();
  });

  test('a network failure that outlasts the retries rejects with the fetch error', async () => {
    const failure = new TypeError('fetch failed');
    const { crewkit, requests } = testClient([failure, failure, failure]);
    await expect(crewkit.users.get(USER_ID)).rejects.toBe(failure);
    expect(requests).toHaveLength(3);
  });
});
