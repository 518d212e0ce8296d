import createClient, { type Client } from 'openapi-fetch';
import { type Context, orgResolver, type Resource } from './resources/context.js';
import { resources } from './resources/index.js';
import { type Credential, createSender, type SendHooks } from './send.js';
import type { paths } from './types.js';

export interface CrewkitOptions {
  /** Where the API lives, e.g. `https://api.example.com` (no `/api/v1`). */
  baseUrl: string;
  /** A secret key (`sk_…`), for servers. Never ship one to a browser. */
  apiKey?: string;
  /** A publishable key (`pk_…`), for booking widgets on the key's allowed origins. */
  publishableKey?: string;
  /** Called before every request, so the host can refresh the user's access token in between. */
  getAccessToken?: () => string | undefined | Promise<string | undefined>;
  /** The organization that org-scoped methods use when a call names none. */
  organizationId?: string;
  /** Defaults to the global fetch. It is always called with one Request, so any fetch will do. */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries after a network error, 429, 503 or a 409 for an attempt still running. Default 2. */
  maxRetries?: number;
  /** Sent with every request. */
  headers?: Record<string, string>;
}

type RawMethods = Pick<Client<paths>, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;

/** A client with the namespaces of `R` (a set of resources) beside the raw methods. */
export type CrewkitWith<R extends Record<string, Resource>> = RawMethods & {
  [Name in keyof R]: ReturnType<R[Name]>;
};

export type Crewkit = CrewkitWith<typeof resources>;

/** A client with every namespace. */
export function createCrewkit(options: CrewkitOptions): Crewkit {
  return createCrewkitWith(options, resources);
}

/**
 * A client with only the namespaces given, e.g. `bookingResources`: a page that books has no use
 * for the office's namespaces, and a bundler drops what nothing names (the booking widget's size).
 */
export function createCrewkitWith<R extends Record<string, Resource>>(
  options: CrewkitOptions,
  chosen: R,
): CrewkitWith<R> {
  const {
    baseUrl,
    organizationId,
    headers,
    maxRetries = 2,
    sleep,
    random,
  }: CrewkitOptions & SendHooks = options;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}.`);
  }
  // Called through a closure: a browser's fetch throws "Illegal invocation" when called as the
  // method of some other object.
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const send = createSender({
    fetch: (request) => fetchImpl(request),
    credential: credentialOf(options),
    maxRetries,
    sleep,
    random,
  });
  const client = createClient<paths>({ baseUrl, headers, fetch: send });
  const context: Context = { client, org: orgResolver(organizationId) };
  const namespaces = Object.fromEntries(Object.entries(chosen).map(([name, make]) => [name, make(context)]));
  const { GET, POST, PUT, PATCH, DELETE } = client;
  return { GET, POST, PUT, PATCH, DELETE, ...namespaces } as CrewkitWith<R>;
}

/** Two credentials would leave it to chance which one the server sees, so that is a mistake. */
function credentialOf({ apiKey, publishableKey, getAccessToken }: CrewkitOptions): Credential {
  const given = Object.entries({ apiKey, publishableKey, getAccessToken }).filter(
    ([, value]) => value !== undefined,
  );
  if (given.length > 1) {
    throw new TypeError(
      `createCrewkit() takes one credential, but got ${given.map(([name]) => name).join(' and ')}: ` +
        'pass only apiKey (servers), publishableKey (booking widgets) or getAccessToken (signed-in users).',
    );
  }
  const key = apiKey ?? publishableKey;
  return getAccessToken ?? (() => key);
}
