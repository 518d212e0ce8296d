export interface AscoraErrorOptions {
  /** HTTP status; undefined when no response arrived (network failure, timeout). */
  status?: number | undefined;
  /** Ascora's own `message`, e.g. `CUSTOMER-NOT-FOUND`. */
  ascoraMessage?: string | undefined;
  cause?: unknown;
}

/**
 * Anything that went wrong talking to Ascora. `retryable` tells a job queue whether the same call may
 * succeed later unchanged (the client has already retried what it safely could).
 */
export class AscoraError extends Error {
  override name = 'AscoraError';
  readonly status: number | undefined;
  readonly ascoraMessage: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: AscoraErrorOptions & { retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.ascoraMessage = options.ascoraMessage;
    this.retryable = options.retryable ?? false;
  }
}

/** The key was rejected (401/403): missing, wrong, expired, or without access to this area. */
export class AscoraAuthenticationError extends AscoraError {
  override name = 'AscoraAuthenticationError';
  constructor(message: string, options: AscoraErrorOptions = {}) {
    super(message, { ...options, retryable: false });
  }
}

/** The customer, job or subscription does not exist (Ascora says so with a 404 or a 200). */
export class AscoraNotFoundError extends AscoraError {
  override name = 'AscoraNotFoundError';
  constructor(message: string, options: AscoraErrorOptions = {}) {
    super(message, { ...options, retryable: false });
  }
}

/** Still 429 after the retries, or Ascora asked for a longer pause than the client waits inside a call. */
export class AscoraRateLimitedError extends AscoraError {
  override name = 'AscoraRateLimitedError';
  /** From `Retry-After`; undefined when Ascora did not say. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: AscoraErrorOptions & { retryAfterMs?: number | undefined } = {}) {
    super(message, { ...options, retryable: true });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Ascora refused the request itself (other 4xx, or `success: false` with 200), or we refused to send it. */
export class AscoraValidationError extends AscoraError {
  override name = 'AscoraValidationError';
  constructor(message: string, options: AscoraErrorOptions = {}) {
    super(message, { ...options, retryable: false });
  }
}

/** Network failure, timeout, 408 or 5xx, still failing after the retries. */
export class AscoraUnavailableError extends AscoraError {
  override name = 'AscoraUnavailableError';
  constructor(message: string, options: AscoraErrorOptions = {}) {
    super(message, { ...options, retryable: true });
  }
}

/**
 * A single record (`getCustomer`, `getJob`, a save's echo) that failed validation. Lists never throw
 * this: they skip the record and report it in `invalid`.
 */
export class AscoraInvalidRecordError extends AscoraError {
  override name = 'AscoraInvalidRecordError';
  readonly recordId: string | null;
  readonly issues: string;
  constructor(message: string, options: { recordId: string | null; issues: string; status?: number }) {
    super(message, { status: options.status, retryable: false });
    this.recordId = options.recordId;
    this.issues = options.issues;
  }
}
