import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, maxBodyBytes } from '../server/src/app.js';
import type { Config } from '../server/src/config.js';
import { createLogger, type Logger } from '../server/src/logger.js';
import { Readiness } from '../server/src/readiness.js';
import { listen, type RunningServer, startCrewkit, startServer } from '../server/src/server.js';
import { createOrganization } from '../server/src/services/organizations.js';
import { openTestDatabase, testConfig, testDatabaseKind } from '../server/test-support/harness.js';

describe('the server over real HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const database = await openTestDatabase();
    server = await startServer(testConfig(), createLogger({ level: 'silent' }), { database });
  });
  afterAll(() => server.close());

  it('answers health checks with the database it runs on', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: testDatabaseKind });
  });

  it('never rate-limits health checks, so load balancers can poll freely', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async () => (await fetch(`${server.url}/healthz`)).status),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('serves the API reference and the contract', async () => {
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/openapi.yaml`)).text()).toContain('openapi: 3.1.0');
  });

  it('compresses large answers for clients that accept it, and says it varies by encoding', async () => {
    const contract = await fetch(`${server.url}/openapi.yaml`, { headers: { 'accept-encoding': 'br' } });
    expect(contract.headers.get('content-encoding')).toBe('br');
    expect(contract.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await contract.text()).toContain('openapi: 3.1.0');
    const health = await fetch(`${server.url}/healthz`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(health.headers.get('content-encoding')).toBeNull();
  });

  it('forbids framing and sniffing of the API and the docs, and caching of API answers', async () => {
    const api = await fetch(`${server.url}/api/v1/organizations/${crypto.randomUUID()}`);
    expect(api.headers.get('cache-control')).toBe('no-store');
    for (const response of [api, await fetch(`${server.url}/docs`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('sends X-Request-Id on every response', async () => {
    const response = await fetch(`${server.url}/api/v1/organizations/${crypto.randomUUID()}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{36}$/);
  });
});

/** A server on the real listener, with a route whose answer the test releases when it likes. */
async function startListening(options: { config?: Partial<Config>; logger?: Logger } = {}) {
  const database = await openTestDatabase();
  const config = testConfig(options.config);
  const readiness = new Readiness();
  const app = createApp({
    database,
    config,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    readiness,
  });
  let arrived!: () => void;
  let release!: () => void;
  const slowArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  app.get('/test/slow', async (c) => {
    arrived();
    await released;
    return c.text('finished');
  });
  const listener = await listen(app.fetch, {
    port: 0,
    host: '127.0.0.1',
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    drainTimeoutMs: config.shutdownTimeoutMs,
    readiness,
  });
  return {
    url: listener.url,
    readiness,
    slowArrived,
    release,
    close: () => listener.close().then(() => database.close()),
    stopListening: listener.close,
  };
}

/** Opens a raw connection, writes `text`, and collects what comes back until the server closes it. */
function rawConnection(url: string, text: string) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.write(text);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
  });
  socket.on('error', () => {});
  return { socket, closed };
}

/** A 413 problem that says the connection closes, and nothing promising keep-alive. */
function expectTooLargeAndClosed(answer: string) {
  const [head, body] = answer.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 413 /);
  expect(head).toMatch(/^connection: close$/im);
  expect(head).not.toMatch(/keep-alive/i);
  expect(JSON.parse(body!)).toMatchObject({ status: 413, code: 'payload_too_large' });
}

describe('graceful shutdown', () => {
  it('is not ready until its background work has started', async () => {
    const server = await startListening();
    try {
      const starting = await fetch(`${server.url}/readyz`);
      expect(starting.status).toBe(503);
      expect((await starting.json()).detail).toBe('The server is still starting.');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      server.readiness.ready();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    } finally {
      await server.close();
    }
  });

  it('says it is not ready from the moment it is asked to stop, finishes the request in flight, then stops listening', async () => {
    const server = await startListening();
    server.readiness.ready();
    const slow = fetch(`${server.url}/test/slow`);
    await server.slowArrived;

    const stopped = server.stopListening();
    const readiness = await fetch(`${server.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(readiness.headers.get('connection')).toBe('close');
    expect((await readiness.json()).detail).toBe('The server is shutting down.');
    // Liveness stays green: an orchestrator must not kill the process while it drains.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    server.release();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('finished');
    await stopped;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await server.close();
  });

  it('cuts requests that outlive the drain timeout instead of waiting for them forever', async () => {
    const server = await startListening({ config: { shutdownTimeoutMs: 50 } });
    const slow = fetch(`${server.url}/test/slow`);
    await server.slowArrived;
    await server.stopListening();
    await expect(slow).rejects.toThrow();
    server.release();
    await server.close();
  });
});

describe('the address the server hands out', () => {
  const capture = () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
    return { lines, logger };
  };

  it('is CREWKIT_PUBLIC_URL when set, with no warning', async () => {
    const { lines, logger } = capture();
    const server = await startServer(
      // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
      testConfig({ host: '0.0.0.0', publicUrl: 'https://crewkit.example.com', allowPrivateUrls: true }),
      logger,
      {
        database: await openTestDatabase(),
      },
    );
    await server.close();
    expect(server.publicUrl).toBe('https://crewkit.example.com');
    expect(lines).toEqual([]);
  });

  it('falls back to the bind address, warning that Ascora cannot reach an unspecified address', async () => {
    const { lines, logger } = capture();
    const server = await startServer(testConfig({ host: '0.0.0.0' }), logger, {
      database: await openTestDatabase(),
    });
    await server.close();
    expect(server.publicUrl).toBe(server.url);
    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringContaining('CREWKIT_PUBLIC_URL is not set') }),
    ]);
  });
});

describe('crewkit start', () => {
  it('registers Ascora webhooks at CREWKIT_PUBLIC_URL, not at the address it listens on', async () => {
    const fake = createFakeAscora();
    const ascora = await fake.listen(0);
    const server = await startCrewkit(
      // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
      testConfig({ host: '0.0.0.0', publicUrl: 'https://crewkit.example.com', allowPrivateUrls: true }),
      createLogger({ level: 'silent' }),
      { database: await openTestDatabase() },
    );
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const { organization, secretKey } = await createOrganization(server.database.db, { name: 'Hooks Co' });
      const connected = await fetch(
        `${server.url}/api/v1/organizations/${organization.id}/ascora/connection`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ apiKey: DEMO_API_KEY, baseUrl: ascora.url }),
        },
      );
      expect(connected.status).toBe(200);
      const hookUrls = [...fake.store.webhooks.values()].map((hook) => hook.hookUrl);
      expect(hookUrls).toHaveLength(5);
      for (const hookUrl of hookUrls) expect(hookUrl).toMatch(/^https:\/\/crewkit\.example\.com\/api\/v1\//);
    } finally {
      await server.close();
      await ascora.close();
    }
  });
});

describe('connections that misbehave', () => {
  it('closes a connection whose body trickles in slower than the request timeout, and logs no error', async () => {
    const lines: { level: number; msg: string }[] = [];
    let logged!: () => void;
    const requestLogged = new Promise<void>((resolve) => {
      logged = resolve;
    });
    const logger = createLogger({
      level: 'info',
      destination: {
        write(line: string) {
          const entry = JSON.parse(line);
          lines.push(entry);
          if (entry.msg === 'request') logged();
        },
      },
    });
    const server = await startListening({
      config: { headersTimeoutMs: 100, requestTimeoutMs: 200 },
      logger,
    });
    try {
      const { closed } = rawConnection(
        server.url,
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: crewkit\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em',
      );
      expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
      await requestLogged;
      expect(lines.filter((entry) => entry.level >= 50)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('closes a connection whose headers never finish', async () => {
    const server = await startListening({ config: { headersTimeoutMs: 100, requestTimeoutMs: 200 } });
    try {
      const { closed } = rawConnection(server.url, 'GET /healthz HTTP/1.1\r\nHost: crewkit\r\n');
      expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await server.close();
    }
  });

  it('answers a body that is too large with 413 and Connection: close, then closes the connection', async () => {
    const server = await startListening();
    try {
      const { closed } = rawConnection(
        server.url,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: crewkit\r\nContent-Type: application/json\r\nContent-Length: ${maxBodyBytes + 1}\r\n\r\n{"email":`,
      );
      expectTooLargeAndClosed(await closed);
    } finally {
      await server.close();
    }
  });

  it('counts a body of undeclared length (chunked) as it arrives, and answers 413 once it passes the limit', async () => {
    const server = await startListening();
    try {
      const half = 'x'.repeat(maxBodyBytes / 2 + 1);
      const chunk = `${half.length.toString(16)}\r\n${half}\r\n`;
      // Two chunks past the limit and no last chunk: the answer cannot wait for the body's end.
      const { closed } = rawConnection(
        server.url,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: crewkit\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}`,
      );
      expectTooLargeAndClosed(await closed);
    } finally {
      await server.close();
    }
  });

  it('reads a chunked body within the limit like any other', async () => {
    const server = await startListening();
    try {
      const text = JSON.stringify({ email: 'nobody@example.com', password: 'not the password' });
      const { closed, socket } = rawConnection(
        server.url,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: crewkit\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`,
      );
      const [head, body] = (await closed).split('\r\n\r\n');
      socket.destroy();
      // Read and understood: the credentials are wrong, not the body.
      expect(head).toMatch(/^HTTP\/1\.1 401 /);
      expect(JSON.parse(body!)).toMatchObject({ status: 401 });
    } finally {
      await server.close();
    }
  });
});

describe.runIf(testDatabaseKind === 'postgres')('several instances on one PostgreSQL database', () => {
  it('migrate concurrently without tripping over each other, then serve the same data', async () => {
    const first = await openTestDatabase();
    const url = first.url!;
    await first.close();
    const { openDatabase } = await import('../server/src/db/index.js');
    const config = testConfig({ databaseUrl: url });
    const logger = createLogger({ level: 'silent' });
    const servers = await Promise.all(
      [1, 2, 3].map(async () =>
        startServer(config, logger, {
          database: await openDatabase({ databaseUrl: url, dataDir: 'memory://' }),
        }),
      ),
    );
    try {
      const statuses = await Promise.all(servers.map(async (s) => (await fetch(`${s.url}/healthz`)).status));
      expect(statuses).toEqual([200, 200, 200]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

describe.runIf(testDatabaseKind === 'pglite')('the crewkit CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crewkit-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const crewkit = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=crewkit-source', '--import', 'tsx', 'server/src/cli.ts', ...args],
        {
          env: { ...process.env, CREWKIT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  // First, on the folder still empty: the commands after it find it migrated (each migration run
  // from nothing is seconds of a spawned CLI).
  it('names the migrations it applies, and says when there were none', async () => {
    const first = await crewkit(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Applied \d+ migrations:\n {2}0000_enable_btree_gist\n {2}0001_foundation\n/,
    );
    const second = await crewkit(['migrate']);
    expect(second.stdout).toBe('Database is already up to date.\n');
  }, 60_000);

  it('creates an organization and prints its keys as JSON for scripts', async () => {
    const result = await crewkit([
      'org',
      'create',
      '--name',
      'Scripted Co',
      '--time-zone',
      'America/New_York',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual({
      orgId: expect.any(String),
      secretKey: expect.stringMatching(/^sk_/),
      publishableKey: expect.stringMatching(/^pk_/),
    });

    const key = await crewkit([
      'keys',
      'create',
      '--org',
      printed.orgId,
      '--kind',
      'publishable',
      '--name',
      'Site',
      '--origin',
      'https://a.example',
      '--json',
    ]);
    expect(key.code).toBe(0);
    expect(JSON.parse(key.stdout)).toMatchObject({ kind: 'publishable', key: expect.stringMatching(/^pk_/) });
  }, 60_000);

  it('starts the server again on the data a previous run left (a plain restart)', async () => {
    const startOnce = async () => {
      const child = spawn(
        process.execPath,
        ['--conditions=crewkit-source', '--import', 'tsx', 'server/src/cli.ts', 'start'],
        {
          env: { ...process.env, CREWKIT_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'error' },
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /running at (\S+)/.exec(chunk.toString());
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`crewkit start exited with ${code}: ${stderr}`)));
      });
      const health = await fetch(`${url}/healthz`);
      // The banner is printed once the background work runs, so the server is ready by then.
      const ready = await fetch(`${url}/readyz`);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return { health: health.status, ready: ready.status, exitCode: await exited };
    };
    expect(await startOnce()).toEqual({ health: 200, ready: 200, exitCode: 0 });
    expect(await startOnce()).toEqual({ health: 200, ready: 200, exitCode: 0 });
  }, 90_000);

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const result = await crewkit(['migrate'], { PORT: 'abc', DATABASE_URL: 'postgres://db/crewkit' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT must be a whole number, got "abc"');
    expect(result.stderr).toContain('CREWKIT_SECRET is required with DATABASE_URL');
  }, 60_000);

  it('explains its usage when a command is wrong', async () => {
    const result = await crewkit(['org', 'destroy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: crewkit');
  }, 60_000);
});
