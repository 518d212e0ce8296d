import { createCrewkit } from '@crewkit/sdk';
import { describe, expect, test } from 'vitest';
import { json, testClient } from './fake-fetch.js';

const principal = { kind: 'secret_key', organizationId: 'org' };

describe('credentials', () => {
  test('a secret key is sent as a bearer token', async () => {
    const { crewkit, requests } = testClient([json(principal)], { apiKey: 'sk_live_abc' });
    await crewkit.auth.me();
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer sk_live_abc');
  });

  test('a publishable key is sent as a bearer token', async () => {
    const { crewkit, requests } = testClient([json({})], {
      apiKey: undefined,
      publishableKey: 'pk_live_abc',
    });
    await crewkit.organizations.getBookingProfile();
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer pk_live_abc');
  });

  test('getAccessToken is asked on every request, so a refreshed token is used at once', async () => {
    let token = 'first';
    const { crewkit, requests } = testClient([json(principal), json(principal)], {
      apiKey: undefined,
      getAccessToken: async () => token,
    });
    await crewkit.auth.me();
    token = 'second';
    await crewkit.auth.me();
    expect(requests.map((r) => r.headers.get('Authorization'))).toEqual(['Bearer first', 'Bearer second']);
  });

  test('a client without a credential sends no Authorization header, so it can log in', async () => {
    const { crewkit, requests } = testClient([json({})], { apiKey: undefined });
    await crewkit.auth.login({ email: 'ann@plumber.example', password: 'correct horse' });
    expect(requests[0]?.headers.has('Authorization')).toBe(false);
    expect(await requests[0]?.json()).toEqual({ email: 'ann@plumber.example', password: 'correct horse' });
  });

  test('getAccessToken returning undefined sends no Authorization header', async () => {
    const { crewkit, requests } = testClient([json(principal)], {
      apiKey: undefined,
      getAccessToken: () => undefined,
    });
    await crewkit.auth.me();
    expect(requests[0]?.headers.has('Authorization')).toBe(false);
  });

  test('an Authorization header set on a raw call wins over the client credential', async () => {
    const { crewkit, requests } = testClient([new Response(null, { status: 204 })]);
    await crewkit.POST('/api/v1/auth/logout', { headers: { Authorization: 'Bearer other-session' } });
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer other-session');
  });

  test('more than one credential is refused with a TypeError that names them', () => {
    const create = () =>
      createCrewkit({ baseUrl: 'https://api.crewkit.test', apiKey: 'sk_1', getAccessToken: () => 't' });
    expect(create).toThrow(TypeError);
    expect(create).toThrow('got apiKey and getAccessToken');
  });

  test('the client headers and the raw typed methods go through the same sender', async () => {
    const { crewkit, requests } = testClient([json(principal)], { headers: { 'X-Trace': 'abc' } });
    const { data } = await crewkit.GET('/api/v1/auth/me');
    expect(data).toEqual(principal);
    expect(requests[0]?.url).toBe('https://api.crewkit.test/api/v1/auth/me');
    expect(requests[0]?.headers.get('X-Trace')).toBe('abc');
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer sk_test_123');
  });
});
