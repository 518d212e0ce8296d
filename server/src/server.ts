import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createAppWith, createServices } from './app.js';
import { catchUpAscora, startJobQueue } from './ascora/background.js';
import type { AscoraOverrides } from './ascora/deps.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { type Database, openDatabase } from './db/index.js';
import type { Logger } from './logger.js';
import type { QueueTimings } from './queue/queue.js';
import { Readiness } from './readiness.js';

export interface RunningServer {
  /** Where this process listens. */
  url: string;
  /** Where clients and Ascora reach it: CREWKIT_PUBLIC_URL, or else `url`. */
  publicUrl: string;
  database: Database;
  /** The services container every request of this server reaches (its queue, clock, …). */
  services: Services;
  /** Starts as "starting": call `readiness.ready()` once the background work runs too. */
  readiness: Readiness;
  /** Stops being ready, lets in-flight requests finish (bounded), then stops listening. */
  stopListening(): Promise<void>;
  /** stopListening(), then stops the queue, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  database?: Database;
  /** Start the durable job queue (its workers stay idle until `startWorkers()`). */
  queue?: boolean;
  /** Tests: shorter queue supervision and heartbeats (see `QueueTimings`); production uses none. */
  queueTimings?: QueueTimings;
  /** Tests: Ascora settings such as a shorter `staleRunMs`; production uses none. */
  ascora?: AscoraOverrides;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
    }));
  await database.migrate();
  const stopAnalyzing = database.kind === 'pglite' ? analyzePeriodically(database, logger) : () => {};
  const readiness = new Readiness();
  const queue = options.queue ? await startJobQueue(database, logger, options.queueTimings) : undefined;
  const services = createServices({
    database,
    config,
    logger,
    readiness,
    ...(queue ? { queue } : {}),
    ...(options.ascora ? { ascora: options.ascora } : {}),
  });
  // Work the queue missed while no process ran one: connects made meanwhile, runs left by a kill.
  if (queue) await catchUpAscora(queue, services);
  const app = createAppWith(services);
  const listener = await listen(app.fetch, {
    port: config.port,
    host: config.host,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    drainTimeoutMs: config.shutdownTimeoutMs,
    readiness,
  }).catch(async (error: unknown) => {
    // The port is taken, say: the queue started above must not keep polling a pool nobody closes.
    await queue?.stop();
    stopAnalyzing();
    throw error;
  });
  const publicUrl = config.publicUrl ?? listener.url;
  services.ascora.publicBaseUrl = publicUrl;
  if (!config.publicUrl && unreachableFromOutside(config.host)) {
    logger.warn(
      { url: listener.url },
      `CREWKIT_PUBLIC_URL is not set: Ascora webhooks are registered at ${listener.url}, which Ascora cannot reach (set it to the address the internet reaches this server at)`,
    );
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    // Requests finish first (they may queue work), then the queue stops, then the database
    // closes, so no worker polls a closed pool.
    closing ??= (async () => {
      // Open event streams would hold the drain until its deadline: they end now, and their
      // clients reconnect (to another instance, as this one is no longer ready).
      await services.liveEvents.close();
      await listener.close();
      await services.events.stop();
      await services.webhooks.stop();
      await services.notifications.stop();
      await queue?.stop();
      services.notifications.close();
      stopAnalyzing();
      await database.close();
    })();
    return closing;
  };
  return {
    url: listener.url,
    publicUrl,
    database,
    services,
    readiness,
    stopListening: listener.close,
    close,
  };
}

/**
 * What `crewkit start` runs: the server, then the queue and its workers, and only then ready.
 * Webhooks are registered at the public URL, the one address of this server Ascora can reach.
 */
export async function startCrewkit(
  config: Config,
  logger: Logger,
  options: Omit<StartOptions, 'queue'> = {},
): Promise<RunningServer> {
  const started = await startServer(config, logger, { ...options, queue: true });
  await started.services.queue!.startWorkers();
  // Notifications first: the dispatcher's first pass hands them what it queues.
  await started.services.notifications.start();
  await started.services.events.start(started.services.queue);
  await started.services.webhooks.start(started.services.queue);
  await started.services.retention.start(started.services.queue);
  started.readiness.ready();
  return started;
}

function unreachableFromOutside(host: string): boolean {
  return ['0.0.0.0', '::', '::1', 'localhost'].includes(host) || host.startsWith('127.');
}

export interface ListenOptions {
  port: number;
  host: string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long close() lets requests in flight run before cutting their connections. */
  drainTimeoutMs: number;
  readiness: Readiness;
}

export interface Listener {
  url: string;
  /** Marks the process draining, waits for requests in flight (bounded), then stops listening. */
  close(): Promise<void>;
}

/** Serves `fetch` over HTTP with the timeouts and the graceful shutdown a public server needs. */
export async function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  options: ListenOptions,
): Promise<Listener> {
  const { readiness } = options;
  const server = serve({
    fetch,
    port: options.port,
    hostname: options.host,
    serverOptions: {
      // A client trickling its headers or body a byte at a time would otherwise hold a connection
      // (and a request slot) for minutes. Node checks these only every connectionsCheckingInterval,
      // 30 s by default, which would make a short timeout meaningless.
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(options.headersTimeoutMs / 4))),
    },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    // Clients move to another instance for their next request instead of reusing this connection.
    if (readiness.state === 'draining') response.setHeader('connection', 'close');
    response.once('close', () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      readiness.drain();
      // Still listening: a load balancer polling /readyz sees 503 and stops sending traffic while
      // the requests already here finish.
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, options.drainTimeoutMs);
          onIdle = () => {
            clearTimeout(deadline);
            resolve();
          };
        });
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open until they time out; past the deadline,
        // so would requests that did not finish in time.
        server.closeAllConnections();
      });
    })();
    return closing;
  };
  return { url, close };
}

/**
 * PostgreSQL's autovacuum keeps the planner's statistics current; PGlite has no autovacuum, so its
 * tables would stay at "never analyzed" and grown tables get plans made for a handful of rows.
 * ANALYZE at start and every 15 minutes after; it samples, so it stays cheap as tables grow.
 */
function analyzePeriodically(database: Database, logger: Logger): () => void {
  const analyze = () =>
    database.db
      .execute(sql`analyze`)
      .catch((error: unknown) => logger.warn({ err: error }, 'analyze failed'));
  void analyze();
  const timer = setInterval(analyze, 15 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * SIGTERM/SIGINT: stop being ready, finish in-flight requests, close the database, exit. The
 * deadline is a last resort behind the drain timeout, for a database or queue that will not close.
 */
export function closeOnSignals(
  server: { close(): Promise<void> },
  logger: Logger,
  deadlineMs = 15_000,
): void {
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
