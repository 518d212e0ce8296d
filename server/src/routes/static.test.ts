import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../test-support/harness.js';
import { createApp } from '../app.js';
import type { AppEnv } from '../context.js';
import type { Database } from '../db/index.js';
import { createLogger } from '../logger.js';
import { demoKeys, seedDemo } from '../seed/demo.js';

const bundle = `export const crewkit = ${JSON.stringify('x'.repeat(4000))};\n`;

describe('static assets: the elements bundle and the example pages', () => {
  let root: string;
  let database: Database;
  let app: Hono<AppEnv>;
  let unbuiltApp: Hono<AppEnv>;
  let baseUrl: string;
  let server: ReturnType<typeof serve>;
  const config = testConfig();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'crewkit-static-'));
    const elementsDir = join(root, 'elements-dist');
    const examplesDir = join(root, 'examples');
    mkdirSync(join(elementsDir, 'booking'), { recursive: true });
    mkdirSync(join(elementsDir, 'chunks'), { recursive: true });
    mkdirSync(join(examplesDir, 'booking-site'), { recursive: true });
    writeFileSync(join(elementsDir, 'crewkit.js'), bundle);
    writeFileSync(join(elementsDir, 'booking', 'define.js'), 'export {};\n');
    writeFileSync(join(elementsDir, 'chunks', 'booking-BjWjueLf.js'), 'export {};\n');
    writeFileSync(join(elementsDir, 'chunks', 'notes.js'), 'export {};\n');
    writeFileSync(join(elementsDir, '.env'), 'SECRET=hidden-dotfile\n');
    writeFileSync(join(elementsDir, 'notes.ts'), 'export const typed = 1;\n');
    writeFileSync(join(root, 'secret.txt'), 'outside-the-root\n');
    symlinkSync(join(root, 'secret.txt'), join(elementsDir, 'linked.txt'));
    writeFileSync(
      join(examplesDir, 'booking-site', 'index.html'),
      '<script type="module" src="{{CREWKIT_ELEMENTS_URL}}"></script><crew-booking api-base="{{CREWKIT_API_BASE}}" org="{{CREWKIT_ORG_ID}}" publishable-key="{{CREWKIT_PUBLISHABLE_KEY}}"></crew-booking>{{CREWKIT_UNKNOWN}}',
    );
    writeFileSync(join(examplesDir, 'booking-site', 'site.css'), 'body { margin: 0 }\n');

    database = await openTestDatabase();
    const logger = createLogger({ level: 'silent' });
    const staticAssets = { elementsDir, elementsVersion: '1.2.3', examplesDir };
    app = createApp({ database, config, logger, staticAssets });
    unbuiltApp = createApp({
      database,
      config,
      logger,
      staticAssets: { ...staticAssets, elementsDir: join(root, 'not-built') },
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Sends the path exactly as written: fetch and URL would normalise `..` away before it is sent. */
  function rawGet(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${baseUrl}/`, { path, method: 'GET', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves the one-file bundle as JavaScript that any origin may load, revalidated after five minutes', async () => {
    const response = await app.request('/elements/crewkit.js', {
      headers: { origin: 'https://plumber.example' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(bundle);

    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.request('/elements/crewkit.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('caches the versioned URL for a year as immutable, per-element modules included', async () => {
    const response = await app.request('/elements/v1.2.3/crewkit.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe(bundle);
    const module = await app.request('/elements/v1.2.3/booking/define.js');
    expect(module.status).toBe(200);
    expect(module.headers.get('content-type')).toContain('javascript');
  });

  it('serves the chunks the loader fetches as JavaScript, cached for good under either URL because their names change with their content', async () => {
    for (const path of [
      '/elements/chunks/booking-BjWjueLf.js',
      '/elements/v1.2.3/chunks/booking-BjWjueLf.js',
    ]) {
      const response = await app.request(path, { headers: { origin: 'https://plumber.example' } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
    }
    // A file there without a hash in its name is not the build's, so it is revalidated like the loader.
    const unhashed = await app.request('/elements/chunks/notes.js');
    expect(unhashed.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('answers a version the server does not have with a problem naming the one it has', async () => {
    const response = await app.request('/elements/v0.0.9/crewkit.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await response.json()).detail).toContain('/elements/v1.2.3/crewkit.js');
  });

  it('compresses the bundle for clients that accept gzip', async () => {
    const response = await fetch(`${baseUrl}/elements/crewkit.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toContain('accept-encoding');
    // fetch has already inflated it; the raw bytes are checked through node:http below.
    expect(await response.text()).toBe(bundle);
    const raw = await new Promise<Buffer>((resolve, reject) => {
      httpRequest(`${baseUrl}/elements/crewkit.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.length).toBeLessThan(bundle.length / 4);
    expect(gunzipSync(raw).toString('utf8')).toBe(bundle);
  });

  it('says to run the build when the elements are not built yet', async () => {
    const response = await unbuiltApp.request('/elements/crewkit.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await response.json();
    expect(problem.code).toBe('not_found');
    expect(problem.detail).toContain('npm run build');
  });

  it('never serves a file outside the build folder, however the path is spelled', async () => {
    const attempts = [
      '/elements/../secret.txt',
      '/elements/v1.2.3/../../secret.txt',
      '/elements/%2e%2e/secret.txt',
      '/elements/%2E%2E%2Fsecret.txt',
      '/elements/..%2fsecret.txt',
      '/elements/..%5csecret.txt',
      '/elements/..\\secret.txt',
      '/elements/%252e%252e/secret.txt',
      '/elements//secret.txt',
      '/elements/booking/%2e%2e/%2e%2e/secret.txt',
      '/elements/linked.txt',
      '/elements/.env',
      '/elements/%2eenv',
      '/elements/crewkit.js%00.txt',
      '/examples/../secret.txt',
      '/examples/booking-site/%2e%2e/%2e%2e/secret.txt',
    ];
    for (const path of attempts) {
      const response = await rawGet(path);
      expect(response.body, path).not.toContain('outside-the-root');
      expect(response.body, path).not.toContain('hidden-dotfile');
      // Node's HTTP parser itself refuses some spellings (a raw backslash) with 400.
      expect([400, 404], path).toContain(response.status);
    }
  });

  it('serves only file types a browser needs', async () => {
    expect((await app.request('/elements/notes.ts')).status).toBe(404);
    expect((await app.request('/elements/booking')).status).toBe(404);
  });

  describe('examples', () => {
    it('redirects a folder to its trailing-slash URL so relative links resolve inside it', async () => {
      const folder = await app.request('/examples/booking-site');
      expect(folder.status).toBe(308);
      expect(folder.headers.get('location')).toBe('/examples/booking-site/');
      const top = await app.request('/examples');
      expect(top.status).toBe(308);
      expect(top.headers.get('location')).toBe('/examples/');
    });

    it('explains how to create the demo organization when it is missing', async () => {
      const response = await app.request('/examples/booking-site/');
      expect(response.status).toBe(404);
      expect((await response.json()).detail).toContain('crewkit seed');
    });

    it('fills the demo organization and its publishable key into the page a host would write', async () => {
      // The page calls the API on its own origin, which the demo key allows.
      const origin = new URL(baseUrl).origin;
      const demo = await seedDemo(database.db, { secret: config.secret, origins: [origin] });
      const response = await fetch(`${baseUrl}/examples/booking-site/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html).toContain(`src="/elements/v1.2.3/crewkit.js"`);
      expect(html).toContain(`api-base="${origin}"`);
      expect(html).toContain(`org="${demo.orgId}"`);
      expect(html).toContain(`publishable-key="${demoKeys(config.secret).publishable}"`);
      expect(html).not.toContain(demo.secretKey);
      expect(html).toContain('{{CREWKIT_UNKNOWN}}');

      const css = await app.request('/examples/booking-site/site.css');
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    });

    it('never points the page at a host named by the Host header', async () => {
      await seedDemo(database.db, { secret: config.secret, origins: [new URL(baseUrl).origin] });
      const { status, body } = await rawGet('/examples/booking-site/', { host: 'evil.example' });
      expect(status).toBe(200);
      expect(body).not.toContain('evil.example');
      expect(body).toContain(`api-base="${new URL(baseUrl).origin}"`);
      expect(body).toContain(`src="/elements/v1.2.3/crewkit.js"`);
    });

    it('uses CREWKIT_PUBLIC_URL for the API and the script when it is set', async () => {
      await seedDemo(database.db, { secret: config.secret, origins: [new URL(baseUrl).origin] });
      const publicApp = createApp({
        database,
        config: { ...config, publicUrl: 'https://crewkit.example.com' },
        logger: createLogger({ level: 'silent' }),
        staticAssets: {
          elementsDir: join(root, 'elements-dist'),
          elementsVersion: '1.2.3',
          examplesDir: join(root, 'examples'),
        },
      });
      const html = await (
        await publicApp.request('/examples/booking-site/', { headers: { host: 'evil.example' } })
      ).text();
      expect(html).toContain('api-base="https://crewkit.example.com"');
      expect(html).toContain('src="https://crewkit.example.com/elements/v1.2.3/crewkit.js"');
    });
  });
});
