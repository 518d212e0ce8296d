import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/index.js';
import type { Logger } from './logger.js';

export interface RunningServer {
  url: string;
  database: Database;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: { database?: Database } = {},
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
  const app = createApp({ database, config, logger });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const http = server as unknown as { closeIdleConnections(): void };
      await new Promise<void>((resolve) => {
        // Keep-alive sockets would hold close() open until they time out. In-flight requests
        // finish; their sockets turn idle afterwards, so idle sockets are swept until all are gone.
        const sweep = setInterval(() => http.closeIdleConnections(), 25);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        http.closeIdleConnections();
      });
      stopAnalyzing();
      await database.close();
    })();
    return closing;
  };
  return { url, database, close };
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

/** SIGTERM/SIGINT: finish in-flight requests, close the database, exit; force-exit after a deadline. */
export function closeOnSignals(server: RunningServer, logger: Logger, deadlineMs = 10_000): void {
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
