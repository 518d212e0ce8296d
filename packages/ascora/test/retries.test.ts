import {
  AscoraAuthenticationError,
  AscoraError,
  AscoraNotFoundError,
  AscoraRateLimitedError,
  AscoraUnavailableError,
  AscoraValidationError,
} from '@crewkit/ascora';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GUID, json, scriptedFetch, testClient, wireCustomer } from './helpers.js';

const page = (results: unknown[] = []) =>
  json({ success: true, results, totalPages: 1, totalRecords: results.length });
const failure = (status: number, message: string, headers: Record<string, string> = {}) =>
  json({ success: false, message }, { status, headers });
const networkError = () => new TypeError('fetch failed');

/** A fetch that never answers, until the client aborts the request (its per-attempt timeout). */
const hang = (request: Request) =>
  new Promise<Response>((_, reject) => {
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

describe('what the client sends', () => {
  it('sends the raw key in the Auth header, not a Bearer token, to the configured base URL', async () => {
    const { fetch, requests } = scriptedFetch([page()]);
    const { client } = testClient({ fetch, apiKey: 'ascora_abc', baseUrl: 'https://ascora.example/api/' });
    await client.listCustomers({ page: 2, pageSize: 100, filterText: 'smith' });
    const [request] = requests;
    expect(request!.headers.get('Auth')).toBe('ascora_abc');
    expect(request!.headers.get('Authorization')).toBeNull();
    expect(request!.url).toBe(
      'https://ascora.example/api/Customers/Customers?Page=2&PageSize=100&FilterText=smith',
    );
  });

  it('sends the documented bodies for the accounting calls', async () => {
    const { fetch, requests } = scriptedFetch([json({ success: true }), json({ success: true })]);
    const { client } = testClient({ fetch });
    await client.markInvoicesAsSent([GUID]);
    await client.markPaymentsAsSent([GUID]);
    expect(await requests[0]!.json()).toEqual({ InvoiceIds: [GUID] });
    expect(await requests[1]!.json()).toEqual({ PaymentIds: [GUID] });
    expect(requests[0]!.url).toBe('https://api.ascora.test/Accounting/MarkInvoicesAsSent');
  });

  it('refuses a page size Ascora would not serve without sending anything', async () => {
    const { fetch, requests } = scriptedFetch([]);
    const { client } = testClient({ fetch });
    await expect(client.listJobs({ page: 1, pageSize: 1001 })).rejects.toThrow(RangeError);
    await expect(client.listJobs({ page: 0 })).rejects.toThrow(RangeError);
    expect(requests).toHaveLength(0);
  });
});

describe('failures Ascora reports', () => {
  it.each([
    [401, AscoraAuthenticationError],
    [403, AscoraAuthenticationError],
    [404, AscoraNotFoundError],
    [400, AscoraValidationError],
    [422, AscoraValidationError],
  ])('maps %i to its error class and does not retry it', async (status, ErrorClass) => {
    const { fetch, requests } = scriptedFetch([failure(status, 'NOPE'), page()]);
    const { client } = testClient({ fetch });
    const error = await client.listCustomers({ page: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, ascoraMessage: 'NOPE', retryable: false });
    expect(requests).toHaveLength(1);
  });

  it('treats { success: false } with 200 as a failure, not as data', async () => {
    const { fetch, requests } = scriptedFetch([failure(200, 'INVALID-PHONE-NUMBER')]);
    const { client } = testClient({ fetch });
    const error = await client.saveCustomer({ customerName: 'Ada' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraValidationError);
    expect(error).toMatchObject({ status: 200, ascoraMessage: 'INVALID-PHONE-NUMBER' });
    expect(requests).toHaveLength(1);
  });

  it('reads *-NOT-FOUND as a missing record even with 200', async () => {
    const { fetch } = scriptedFetch([failure(200, 'JOB-NOT-FOUND')]);
    const { client } = testClient({ fetch });
    await expect(client.getJob('J404')).rejects.toBeInstanceOf(AscoraNotFoundError);
  });

  it('rejects answers that are not the documented shape instead of guessing', async () => {
    const { fetch } = scriptedFetch([
      new Response('<html>maintenance</html>', { status: 200 }),
      json({ success: true, data: [], total: 0, hasMore: false }),
      json({ success: true }),
    ]);
    const { client } = testClient({ fetch });
    await expect(client.listCustomers({ page: 1 })).rejects.toThrow(/not JSON/);
    await expect(client.listCustomers({ page: 1 })).rejects.toThrow(/without a list of customers/);
    await expect(client.getCustomer(GUID)).rejects.toBeInstanceOf(AscoraError);
  });
});

describe('retries', () => {
  it('retries network errors, 408 and each 5xx, then returns the data', async () => {
    const { fetch, requests } = scriptedFetch([
      networkError(),
      failure(408, 'Request timeout'),
      failure(500, 'boom'),
      page([wireCustomer(1)]),
    ]);
    const { client } = testClient({ fetch });
    const result = await client.listCustomers({ page: 1 });
    expect(result.results).toHaveLength(1);
    expect(requests).toHaveLength(4);
  });

  it('retries a gateway’s HTML 502 and a 504', async () => {
    const { fetch, requests } = scriptedFetch([
      new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
      new Response('', { status: 504 }),
      page(),
    ]);
    const { client } = testClient({ fetch });
    await client.listJobs({ page: 1 });
    expect(requests).toHaveLength(3);
  });

  it('gives up after the retry limit with a retryable AscoraUnavailableError', async () => {
    const { fetch, requests } = scriptedFetch([
      failure(503, 'down'),
      failure(503, 'down'),
      failure(503, 'down'),
      failure(503, 'down'),
    ]);
    const { client } = testClient({ fetch });
    const error = await client.getJob('J1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraUnavailableError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(requests).toHaveLength(4);
  });

  it('backs off exponentially with equal jitter, capped at maxDelayMs', async () => {
    const fourFailures = () => [failure(500, 'x'), failure(500, 'x'), failure(500, 'x'), failure(500, 'x')];
    const retry = { limit: 3, initialDelayMs: 40, factor: 2, maxDelayMs: 100 };
    const waitsWith = async (random: number) => {
      const { fetch } = scriptedFetch(fourFailures());
      const { client, waits } = testClient({ fetch, retry, random: () => random });
      await client.listCustomers({ page: 1 }).catch(() => {});
      return waits;
    };
    // 40, 80, then 160 capped at 100; each wait is half fixed, half random.
    expect(await waitsWith(0)).toEqual([20, 40, 50]);
    expect(await waitsWith(0.5)).toEqual([30, 60, 75]);
    expect(await waitsWith(1)).toEqual([40, 80, 100]);
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const { fetch, requests } = scriptedFetch([failure(429, 'slow down', { 'Retry-After': '1' }), page()]);
    const { client, waits } = testClient({ fetch });
    await client.listCustomers({ page: 1 });
    expect(requests).toHaveLength(2);
    expect(waits).toEqual([1_000]);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs and says how long to wait', async () => {
    const { fetch, requests } = scriptedFetch([failure(429, 'slow down', { 'Retry-After': '120' })]);
    const { client, waits } = testClient({ fetch });
    const error = await client.listCustomers({ page: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, retryable: true, status: 429 });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('throws AscoraRateLimitedError when 429 persists through every retry', async () => {
    const { fetch, requests } = scriptedFetch([
      failure(429, 'x'),
      failure(429, 'x'),
      failure(429, 'x'),
      failure(429, 'x'),
    ]);
    const { client } = testClient({ fetch });
    await expect(client.listCustomers({ page: 1 })).rejects.toBeInstanceOf(AscoraRateLimitedError);
    expect(requests).toHaveLength(4);
  });

  it('never re-sends a create after an ambiguous 500 or network error, but does after 503 and 429', async () => {
    const ambiguous = scriptedFetch([failure(500, 'boom')]);
    const { client: a } = testClient({ fetch: ambiguous.fetch });
    await expect(a.saveCustomer({ customerName: 'Ada' })).rejects.toMatchObject({
      retryable: true,
      status: 500,
    });
    expect(ambiguous.requests).toHaveLength(1);

    const lost = scriptedFetch([networkError()]);
    const { client: b } = testClient({ fetch: lost.fetch });
    await expect(
      b.createPayment({
        invoiceNumber: 'INV-1',
        paymentAmount: 5,
        paymentDate: '2026-03-01',
        paymentMethod: 'EFT',
      }),
    ).rejects.toBeInstanceOf(AscoraUnavailableError);
    expect(lost.requests).toHaveLength(1);

    const refused = scriptedFetch([
      failure(503, 'down'),
      failure(429, 'slow'),
      json({ subscriptionId: GUID }),
    ]);
    const { client: c } = testClient({ fetch: refused.fetch });
    await expect(
      c.createWebhook({ hookUrl: 'https://crewkit.test/h', systemName: 'Crewkit', hookEvent: 'JobCreated' }),
    ).resolves.toEqual({ subscriptionId: GUID });
    expect(refused.requests).toHaveLength(3);
  });

  it('re-sends an update by id after a 500, because updating twice is updating once', async () => {
    const { fetch, requests } = scriptedFetch([
      failure(500, 'boom'),
      json({ success: true, customer: wireCustomer(1) }),
    ]);
    const { client } = testClient({ fetch });
    await client.saveCustomer({ customerId: wireCustomer(1).customerId, customerName: 'Customer 1' });
    expect(requests).toHaveLength(2);
    expect(await requests[1]!.json()).toMatchObject({ customerName: 'Customer 1' });
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    const abortWhileWaiting = (request: Request) => {
      const answer = hang(request);
      controller.abort();
      return answer;
    };
    const { fetch, requests } = scriptedFetch([abortWhileWaiting, page()]);
    const { client, waits } = testClient({ fetch, signal: controller.signal });
    const error = await client.listCustomers({ page: 1 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('stops waiting between retries when the caller aborts', async () => {
    const controller = new AbortController();
    const { fetch, requests } = scriptedFetch([failure(503, 'down'), page()]);
    const { client } = testClient({
      fetch,
      signal: controller.signal,
      sleep: (_ms, signal) => {
        controller.abort();
        return Promise.reject(signal?.reason);
      },
    });
    const error = await client.listCustomers({ page: 1 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(requests).toHaveLength(1);
  });
});

describe('timeouts per call kind', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets the client reach its fetch (and ky its timer) without moving the fake clock. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  /** Whether a call that never gets an answer has given up after `ms` on a fake clock. */
  async function givenUpAfter(
    ms: number,
    call: (client: ReturnType<typeof testClient>['client']) => Promise<unknown>,
  ): Promise<unknown> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fetch } = scriptedFetch([hang]);
    const { client } = testClient({
      fetch,
      retry: { limit: 0 },
      timeouts: { probeMs: 30, listMs: 150, accountingMs: 300, writeMs: 150 },
    });
    let outcome: unknown = 'still waiting';
    void call(client).catch((error: unknown) => {
      outcome = error;
    });
    for (let i = 0; i < 5; i++) await settle();
    await vi.advanceTimersByTimeAsync(ms);
    for (let i = 0; i < 5; i++) await settle();
    vi.useRealTimers();
    return outcome;
  }

  it('gives the probe, a list page and the accounting queue their own time limits', async () => {
    expect(await givenUpAfter(29, (c) => c.probe())).toBe('still waiting');
    expect(await givenUpAfter(30, (c) => c.probe())).toBeInstanceOf(AscoraUnavailableError);
    expect(await givenUpAfter(149, (c) => c.listJobs({ page: 1 }))).toBe('still waiting');
    expect(await givenUpAfter(150, (c) => c.listJobs({ page: 1 }))).toBeInstanceOf(AscoraUnavailableError);
    const accounting = (c: ReturnType<typeof testClient>['client']) => c.getInvoicesToSend('2026-03-01');
    expect(await givenUpAfter(299, accounting)).toBe('still waiting');
    expect(await givenUpAfter(300, accounting)).toBeInstanceOf(AscoraUnavailableError);
  });

  it('retries a read that timed out but not a create', async () => {
    const read = scriptedFetch([hang, page()]);
    const { client } = testClient({ fetch: read.fetch, timeouts: { listMs: 30 } });
    await client.listCustomers({ page: 1 });
    expect(read.requests).toHaveLength(2);

    const create = scriptedFetch([hang, json({ success: true })]);
    const { client: writer } = testClient({ fetch: create.fetch, timeouts: { accountingMs: 30 } });
    await expect(
      writer.createPayment({
        invoiceNumber: 'INV-1',
        paymentAmount: 5,
        paymentDate: '2026-03-01',
        paymentMethod: 'EFT',
      }),
    ).rejects.toBeInstanceOf(AscoraUnavailableError);
    expect(create.requests).toHaveLength(1);
  });
});
