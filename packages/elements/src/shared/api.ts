import {
  CrewkitError,
  type CrewkitWith,
  createCrewkitWith,
  type ErrorCode,
  type Problem,
  type resources,
} from '@crewkit/sdk';

/** Every code an element can show: the API's, plus the failures that never reach the API. */
export type ElementErrorCode = ErrorCode | 'network_error' | 'misconfigured' | 'unknown_error';

/**
 * A failed call as the widgets see it. The SDK returns problems rather than throwing; elements
 * throw this instead so one `catch` per step handles API errors and network failures alike.
 */
export class ElementError extends Error {
  override readonly name = 'ElementError';
  constructor(
    readonly code: ElementErrorCode,
    readonly options: { status?: number; requestId?: string; problem?: Problem; cause?: unknown } = {},
  ) {
    super(options.problem?.title ?? code, { cause: options.cause });
  }
  get status() {
    return this.options.status;
  }
  get requestId() {
    return this.options.requestId;
  }
  get problem() {
    return this.options.problem;
  }
}

export interface ClientSettings {
  /** Where the API lives (`api-base`), e.g. `https://crewkit.example.com`. */
  apiBase: string | undefined;
  /** The organization id (`org`). */
  org: string | undefined;
  /**
   * For public elements (`publishable-key`). An element that passes this member at all needs a key:
   * without one every call would answer 401, and the visitor would be told to sign in.
   */
  publishableKey?: string | undefined;
  accessToken?: string | undefined;
  getAccessToken?: (() => string | undefined | Promise<string | undefined>) | undefined;
}

/**
 * Builds the SDK client an element talks through. A missing attribute is a host-page mistake, so it
 * is reported by name rather than surfacing later as a confusing 401 or 404.
 */
export function createElementClient<R extends Partial<typeof resources>>(
  settings: ClientSettings,
  namespaces: R,
): CrewkitWith<R> {
  const { apiBase, org, publishableKey, accessToken, getAccessToken } = settings;
  const keyless = 'publishableKey' in settings && !publishableKey && !accessToken && !getAccessToken;
  const missing = [!apiBase && 'api-base', !org && 'org', keyless && 'publishable-key'].filter(Boolean);
  if (missing.length > 0) {
    throw new ElementError('misconfigured', { cause: `missing ${missing.join(', ')}` });
  }
  const base = apiBase!.replace(/\/+$/, '');
  if (getAccessToken || accessToken) {
    return createCrewkitWith(
      { baseUrl: base, organizationId: org!, getAccessToken: getAccessToken ?? (() => accessToken) },
      namespaces,
    );
  }
  return createCrewkitWith({ baseUrl: base, organizationId: org!, publishableKey }, namespaces);
}

type Result<T> = { data?: T; error?: Problem; response: Response };

/** Unwraps an SDK result: the data, or an `ElementError` carrying the problem's code. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw toElementError(cause);
  }
  if (result.error !== undefined || !result.response.ok) {
    const problem = result.error;
    const known = typeof problem?.code === 'string' && problem.code.length > 0;
    throw new ElementError(known ? problem!.code : 'unknown_error', {
      status: result.response.status,
      requestId: problem?.requestId ?? result.response.headers.get('X-Request-Id') ?? undefined,
      ...(problem ? { problem } : {}),
    });
  }
  return result.data as T;
}

/** Anything thrown on the way (fetch's TypeError, an abort, a bug) as an `ElementError`. */
export function toElementError(cause: unknown): ElementError {
  if (cause instanceof ElementError) return cause;
  // Thrown by list iteration (`toArray`, `for await`), which cannot return its error.
  if (cause instanceof CrewkitError) {
    return new ElementError(cause.code ?? 'unknown_error', {
      status: cause.status,
      ...(cause.requestId ? { requestId: cause.requestId } : {}),
      ...(cause.problem ? { problem: cause.problem } : {}),
    });
  }
  // fetch rejects with a TypeError when the network, DNS or CORS fails; the browser says no more.
  if (cause instanceof TypeError) return new ElementError('network_error', { cause });
  return new ElementError('unknown_error', { cause });
}

/** Whether an abort (a newer request replaced this one): such failures are not shown. */
export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/** Every item of every page of a list (for lookups, which are small but may exceed one page). */
export async function collectAll<Item>(list: AsyncIterable<Item>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of list) items.push(item);
  return items;
}
