import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

// last-event-id: a live stream resuming after a dropped connection (streamEvents).
const allowHeaders = 'authorization, content-type, idempotency-key, last-event-id, x-request-id';
const exposeHeaders = 'x-request-id, retry-after, idempotent-replayed';
const allowMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * CORS for browser callers. Credentials are bearer tokens, never cookies, so a page on another
 * origin gains nothing it could not do with the token anyway.
 *
 * Every answer carries the headers, refusals included. A publishable key used from an origin it
 * does not list is refused by the operation (403 origin_not_allowed), and that refusal must be
 * readable: a response without Access-Control-Allow-Origin makes fetch reject as though the network
 * had failed, so the SDK would retry it and the widget would tell the visitor to check their
 * connection. The refusal names neither the key's origins nor any data, so reading it discloses
 * nothing.
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
    c.res.headers.set('access-control-allow-origin', origin);
    c.res.headers.set('access-control-expose-headers', exposeHeaders);
  };
}
