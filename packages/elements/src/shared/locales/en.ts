import type { ElementErrorCode } from '../api.js';

/** Strings every element shares: state views and one message per error code, in the visitor's words. */
export const en = {
  loading: 'Loading…',
  retry: 'Try again',
  errorReference: (requestId: string) => `Reference: ${requestId}`,
  errors: {
    validation_failed: 'Some details are not valid. Please check them and try again.',
    malformed_json: 'The request could not be read. Please try again.',
    unsupported_media_type: 'The request could not be read. Please try again.',
    unauthorized: 'You need to sign in again.',
    forbidden: 'You are not allowed to do this.',
    origin_not_allowed: 'Online booking is not enabled for this website.',
    invalid_publishable_key: 'This booking page is not set up correctly.',
    not_found: 'We could not find what you were looking for.',
    method_not_allowed: 'This action is not available.',
    conflict: 'Something changed in the meantime. Please reload and try again.',
    idempotency_key_reused: 'This request was already sent with different details.',
    idempotency_request_in_progress: 'Your request is still being processed. Please wait a moment.',
    slot_unavailable: 'Sorry, this time has just been taken.',
    rate_limited: 'Too many attempts. Please wait a minute and try again.',
    payload_too_large: 'That is too much text. Please shorten it.',
    unavailable: 'The booking service is busy right now. Please try again in a moment.',
    queue_unavailable: 'This cannot be started right now. Please try again later.',
    internal: 'Something went wrong on our side. Please try again.',
    ascora_rejected: 'Ascora rejected the request. Check the connection settings.',
    ascora_unavailable: 'Ascora could not be reached. Please try again later.',
    invoice_not_editable: 'This invoice can no longer be changed. Correct it with a credit note.',
    overpayment: 'The payment is more than the balance.',
    network_error: 'We could not reach the server. Check your connection and try again.',
    misconfigured: 'This widget is not set up correctly.',
    unknown_error: 'Something went wrong. Please try again.',
  } satisfies Record<ElementErrorCode, string>,
};

export type CommonTerms = typeof en;
