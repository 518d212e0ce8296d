import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { elementsDistPath, elementsPackageJsonPath, examplesPath } from '../paths.js';
import { demoKeys, demoLogin, demoSlug } from '../seed/demo.js';
import { findOrganizationIdBySlug } from '../services/organizations.js';

export interface StaticAssetOptions {
  /** The elements build output (`npm run build` fills it). */
  elementsDir: string;
  /** Served immutable under /elements/v<version>/. */
  elementsVersion: string;
  examplesDir: string;
}

export function defaultStaticAssetOptions(): StaticAssetOptions {
  return {
    elementsDir: elementsDistPath,
    elementsVersion: JSON.parse(readFileSync(elementsPackageJsonPath, 'utf8')).version as string,
    examplesDir: examplesPath,
  };
}

/** Routes outside the API contract; app.ts lists them so the contract test knows they are meant. */
export const staticRoutePaths = ['/elements/*', '/examples', '/examples/*'] as const;

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const compressible = new Set(['.js', '.mjs', '.map', '.json', '.css', '.html', '.svg', '.txt']);

const immutable = 'public, max-age=31536000, immutable';
// The chunks crewkit.js loads carry a hash of their content in their name (chunks/booking-BjWjueLf.js):
// a new build names new files, so even under the unversioned URL each one can be cached for good.
const hashedChunk = /^chunks\/[\w.-]+-[\w-]{8}\.js$/;
// The unversioned URL is what a host pastes and forgets, so it must pick up a new release soon;
// the ETag makes the revalidation after five minutes a cheap 304.
const revalidateSoon = 'public, max-age=300';

/**
 * Serves the elements bundle and the example host pages. Host sites on any origin load
 * `/elements/v<version>/crewkit.js` (cached for a year, immutable) or `/elements/crewkit.js`
 * (always the current build, revalidated every five minutes); either fetches the chunks of the
 * elements a page uses from `chunks/` beside it.
 */
export function registerStaticRoutes(app: Hono<AppEnv>, options: StaticAssetOptions): void {
  const files = new FileCache();
  const versionPrefix = `v${options.elementsVersion}/`;

  app.get('/elements/*', async (c) => {
    let rest = c.req.path.slice('/elements/'.length);
    let cacheControl = hashedChunk.test(rest) ? immutable : revalidateSoon;
    if (rest.startsWith(versionPrefix)) {
      rest = rest.slice(versionPrefix.length);
      cacheControl = immutable;
    } else if (/^v\d[^/]*\//.test(rest)) {
      throw new ApiError('not_found', {
        detail: `This server has @crewkit/elements ${options.elementsVersion}: load /elements/${versionPrefix}${rest.slice(rest.indexOf('/') + 1)}.`,
      });
    }
    const file = await files.get(options.elementsDir, rest);
    if (file === 'missing-root') {
      throw new ApiError('not_found', {
        detail: 'The elements are not built yet: run `npm run build` (or `npm start`), then reload.',
      });
    }
    if (!file || file === 'directory') throw new ApiError('not_found', { detail: 'No such elements file.' });
    return send(c, file, {
      'cache-control': cacheControl,
      // Module scripts from another origin are fetched in CORS mode; without this a host page
      // cannot load them at all.
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });

  app.get('/examples', (c) => c.redirect('/examples/', 308));
  app.get('/examples/*', async (c) => {
    const rest = c.req.path.slice('/examples/'.length);
    const file = await files.get(
      options.examplesDir,
      rest.endsWith('/') || rest === '' ? `${rest}index.html` : rest,
    );
    // Relative links in a page resolve against its folder only when the URL ends with a slash.
    if (file === 'directory') return c.redirect(`${c.req.path}/`, 308);
    if (!file || file === 'missing-root')
      throw new ApiError('not_found', { detail: 'No such example file.' });
    if (file.extension !== '.html') return send(c, file, { 'cache-control': 'no-cache' });
    const html = await withDemoSettings(c, file.body.toString('utf8'), options.elementsVersion);
    return c.body(html, 200, {
      'content-type': contentTypes['.html']!,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });
}

interface StaticFile {
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
  extension: string;
  mtimeMs: number;
}

/**
 * Maps a URL path below a root to a file, refusing anything that could leave the root: every
 * segment is decoded and must be a plain name (no `..`, no dotfiles, no encoded slashes), and the
 * real path (symlinks resolved) must still lie inside the root's real path.
 */
class FileCache {
  readonly #files = new Map<string, StaticFile>();

  async get(root: string, urlPath: string): Promise<StaticFile | 'directory' | 'missing-root' | undefined> {
    let realRoot: string;
    try {
      realRoot = await realpath(root);
    } catch {
      return 'missing-root';
    }
    const segments: string[] = [];
    for (const raw of urlPath.split('/')) {
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return undefined;
      }
      if (segment === '' || segment.startsWith('.') || /[/\\\0:]/.test(segment)) return undefined;
      segments.push(segment);
    }
    let path: string;
    try {
      path = await realpath(join(realRoot, ...segments));
    } catch {
      return undefined;
    }
    if (!path.startsWith(realRoot + sep)) return undefined;
    const info = await stat(path);
    if (info.isDirectory()) return 'directory';
    const extension = extname(path);
    if (!info.isFile() || !(extension in contentTypes)) return undefined;
    const cached = this.#files.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached;
    const body = await readFile(path);
    const file: StaticFile = {
      body,
      gzipped: compressible.has(extension) && body.length > 1024 ? gzipSync(body) : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      extension,
      mtimeMs: info.mtimeMs,
    };
    this.#files.set(path, file);
    return file;
  }
}

function send(c: AppContext, file: StaticFile, headers: Record<string, string>): Response {
  const common = {
    ...headers,
    etag: file.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (
    c.req
      .header('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(file.etag)
  ) {
    return c.body(null, 304, common);
  }
  const gzip = file.gzipped && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  return c.body(new Uint8Array(gzip ? file.gzipped! : file.body), 200, {
    ...common,
    'content-type': contentTypes[file.extension]!,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
}

/**
 * The example pages are written as a host would write them, with the organization's id and
 * publishable key in the markup; the server fills in the demo organization's values so they
 * work right after `npm start`. The key is public by design and only works from its allowed origins.
 */
async function withDemoSettings(c: AppContext, html: string, elementsVersion: string): Promise<string> {
  if (!html.includes('{{CREWKIT_')) return html;
  const demoId = await findOrganizationIdBySlug(c.var.db, demoSlug);
  if (!demoId) {
    throw new ApiError('not_found', {
      detail:
        'The examples run against the demo organization, which does not exist here: start the server with `npm start` (crewkit start --demo) or run `crewkit seed`.',
    });
  }
  // The page calls the API on its own origin: the pipeline accepts a publishable key there from
  // the browser's fetch metadata (`Sec-Fetch-Site: same-origin`), as long as the key allows it.
  const publicUrl = c.var.services.config.publicUrl;
  const values: Record<string, string> = {
    CREWKIT_API_BASE: publicUrl ?? ownOrigin(c),
    CREWKIT_ELEMENTS_URL: `${publicUrl ?? ''}/elements/v${elementsVersion}/crewkit.js`,
    CREWKIT_ORG_ID: demoId,
    CREWKIT_PUBLISHABLE_KEY: demoKeys(c.var.services.config.secret).publishable,
    CREWKIT_DEMO_EMAIL: demoLogin.email,
    CREWKIT_DEMO_PASSWORD: demoLogin.password,
  };
  return html.replace(/\{\{(CREWKIT_[A-Z_]+)\}\}/g, (placeholder, name: string) =>
    name in values ? escapeHtml(values[name]!) : placeholder,
  );
}

/**
 * This server's origin as the browser sees it, without CREWKIT_PUBLIC_URL. The Host header is the
 * caller's to write, so it is believed only when it names the very address and port the request
 * came in on, or loopback on that port (`npm start` opened at http://localhost:3000); anything
 * else gets the socket's own address, and never a page that loads scripts from a host of the
 * caller's choosing.
 */
function ownOrigin(c: AppContext): string {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  const config = c.var.services.config;
  const address = socket?.localAddress ?? config.host;
  const port = socket?.localPort ?? config.port;
  const literal = (host: string) => (host.includes(':') ? `[${host}]` : host);
  const trusted = new Set(
    ['localhost', '127.0.0.1', '[::1]', literal(address)].map((host) => `${host}:${port}`),
  );
  const claimed = c.req.header('host')?.toLowerCase();
  return `http://${claimed && trusted.has(claimed) ? claimed : `${literal(address)}:${port}`}`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}
