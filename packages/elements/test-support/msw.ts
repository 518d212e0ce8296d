import { HttpResponse, http, type RequestHandler } from 'msw';
import { setupWorker } from 'msw/browser';

/** The made-up API origin unit tests point elements at; only msw answers there. */
export const apiBase = 'https://api.crewkit.test';
export const orgId = '0190f3c4-1111-7000-8000-000000000001';
export const publishableKey = 'pk_test_widget';

/** A path under the test organization, for handlers: `api('/holds')`. */
export const api = (path: string) => `${apiBase}/api/v1/organizations/${orgId}${path}`;

// Created on first use: Storybook imports the fixtures next to its own msw worker.
let worker: ReturnType<typeof setupWorker> | undefined;
let started: Promise<unknown> | undefined;

/**
 * Replaces the mocked API with `handlers` for the next test. A request to the test API that no
 * handler answers fails the request (and so the test) instead of silently reaching the network.
 */
export async function mockApi(...handlers: RequestHandler[]): Promise<void> {
  worker ??= setupWorker();
  started ??= worker.start({
    quiet: true,
    onUnhandledRequest(request, print) {
      if (request.url.startsWith(apiBase)) print.error();
    },
  });
  await started;
  // Elements follow the live event stream; a test that does not offer one answers as a server
  // without it would, and the element carries on without live updates.
  worker.resetHandlers(
    ...handlers,
    http.get(api('/events/stream'), () => problem(404, 'not_found')),
    // Elements that adapt to who is signed in ask this; unanswered, they show the least.
    http.get(`${apiBase}/api/v1/auth/me`, () => problem(404, 'not_found')),
  );
}

/** An RFC 9457 problem response, shaped like the server's. */
export function problem(
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
): HttpResponse<Record<string, unknown>> {
  return HttpResponse.json(
    {
      type: `https://crewkit.dev/problems/${code.replaceAll('_', '-')}`,
      title: code,
      status,
      code,
      requestId: 'req_test',
      ...extra,
    },
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

export { HttpResponse, http };
