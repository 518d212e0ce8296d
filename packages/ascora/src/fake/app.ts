import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  type AscoraCustomer,
  type AscoraJob,
  ascoraCustomerInputSchema,
  ascoraJobInputSchema,
  ascoraPaymentInputSchema,
  ascoraWebhookInputSchema,
  describeIssues,
} from '../schemas.js';
import { parseAscoraTimestamp } from '../timestamps.js';
import type { Random } from './random.js';
import { type FakeAscoraStore, statusText, wireTimestamp } from './store.js';

/** Switches a test flips to make the fake misbehave; read on every request, so changes apply at once. */
export interface FakeAscoraFaults {
  /** Added to every request before anything else. */
  latencyMs: number;
  /** Token bucket refilled at this rate (burst = one second's worth); over it → 429 + `Retry-After`. null = off. */
  rateLimitPerSecond: number | null;
  /** Share of requests (0–1) answered 500, 502 or 503 without being processed. */
  errorRate: number;
  /** Share of requests (0–1) that hang for `timeoutMs` before being answered. */
  timeoutRate: number;
  timeoutMs: number;
  /**
   * Whether `{ success: false }` answers (not found, invalid input) come with 200 or a 4xx status.
   * Ascora does not document which; `alternate` gives both, so a client must cope with either.
   */
  failureStatus: 'alternate' | 'always-200' | 'http';
}

export const DEFAULT_FAULTS: FakeAscoraFaults = {
  latencyMs: 0,
  rateLimitPerSecond: null,
  errorRate: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  failureStatus: 'alternate',
};

export interface FakeAppState {
  store: FakeAscoraStore;
  faults: FakeAscoraFaults;
  apiKeys: Set<string>;
  /** Separate from the store's generator, so faults never change what seeding produces. */
  faultRandom: Random;
  now: () => Date;
  /** Monotonic milliseconds that refill the rate limit's bucket. */
  elapsedMs: () => number;
  onRequest: () => void;
}

const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 1000;
const JOB_STATUS_FILTERS: Record<string, readonly number[] | null> = {
  new: [0],
  'in-progress': [1],
  completed: [2],
  cancelled: [3],
  booked: [4],
  'all-open': [0, 1, 4],
  all: null,
};

export function createFakeAscoraApp(state: FakeAppState): Hono {
  const { store, faults } = state;
  // Ascora's paths are case-insensitive (clients call both /Jobs/Jobs and /jobs/jobs), so routes are
  // matched on the lower-cased path; lookups by job number and GUID ignore case to match.
  const app = new Hono({ getPath: (request) => new URL(request.url).pathname.toLowerCase() });
  let failures = 0;

  /** A `{ success: false }` answer; see FakeAscoraFaults.failureStatus for its status. */
  const refuse = (c: Context, httpStatus: ContentfulStatusCode, message: string) => {
    const use200 =
      faults.failureStatus === 'always-200' || (faults.failureStatus === 'alternate' && failures++ % 2 === 0);
    return c.json({ success: false, message }, use200 ? 200 : httpStatus);
  };
  const invalid = (c: Context, error: z.ZodError) =>
    refuse(c, 400, `VALIDATION-FAILED: ${describeIssues(error)}`);

  const bucket = { tokens: 0, rate: 0, updatedAt: 0 };
  /** Seconds until a token is free, or 0 when this request may pass. */
  function takeToken(rate: number): number {
    const now = state.elapsedMs();
    if (bucket.rate !== rate) Object.assign(bucket, { tokens: rate, rate, updatedAt: now });
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }

  app.use(async function faultInjection(c, next) {
    state.onRequest();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs, c.req.raw.signal);
    if (faults.rateLimitPerSecond !== null && faults.rateLimitPerSecond > 0) {
      const wait = takeToken(faults.rateLimitPerSecond);
      if (wait > 0) {
        return c.json({ success: false, message: 'Too many requests' }, 429, { 'Retry-After': String(wait) });
      }
    }
    if (faults.timeoutRate > 0 && state.faultRandom.chance(faults.timeoutRate)) {
      await sleep(faults.timeoutMs, c.req.raw.signal);
    }
    if (faults.errorRate > 0 && state.faultRandom.chance(faults.errorRate)) {
      // What a struggling API behind a gateway looks like: its own error, the gateway's HTML, a 503.
      const kind = state.faultRandom.int(0, 2);
      if (kind === 0) return c.json({ success: false, message: 'An unexpected error occurred' }, 500);
      if (kind === 1) return c.html('<html><body><h1>502 Bad Gateway</h1></body></html>', 502);
      return c.json({ success: false, message: 'Service unavailable' }, 503);
    }
    const key = c.req.header('Auth');
    if (key === undefined || !state.apiKeys.has(key)) {
      return c.json({ success: false, message: 'Unauthorised: missing or invalid Auth header' }, 401);
    }
    await next();
  });

  // ── Customers ──────────────────────────────────────────────────────────────────────────────────

  app.get('/customers/customers', (c) => {
    const query = queryOf(c);
    const paging = pagingOf(query);
    if (!paging) return refuse(c, 400, 'INVALID-PAGING');
    const filter = query.get('filtertext')?.toLowerCase();
    let customers = store.customerList();
    if (filter) {
      customers = customers.filter((customer) =>
        [customer.customerName, customer.companyName, customer.emailAddress, customer.phoneNumber].some(
          (value) => typeof value === 'string' && value.toLowerCase().includes(filter),
        ),
      );
    }
    return c.json(listEnvelope(customers, paging));
  });

  app.get('/customers/customer/:customerId', (c) => {
    const customer = store.customers.get(c.req.param('customerId').toLowerCase());
    if (!customer) return refuse(c, 404, 'CUSTOMER-NOT-FOUND');
    return c.json({ success: true, customer });
  });

  app.post('/customers/customer', async (c) => {
    const parsed = ascoraCustomerInputSchema.safeParse(await bodyOf(c));
    if (!parsed.success) return invalid(c, parsed.error);
    const { customerId, leadSource, customerType, ...rest } = parsed.data;
    // Links arrive as a name, `{ id, name }` or `{ Name }`; Ascora keeps and serves `{ id, name }`.
    const fields = {
      ...rest,
      ...(leadSource === undefined ? {} : { leadSource: store.namedReference('leadSource', leadSource) }),
      ...(customerType === undefined
        ? {}
        : { customerType: store.namedReference('customerType', customerType) }),
    } as Partial<AscoraCustomer>;
    if (customerId !== undefined) {
      if (!store.customers.has(customerId.toLowerCase())) return refuse(c, 404, 'CUSTOMER-NOT-FOUND');
      const customer = store.updateCustomer(customerId, fields);
      return c.json({ success: true, message: 'Customer updated', customer });
    }
    const contactName = [fields.contactFirstName, fields.contactLastName].filter(Boolean).join(' ');
    const customer: AscoraCustomer = {
      ...emptyCustomer(store.newId(), store.nextCustomerNumber()),
      ...fields,
      customerName: fields.customerName || fields.companyName || contactName,
    };
    store.insertCustomer(customer);
    return c.json({ success: true, message: 'Customer created', customer });
  });

  app.get('/customers/getcontactsforcustomer/:customerId', (c) => {
    const customerId = c.req.param('customerId').toLowerCase();
    if (!store.customers.has(customerId)) return refuse(c, 404, 'CUSTOMER-NOT-FOUND');
    const contacts = [...store.contacts.values()].filter((contact) => contact.customerId === customerId);
    return c.json({ success: true, results: contacts, totalPages: 1, totalRecords: contacts.length });
  });

  // ── Jobs ───────────────────────────────────────────────────────────────────────────────────────

  app.get('/jobs/jobs', (c) => {
    const query = queryOf(c);
    const paging = pagingOf(query);
    if (!paging) return refuse(c, 400, 'INVALID-PAGING');
    // corsair's client sends it; the fake has no child jobs, so either value serves the same list.
    const includeChildJobs = query.get('includechildjobs');
    if (includeChildJobs !== undefined && !/^(true|false)$/i.test(includeChildJobs)) {
      return refuse(c, 400, 'INVALID-INCLUDE-CHILD-JOBS');
    }
    const statusFilter = query.get('jobstatus');
    const statuses = statusFilter ? JOB_STATUS_FILTERS[statusFilter.toLowerCase()] : null;
    if (statuses === undefined) return refuse(c, 400, 'INVALID-JOB-STATUS');
    // StartDate/EndDate bound the created date, both days included.
    const start = dayOf(query.get('startdate'));
    const end = dayOf(query.get('enddate'));
    if (start === undefined || end === undefined) return refuse(c, 400, 'INVALID-DATE');
    const customerName = query.get('customername')?.toLowerCase();
    const filter = query.get('filtertext')?.toLowerCase();
    let jobs = store.jobList();
    if (statuses || start !== null || end !== null || customerName || filter) {
      jobs = jobs.filter((job) => {
        if (statuses && !statuses.includes(job.jobStatus)) return false;
        if (start !== null || end !== null) {
          const created = timeOf(job.dateCreated);
          if (created === null) return true; // malformed: served so that clients see it
          if (start !== null && created < start) return false;
          if (end !== null && created >= end + 86_400_000) return false;
        }
        if (customerName && !job.siteCustomer?.name?.toLowerCase().includes(customerName)) return false;
        if (filter) {
          const haystack = `${job.jobNumber} ${job.jobName ?? ''} ${job.jobDescription ?? ''}`.toLowerCase();
          if (!haystack.includes(filter)) return false;
        }
        return true;
      });
    }
    return c.json(listEnvelope(jobs, paging));
  });

  app.get('/jobs/job/:jobNumber', (c) => {
    const job = store.findJobByNumber(c.req.param('jobNumber'));
    // Worded as Ascora words it, and like every refusal sometimes with 200.
    // The number as the client wrote it (routes match on the lower-cased path).
    const asSent = decodeURIComponent(new URL(c.req.url).pathname.split('/').pop() ?? '');
    if (!job) return refuse(c, 404, `No Matching Job Found (${asSent})`);
    return c.json({ success: true, job });
  });

  app.post('/jobs/job', async (c) => {
    const parsed = ascoraJobInputSchema.safeParse(await bodyOf(c));
    if (!parsed.success) return invalid(c, parsed.error);
    const { jobId, siteCustomer, billingCustomer, jobType, ...rest } = parsed.data;
    const fields = {
      ...rest,
      ...(jobType ? { jobType: store.namedReference('jobType', jobType) } : {}),
    } as Partial<AscoraJob>;
    const site = store.customers.get(siteCustomer.id.toLowerCase());
    if (!site) return refuse(c, 404, 'CUSTOMER-NOT-FOUND');
    const billing = billingCustomer ? store.customers.get(billingCustomer.id.toLowerCase()) : site;
    if (!billing) return refuse(c, 404, 'CUSTOMER-NOT-FOUND');
    const links = {
      siteCustomer: { id: site.customerId, name: site.customerName },
      ...(billingCustomer === undefined && jobId !== undefined
        ? {}
        : { billingCustomer: { id: billing.customerId, name: billing.customerName } }),
    };
    if (jobId !== undefined) {
      if (!store.jobs.has(jobId.toLowerCase())) return refuse(c, 404, 'JOB-NOT-FOUND');
      const job = store.updateJob(jobId, { ...fields, ...links });
      return c.json({ success: true, message: 'Job updated', job });
    }
    const number = store.nextJobNumber();
    const job: AscoraJob = {
      jobId: store.newId(),
      jobNumber: number,
      jobName: null,
      jobDescription: null,
      workUndertaken: null,
      jobStatus: 0,
      jobStatusText: statusText(0),
      dateCreated: wireTimestamp(state.now(), false),
      pricingMethod: 'FIXED-PRICE',
      // Real clients' schemas read these as numbers: a job created without totals has 0.
      totalIncTax: 0,
      totalExTax: 0,
      addressLine1: site.streetLine1,
      addressLine2: site.streetLine2,
      suburb: site.streetSuburb,
      state: site.streetState,
      postcode: site.streetPostcode,
      country: site.streetCountry,
      latitude: null,
      longitude: null,
      jobType: { id: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b01', name: 'Standard Job' },
      billingCustomer: { id: billing.customerId, name: billing.customerName },
      completedDate: null,
      customFields: null,
      ...fields,
      ...links,
    };
    job.jobStatusText = statusText(job.jobStatus);
    store.insertJob(job);
    return c.json({ success: true, message: 'Job created', job });
  });

  // ── Accounting ─────────────────────────────────────────────────────────────────────────────────

  app.get('/accounting/getinvoicestosend', (c) => {
    const priorTo = dayOf(queryOf(c).get('priortodate') ?? '');
    if (priorTo === null || priorTo === undefined) return refuse(c, 400, 'INVALID-PRIOR-TO-DATE');
    return c.json(store.invoicesToSend(new Date(priorTo))); // a bare array, as Ascora sends it
  });

  app.post('/accounting/markinvoicesassent', async (c) => {
    const ids = idsOf(await bodyOf(c), 'invoiceids');
    if (!ids) return refuse(c, 400, 'VALIDATION-FAILED: InvoiceIds must be an array of GUIDs');
    store.markInvoicesAsSent(ids);
    return c.json({ success: true, message: `${ids.length} invoice(s) marked as sent` });
  });

  app.get('/accounting/getpaymentstosend', (c) => {
    const priorTo = dayOf(queryOf(c).get('priortodate') ?? '');
    if (priorTo === null || priorTo === undefined) return refuse(c, 400, 'INVALID-PRIOR-TO-DATE');
    return c.json(store.paymentsToSend(new Date(priorTo)));
  });

  app.post('/accounting/markpaymentsassent', async (c) => {
    const ids = idsOf(await bodyOf(c), 'paymentids');
    if (!ids) return refuse(c, 400, 'VALIDATION-FAILED: PaymentIds must be an array of GUIDs');
    store.markPaymentsAsSent(ids);
    return c.json({ success: true, message: `${ids.length} payment(s) marked as sent` });
  });

  app.post('/accounting/createpayment', async (c) => {
    const parsed = ascoraPaymentInputSchema.safeParse(await bodyOf(c));
    if (!parsed.success) return invalid(c, parsed.error);
    if (!store.findInvoiceByNumber(parsed.data.invoiceNumber)) return refuse(c, 404, 'INVOICE-NOT-FOUND');
    store.recordCreatedPayment(parsed.data);
    return c.json({ success: true, message: 'Payment created' });
  });

  // ── Webhooks ───────────────────────────────────────────────────────────────────────────────────

  app.post('/webhooks', async (c) => {
    const parsed = ascoraWebhookInputSchema.safeParse(await bodyOf(c));
    if (!parsed.success) return invalid(c, parsed.error);
    const subscriptionId = store.newId();
    store.webhooks.set(subscriptionId, { subscriptionId, ...parsed.data });
    return c.json({ subscriptionId });
  });

  app.delete('/webhooks/delete/:subscriptionId', (c) => {
    const subscriptionId = c.req.param('subscriptionId').toLowerCase();
    if (!store.webhooks.delete(subscriptionId)) return refuse(c, 404, 'SUBSCRIPTION-NOT-FOUND');
    return c.json({ success: true });
  });

  app.notFound((c) => c.json({ success: false, message: 'No such endpoint' }, 404));
  app.onError((error, c) => {
    console.error('fake Ascora failed:', error);
    return c.json({ success: false, message: 'An unexpected error occurred' }, 500);
  });
  return app;
}

function listEnvelope<T>(records: T[], { page, pageSize }: { page: number; pageSize: number }) {
  const from = (page - 1) * pageSize;
  return {
    success: true,
    results: records.slice(from, from + pageSize),
    totalPages: Math.ceil(records.length / pageSize),
    totalRecords: records.length,
  };
}

/** Query parameter names are case-insensitive in ASP.NET, so in the fake too. */
function queryOf(c: Context): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of new URL(c.req.url).searchParams) query.set(name.toLowerCase(), value);
  return query;
}

/** Page from 1; PageSize 250 by default, silently capped at 1000 (the most anyone has seen served). */
function pagingOf(query: Map<string, string>): { page: number; pageSize: number } | undefined {
  const page = Number(query.get('page') ?? '1');
  const pageSize = Number(query.get('pagesize') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1) return undefined;
  return { page, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) };
}

/** Midnight UTC of a `YYYY-MM-DD` parameter; null when absent, undefined when unreadable. */
function dayOf(value: string | undefined): number | null | undefined {
  if (value === undefined || value === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  try {
    return parseAscoraTimestamp(value).getTime();
  } catch {
    return undefined;
  }
}

function timeOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  try {
    return parseAscoraTimestamp(value).getTime();
  } catch {
    return null;
  }
}

async function bodyOf(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

/** `{ "InvoiceIds": [...] }`, with the member's name matched without case as ASP.NET binding does. */
function idsOf(body: unknown, name: string): string[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const entry = Object.entries(body).find(([key]) => key.toLowerCase() === name);
  const ids = entry?.[1];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
  return ids;
}

function emptyCustomer(customerId: string, customerNumber: string): AscoraCustomer {
  return {
    customerId,
    customerNumber,
    customerName: '',
    companyName: null,
    contactFirstName: null,
    contactLastName: null,
    emailAddress: null,
    phoneNumber: null,
    mobileNumber: null,
    onHold: false,
    streetLine1: null,
    streetLine2: null,
    streetSuburb: null,
    streetPostcode: null,
    streetState: null,
    streetCountry: null,
    postalLine1: null,
    postalLine2: null,
    postalSuburb: null,
    postalPostcode: null,
    postalState: null,
    postalCountry: null,
    customerType: null,
    leadSource: null,
    billingCustomer: null,
    assignedUser: null,
    customFields: null,
  };
}

/** Waits, but stops early when the client has gone (a hung request should not outlive its caller). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
