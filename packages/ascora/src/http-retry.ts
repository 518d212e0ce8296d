import { isHTTPError, isTimeoutError, type RetryOptions } from 'ky';

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

/**
 * The retry policy, in one place, expressed as ky retry options for one call.
 *
 * Retried: network failures, per-attempt timeouts, 408, 429 and 5xx — failures that say nothing about
 * the request. Other 4xx would fail the same way again, and so would a 200 carrying
 * `{ success: false }`, which ky never sees as an error.
 *
 * Ascora has no idempotency keys, so a create (`idempotent: false`) is only re-sent when the answer
 * proves it was not processed (408, 429, 503). After a timeout, a reset connection or a 500 the
 * create may have happened; the caller gets a retryable AscoraUnavailableError and should look the
 * record up before creating it again. Reads, updates by id, mark-as-sent and deletes repeat safely.
 *
 * The wait is exponential (`initialDelayMs · factor^n`, capped at `maxDelayMs`) with "equal jitter" —
 * half fixed, half random — so clients that failed together spread out, yet a retry never comes back
 * instantly. A `Retry-After` on 429/503 wins, because the server knows when it will recover (ky
 * applies it without jitter); when it asks for longer than `maxRetryAfterMs` the call gives up at once
 * with AscoraRateLimitedError carrying `retryAfterMs`, so a job queue can reschedule instead of
 * holding a worker.
 */
export function retryOptions(
  policy: Required<AscoraRetryOptions>,
  call: { idempotent: boolean; signal: AbortSignal | undefined },
): RetryOptions {
  return {
    limit: policy.limit,
    methods: ['get', 'post', 'delete'],
    statusCodes: RETRYABLE_STATUSES,
    afterStatusCodes: [429, 503],
    retryOnTimeout: call.idempotent,
    delay: (attempt) => policy.initialDelayMs * policy.factor ** (attempt - 1),
    jitter: (delay) => delay / 2 + (Math.random() * delay) / 2,
    backoffLimit: policy.maxDelayMs,
    shouldRetry: ({ error }) => {
      if (call.signal?.aborted) return false;
      if (isHTTPError(error)) {
        if (!call.idempotent && !NOT_PROCESSED_STATUSES.has(error.response.status)) return false;
        const retryAfter = parseRetryAfter(error.response.headers.get('Retry-After'));
        if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return false;
        return undefined; // ky's own checks: status list, Retry-After, backoff
      }
      if (isTimeoutError(error)) return call.idempotent ? undefined : false;
      // Refused before sending (an injected fetch's policy, say): sending again cannot change that.
      if ((error as { retryable?: unknown }).retryable === false) return false;
      // A user abort is not a failure to recover from.
      if (error.name === 'AbortError') return false;
      // fetch rejects with a TypeError for network failures; the request may have arrived.
      return call.idempotent ? undefined : false;
    },
  };
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
