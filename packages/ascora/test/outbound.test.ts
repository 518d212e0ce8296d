import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AscoraValidationError, createAscoraClient } from '@crewkit/ascora';
import { DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, scriptedFetch, testClient } from './helpers.js';

describe('what the client sends, and where', () => {
  let server: Server;
  let base: string;
  const received: { url: string; auth: string | undefined }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push({ url: req.url ?? '', auth: req.headers.auth as string | undefined });
      if (req.url?.startsWith('/moved/')) {
        res.writeHead(302, { location: `${base}/elsewhere${req.url}` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, results: [], totalPages: 0, totalRecords: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('does not follow a redirect, so the key never reaches where it points', async () => {
    received.length = 0;
    const client = createAscoraClient({ baseUrl: `${base}/moved`, apiKey: DEMO_API_KEY, retry: FAST_RETRY });
    const error = await client.probe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraValidationError);
    expect(error).toMatchObject({ status: 302, retryable: false });
    expect((error as Error).message).toMatch(/redirect \(HTTP 302\), which is not followed/);
    expect(received.map((r) => r.url)).toEqual(['/moved/Customers/Customers?Page=1&PageSize=1']);
  });

  it.each([
    ['a line break', 'ascora_key\r\nX-Injected: 1'],
    ['a character beyond Latin-1', 'ascora_kéy€'],
  ])('refuses a key with %s without sending anything, and throws no TypeError', async (_, apiKey) => {
    const { fetch, requests } = scriptedFetch([]);
    const { client } = testClient({ apiKey, fetch });
    const error = await client.probe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AscoraValidationError);
    expect((error as Error).message).toMatch(/API key holds characters an HTTP header cannot carry/);
    expect(requests).toEqual([]);
  });

  it('sends a Latin-1 key as it is', async () => {
    received.length = 0;
    const client = createAscoraClient({ baseUrl: base, apiKey: 'ascora_clé', retry: FAST_RETRY });
    await client.probe();
    expect(Buffer.from(received[0]!.auth!, 'latin1').toString('latin1')).toBe('ascora_clé');
  });
});
