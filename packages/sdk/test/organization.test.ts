import { describe, expect, test } from 'vitest';
import { json, ORG_ID, testClient, USER_ID, user } from './fake-fetch.js';

const OTHER_ORG = '9c3b1a2d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

describe('organization scoping', () => {
  test('a call without orgId uses the client organizationId', async () => {
    const { crewkit, requests } = testClient([json(user(1))]);
    await crewkit.users.get(USER_ID);
    expect(requests[0]?.url).toBe(`https://api.crewkit.test/api/v1/organizations/${ORG_ID}/users/${USER_ID}`);
  });

  test('a call orgId wins over the client organizationId', async () => {
    const { crewkit, requests } = testClient([json(user(1))]);
    await crewkit.users.update(USER_ID, { name: 'Ann' }, { orgId: OTHER_ORG });
    expect(requests[0]?.method).toBe('PATCH');
    expect(requests[0]?.url).toBe(
      `https://api.crewkit.test/api/v1/organizations/${OTHER_ORG}/users/${USER_ID}`,
    );
  });

  test('a list call takes orgId beside its query without sending it as a query parameter', async () => {
    const { crewkit, requests } = testClient([json({ data: [], nextCursor: null })]);
    await crewkit.apiKeys.list({ orgId: OTHER_ORG, includeRevoked: true });
    expect(requests[0]?.url).toBe(
      `https://api.crewkit.test/api/v1/organizations/${OTHER_ORG}/api-keys?includeRevoked=true`,
    );
  });

  test('without any organization id an org-scoped call throws a TypeError that names the option', () => {
    const { crewkit, requests } = testClient([], { organizationId: undefined });
    expect(() => crewkit.organizations.get()).toThrow(TypeError);
    expect(() => crewkit.users.list()).toThrow('set organizationId in createCrewkit({ organizationId })');
    expect(requests).toHaveLength(0);
  });

  test('calls outside an organization need no organization id', async () => {
    const { crewkit } = testClient([json({ kind: 'secret_key', organizationId: ORG_ID })], {
      organizationId: undefined,
    });
    const { data } = await crewkit.auth.me();
    expect(data?.organizationId).toBe(ORG_ID);
  });
});
