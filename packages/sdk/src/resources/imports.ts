import type { ApiResult, OrgCallOptions, QueryParams, RequestBody } from '../types.js';
import type { Context } from './context.js';

export const imports = ({ client, org }: Context) => ({
  /** Queues a CSV or XLSX file (base64) for import; poll `get` for the outcome and per-row report. */
  create: (body: RequestBody<'createImport'>, o?: OrgCallOptions): Promise<ApiResult<'createImport'>> =>
    client.POST('/api/v1/organizations/{orgId}/imports', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      signal: o?.signal,
    }),
  get: (importId: string, o?: OrgCallOptions): Promise<ApiResult<'getImport'>> =>
    client.GET('/api/v1/organizations/{orgId}/imports/{importId}', {
      params: { path: { orgId: org(o?.orgId), importId } },
      signal: o?.signal,
    }),
});

export const exports = ({ client, org }: Context) => ({
  /** Every record of one kind as CSV or XLSX; `response.body` streams the file. */
  download: async ({ orgId, signal, ...query }: QueryParams<'exportRecords'>): Promise<Response> => {
    const { response } = await client.GET('/api/v1/organizations/{orgId}/exports', {
      params: { path: { orgId: org(orgId) }, query },
      parseAs: 'stream',
      signal,
    });
    return response;
  },
});
