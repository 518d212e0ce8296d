import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

export interface SecurityHeaderOptions {
  /** Path prefixes other sites embed (the elements bundle): no framing policy there. */
  embeddable?: string[];
  /** Path prefix of the API, whose answers hold personal data unless a route says otherwise. */
  api?: string;
}

/**
 * Headers every answer carries so a browser cannot be talked into misreading it: no MIME sniffing
 * (a JSON body holding `<script>` is never run as HTML), no Referer leaking a page's URL to the
 * sites it links to, and no framing of the API, the docs or the example pages by another site
 * (clickjacking). API answers nobody marked cacheable are `no-store`, so no browser, proxy or
 * shared computer keeps a customer's details on disk.
 */
export function securityHeaders({
  embeddable = ['/elements/'],
  api = '/api/',
}: SecurityHeaderOptions = {}): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set('x-content-type-options', 'nosniff');
    headers.set('referrer-policy', 'no-referrer');
    if (!embeddable.some((prefix) => c.req.path.startsWith(prefix))) {
      headers.set('x-frame-options', 'DENY');
      const policy = headers.get('content-security-policy');
      if (!policy?.includes('frame-ancestors')) {
        headers.set(
          'content-security-policy',
          policy ? `${policy}; frame-ancestors 'none'` : "frame-ancestors 'none'",
        );
      }
    }
    if (c.req.path.startsWith(api) && !headers.has('cache-control')) headers.set('cache-control', 'no-store');
  };
}
