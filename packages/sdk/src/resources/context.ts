import type { Client } from 'openapi-fetch';
import type { IdempotentOptions, paths } from '../types.js';

/** What a resource namespace is built from. */
export interface Context {
  client: Client<paths>;
  /** The organization a call is scoped to: its own orgId, else the client's organizationId. */
  org: (orgId: string | undefined) => string;
}

export type Resource = (context: Context) => object;

export function orgResolver(organizationId: string | undefined): Context['org'] {
  return (orgId) => {
    const id = orgId ?? organizationId;
    if (id === undefined) {
      throw new TypeError(
        'This call is scoped to an organization, but none was given: set organizationId in ' +
          'createCrewkit({ organizationId }) or pass { orgId } to the call.',
      );
    }
    return id;
  };
}

/** An unset key is left out, and the sender then generates one. */
export const idempotencyHeader = (o: IdempotentOptions | undefined) => ({
  'Idempotency-Key': o?.idempotencyKey,
});
