import { isHTTPError, isTimeoutError } from 'ky';

export interface AscoraRetryOptions {
  /** Retries after the first attempt. Default 3. */
  limit?: number;
  /** Backoff before the first retry. Default 1 s. */
  initialDelayMs?: number;
  /** Growth of the backoff per retry. Default 2. */
  factor?: number;
  /** Backoff cap. Default 10 s. */
  maxDelayMs?: number;
  /** A longer `Retry-After` is not waited for: the call fails with AscoraRateLimitedError at once. Default 100 s. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: Required<AscoraRetryOptions> = {
  limit: 3,
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 100_000,
};

/** Statuses that say nothing about the request itself: it may well succeed if sent again. */
export const RETRYABLE_STATUSES = [408, 429, 500, 502, 503, 504];

/**
 * Statuses that mean the server did not act on the request (timed out reading it, refused it for rate,
 * or was down), so even a create can be sent again without making a duplicate.
 */
const NOT_PROCESSED_STATUSES = new Set([408, 429, 503]);

/** What is known about one failed attempt when deciding whether to send it again. */
export interface FailedAttempt {
  /** What the attempt threw: ky's HTTPError or TimeoutError, fetch's TypeError, an AbortError… */
  error: unknown;
  /** How many retries already happened for this call. */
  retries: number;
  /** Whether sending it twice has the effect of sending it once. */
  idempotent: boolean;
  /** Whether the caller aborted; a cancelled call is never retried. */
  aborted: boolean;
}

/**
 * The retry policy, in one place. Returns how long to wait before sending the call again, or
 * undefined to stop and hand the failure to the caller.
 *
 * Retried: network failures, per-attempt timeouts, 408, 429 and 5xx — failures that say nothing about
 * the request. Other 4xx would fail the same way again, and so would a 200 carrying
 * `{ success: false }`, which is never seen as an error here.
 *
 * Ascora has no idempotency keys, so a create (`idempotent: false`) is only re-sent when the answer
 * proves it was not processed (408, 429, 503). After a timeout, a reset connection or a 500 the
 * create may have happened; the caller gets a retryable AscoraUnavailableError and should look the
 * record up before creating it again. Reads, updates by id, mark-as-sent and deletes repeat safely.
 *
 * The wait is exponential (`initialDelayMs · factor^n`, capped at `maxDelayMs`) with "equal jitter" —
 * half fixed, half random — so clients that failed together spread out, yet a retry never comes back
 * instantly. A `Retry-After` on 429/503 wins, because the server knows when it will recover (no
 * jitter); when it asks for longer than `maxRetryAfterMs` the call gives up at once with
 * AscoraRateLimitedError carrying `retryAfterMs`, so a job queue can reschedule instead of holding a
 * worker.
 */
export function retryDelay(
  { error, retries, idempotent, aborted }: FailedAttempt,
  policy: Required<AscoraRetryOptions>,
  random: () => number,
  now = Date.now(),
): number | undefined {
  if (aborted || retries >= policy.limit) return undefined;
  if (isHTTPError(error)) {
    const { status, headers } = error.response;
    if (!RETRYABLE_STATUSES.includes(status)) return undefined;
    if (!idempotent && !NOT_PROCESSED_STATUSES.has(status)) return undefined;
    if (status === 429 || status === 503) {
      const retryAfter = parseRetryAfter(headers.get('Retry-After'), now);
      if (retryAfter !== undefined) return retryAfter <= policy.maxRetryAfterMs ? retryAfter : undefined;
    }
    return backoff(retries, policy, random);
  }
  if (isTimeoutError(error)) return idempotent ? backoff(retries, policy, random) : undefined;
  if (!(error instanceof Error)) return undefined;
  // Refused before sending (an injected fetch's policy, say): sending again cannot change that.
  if ((error as { retryable?: unknown }).retryable === false) return undefined;
  // A user abort is not a failure to recover from.
  if (error.name === 'AbortError') return undefined;
  // fetch rejects with a TypeError for network failures; the request may have arrived.
  return idempotent ? backoff(retries, policy, random) : undefined;
}

function backoff(retries: number, policy: Required<AscoraRetryOptions>, random: () => number): number {
  const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** retries);
  return delay / 2 + (random() * delay) / 2;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
