import type { ApiResult, HoldCreate, OrgCallOptions, OrgPostOptions } from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

/** A few minutes' claim on a slot while the visitor types; book it with `appointments.create({ holdId })`. */
export const holds = ({ client, org }: Context) => ({
  /** At most 3 live holds per client; a fourth answers `429 rate_limited`. */
  create: (body: HoldCreate, o?: OrgPostOptions): Promise<ApiResult<'createHold'>> =>
    client.POST('/api/v1/organizations/{orgId}/holds', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** Also succeeds when the hold has already lapsed. */
  release: (holdId: string, o?: OrgCallOptions): Promise<ApiResult<'releaseHold'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/holds/{holdId}', {
      params: { path: { orgId: org(o?.orgId), holdId } },
      signal: o?.signal,
    }),
});
