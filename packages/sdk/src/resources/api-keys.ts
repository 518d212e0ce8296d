import { paginate } from '../paginate.js';
import type {
  ApiKeyCreate,
  ApiKeyRotate,
  ApiKeyUpdate,
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const apiKeys = ({ client, org }: Context) => ({
  list: ({ orgId, signal, ...query }: ListParams<'listApiKeys'> = {}): ApiList<'listApiKeys'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/api-keys', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  create: (body: ApiKeyCreate, o?: OrgPostOptions): Promise<ApiResult<'createApiKey'>> =>
    client.POST('/api/v1/organizations/{orgId}/api-keys', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** The old key keeps working for `graceSeconds` (default 0), so a deployment can switch over. */
  rotate: (keyId: string, body?: ApiKeyRotate, o?: OrgPostOptions): Promise<ApiResult<'rotateApiKey'>> =>
    client.POST('/api/v1/organizations/{orgId}/api-keys/{keyId}/rotate', {
      params: { path: { orgId: org(o?.orgId), keyId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /**
   * Renames a key or replaces a publishable key's allowed origins, keeping the key itself, so the
   * pages using it need no change. Other servers may accept the old origins for a few seconds more.
   */
  update: (keyId: string, body: ApiKeyUpdate, o?: OrgCallOptions): Promise<ApiResult<'updateApiKey'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/api-keys/{keyId}', {
      params: { path: { orgId: org(o?.orgId), keyId } },
      body,
      signal: o?.signal,
    }),
  revoke: (keyId: string, o?: OrgCallOptions): Promise<ApiResult<'revokeApiKey'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/api-keys/{keyId}', {
      params: { path: { orgId: org(o?.orgId), keyId } },
      signal: o?.signal,
    }),
});
