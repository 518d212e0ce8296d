import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  PartCreate,
  PartUpdate,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

/** The organization's parts list (sku, name, unit cost and price, tax code). */
export const parts = ({ client, org }: Context) => ({
  /** `q` searches sku and name. */
  list: ({ orgId, signal, ...query }: ListParams<'listParts'> = {}): ApiList<'listParts'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/parts', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  /** A sku already on the list, in any letter case, answers 409. */
  create: (body: PartCreate, o?: OrgPostOptions): Promise<ApiResult<'createPart'>> =>
    client.POST('/api/v1/organizations/{orgId}/parts', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  update: (partId: string, body: PartUpdate, o?: OrgCallOptions): Promise<ApiResult<'updatePart'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/parts/{partId}', {
      params: { path: { orgId: org(o?.orgId), partId } },
      body,
      signal: o?.signal,
    }),
  /** Visits that used the part keep their copy of it. */
  delete: (partId: string, o?: OrgCallOptions): Promise<ApiResult<'deletePart'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/parts/{partId}', {
      params: { path: { orgId: org(o?.orgId), partId } },
      signal: o?.signal,
    }),
});
