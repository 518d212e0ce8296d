import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Text worth compressing. Never event streams: they are written as they happen, and a compressor
// would hold each event back until its buffer fills.
const compressible =
  /^(?:application\/(?:json|problem\+json|[\w.+-]*\+json|yaml|javascript|xml)|text\/(?!event-stream)[\w.+-]+|image\/svg\+xml)(?:;|$)/i;

const sharedCacheEntries = 16;

export interface CompressionOptions {
  /** Bodies smaller than this go as they are: the headers would cost more than the saving. */
  thresholdBytes?: number;
}

/**
 * Compresses answers (brotli or gzip, whichever the client prefers) above a small size. Month-long
 * availability is ~20 KB of JSON that compresses to ~1.5 KB. Bodies already encoded (the
 * pre-gzipped elements bundle) and streams are left alone.
 */
export function compression({ thresholdBytes = 1024 }: CompressionOptions = {}): MiddlewareHandler<AppEnv> {
  const sharedCache = new Map<string, Uint8Array<ArrayBuffer>>();
  return async function compressionMiddleware(c, next) {
    // JSON answers say their length, so a small one is left alone without reading it back.
    c.json = ((object: unknown, arg?: number | ResponseInit, headers?: Record<string, string>) => {
      const text = JSON.stringify(object);
      return c.body(text, arg as never, {
        'content-type': 'application/json',
        ...headers,
        'content-length': String(Buffer.byteLength(text)),
      });
    }) as unknown as typeof c.json;
    await next();
    const response = c.res;
    // Cheap checks first, from the status and headers alone: on Node, touching a body (even
    // `response.body`) turns the adapter's lightweight answer into a full web Response and costs
    // more than the rest of a cached, authenticated read.
    const type = response.headers.get('content-type');
    if (
      c.req.method === 'HEAD' ||
      response.status === 204 ||
      response.status === 206 ||
      response.status === 304 ||
      !type ||
      !compressible.test(type) ||
      response.headers.has('content-encoding') ||
      /\bno-transform\b/i.test(response.headers.get('cache-control') ?? '')
    ) {
      return;
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared < thresholdBytes) return;
    const encoding = preferredEncoding(c.req.header('accept-encoding'));
    if (!encoding) {
      // The answer could have been compressed for another client: caches must keep them apart.
      // Said without reading the body, so a client that takes no compression pays nothing for it.
      addVary(response.headers);
      return;
    }
    if (!response.body) return;
    const body = new Uint8Array(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    let encoded: Uint8Array<ArrayBuffer> = body;
    if (body.byteLength >= thresholdBytes) {
      addVary(headers);
      // A public answer is the same for everyone (the API reference's 3 MB script: over half a
      // second of brotli each time), so it is compressed once per distinct body.
      const shared = /\bpublic\b/i.test(headers.get('cache-control') ?? '');
      const key = shared ? `${encoding}:${createHash('sha256').update(body).digest('base64')}` : undefined;
      let compressed = key ? sharedCache.get(key) : undefined;
      if (!compressed) {
        compressed = await encode(body, encoding);
        if (key) {
          if (sharedCache.size >= sharedCacheEntries) sharedCache.delete(sharedCache.keys().next().value!);
          sharedCache.set(key, compressed);
        }
      }
      encoded = compressed;
      headers.set('content-encoding', encoding);
      const etag = headers.get('etag');
      if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
    }
    headers.set('content-length', String(encoded.byteLength));
    c.res = undefined;
    c.res = new Response(encoded, { status: response.status, statusText: response.statusText, headers });
  };
}

function addVary(headers: Headers): void {
  const vary = headers.get('vary');
  if (!vary || !/\baccept-encoding\b/i.test(vary))
    headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}

async function encode(body: Uint8Array, encoding: 'br' | 'gzip'): Promise<Uint8Array<ArrayBuffer>> {
  if (encoding === 'gzip') return new Uint8Array(await gzipAsync(body));
  return new Uint8Array(
    await brotli(body, {
      // Quality 11 (the default) is for files compressed once; an API answer is compressed on
      // every request.
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
    }),
  );
}

/** `br` or `gzip`, by the client's q-values; brotli on a tie, as it is smaller. */
function preferredEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name) weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? 'br' : 'gzip';
}
