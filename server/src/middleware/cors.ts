import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

const allowHeaders = 'authorization, content-type, idempotency-key, x-request-id';
const exposeHeaders = 'x-request-id, retry-after, idempotent-replayed';
const allowMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * CORS for browser callers. Credentials are bearer tokens, never cookies, so a page on another
 * origin gains nothing it could not do with the token anyway. Publishable keys are the exception:
 * they are public by design, so the server refuses them from origins the key does not list, and
 * such a refusal carries no Access-Control-Allow-Origin, so the browser hides it from the page too.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async function corsMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS' && origin) {
      // A preflight carries no credential, so it cannot know the key yet; the real request decides.
      return c.body(null, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': allowMethods,
        'access-control-allow-headers': allowHeaders,
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
    await next();
    if (!origin) return;
    c.res.headers.append('vary', 'Origin');
    if (c.var.corsDenied) return;
    c.res.headers.set('access-control-allow-origin', origin);
    c.res.headers.set('access-control-expose-headers', exposeHeaders);
  };
}
