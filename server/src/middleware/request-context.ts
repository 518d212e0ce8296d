import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Services } from '../context.js';

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
