import { paginate } from '../paginate.js';
import type { ApiList, ApiResult, ListParams, OrgCallOptions } from '../types.js';
import type { Context } from './context.js';

/** Work orders: made by pushing an appointment to Ascora, or pulled from Ascora by a sync. */
export const jobs = ({ client, org }: Context) => ({
  /** Oldest first; `ascoraId` is the linked Ascora job, if any. */
  list: ({ orgId, signal, ...query }: ListParams<'listJobs'> = {}): ApiList<'listJobs'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/jobs', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  get: (jobId: string, o?: OrgCallOptions): Promise<ApiResult<'getJob'>> =>
    client.GET('/api/v1/organizations/{orgId}/jobs/{jobId}', {
      params: { path: { orgId: org(o?.orgId), jobId } },
      signal: o?.signal,
    }),
});
