import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { createAppWith, createServices } from '../src/app.js';
import { startJobQueue } from '../src/ascora/background.js';
import type { AscoraOverrides } from '../src/ascora/deps.js';
import type { Config } from '../src/config.js';
import type { AppEnv, Services } from '../src/context.js';
import { type Database, openDatabase, queryRows } from '../src/db/index.js';
import { createLogger, type Logger } from '../src/logger.js';
import { loadSpec } from '../src/openapi/spec.js';
import { matchOperation, ResponseValidator } from '../src/openapi/validation.js';
import { createOrganization, type NewOrganization } from '../src/services/organizations.js';
import type { Storage } from '../src/storage/storage.js';
import { templateDatabase, withDatabase } from './postgres-global-setup.js';

export const testDatabaseKind = (process.env.CREWKIT_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

const spec = loadSpec();
const responseValidator = new ResponseValidator(spec);

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely; the contract check types them.
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestOrg {
  orgId: string;
  secretKey: string;
  publishableKey: string;
  owner: { id: string; email: string; password: string };
}

let counter = 0;
/** The run's PGlite snapshot, read once per worker. */
let snapshotBlob: { path: string; blob: Blob } | undefined;

/** A fresh database (PGlite in memory, or a clone of the migrated PostgreSQL template). */
export async function openTestDatabase(): Promise<Database & { url?: string }> {
  if (testDatabaseKind === 'pglite') {
    // A migrated snapshot made once per run (read once per worker) loads in ~0.6 s with a small
    // buffer cache (test databases hold a few rows); creating and migrating a fresh PGlite takes several.
    const snapshot = inject('pgliteSnapshot');
    if (snapshot && snapshotBlob?.path !== snapshot)
      snapshotBlob = { path: snapshot, blob: new Blob([readFileSync(snapshot)]) };
    const database = await openDatabase({
      dataDir: 'memory://',
      pgliteSharedBuffers: '16MB',
      ...(snapshotBlob ? { pgliteSnapshot: snapshotBlob.blob } : {}),
    });
    await database.migrate();
    return database;
  }
  const adminUrl = inject('postgresUrl');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${templateDatabase}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 20 });
  return { ...database, url };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: 'memory://',
    secret: 'test-secret-0123456789-0123456789-0123456789',
    secretGenerated: false,
    logLevel: 'silent',
    trustProxy: false,
    databasePoolSize: 10,
    publicUrl: undefined,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    shutdownTimeoutMs: 10_000,
    ...overrides,
  };
}

export interface TestContext {
  app: Hono<AppEnv>;
  /** The app's services container: its clock, its queue (with `queue: true`), its Ascora runtime. */
  services: Services;
  database: Database & { url?: string };
  config: Config;
  /** The server's base URL when started with `http: true`. */
  baseUrl?: string;
  /** Calls the API and fails the test if the response breaks the contract in openapi.yaml. */
  // biome-ignore lint/suspicious/noExplicitAny: see TestResponse
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  createOrg(input?: Partial<NewOrganization>): Promise<TestOrg>;
  login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  /** A digest of every row (minus usage timestamps), to prove a request changed nothing. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export async function createTestContext(
  options: {
    http?: boolean;
    config?: Partial<Config>;
    now?: () => number;
    logger?: Logger;
    /** Start the job queue (workers idle: tests run jobs with `services.queue.drain()`). */
    queue?: boolean;
    ascora?: AscoraOverrides;
    /** Where files go (an S3 bucket on a test server); without one, a temporary local folder. */
    storage?: Storage;
  } = {},
): Promise<TestContext> {
  const database = await openTestDatabase();
  const config = testConfig(options.config);
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const queue = options.queue ? await startJobQueue(database, logger) : undefined;
  const services = createServices({
    database,
    config,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(queue ? { queue } : {}),
    ...(options.ascora ? { ascora: options.ascora } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const app = createAppWith(services);
  let baseUrl: string | undefined;
  let server: ReturnType<typeof serve> | undefined;
  if (options.http) {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    services.ascora.publicBaseUrl = baseUrl;
  }

  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (body === undefined && opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const init = { method, headers, ...(body === undefined ? {} : { body }) };
    const response = baseUrl ? await fetch(`${baseUrl}${path}`, init) : await app.request(path, init);
    // An event stream never ends by itself: its status and headers are the answer here (tests that
    // read events open the stream with fetch).
    const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
    if (streaming) await response.body?.cancel();
    const text = streaming ? '' : await response.text();
    const op = matchOperation(spec, method, new URL(path, 'http://x').pathname);
    if (op) {
      const problems = responseValidator.validate(
        op,
        response.status,
        response.headers.get('content-type'),
        text,
      );
      expect(problems, `response breaks openapi.yaml: ${text.slice(0, 500)}`).toEqual([]);
    }
    if (response.status >= 400 && text) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(text).requestId).toBe(response.headers.get('x-request-id'));
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (openapi.yaml, docs): keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  let orgCount = 0;
  let snapshotQuery: string | undefined;
  const context: TestContext = {
    app,
    services,
    database,
    config,
    ...(baseUrl ? { baseUrl } : {}),
    request,
    async createOrg(input = {}) {
      orgCount += 1;
      const email = `owner${orgCount}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = 'correct horse battery staple';
      const result = await createOrganization(database.db, {
        name: `Test Org ${orgCount}`,
        timeZone: 'Australia/Sydney',
        currency: 'AUD',
        locale: 'en-AU',
        allowedOrigins: ['https://widget.example'],
        owner: { email, name: 'Owner', password },
        ...input,
      });
      return {
        orgId: result.organization.id,
        secretKey: result.secretKey,
        publishableKey: result.publishableKey,
        owner: { id: result.owner!.id, email, password },
      };
    },
    async login(email, password) {
      const response = await request('POST', '/api/v1/auth/login', { body: { email, password } });
      expect(response.status).toBe(200);
      return response.body;
    },
    async snapshot() {
      // One statement for every table (a query per table made the cross-tenant sweep's thousands of
      // snapshots its slowest part); the table list is read once, the schema does not change.
      snapshotQuery ??= await (async () => {
        const tables = await queryRows<{ table_name: string }>(
          database.db,
          // Rate-limit counters count every request, refused ones included: not a change a request makes.
          sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'rate_limit_counters' order by table_name`,
        );
        return tables
          .map(
            ({ table_name }) =>
              `select '${table_name}' as name, md5(string_agg((to_jsonb(t) - 'last_used_at' - 'last_login_at')::text, ',' order by (to_jsonb(t))::text)) as digest from "${table_name}" t`,
          )
          .join(' union all ');
      })();
      const rows = await queryRows<{ name: string; digest: string | null }>(
        database.db,
        sql.raw(snapshotQuery),
      );
      return rows.map((row) => `${row.name}:${row.digest ?? 'empty'}`).join('\n');
    },
    async close() {
      await services.liveEvents.close();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await services.events.stop();
      await services.webhooks.stop();
      await queue?.stop();
      services.notifications.close();
      await database.close();
    },
  };
  return context;
}
