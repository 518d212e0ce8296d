import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  UserCreate,
  UserUpdate,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const users = ({ client, org }: Context) => ({
  list: ({ orgId, signal, ...query }: ListParams<'listUsers'> = {}): ApiList<'listUsers'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/users', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  create: (body: UserCreate, o?: OrgPostOptions): Promise<ApiResult<'createUser'>> =>
    client.POST('/api/v1/organizations/{orgId}/users', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  get: (userId: string, o?: OrgCallOptions): Promise<ApiResult<'getUser'>> =>
    client.GET('/api/v1/organizations/{orgId}/users/{userId}', {
      params: { path: { orgId: org(o?.orgId), userId } },
      signal: o?.signal,
    }),
  update: (userId: string, body: UserUpdate, o?: OrgCallOptions): Promise<ApiResult<'updateUser'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/users/{userId}', {
      params: { path: { orgId: org(o?.orgId), userId } },
      body,
      signal: o?.signal,
    }),
  delete: (userId: string, o?: OrgCallOptions): Promise<ApiResult<'deleteUser'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/users/{userId}', {
      params: { path: { orgId: org(o?.orgId), userId } },
      signal: o?.signal,
    }),
});
