import type { Context, MiddlewareHandler } from 'hono';
import { type AuditEntry, actorOf, recordAudit } from '../audit/audit.js';
import { ChangeDescriber, responseSchemaName, targetOf } from '../audit/describe.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext, AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { type RateLimitResult, rateLimitHeaders } from '../lib/rate-limiter.js';
import { runIdempotent } from '../middleware/idempotency.js';
import type { Handler, OperationId } from './handlers.js';
import type { Operation, Spec } from './spec.js';
import type { RequestValidator } from './validation.js';

export function clientAddress(c: Context<AppEnv>): string {
  if (c.var.services.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/** Counts this request against `x-crewkit-rate-limit`, per client (named by `client`). */
function clientLimit(c: AppContext, op: Operation, client: string): Promise<RateLimitResult> | undefined {
  if (!op.rateLimit) return undefined;
  return c.var.services.rateLimiter.hit(`${op.operationId}:${client}`, op.rateLimit);
}

/** Counts this request against the organization's `x-crewkit-org-rate-limit`. */
function orgLimit(c: AppContext, op: Operation, orgId: string): Promise<RateLimitResult> | undefined {
  if (!op.orgRateLimit) return undefined;
  return c.var.services.rateLimiter.hit(`org:${orgId}:${op.orgRateLimit.bucket}`, op.orgRateLimit);
}

/**
 * Refuses the request if any limit is spent; otherwise returns the limit closest to running out,
 * which is the one the RateLimit-* headers describe.
 */
async function enforceLimits(
  checks: (() => Promise<RateLimitResult> | undefined)[],
): Promise<RateLimitResult | undefined> {
  let tightest: RateLimitResult | undefined;
  for (const check of checks) {
    const limit = await check();
    if (!limit) continue;
    if (!limit.allowed) {
      throw new ApiError('rate_limited', {
        detail: `Too many requests; retry in ${limit.resetSeconds} s.`,
        headers: rateLimitHeaders(limit),
      });
    }
    if (!tightest || limit.remaining < tightest.remaining) tightest = limit;
  }
  return tightest;
}

async function authenticate(c: AppContext): Promise<Principal> {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new ApiError('unauthorized', {
      detail: 'Send a secret key, publishable key or access token as "Authorization: Bearer <credential>".',
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  const principal = await c.var.services.credentials.authenticate(match[1]);
  if (!principal && match[1].startsWith('pk_')) {
    // Nobody on the page can sign in to fix this, so the booking page must say it is set up wrongly.
    throw new ApiError('invalid_publishable_key', {
      detail: 'This publishable key is unknown, revoked or expired; the page needs a current key.',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  if (!principal) {
    throw new ApiError('unauthorized', {
      detail: 'The credential is unknown, expired or revoked.',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  return principal;
}

/** Checks that this principal may call this operation on this organization. */
function authorize(c: AppContext, op: Operation, principal: Principal): void {
  // Tenancy first: another organization's credential learns nothing, not even that the path exists.
  // A publishable key is public, so saying it belongs elsewhere tells nobody anything new (the
  // answer is the same whether the organization exists), and tells the page's owner what to fix.
  if (op.orgScoped && c.req.param('orgId') !== principal.orgId) {
    if (principal.kind !== 'publishable_key') throw new ApiError('not_found');
    throw new ApiError('invalid_publishable_key', {
      detail: 'This publishable key belongs to another organization than the one in the path.',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  if (!op.credentials.includes(principal.kind)) {
    throw new ApiError('forbidden', {
      detail:
        principal.kind === 'publishable_key'
          ? 'Publishable keys may only call the public booking operations; use a secret key or an access token.'
          : `This operation accepts only: ${op.credentials.join(', ')}.`,
    });
  }
  if (principal.kind === 'publishable_key') {
    const origin = c.req.header('origin') ?? sameOriginOf(c);
    if (!origin || !principal.allowedOrigins.includes(origin)) {
      throw new ApiError('origin_not_allowed', {
        detail: origin
          ? `Origin ${origin} is not among this key's allowed origins.`
          : 'Publishable keys are accepted only from browsers on their allowed origins (no Origin header was sent).',
      });
    }
  }
  if (principal.kind === 'user' && op.roles && !op.roles.includes(principal.role)) {
    throw new ApiError('forbidden', {
      detail: `This operation needs one of the roles: ${op.roles.join(', ')}.`,
    });
  }
}

/**
 * Browsers send no Origin header on same-origin GETs, so a widget served by this server itself (the
 * examples) would be refused. Fetch metadata says the request came from the page's own origin; that
 * origin is then the request's, and it must still be one of the key's allowed origins.
 */
function sameOriginOf(c: AppContext): string | undefined {
  if (c.req.header('sec-fetch-site') !== 'same-origin') return undefined;
  return new URL(c.req.url).origin;
}

/** Far deeper than any body in the contract, far shallower than what overflows a recursive walk. */
export const maxJsonDepth = 64;

/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing it: a body
 * 10,000 levels deep would parse, then overflow the stack of whatever walks it recursively (schema
 * validation, the webhook's canonical digest).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i += 1; // backslash: the next character is escaped, even a quote
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

async function readBody(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.length === 0) return undefined;
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) throw new ApiError('unsupported_media_type');
  if (jsonDepth(text) > maxJsonDepth) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body', message: `must not nest arrays and objects more than ${maxJsonDepth} deep` }],
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('malformed_json');
  }
}

/**
 * Operations that change something without running in the request's transaction.
 * - A new booking without an Idempotency-Key goes through the booking group commit
 *   (services/booking/batch.ts), which commits many requests' bookings in one transaction of its own.
 * - Holds, reassignments and reschedules reserve technicians' time in transactions of their own,
 *   whose advisory locks last until the outermost transaction ends: nested in the request's, a
 *   refused move kept them while it looked up alternatives, and moves deadlocked with the group
 *   commit (test/booking-concurrency.test.ts).
 * These four hand their audit entry to the service (`pendingAudit`), which writes it in the
 * transaction of the change.
 * - Connecting and disconnecting Ascora wait on Ascora, and they and the settings update reschedule
 *   the sync through the root database, which on PGlite (one connection) would wait for the
 *   request's transaction forever. Their entries are written right after they succeed.
 * - Attachments and signatures are decoded, cleaned and thumbnailed (sharp, up to a few hundred
 *   milliseconds for a large photo) before their one insert: in a transaction, PGlite (one
 *   connection) would serve no other request meanwhile. Their entries too follow the insert.
 * Operations marked `x-crewkit-calls-out` are treated the same way.
 */
const outsideTransaction = new Set([
  'createAppointment',
  'createHold',
  'assignTechnician',
  'rescheduleAppointment',
  'connectAscora',
  'disconnectAscora',
  'updateAscoraSettings',
  'createAttachment',
  'captureSignature',
]);

/** Carries an unsuccessful response out of the transaction so that it rolls back. */
class NotCommitted extends Error {
  constructor(readonly response: Response) {
    super('response not committed');
  }
}

/**
 * Writes the audit entry of every successful change an operation makes, with the same database
 * handle the handler used: inside the request's transaction wherever there is one.
 */
function auditRecorder(op: Operation, spec: Spec) {
  if (op.method === 'get' || !op.orgScoped) return undefined;
  const describer = new ChangeDescriber(spec);
  const schemaName = responseSchemaName(spec, op);
  const entryOf = (
    c: AppContext,
    input: { params: Record<string, string>; body: unknown },
    answer: unknown,
  ): AuditEntry => ({
    orgId: input.params.orgId as string,
    // Anonymous operations that change anything prove themselves with a token: a webhook's in its
    // path, a customer's rating link's in its body.
    ...(c.var.principal
      ? actorOf(c.var.principal)
      : {
          actor: { type: 'system', id: op.operationId === 'submitVisitRating' ? 'rating-link' : 'webhook' },
        }),
    operation: op.operationId,
    target: targetOf(op, schemaName, input.params, answer),
    changes: describer.describe(op.requestBody?.schema, input.body),
    requestId: c.var.requestId,
  });
  return {
    /**
     * Outside a transaction, hands the service the entry to write in the transaction of its own
     * change; says whether the service wrote it.
     */
    offer(c: AppContext, input: { params: Record<string, string>; body: unknown }): () => boolean {
      if (c.var.db !== c.var.services.db) return () => false;
      let written = false;
      c.set('pendingAudit', (targetId: string) => {
        written = true;
        return entryOf(c, input, { id: targetId });
      });
      return () => written;
    },
    async record(
      c: AppContext,
      input: { params: Record<string, string>; body: unknown },
      response: Response,
    ): Promise<void> {
      if (response.status >= 300) return;
      const answer =
        schemaName && response.headers.get('content-type')?.includes('json')
          ? await response.clone().json()
          : undefined;
      const entry = entryOf(c, input, answer);
      const { services } = c.var;
      // Outside a transaction the change is committed already: the entry joins others being written.
      if (c.var.db === services.db) await services.audit.record(entry);
      else await recordAudit(c.var.db, entry, services.now());
    },
  };
}

/**
 * Runs one operation: authenticate, authorize, validate against the spec, then the handler —
 * inside an idempotent transaction when a POST carries an Idempotency-Key. An operation that
 * changes something runs in a transaction that also writes its audit entry, so the change and the
 * record of it commit together or not at all.
 */
export function operationPipeline<O extends OperationId>(
  op: Operation,
  handler: Handler<O>,
  validator: RequestValidator,
  spec: Spec,
): MiddlewareHandler<AppEnv> {
  const recordChange = auditRecorder(op, spec);
  const honoursIdempotencyKey = idempotent(op) && op.orgScoped;
  return async function runOperation(c) {
    let limit: RateLimitResult | undefined;
    if (op.anonymous) {
      limit = await enforceLimits([() => clientLimit(c, op, clientAddress(c))]);
    } else {
      const principal = await authenticate(c);
      c.set('principal', principal);
      authorize(c, op, principal);
      limit = await enforceLimits([
        () =>
          principal.kind === 'publishable_key'
            ? clientLimit(c, op, `${principal.keyId}:${clientAddress(c)}`)
            : undefined,
        () => orgLimit(c, op, principal.orgId),
      ]);
    }
    const body = op.requestBody ? await readBody(c) : undefined;
    const query: Record<string, string[]> = c.req.queries();
    const result = validator.validate(op, {
      params: c.req.param() as Record<string, string>,
      query,
      header: (name) => c.req.header(name),
      body,
    });
    if ('errors' in result) throw new ApiError('validation_failed', { errors: result.errors });
    const input = result.input as unknown as Parameters<Handler<O>>[1];
    const idempotencyKey = c.req.header('idempotency-key');
    const run = recordChange
      ? async () => {
          const writtenByService = outsideTransaction.has(op.operationId)
            ? recordChange.offer(c, input as never)
            : () => false;
          const response = await handler(c, input);
          if (!writtenByService()) await recordChange.record(c, input as never, response);
          return response;
        }
      : async () => handler(c, input);
    let response: Response;
    if (honoursIdempotencyKey && idempotencyKey) {
      response = await runIdempotent(c, idempotencyKey, body, run, { transaction: !op.callsOut });
    } else if (recordChange && !op.callsOut && !outsideTransaction.has(op.operationId)) {
      response = await inTransaction(c, run);
    } else {
      response = await run();
    }
    if (limit)
      for (const [name, value] of Object.entries(rateLimitHeaders(limit))) response.headers.set(name, value);
    return response;
  };
}

/**
 * Every POST honours an Idempotency-Key; another method only where the contract declares the
 * header (a status change queued offline is sent again after a dropped answer, and the second
 * `in_progress` would otherwise be refused as a change the workflow does not allow).
 */
function idempotent(op: Operation): boolean {
  return (
    op.method === 'post' ||
    op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')
  );
}

/** Runs the handler in a transaction that commits only if it answers with success. */
async function inTransaction(c: AppContext, run: () => Promise<Response>): Promise<Response> {
  const root = c.var.db;
  try {
    return await root.transaction(async (tx) => {
      c.set('db', tx);
      const response = await run();
      if (response.status >= 300) throw new NotCommitted(response);
      return response;
    });
  } catch (error) {
    if (error instanceof NotCommitted) return error.response;
    throw error;
  } finally {
    c.set('db', root);
  }
}
