const BASE_DELAY_MS = 300;
const MAX_BACKOFF_MS = 8_000;
/** A server asking for a longer pause is not waited for: the caller gets its 429/503 at once. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface Attempt {
  /** The response, or undefined when fetch rejected (network failure, DNS, reset connection…). */
  response: Response | undefined;
  /** How many retries already happened for this call. */
  retries: number;
  /** Whether the caller aborted; a cancelled call is never retried. */
  aborted: boolean;
  /** The problem's code, read only for a 409: it alone tells "still running" from a real conflict. */
  code?: string | undefined;
}

export interface RetryPolicy {
  maxRetries: number;
  /** Math.random in production; fixed in tests so delays are exact. */
  random: () => number;
}

/**
 * The retry policy, in one place. Returns how long to wait before trying again, or undefined to stop
 * and hand the outcome to the caller.
 *
 * Only failures that say nothing about the request itself are retried: the network (the request may
 * never have arrived), 429 (too fast), 503 (briefly unavailable) and 409
 * `idempotency_request_in_progress` (an earlier attempt of this very call is still running; once it
 * finishes, the retry gets its answer replayed). Other statuses would fail the same way again — a
 * 403 `origin_not_allowed` or 401 `invalid_publishable_key` among them, which is why the server must
 * let the browser read them: an unreadable refusal looks like a network failure and is retried.
 * Retrying a POST is safe because every POST carries an Idempotency-Key (see send.ts), so the server
 * runs it once and replays its answer.
 *
 * The wait is exponential backoff with full jitter (a random point in [0, min(cap, base·2^n)]), so
 * clients that failed together do not come back together. A `Retry-After` from the server wins,
 * because it knows when it will recover; when it asks for more than a minute, waiting inside a call
 * would look like a hang, so the call gives up and the caller sees the header.
 */
export function retryDelay(
  { response, retries, aborted, code }: Attempt,
  policy: RetryPolicy,
): number | undefined {
  if (aborted || retries >= policy.maxRetries) return undefined;
  if (response && !isTransient(response.status, code)) return undefined;
  const retryAfter = response && parseRetryAfter(response.headers.get('Retry-After'));
  if (retryAfter !== undefined) return retryAfter <= MAX_RETRY_AFTER_MS ? retryAfter : undefined;
  return Math.floor(policy.random() * Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** retries));
}

function isTransient(status: number, code: string | undefined): boolean {
  return status === 429 || status === 503 || (status === 409 && code === 'idempotency_request_in_progress');
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
