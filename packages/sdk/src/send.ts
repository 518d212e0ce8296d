import { retryDelay } from './retry-policy.js';

export type Credential = () => string | undefined | Promise<string | undefined>;

/** Not public options: tests inject these so retries neither wait nor vary. */
export interface SendHooks {
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface SendOptions extends SendHooks {
  fetch: (request: Request) => Promise<Response>;
  credential: Credential;
  maxRetries: number;
}

/**
 * The one request sender: openapi-fetch hands every call to it as a Request (as its `fetch`), so
 * resource methods and the raw GET/POST/… share credentials, idempotency keys and retries.
 * Like fetch, it rejects only when no response arrives; HTTP errors are returned.
 */
export function createSender({
  fetch,
  credential,
  maxRetries,
  sleep = wait,
  random = Math.random,
}: SendOptions) {
  return async function send(request: Request): Promise<Response> {
    // Kept unsent so that every attempt can send a fresh copy of the body.
    const template = request.clone();
    // Generated once per call, not per attempt: the same key is what lets the server recognise a retry.
    if (template.method === 'POST' && !template.headers.has('Idempotency-Key')) {
      template.headers.set('Idempotency-Key', globalThis.crypto.randomUUID());
    }
    for (let retries = 0; ; retries++) {
      const attempt = template.clone();
      // Asked on every attempt, so a host that refreshed its token meanwhile is heard.
      const token = await credential();
      if (token !== undefined && !attempt.headers.has('Authorization')) {
        attempt.headers.set('Authorization', `Bearer ${token}`);
      }
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await fetch(attempt);
      } catch (error) {
        failure = error;
      }
      const code = response?.status === 409 ? await problemCode(response) : undefined;
      const delay = retryDelay(
        { response, retries, aborted: request.signal.aborted, code },
        { maxRetries, random },
      );
      if (delay === undefined) {
        if (response) return response;
        throw failure;
      }
      // An unread body holds its connection open until it is garbage-collected.
      void response?.body?.cancel().catch(() => {});
      await sleep(delay, request.signal);
    }
  };
}

/** Reads a copy, so the caller still gets the body; anything but a problem document has no code. */
async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    const code = (body as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}
