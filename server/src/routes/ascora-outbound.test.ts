import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test-support/harness.js';
import { connectAscora } from '../ascora/connection.js';
import { runSync } from '../ascora/sync.js';
import { loadConfig } from '../config.js';
import { ascoraConnections, ascoraSyncRuns } from '../db/schema.js';
import { createLogger } from '../logger.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A listener on this machine that counts what reaches it; `redirectTo` makes every answer a 302. */
async function listener(redirectTo?: string) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (redirectTo) res.writeHead(302, { location: `${redirectTo}${req.url}` }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, seen };
}

async function fakeAscora() {
  const fake = createFakeAscora();
  const server = await fake.listen();
  closers.push(() => server.close());
  return { fake, url: server.url };
}

async function context(config: { allowPrivateUrls?: boolean } = {}) {
  // Connecting schedules syncs, so it needs the job queue a real server runs.
  const t = await createTestContext({ config, queue: true });
  closers.push(() => t.close());
  const org = await t.createOrg();
  const connect = (body: Record<string, unknown>) =>
    t.request('PUT', `/api/v1/organizations/${org.orgId}/ascora/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, ...body },
    });
  return { t, org, connect };
}

describe('The Ascora base URL', () => {
  it('is refused with 400 before anything is sent when it points at this machine, however it is written', async () => {
    const { t, connect } = await context();
    const { port, seen } = await listener();
    const before = await t.snapshot();
    for (const baseUrl of [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      `http://2130706433:${port}`,
      `http://127.1:${port}`,
      `https://127.1:${port}`,
      `https://2130706433:${port}`,
      `https://0x7f.0.0.1:${port}`,
      `https://[::1]:${port}`,
      `https://[::ffff:127.0.0.1]:${port}`,
      'https://169.254.169.254',
      'https://10.0.0.1',
    ]) {
      const response = await connect({ baseUrl });
      expect(response.status, baseUrl).toBe(400);
      expect(response.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: 'body.baseUrl' }],
      });
    }
    expect(seen).toEqual([]);
    expect(await t.snapshot()).toBe(before);
  });

  it('must be https to Ascora itself unless the server allows other hosts; other schemes are a 400, not a 502', async () => {
    const { t, connect } = await context();
    const before = await t.snapshot();
    for (const baseUrl of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://api.ascora.com.au',
      'https://ascora.example',
      'https://api.ascora.com.au.attacker.example',
      'https://api.ascora.com.au/?then=elsewhere',
    ]) {
      const response = await connect({ baseUrl });
      expect(response.status, baseUrl).toBe(400);
      expect(response.body.code).toBe('validation_failed');
    }
    expect(await t.snapshot()).toBe(before);
  });

  it('may be a fake Ascora on this machine when the server allows private URLs (CREWKIT_ALLOW_PRIVATE_URLS)', async () => {
    expect(loadConfig({ CREWKIT_ALLOW_PRIVATE_URLS: 'true', CREWKIT_DATA_DIR: 'memory://' })).toMatchObject({
      allowPrivateUrls: true,
    });
    const { connect } = await context({ allowPrivateUrls: true });
    const { url } = await fakeAscora();
    // Not the cloud metadata service, though: link-local addresses stay out of reach.
    const metadata = await connect({ baseUrl: 'http://169.254.169.254' });
    expect(metadata.status).toBe(400);
    expect(metadata.body.errors).toEqual([
      { path: 'body.baseUrl', message: 'points at a link-local, multicast or reserved address' },
    ]);
    const response = await connect({ baseUrl: url });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ connected: true, baseUrl: url });
  });

  it('reads the hosts a server allows besides Ascora from CREWKIT_ASCORA_ALLOWED_HOSTS', () => {
    const env = { CREWKIT_DATA_DIR: 'memory://' };
    expect(loadConfig(env)).toMatchObject({ allowPrivateUrls: false, ascoraAllowedHosts: [] });
    expect(
      loadConfig({ ...env, CREWKIT_ASCORA_ALLOWED_HOSTS: ' Ascora-Proxy.example.com, ,other.example ' }),
    ).toMatchObject({ ascoraAllowedHosts: ['ascora-proxy.example.com', 'other.example'] });
  });

  it('is not followed through a redirect: the key never reaches where it points', async () => {
    const { t, connect } = await context({ allowPrivateUrls: true });
    const { fake, url } = await fakeAscora();
    const { port, seen } = await listener(url);
    const response = await connect({ baseUrl: `http://127.0.0.1:${port}` });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'ascora_rejected' });
    expect(response.body.detail).toMatch(/redirect \(HTTP 302\)/);
    expect(seen).toHaveLength(1);
    expect(fake.requestCount).toBe(0);
    expect(await t.database.db.select().from(ascoraConnections)).toHaveLength(0);
  });

  it('saved before these rules, is refused by the scheduled sync without a request', async () => {
    const { t, org } = await context();
    const { fake, url } = await fakeAscora();
    const logger = createLogger({ level: 'silent' });
    const deps = { db: t.database.db, secret: t.config.secret, logger, now: t.services.now };
    await connectAscora({ ...deps, urls: { allowPrivate: true } }, org.orgId, {
      apiKey: DEMO_API_KEY,
      baseUrl: url,
    });
    fake.requestCount = 0;
    await expect(runSync(deps, org.orgId, 'schedule')).rejects.toThrow('The Ascora base URL must use https');
    expect(fake.requestCount).toBe(0);
    const [run] = await t.database.db
      .select()
      .from(ascoraSyncRuns)
      .where(eq(ascoraSyncRuns.orgId, org.orgId));
    expect(run).toMatchObject({ status: 'failed', error: 'The Ascora base URL must use https' });
  });
});

describe('The Ascora API key', () => {
  it.each([
    ['a line break', 'ascora_key\r\nX-Injected: yes'],
    ['a character beyond Latin-1', 'ascora_key_€uro'],
  ])('is refused with 400 when it holds %s, before anything is sent', async (_, apiKey) => {
    const { t, connect } = await context({ allowPrivateUrls: true });
    const { fake, url } = await fakeAscora();
    const response = await connect({ apiKey, baseUrl: url });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'body.apiKey' }] });
    expect(fake.requestCount).toBe(0);
    expect(await t.database.db.select().from(ascoraConnections)).toHaveLength(0);
  });
});
