import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.js';
import { securityHeaders } from './security-headers.js';

function app() {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders());
  app.get('/api/v1/customers', (c) => c.json([{ name: 'Ada' }]));
  app.get('/api/v1/catalog', (c) => c.json([], 200, { 'cache-control': 'public, max-age=60' }));
  app.get('/docs', (c) => c.html('<p>docs</p>', 200, { 'content-security-policy': "default-src 'self'" }));
  app.get('/elements/crewkit.js', (c) => c.body('export {};', 200, { 'content-type': 'text/javascript' }));
  return app;
}

describe('security headers', () => {
  it('forbids sniffing, referrers and framing on API answers, and keeps personal data out of caches', async () => {
    const response = await app().request('/api/v1/customers');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('leaves an API answer a route marked cacheable as it is', async () => {
    const response = await app().request('/api/v1/catalog');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('adds the framing rule to a page that has a content security policy of its own', async () => {
    const response = await app().request('/docs');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; frame-ancestors 'none'",
    );
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('lets any site embed the elements bundle', async () => {
    const response = await app().request('/elements/crewkit.js');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('protects answers for paths that do not exist too', async () => {
    const response = await app().request('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
