import type { ErrorCode, Problem } from './types.js';

/**
 * A failed response, as an exception. Calls return their errors instead of throwing; this exists
 * for the places that cannot return one, such as the middle of a `for await` over a list.
 */
export class CrewkitError extends Error {
  override readonly name = 'CrewkitError';
  readonly status: number;
  /** Undefined when the body was not a problem document (e.g. a proxy's HTML error page). */
  readonly code: ErrorCode | undefined;
  readonly requestId: string | undefined;
  readonly problem: Problem | undefined;
  readonly response: Response;

  constructor(response: Response, body?: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(problem ? [problem.title, problem.detail].filter(Boolean).join(': ') : `HTTP ${response.status}`);
    this.status = response.status;
    this.code = problem?.code;
    this.requestId = problem?.requestId ?? response.headers.get('X-Request-Id') ?? undefined;
    this.problem = problem;
    this.response = response;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'title' in body && 'code' in body;
}
