import type { ApiResult, OrganizationUpdate, OrgCallOptions } from '../types.js';
import type { Context } from './context.js';

export const organizations = ({ client, org }: Context) => ({
  get: (o?: OrgCallOptions): Promise<ApiResult<'getOrganization'>> =>
    client.GET('/api/v1/organizations/{orgId}', {
      params: { path: { orgId: org(o?.orgId) } },
      signal: o?.signal,
    }),
  update: (body: OrganizationUpdate, o?: OrgCallOptions): Promise<ApiResult<'updateOrganization'>> =>
    client.PATCH('/api/v1/organizations/{orgId}', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      signal: o?.signal,
    }),
  getBookingProfile: (o?: OrgCallOptions): Promise<ApiResult<'getBookingProfile'>> =>
    client.GET('/api/v1/organizations/{orgId}/booking-profile', {
      params: { path: { orgId: org(o?.orgId) } },
      signal: o?.signal,
    }),
});
