import { type AscoraClientOptions, createAscoraClient } from '@crewkit/ascora';
import { DEMO_API_KEY } from '@crewkit/ascora/fake';

/** A reply is a Response, an Error to reject with (a network failure), or made from the request. */
export type Reply = Response | Error | ((request: Request) => Response | Promise<Response>);

/** A fetch that answers from a script and records every request it was given. */
export function scriptedFetch(replies: Reply[]) {
  const requests: Request[] = [];
  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    requests.push(request);
    const reply = replies.shift();
    if (reply === undefined)
      throw new Error(`scriptedFetch has no reply left for ${request.method} ${request.url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(request) : reply;
  }
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

export const json = (body: unknown, init?: ResponseInit) => Response.json(body, init);

/** Retries that wait milliseconds, not seconds, for clients that really wait (over real HTTP). */
export const FAST_RETRY = { limit: 3, initialDelayMs: 5, factor: 2, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

/**
 * A client whose waits between retries are recorded in `waits` and end at once, with the jitter fixed
 * at its midpoint (random 0.5), so every wait is exact and no test depends on a timer.
 */
export function testClient(options: Partial<AscoraClientOptions> = {}) {
  const invalid: { entity: string; id: string | null; issues: string }[] = [];
  const waits: number[] = [];
  const client = createAscoraClient({
    baseUrl: 'https://api.ascora.test',
    apiKey: DEMO_API_KEY,
    onInvalidRecord: (info) => invalid.push(info),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client, invalid, waits };
}

export const GUID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

/** A customer as Ascora's wire sends it: camelCase, nulls, one zoneless timestamp elsewhere. */
export function wireCustomer(n: number, overrides: Record<string, unknown> = {}) {
  return {
    customerId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    customerNumber: String(1000 + n),
    customerName: `Customer ${n}`,
    companyName: null,
    contactFirstName: 'Ada',
    contactLastName: 'Lovelace',
    emailAddress: `ada${n}@example.com.au`,
    phoneNumber: '07 3123 4567',
    mobileNumber: null,
    onHold: false,
    streetLine1: '1 George St',
    streetSuburb: 'Brisbane City',
    streetPostcode: '4000',
    streetState: 'QLD',
    streetCountry: 'Australia',
    customerType: { id: GUID, name: 'Residential' },
    leadSource: 'Website',
    billingCustomer: null,
    assignedUser: null,
    customFields: null,
    ...overrides,
  };
}
