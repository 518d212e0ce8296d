import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppContext, AppEnv, Services } from '../context.js';

/**
 * nginx's "client closed request": the status the access log records for a request whose client
 * went away (or was cut off by the request timeout) before it was answered. Never sent to anyone.
 */
export const clientClosedRequest = 499;

/**
 * Whether the client is gone, so whatever failed (reading a body that stopped arriving, typically)
 * is the client's doing and not a server fault worth an error log.
 */
export function clientWentAway(c: AppContext): boolean {
  if (c.req.raw.signal?.aborted) return true;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return Boolean(incoming?.destroyed && !incoming.complete);
}

const acceptableId = /^[\w.:-]{1,128}$/;

/**
 * Gives each request its id (the caller's X-Request-Id when it is sane, so ids follow a request
 * across services), the shared services, and one access-log line with no bodies or credentials.
 */
export function requestContext(services: Services): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && acceptableId.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('services', services);
    c.set('db', services.db);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    const status = c.res.status;
    if (services.logger.isLevelEnabled(status >= 500 ? 'error' : 'info')) {
      services.logger[status >= 500 ? 'error' : 'info'](
        {
          requestId,
          method: c.req.method,
          route: c.req.routePath,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          orgId: c.var.principal?.orgId,
        },
        'request',
      );
    }
  };
}
