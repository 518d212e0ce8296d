import type { ApiResult, QueryParams } from '../types.js';
import type { Context } from './context.js';

export const availability = ({ client, org }: Context) => ({
  /**
   * Bookable start times for a service, per day of `timeZone` (default the organization's), over at most
   * 62 days. A day with nothing bookable says why in `reason`. Booking enforces the same rules.
   */
  get: ({ orgId, signal, ...query }: QueryParams<'getAvailability'>): Promise<ApiResult<'getAvailability'>> =>
    client.GET('/api/v1/organizations/{orgId}/technicians/availability', {
      params: { path: { orgId: org(orgId) }, query },
      signal,
    }),
});
