import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkOutboundAddresses,
  checkOutboundUrl,
  isPublicAddress,
  OutboundUrlRefusedError,
  outboundFetch,
  outboundPost,
} from './outbound-url.js';

const strict = { allowPrivate: false };
const ascoraOnly = { allowPrivate: false, hosts: ['api.ascora.com.au'] };
const development = { allowPrivate: true, hosts: ['api.ascora.com.au'] };

function refusal(raw: string, policy: Parameters<typeof checkOutboundUrl>[1]): string | undefined {
  try {
    checkOutboundUrl(raw, policy);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundUrlRefusedError);
    return (error as Error).message;
  }
}

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('an outbound URL', () => {
  it.each([
    'https://127.0.0.1',
    'https://2130706433:4101',
    'https://127.1:4101',
    'https://0x7f.1',
    'https://0',
    'https://10.1.2.3',
    'https://172.16.0.1',
    'https://192.168.1.1',
    'https://100.64.0.1',
    'https://169.254.169.254',
    'https://224.0.0.1',
    'https://[::1]',
    'https://[::]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:8.8.8.8]',
    'https://[fd00::1]',
    'https://[fe80::1]',
    'https://[ff02::1]',
  ])('is refused when it names a non-public address, however written: %s', (raw) => {
    expect(refusal(raw, strict)).toMatch(/non-public address/);
  });

  it.each([
    'http://api.ascora.com.au',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ftp://api.ascora.com.au',
  ])('must use https: %s', (raw) => {
    expect(refusal(raw, ascoraOnly)).toBe('must use https');
  });

  it('is refused when it is not a URL or carries credentials', () => {
    expect(refusal('api.ascora.com.au', ascoraOnly)).toBe('is not an absolute URL');
    expect(refusal('https://user:pass@api.ascora.com.au', ascoraOnly)).toMatch(/user name or password/);
  });

  it('must name an allowed host, in any letter case and with or without the final dot', () => {
    expect(refusal('https://api.ascora.com.au', ascoraOnly)).toBeUndefined();
    expect(refusal('https://API.Ascora.com.au./', ascoraOnly)).toBeUndefined();
    expect(refusal('https://ascora.example', ascoraOnly)).toMatch(
      /not configured to call \(ascora\.example\)/,
    );
    expect(refusal('https://api.ascora.com.au.evil.example', ascoraOnly)).toMatch(/not configured/);
    expect(refusal('https://8.8.8.8', ascoraOnly)).toMatch(/not configured/);
  });

  it('may be plain http to this machine or its network when private targets are allowed, but not to a stranger', () => {
    expect(refusal('http://127.0.0.1:4101', development)).toBeUndefined();
    expect(refusal('http://localhost:4101', development)).toBeUndefined();
    expect(refusal('http://10.0.0.5', development)).toBeUndefined();
    expect(refusal('http://[::1]:4101', development)).toBeUndefined();
    expect(refusal('https://evil.example', development)).toMatch(/not configured/);
    expect(refusal('file:///etc/passwd', development)).toBe('must use https or http');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]',
    'http://0.0.0.0:4101',
    'http://[::]:4101',
    'http://224.0.0.1',
    'http://[::ffff:127.0.0.1]',
  ])(
    'is refused even when private targets are allowed when it is link-local, unspecified, multicast or mapped: %s',
    (raw) => {
      expect(refusal(raw, development)).toBe('points at a link-local, multicast or reserved address');
    },
  );

  it('tells public addresses from the rest', () => {
    expect(isPublicAddress('203.0.114.1')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    expect(isPublicAddress('100.128.0.1')).toBe(true);
    expect(isPublicAddress('100.127.255.255')).toBe(false);
    expect(isPublicAddress('not an address')).toBe(false);
  });

  it('is refused when its name resolves to any non-public address', async () => {
    const url = new URL('https://rebind.example');
    await expect(
      checkOutboundAddresses(url, strict, resolvesTo('93.184.216.34', '10.0.0.1')),
    ).rejects.toThrow(/rebind\.example → 10\.0\.0\.1/);
    await expect(checkOutboundAddresses(url, strict, resolvesTo('93.184.216.34'))).resolves.toBeUndefined();
    await expect(
      checkOutboundAddresses(url, { allowPrivate: true }, resolvesTo('10.0.0.1')),
    ).resolves.toBeUndefined();
    await expect(
      checkOutboundAddresses(url, { allowPrivate: true }, resolvesTo('169.254.169.254')),
    ).rejects.toThrow(/169\.254\.169\.254/);
  });

  it('is not refused for failing to resolve: the request reports that', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(checkOutboundAddresses(new URL('https://gone.example'), strict, failing)).resolves.toBe(
      undefined,
    );
  });
});

describe('the outbound fetch', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
        return;
      }
      if (req.url === '/empty') {
        res.writeHead(204).end();
        return;
      }
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ auth: req.headers.auth, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends nothing to a refused URL', async () => {
    received.length = 0;
    const guarded = outboundFetch(strict);
    for (const raw of [
      `http://127.0.0.1:${port}/`,
      `https://2130706433:${port}/`,
      `https://[::1]:${port}/`,
    ]) {
      await expect(guarded(raw)).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    }
    expect(received).toEqual([]);
  });

  it('connects to the address it checked, so a name rebound to this machine reaches nothing', async () => {
    received.length = 0;
    let calls = 0;
    // Public when a form checks it, loopback when the request connects: the classic rebinding.
    const rebinding = async () => {
      calls += 1;
      return calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    const url = new URL(`http://rebind.example:${port}/`);
    await checkOutboundAddresses(url, strict, rebinding);
    const guarded = outboundFetch({ allowPrivate: false }, { resolve: rebinding });
    // http is refused outright under the strict policy; https shows the connection-time check.
    await expect(guarded(`https://rebind.example:${port}/`)).rejects.toThrow(
      /rebind\.example → 127\.0\.0\.1/,
    );
    expect(received).toEqual([]);
  });

  it('sends the method, headers and body, and returns status, headers and body', async () => {
    const guarded = outboundFetch({ allowPrivate: true }, { resolve: resolvesTo('127.0.0.1') });
    const response = await guarded(`http://fake-ascora.test:${port}/Customers/Customer`, {
      method: 'POST',
      headers: { Auth: 'key-1', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ auth: 'key-1', body: '{"a":1}' });
    expect((await guarded(`http://127.0.0.1:${port}/empty`)).status).toBe(204);
  });

  it('returns a redirect instead of following it', async () => {
    received.length = 0;
    const response = await outboundFetch({ allowPrivate: true })(`http://127.0.0.1:${port}/redirect`);
    expect(response.status).toBe(302);
    expect(received).toEqual(['GET /redirect']);
  });
});

describe('the outbound POST (the webhook sender’s)', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${req.headers['webhook-id']} ${body}`);
        if (req.url === '/redirect')
          res.writeHead(307, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
        else res.writeHead(200).end('x'.repeat(5000));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends nothing to a refused URL, nor to a name that resolves to this machine', async () => {
    received.length = 0;
    for (const raw of [`http://127.0.0.1:${port}/`, `https://[::1]:${port}/`, `https://169.254.169.254/`]) {
      await expect(outboundPost(strict)(raw, {}, '{}')).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    }
    const rebound = outboundPost(strict, { resolve: resolvesTo('127.0.0.1') });
    await expect(rebound(`https://hooks.example:${port}/`, {}, '{}')).rejects.toThrow(
      /hooks\.example → 127\.0\.0\.1/,
    );
    expect(received).toEqual([]);
  });

  it('posts headers and body, keeps the first kilobyte of the answer, and does not follow a redirect', async () => {
    received.length = 0;
    const post = outboundPost({ allowPrivate: true });
    const answer = await post(`http://127.0.0.1:${port}/hooks`, { 'webhook-id': 'evt_1' }, '{"a":1}');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('x'.repeat(1024));
    const redirected = await post(`http://127.0.0.1:${port}/redirect`, { 'webhook-id': 'evt_2' }, '{}');
    expect(redirected.status).toBe(307);
    expect(received).toEqual(['POST /hooks evt_1 {"a":1}', 'POST /redirect evt_2 {}']);
  });
});
