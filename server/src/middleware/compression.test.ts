import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.js';
import { compression } from './compression.js';

// Like a month of availability: repetitive JSON that compresses to a fraction of its size.
const days = Array.from({ length: 30 }, (_, day) => ({
  date: `2026-06-${String(day + 1).padStart(2, '0')}`,
  slots: ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00'].map((time) => ({
    start: time,
    technicians: 3,
  })),
}));

function app() {
  const app = new Hono<AppEnv>();
  app.use(compression());
  app.get('/availability', (c) => c.json({ days }, 200, { etag: '"v1"' }));
  app.get('/small', (c) => c.json({ status: 'ok' }));
  app.get('/bundle.js', (c) =>
    c.body(new Uint8Array([1, 2, 3]), 200, { 'content-type': 'text/javascript', 'content-encoding': 'gzip' }),
  );
  app.get('/events', (c) => c.body('data: x\n\n'.repeat(500), 200, { 'content-type': 'text/event-stream' }));
  return app;
}

describe('response compression', () => {
  it('sends brotli to a client that takes it, a fraction of the size', async () => {
    const response = await app().request('/availability', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    const compressed = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(compressed.length);
    const json = brotliDecompressSync(compressed).toString();
    expect(JSON.parse(json)).toEqual({ days });
    expect(compressed.length).toBeLessThan(json.length / 5);
    // The bytes differ from the uncompressed answer's, so the validator is no longer strong.
    expect(response.headers.get('etag')).toBe('W/"v1"');
  });

  it('sends gzip when the client prefers it or knows nothing else', async () => {
    for (const accepted of ['gzip', 'br;q=0.5, gzip']) {
      const response = await app().request('/availability', { headers: { 'accept-encoding': accepted } });
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString())).toEqual({ days });
    }
  });

  it('sends the plain body to a client that accepts no compression, saying it could have been compressed', async () => {
    const response = await app().request('/availability', { headers: { 'accept-encoding': 'identity' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(await response.json()).toEqual({ days });
  });

  it('hands a client that takes no compression the answer as the route made it, unread and uncopied', async () => {
    // Copying it cost a cached, authenticated read on PostgreSQL half its throughput (bench).
    let made: Response | undefined;
    const untouched = new Hono<AppEnv>();
    untouched.use(compression());
    untouched.get('/availability', (c) => {
      made = c.json({ days });
      return made;
    });
    const response = await untouched.request('/availability');
    expect(response).toBe(made);
    expect(response.bodyUsed).toBe(false);
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('leaves small bodies, already-encoded bodies and event streams alone', async () => {
    const headers = { 'accept-encoding': 'gzip, br' };
    const small = await app().request('/small', { headers });
    expect(small.headers.get('content-encoding')).toBeNull();
    // Said up front, so the body was never read back to learn it was small.
    expect(small.headers.get('content-length')).toBe(String('{"status":"ok"}'.length));
    expect(await small.json()).toEqual({ status: 'ok' });
    const bundle = await app().request('/bundle.js', { headers });
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect(new Uint8Array(await bundle.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    const events = await app().request('/events', { headers });
    expect(events.headers.get('content-encoding')).toBeNull();
  });
});
