import { type LookupAddress, lookup as systemLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Where this server may send requests on a user's say-so (an Ascora base URL, later webhook URLs).
 * Without a policy saying otherwise, only https to public addresses: a URL a user typed must not
 * reach this machine, its network or a cloud metadata service, nor carry a credential there.
 */
export interface OutboundPolicy {
  /** CREWKIT_ALLOW_PRIVATE_URLS: plain http, and loopback and private targets (development, tests, the demo). */
  allowPrivate: boolean;
  /** Host names requests may go to; absent means any public host. */
  hosts?: readonly string[] | undefined;
}

/** The URL, or an address it resolved to, is not one this server sends requests to. Nothing was sent. */
export class OutboundUrlRefusedError extends Error {
  override name = 'OutboundUrlRefusedError';
}

/**
 * Loopback and private networks: the operator's own machine and network, which CREWKIT_ALLOW_PRIVATE_URLS
 * opens (a fake Ascora in development, a proxy on the LAN). One list per family: BlockList matches an
 * IPv4 address against IPv6 rules in its IPv4-mapped form.
 */
const privateV4 = new BlockList();
for (const [network, prefix] of [
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  privateV4.addSubnet(network, prefix, 'ipv4');
}
const privateV6 = new BlockList();
privateV6.addAddress('::1', 'ipv6');
privateV6.addSubnet('fc00::', 7, 'ipv6'); // unique local

/**
 * Every address that is not someone else's public server, by RFC 6890 and its IPv6 counterparts.
 * What is here and not above is never called, whatever the configuration: link-local (where cloud
 * metadata services answer), unspecified, multicast, reserved, and other spellings of IPv4.
 */
const nonPublicV4 = new BlockList();
const nonPublicV6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  nonPublicV4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the old IPv4-compatible form
  ['::ffff:0:0', 96], // IPv4-mapped: would smuggle any IPv4 address past the rules above
  ['64:ff9b::', 96], // NAT64, another way to write an IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4, embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  nonPublicV6.addSubnet(network, prefix, 'ipv6');
}

type AddressKind = 'public' | 'private' | 'never';

function kindOf(address: string): AddressKind {
  const family = isIP(address);
  if (family === 4) {
    if (privateV4.check(address, 'ipv4')) return 'private';
    return nonPublicV4.check(address, 'ipv4') ? 'never' : 'public';
  }
  if (family === 6) {
    if (privateV6.check(address, 'ipv6')) return 'private';
    return nonPublicV6.check(address, 'ipv6') ? 'never' : 'public';
  }
  return 'never';
}

export function isPublicAddress(address: string): boolean {
  return kindOf(address) === 'public';
}

function addressAllowed(address: string, policy: OutboundPolicy): boolean {
  const kind = kindOf(address);
  return kind === 'public' || (kind === 'private' && policy.allowPrivate);
}

/** The URL parser keeps IPv6 literals in brackets and a fully qualified name's final dot. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * Checks a URL before anything is sent to it. The WHATWG parser has already turned `2130706433`,
 * `127.1` and `0x7f.1` into `127.0.0.1`, so the checks below see the address a request would use.
 * A host name is checked against the allowed hosts here and its addresses at connection time.
 * @throws OutboundUrlRefusedError, with a message fit to show the user
 */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlRefusedError('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivate)) {
    throw new OutboundUrlRefusedError(policy.allowPrivate ? 'must use https or http' : 'must use https');
  }
  if (url.username || url.password)
    throw new OutboundUrlRefusedError('must not carry a user name or password');
  const host = bareHost(url);
  const literal = isIP(host) !== 0;
  if (literal && !addressAllowed(host, policy)) {
    throw new OutboundUrlRefusedError(
      policy.allowPrivate
        ? 'points at a link-local, multicast or reserved address'
        : 'points at a loopback, private or otherwise non-public address',
    );
  }
  // With private targets allowed, this machine and its network are the operator's to use (a local
  // fake Ascora, a proxy); the host list still keeps credentials from going to a stranger's server.
  const local = policy.allowPrivate && ((literal && kindOf(host) === 'private') || host === 'localhost');
  if (policy.hosts && !local && !policy.hosts.some((allowed) => allowed.toLowerCase() === host)) {
    throw new OutboundUrlRefusedError(`names a host this server is not configured to call (${host})`);
  }
  return url;
}

type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    systemLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** Every address of a name must be allowed: a name that also points inward is not trusted at all. */
function refuseNonPublic(hostname: string, addresses: LookupAddress[], policy: OutboundPolicy): void {
  const inward = addresses.find((a) => !addressAllowed(a.address, policy));
  if (inward) {
    throw new OutboundUrlRefusedError(
      `names a host that resolves to a non-public address (${hostname} → ${inward.address})`,
    );
  }
}

/**
 * The URL's addresses, checked; for a prompt answer when a user gives a URL. Failing to resolve is
 * not a refusal (the name may exist and be down): the request reports it. A check made here says
 * nothing about the addresses at connection time, which `outboundFetch` checks again.
 */
export async function checkOutboundAddresses(
  url: URL,
  policy: OutboundPolicy,
  resolve: Resolver = systemResolver,
): Promise<void> {
  const host = bareHost(url);
  if (isIP(host) !== 0) return;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return;
  }
  refuseNonPublic(host, addresses, policy);
}

/** A `lookup` for sockets that connects only to addresses it has checked, so DNS rebinding finds nothing to swap. */
function checkedLookup(policy: OutboundPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((all) => {
        refuseNonPublic(hostname, all, policy);
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family ? all.filter((a) => a.family === family) : all;
        if (usable.length === 0) {
          throw Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' });
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/** Statuses whose response has no body; `Response` refuses one. */
const bodiless = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` that goes only where the policy allows: the URL is checked on every request and the
 * connection made to an address checked after resolution. Redirects are returned, never followed
 * (a 3xx could send the request, and its credentials, anywhere). Connections are kept alive for
 * this fetch alone, so a socket is only ever reused under the policy that checked its address.
 */
export function outboundFetch(policy: OutboundPolicy, options: { resolve?: Resolver } = {}): typeof fetch {
  const lookup = checkedLookup(policy, options.resolve ?? systemResolver);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup }),
    'https:': new https.Agent({ keepAlive: true, lookup }),
  };
  return async function outbound(input, init) {
    const request = new Request(input, init);
    const url = checkOutboundUrl(request.url, policy);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const transport = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as keyof typeof agents];
    return new Promise<Response>((resolve, reject) => {
      const outgoing = transport.request(
        url,
        {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          agent,
          signal: request.signal,
        },
        (incoming) => {
          const status = incoming.statusCode ?? 0;
          const headers = new Headers();
          for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
            headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
          }
          const empty = bodiless.has(status) || request.method === 'HEAD';
          if (empty) incoming.resume();
          try {
            resolve(
              new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
                status,
                statusText: incoming.statusMessage ?? '',
                headers,
              }),
            );
          } catch (error) {
            incoming.destroy();
            reject(error);
          }
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  } as typeof fetch;
}

export interface OutboundPostResult {
  status: number;
  /** The start of the response body (at most `maxBodyBytes`), as text. */
  body: string;
}

export type OutboundPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  options?: { timeoutMs?: number; maxBodyBytes?: number },
) => Promise<OutboundPostResult>;

/** Past this much of an answer, the connection is dropped rather than drained for reuse. */
const drainLimitBytes = 64 * 1024;

/**
 * A POST under the same policy as `outboundFetch` (URL checked, addresses checked at connection
 * time, redirects returned, never followed), without building WHATWG Request and Response objects:
 * the hot path of the webhook sender, hundreds a second. Keeps only the first `maxBodyBytes` of the
 * answer.
 * @throws OutboundUrlRefusedError before anything is sent
 */
export function outboundPost(policy: OutboundPolicy, options: { resolve?: Resolver } = {}): OutboundPost {
  const lookup = checkedLookup(policy, options.resolve ?? systemResolver);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup }),
    'https:': new https.Agent({ keepAlive: true, lookup }),
  };
  return async function post(raw, headers, body, { timeoutMs = 15_000, maxBodyBytes = 1024 } = {}) {
    const url = checkOutboundUrl(raw, policy);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<OutboundPostResult>((resolve, reject) => {
      const outgoing = transport.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: agents[url.protocol as keyof typeof agents],
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            if (size < maxBodyBytes) chunks.push(chunk);
            size += chunk.length;
            if (size > drainLimitBytes) incoming.destroy();
          });
          const settle = () => {
            clearTimeout(timer);
            resolve({
              status: incoming.statusCode ?? 0,
              body: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
            });
          };
          incoming.on('end', settle);
          incoming.on('close', settle);
          incoming.on('error', settle);
        },
      );
      const timer = setTimeout(
        () => outgoing.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
        timeoutMs,
      );
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.end(body);
    });
  };
}
