import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import type { z } from 'zod';
import {
  AscoraAuthenticationError,
  AscoraError,
  AscoraInvalidRecordError,
  AscoraNotFoundError,
  AscoraRateLimitedError,
  AscoraUnavailableError,
  AscoraValidationError,
} from './errors.js';
import { type AscoraRetryOptions, DEFAULT_RETRY, parseRetryAfter, retryDelay, wait } from './http-retry.js';
import {
  type AscoraContact,
  type AscoraCustomer,
  type AscoraCustomerInput,
  type AscoraInvoice,
  type AscoraJob,
  type AscoraJobInput,
  type AscoraJobStatusFilter,
  type AscoraPayment,
  type AscoraPaymentInput,
  type AscoraWebhookEvent,
  ascoraContactSchema,
  ascoraCustomerInputSchema,
  ascoraCustomerSchema,
  ascoraInvoiceSchema,
  ascoraJobInputSchema,
  ascoraJobSchema,
  ascoraPaymentInputSchema,
  ascoraPaymentSchema,
  ascoraWebhookInputSchema,
  describeIssues,
} from './schemas.js';
import { toAscoraDate } from './timestamps.js';

export type AscoraEntity = 'customer' | 'job' | 'invoice' | 'payment' | 'contact';

export interface InvalidRecord {
  /** The record's GUID when it had a usable one, so the skip can be traced in Ascora. */
  id: string | null;
  /** One line: which fields were wrong and how. Never the record's content (personal data). */
  issues: string;
}

export interface AscoraTimeouts {
  /** Per attempt, the connection check. Default 10 s. */
  probeMs?: number;
  /** Per attempt, a list page or a single record. Default 30 s. */
  listMs?: number;
  /** Per attempt, the accounting queues and payments. Default 60 s. */
  accountingMs?: number;
  /** Per attempt, creating or updating customers, jobs and webhooks. Default 30 s. */
  writeMs?: number;
}

export interface AscoraClientOptions {
  /** e.g. `https://api.ascora.com.au`; a trailing slash is fine. */
  baseUrl: string;
  /** Sent raw in the `Auth` header (Ascora does not use `Bearer`). */
  apiKey: string;
  fetch?: typeof fetch;
  retry?: AscoraRetryOptions;
  timeouts?: AscoraTimeouts;
  /**
   * Called for every record that fails validation and is skipped. Defaults to a `console.warn` with
   * the entity, id and issues — never the record itself, which holds personal data.
   */
  onInvalidRecord?: (info: { entity: AscoraEntity } & InvalidRecord) => void;
  /** Cancels every call of this client, including the waits between retries. */
  signal?: AbortSignal;
  /** Waits between retries; a timer by default. Must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The jitter's source: Math.random by default, fixed in tests so every wait is exact. */
  random?: () => number;
}

export interface Page<T> {
  results: T[];
  totalPages: number;
  totalRecords: number;
  /** Records on this page that failed validation and are not in `results`. */
  invalid: InvalidRecord[];
}

export interface AscoraClient {
  /** A cheap authenticated call (customers page 1, size 1). Throws AscoraAuthenticationError on a bad key. */
  probe(): Promise<void>;
  listCustomers(query: {
    page: number;
    pageSize?: number;
    filterText?: string;
  }): Promise<Page<AscoraCustomer>>;
  /** @throws AscoraNotFoundError */
  getCustomer(customerId: string): Promise<AscoraCustomer>;
  /** Creates a customer, or updates the one named by `input.customerId`. */
  saveCustomer(input: AscoraCustomerInput): Promise<AscoraCustomer>;
  listContacts(customerId: string): Promise<{ contacts: AscoraContact[]; invalid: InvalidRecord[] }>;
  /** `startDate`/`endDate` bound the job's created date (`YYYY-MM-DD`, or a Date/ISO string: its UTC day). */
  listJobs(query: {
    page: number;
    pageSize?: number;
    jobStatus?: AscoraJobStatusFilter;
    startDate?: string | Date;
    endDate?: string | Date;
    /** Whether child jobs are listed with their parents (corsair's client sends it). */
    includeChildJobs?: boolean;
  }): Promise<Page<AscoraJob>>;
  /** By job NUMBER (`J3`), not GUID — that is the only lookup Ascora offers. @throws AscoraNotFoundError */
  getJob(jobNumber: string): Promise<AscoraJob>;
  /** Creates a job, or updates the one named by `input.jobId`. `siteCustomer.id` is required. */
  saveJob(input: AscoraJobInput): Promise<AscoraJob>;
  /** Invoices not yet marked as sent, dated before `priorToDate`. */
  getInvoicesToSend(
    priorToDate: string | Date,
  ): Promise<{ invoices: AscoraInvoice[]; invalid: InvalidRecord[] }>;
  /** Removes them from the queue above. Apply them first: once marked, Ascora will not send them again. */
  markInvoicesAsSent(invoiceIds: string[]): Promise<void>;
  getPaymentsToSend(
    priorToDate: string | Date,
  ): Promise<{ payments: AscoraPayment[]; invalid: InvalidRecord[] }>;
  markPaymentsAsSent(paymentIds: string[]): Promise<void>;
  /** Records a payment against an invoice in Ascora. Not retried after an ambiguous failure (no idempotency). */
  createPayment(input: AscoraPaymentInput): Promise<void>;
  createWebhook(input: {
    hookUrl: string;
    systemName: string;
    hookEvent: AscoraWebhookEvent;
  }): Promise<{ subscriptionId: string }>;
  deleteWebhook(subscriptionId: string): Promise<void>;
}

const DEFAULT_TIMEOUTS: Required<AscoraTimeouts> = {
  probeMs: 10_000,
  listMs: 30_000,
  accountingMs: 60_000,
  writeMs: 30_000,
};

/** Ascora serves up to 1000 records a page (250 by default); more is a bug on our side. */
const MAX_PAGE_SIZE = 1000;

type CallKind = keyof AscoraTimeouts;

interface Call {
  method: 'get' | 'post' | 'delete';
  path: string;
  kind: CallKind;
  /** Whether sending it twice has the effect of sending it once (see http-retry.ts). */
  idempotent: boolean;
  searchParams?: Record<string, string | number>;
  json?: unknown;
}

const ID_FIELD: Record<AscoraEntity, string> = {
  customer: 'customerId',
  job: 'jobId',
  invoice: 'id',
  payment: 'id',
  contact: 'contactId',
};

export function createAscoraClient(options: AscoraClientOptions): AscoraClient {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const { sleep = wait, random = Math.random } = options;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const onInvalidRecord =
    options.onInvalidRecord ??
    ((info) => console.warn(`Ascora ${info.entity} ${info.id ?? '(no id)'} skipped: ${info.issues}`));
  // fetch throws a TypeError for a header value it cannot send; say what is wrong instead, and
  // never build the header, so no call goes out with a key cut short or split across lines.
  const keySendable = headerValueSendable(options.apiKey);
  const http: KyInstance = ky.create({
    prefixUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...(keySendable ? { Auth: options.apiKey } : {}), Accept: 'application/json' },
    // A redirect could take the request, key and all, anywhere: it is an answer, not a detour.
    redirect: 'manual',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    throwHttpErrors: true,
  });

  /** Sends one call with retries and returns its JSON body, or throws the matching AscoraError. */
  async function send(call: Call): Promise<unknown> {
    if (!keySendable) {
      throw new AscoraValidationError(
        'The API key holds characters an HTTP header cannot carry (line breaks, or beyond Latin-1)',
      );
    }
    const timeout = timeouts[call.kind];
    let response: Response;
    for (let retries = 0; ; retries++) {
      try {
        response = await http(call.path, {
          method: call.method,
          timeout,
          retry: 0, // retried below, so the waits go through the injected sleep
          ...(call.searchParams ? { searchParams: call.searchParams } : {}),
          ...(call.json === undefined ? {} : { json: call.json }),
        });
        break;
      } catch (error) {
        const aborted = options.signal?.aborted ?? false;
        const delay = retryDelay({ error, retries, idempotent: call.idempotent, aborted }, policy, random);
        if (delay === undefined) throw await toAscoraError(error, call, timeout);
        try {
          await sleep(delay, options.signal);
        } catch (abort) {
          throw await toAscoraError(abort, call, timeout);
        }
      }
    }
    const body = await readJson(response);
    if (isFailure(body)) throw failureError(response.status, body.message);
    return body;
  }

  function validate<S extends z.ZodType>(
    entity: AscoraEntity,
    schema: S,
    raw: unknown,
    invalid: InvalidRecord[],
  ): z.output<S> | undefined {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const record: InvalidRecord = { id: idOf(entity, raw), issues: describeIssues(parsed.error) };
    invalid.push(record);
    onInvalidRecord({ entity, ...record });
    return undefined;
  }

  function validateAll<S extends z.ZodType>(entity: AscoraEntity, schema: S, raws: unknown[]) {
    const results: z.output<S>[] = [];
    const invalid: InvalidRecord[] = [];
    for (const raw of raws) {
      const record = validate(entity, schema, raw, invalid);
      if (record !== undefined) results.push(record);
    }
    return { results, invalid };
  }

  /** A single record that fails validation cannot be skipped: the caller asked for it. */
  function validateOne<S extends z.ZodType>(entity: AscoraEntity, schema: S, raw: unknown): z.output<S> {
    const invalid: InvalidRecord[] = [];
    const record = validate(entity, schema, raw, invalid);
    if (record !== undefined) return record;
    const [problem] = invalid as [InvalidRecord];
    throw new AscoraInvalidRecordError(`Ascora sent an invalid ${entity}: ${problem.issues}`, {
      recordId: problem.id,
      issues: problem.issues,
    });
  }

  function parsePage<S extends z.ZodType>(entity: AscoraEntity, schema: S, body: unknown): Page<z.output<S>> {
    if (!isListEnvelope(body)) throw unexpected(`a list of ${entity}s`, body);
    return {
      ...validateAll(entity, schema, body.results),
      totalPages: body.totalPages,
      totalRecords: body.totalRecords,
    };
  }

  function parseQueue<S extends z.ZodType>(entity: AscoraEntity, schema: S, body: unknown) {
    // Documented as a bare array; an envelope is accepted too in case Ascora ever wraps it.
    const raws = Array.isArray(body) ? body : isListEnvelope(body) ? body.results : undefined;
    if (raws === undefined) throw unexpected(`a list of ${entity}s`, body);
    return validateAll(entity, schema, raws);
  }

  function member(body: unknown, key: string): unknown {
    if (typeof body !== 'object' || body === null || !(key in body)) throw unexpected(`a ${key}`, body);
    return (body as Record<string, unknown>)[key];
  }

  function checkInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new AscoraValidationError(`Invalid ${what}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  return {
    async probe() {
      const body = await send({
        method: 'get',
        path: 'Customers/Customers',
        kind: 'probeMs',
        idempotent: true,
        searchParams: { Page: 1, PageSize: 1 },
      });
      if (!isListEnvelope(body)) throw unexpected('a list of customers', body);
    },

    async listCustomers({ page, pageSize, filterText }) {
      const body = await send({
        method: 'get',
        path: 'Customers/Customers',
        kind: 'listMs',
        idempotent: true,
        searchParams: {
          ...pagination(page, pageSize),
          ...(filterText ? { FilterText: filterText } : {}),
        },
      });
      return parsePage('customer', ascoraCustomerSchema, body);
    },

    async getCustomer(customerId) {
      const body = await send({
        method: 'get',
        path: `Customers/Customer/${encodeURIComponent(customerId)}`,
        kind: 'listMs',
        idempotent: true,
      });
      return validateOne('customer', ascoraCustomerSchema, member(body, 'customer'));
    },

    async saveCustomer(input) {
      const json = checkInput(ascoraCustomerInputSchema, input, 'customer');
      const body = await send({
        method: 'post',
        path: 'Customers/Customer',
        kind: 'writeMs',
        idempotent: json.customerId !== undefined,
        json,
      });
      return validateOne('customer', ascoraCustomerSchema, member(body, 'customer'));
    },

    async listContacts(customerId) {
      const body = await send({
        method: 'get',
        path: `Customers/GetContactsForCustomer/${encodeURIComponent(customerId)}`,
        kind: 'listMs',
        idempotent: true,
      });
      // Undocumented envelope: a bare array, `{ results }` and `{ contacts }` are all accepted.
      const raws = Array.isArray(body)
        ? body
        : isListEnvelope(body)
          ? body.results
          : typeof body === 'object' &&
              body !== null &&
              Array.isArray((body as { contacts?: unknown }).contacts)
            ? (body as { contacts: unknown[] }).contacts
            : undefined;
      if (raws === undefined) throw unexpected('a list of contacts', body);
      const { results, invalid } = validateAll('contact', ascoraContactSchema, raws);
      return { contacts: results, invalid };
    },

    async listJobs({ page, pageSize, jobStatus, startDate, endDate, includeChildJobs }) {
      const body = await send({
        method: 'get',
        path: 'Jobs/Jobs',
        kind: 'listMs',
        idempotent: true,
        searchParams: {
          ...pagination(page, pageSize),
          ...(jobStatus ? { JobStatus: jobStatus } : {}),
          ...(startDate ? { StartDate: toAscoraDate(startDate) } : {}),
          ...(endDate ? { EndDate: toAscoraDate(endDate) } : {}),
          ...(includeChildJobs === undefined ? {} : { IncludeChildJobs: String(includeChildJobs) }),
        },
      });
      return parsePage('job', ascoraJobSchema, body);
    },

    async getJob(jobNumber) {
      const body = await send({
        method: 'get',
        path: `Jobs/Job/${encodeURIComponent(jobNumber)}`,
        kind: 'listMs',
        idempotent: true,
      });
      return validateOne('job', ascoraJobSchema, member(body, 'job'));
    },

    async saveJob(input) {
      const json = checkInput(ascoraJobInputSchema, input, 'job');
      const body = await send({
        method: 'post',
        path: 'Jobs/Job',
        kind: 'writeMs',
        idempotent: json.jobId !== undefined,
        json,
      });
      return validateOne('job', ascoraJobSchema, member(body, 'job'));
    },

    async getInvoicesToSend(priorToDate) {
      const body = await send({
        method: 'get',
        path: 'Accounting/GetInvoicesToSend',
        kind: 'accountingMs',
        idempotent: true,
        searchParams: { priorToDate: toAscoraDate(priorToDate) },
      });
      const { results, invalid } = parseQueue('invoice', ascoraInvoiceSchema, body);
      return { invoices: results, invalid };
    },

    async markInvoicesAsSent(invoiceIds) {
      if (invoiceIds.length === 0) return;
      await send({
        method: 'post',
        path: 'Accounting/MarkInvoicesAsSent',
        kind: 'accountingMs',
        idempotent: true,
        json: { InvoiceIds: invoiceIds },
      });
    },

    async getPaymentsToSend(priorToDate) {
      const body = await send({
        method: 'get',
        path: 'Accounting/GetPaymentsToSend',
        kind: 'accountingMs',
        idempotent: true,
        searchParams: { priorToDate: toAscoraDate(priorToDate) },
      });
      const { results, invalid } = parseQueue('payment', ascoraPaymentSchema, body);
      return { payments: results, invalid };
    },

    async markPaymentsAsSent(paymentIds) {
      if (paymentIds.length === 0) return;
      await send({
        method: 'post',
        path: 'Accounting/MarkPaymentsAsSent',
        kind: 'accountingMs',
        idempotent: true,
        json: { PaymentIds: paymentIds },
      });
    },

    async createPayment(input) {
      const json = checkInput(ascoraPaymentInputSchema, input, 'payment');
      await send({
        method: 'post',
        path: 'Accounting/CreatePayment',
        kind: 'accountingMs',
        idempotent: false,
        json,
      });
    },

    async createWebhook(input) {
      const json = checkInput(ascoraWebhookInputSchema, input, 'webhook');
      const body = await send({ method: 'post', path: 'WebHooks', kind: 'writeMs', idempotent: false, json });
      const subscriptionId = member(body, 'subscriptionId');
      if (typeof subscriptionId !== 'string' || subscriptionId === '')
        throw unexpected('a subscriptionId', body);
      return { subscriptionId };
    },

    async deleteWebhook(subscriptionId) {
      await send({
        method: 'delete',
        path: `Webhooks/Delete/${encodeURIComponent(subscriptionId)}`,
        kind: 'writeMs',
        idempotent: true,
      });
    },
  };
}

/** What Node's HTTP stack accepts in a header value: tab, visible ASCII and space, and Latin-1. */
export function headerValueSendable(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}

function pagination(page: number, pageSize: number | undefined): Record<string, number> {
  if (!Number.isInteger(page) || page < 1)
    throw new RangeError(`page must be an integer from 1, got ${page}`);
  if (pageSize === undefined) return { Page: page };
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  return { Page: page, PageSize: pageSize };
}

interface ListEnvelope {
  results: unknown[];
  totalPages: number;
  totalRecords: number;
}

function isListEnvelope(body: unknown): body is ListEnvelope {
  if (typeof body !== 'object' || body === null) return false;
  const { results, totalPages, totalRecords } = body as Record<string, unknown>;
  return (
    Array.isArray(results) &&
    Number.isInteger(totalPages) &&
    (totalPages as number) >= 0 &&
    Number.isInteger(totalRecords) &&
    (totalRecords as number) >= 0
  );
}

function isFailure(body: unknown): body is { success: false; message?: unknown } {
  return typeof body === 'object' && body !== null && (body as { success?: unknown }).success === false;
}

function idOf(entity: AscoraEntity, raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as Record<string, unknown>)[ID_FIELD[entity]];
  return typeof id === 'string' && id !== '' ? id : null;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AscoraError(`Ascora answered ${response.status} with a body that is not JSON`, {
      status: response.status,
    });
  }
}

function unexpected(expected: string, body: unknown): AscoraError {
  const got = Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body;
  return new AscoraError(`Ascora answered without ${expected} (got ${got})`);
}

/**
 * Maps a `{ success: false, message }` answer to an error class. Ascora sends these with 200 as well
 * as with 4xx, so the message decides when the status cannot: `*-NOT-FOUND` is a missing record.
 */
function failureError(status: number, rawMessage: unknown): AscoraError {
  const ascoraMessage = typeof rawMessage === 'string' ? rawMessage : undefined;
  const message = `Ascora refused the request: ${ascoraMessage ?? `HTTP ${status}`}`;
  const options = { status, ascoraMessage };
  if (status === 401 || status === 403) return new AscoraAuthenticationError(message, options);
  // `JOB-NOT-FOUND`, or in words: "No Matching Job Found (J42)", sent with 200.
  if (
    status === 404 ||
    (ascoraMessage !== undefined && /NOT[-_ ]?FOUND|\bno matching\b.*\bfound\b/i.test(ascoraMessage))
  ) {
    return new AscoraNotFoundError(message, options);
  }
  if (status === 429) return new AscoraRateLimitedError(message, options);
  if (status === 408 || status >= 500) return new AscoraUnavailableError(message, options);
  return new AscoraValidationError(message, options);
}

async function toAscoraError(error: unknown, call: Call, timeoutMs: number): Promise<unknown> {
  if (error instanceof HTTPError) {
    const { response } = error;
    // Status 0 is how a browser shows a redirect it was told not to follow.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      return new AscoraValidationError(
        `Ascora answered ${call.method.toUpperCase()} /${call.path} with a redirect (HTTP ${response.status}), which is not followed: check the base URL`,
        { status: response.status },
      );
    }
    let body: unknown;
    try {
      body = await readJson(response);
    } catch {
      body = undefined; // a proxy's HTML error page: the status alone decides
    }
    const message = isFailure(body) ? body.message : undefined;
    const mapped = failureError(response.status, message);
    if (response.status === 429) {
      return new AscoraRateLimitedError(mapped.message, {
        status: 429,
        ascoraMessage: mapped.ascoraMessage,
        retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
      });
    }
    return mapped;
  }
  if (error instanceof TimeoutError) {
    return new AscoraUnavailableError(
      `Ascora did not answer ${call.method.toUpperCase()} /${call.path} within ${timeoutMs} ms`,
      { cause: error },
    );
  }
  // The caller's own abort stays an AbortError: it is not Ascora's failure.
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (error instanceof AscoraError) return error;
  return new AscoraUnavailableError(
    `Could not reach Ascora: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
