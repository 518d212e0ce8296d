import { paginate } from '../paginate.js';
import type { ApiList, ListParams } from '../types.js';
import type { Context } from './context.js';

export const auditLog = ({ client, org }: Context) => ({
  /** Who changed what, newest first; owners and admins only. Filter by actor, target and time. */
  list: ({ orgId, signal, ...query }: ListParams<'listAuditLog'> = {}): ApiList<'listAuditLog'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/audit-log', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
});
