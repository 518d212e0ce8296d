import type { components } from '@crewkit/sdk/openapi';

export type ErrorCode = components['schemas']['ErrorCode'];
export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

/** The one place that decides which HTTP status a machine code travels with. */
export const codeToStatus = {
  validation_failed: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  invalid_publishable_key: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reused: 422,
  idempotency_request_in_progress: 409,
  slot_unavailable: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
  queue_unavailable: 503,
  internal: 500,
  ascora_rejected: 422,
  ascora_unavailable: 502,
  invoice_not_editable: 409,
  overpayment: 422,
} as const satisfies Record<ErrorCode, number>;

const titles: Record<ErrorCode, string> = {
  validation_failed: 'The request does not match the API contract',
  malformed_json: 'The request body is not valid JSON',
  unsupported_media_type: 'The request body must be application/json',
  unauthorized: 'A valid credential is required',
  forbidden: 'This credential may not perform this operation',
  origin_not_allowed: 'This publishable key is not allowed from this origin',
  invalid_publishable_key: 'This publishable key is unknown, revoked or for another organization',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'The request conflicts with the current state',
  idempotency_key_reused: 'This idempotency key was used with a different request',
  idempotency_request_in_progress: 'A request with this idempotency key is still running',
  slot_unavailable: 'This time can no longer be booked',
  rate_limited: 'Too many requests',
  payload_too_large: 'The request body is too large',
  unavailable: 'The service is temporarily unavailable',
  queue_unavailable: 'Background work cannot be queued right now',
  internal: 'Something went wrong on our side',
  ascora_rejected: 'Ascora rejected the request',
  ascora_unavailable: 'Ascora could not be reached',
  invoice_not_editable: 'Only draft invoices made here can change; correct an issued one with a credit note',
  overpayment: 'The payment is more than the balance',
};

export interface ApiErrorOptions {
  detail?: string;
  errors?: FieldError[];
  allowed?: string[];
  headers?: Record<string, string>;
  /** Extra members for the problem document (RFC 9457 extensions), e.g. alternatives. */
  extensions?: Record<string, unknown>;
}

/** Thrown anywhere in a request; the error handler turns it into a problem response. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly options: ApiErrorOptions;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.detail ?? titles[code]);
    this.name = 'ApiError';
    this.code = code;
    this.status = codeToStatus[code];
    this.options = options;
  }
}

export function problemBody(code: ErrorCode, requestId: string, options: ApiErrorOptions = {}): Problem {
  return {
    ...options.extensions,
    type: `https://crewkit.dev/problems/${code.replaceAll('_', '-')}`,
    title: titles[code],
    status: codeToStatus[code],
    code,
    requestId,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    ...(options.errors === undefined ? {} : { errors: options.errors }),
    ...(options.allowed === undefined ? {} : { allowed: options.allowed }),
  };
}

export function problemResponse(error: ApiError, requestId: string): Response {
  return new Response(JSON.stringify(problemBody(error.code, requestId, error.options)), {
    status: error.status,
    headers: {
      'content-type': 'application/problem+json',
      'x-request-id': requestId,
      ...error.options.headers,
    },
  });
}
