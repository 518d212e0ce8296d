import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../server/src/logger.js';
import { type RunningServer, startServer } from '../server/src/server.js';
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

  it('sends X-Request-Id on every response', async () => {
    const response = await fetch(`${server.url}/api/v1/organizations/${crypto.randomUUID()}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{36}$/);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, then refuses new connections', async () => {
    const database = await openTestDatabase();
    const server = await startServer(testConfig(), createLogger({ level: 'silent' }), { database });
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'whatever' });
    const { hostname, port } = new URL(server.url);
    // The request starts (headers and half the body are on the server) before shutdown begins,
    // and only completes afterwards, so it is unambiguously in flight during close().
    const request = httpRequest({
      hostname,
      port,
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<number>((resolve, reject) => {
      request.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.end(body.slice(10));
    expect(await response).toBe(401);
    await closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
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

  const crewkit = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=crewkit-source', '--import', 'tsx', 'server/src/cli.ts', ...args],
        {
          env: { ...process.env, CREWKIT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
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
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return health.status;
    };
    expect(await startOnce()).toBe(200);
    expect(await startOnce()).toBe(200);
  }, 90_000);

  it('explains its usage when a command is wrong', async () => {
    const result = await crewkit(['org', 'destroy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: crewkit');
  }, 30_000);
});
