import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { migrationsPath } from '../paths.js';
import * as schema from './schema.js';

export { schema };

/** A drizzle database or transaction; handlers accept either. */
// biome-ignore lint/suspicious/noExplicitAny: drizzle's relational-config slot differs per driver.
export type Db = PgDatabase<PgQueryResultHKT, typeof schema, any>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Applies pending migrations and returns their names (empty: already up to date); safe to call
   * from several processes at once.
   */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
  /** PGlite only: a snapshot of the whole database, loadable with `pgliteSnapshot`. */
  dump?: () => Promise<Blob | File>;
  /**
   * Calls `onNotify` with the payload of every `NOTIFY channel` from any connection (on PostgreSQL:
   * any instance), until the returned function is called. On PostgreSQL the listening connection is
   * one of its own, outside the pool; when it is lost it is opened again, and `onNotify` gets `null`
   * ("notifications may have been missed meanwhile").
   */
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's folder, or `memory://` for a throwaway database. */
  dataDir: string;
  poolSize?: number;
  /** Start an in-memory PGlite from a `dumpDataDir()` snapshot instead of an empty cluster. */
  pgliteSnapshot?: Blob | undefined;
  /**
   * PGlite's `shared_buffers` (PostgreSQL's default, 128MB, when unset). A small cache, such as
   * `16MB`, starts in half the time — what the test suites, which start hundreds of databases of a
   * few rows each, want; a real organization's data wants the default.
   */
  pgliteSharedBuffers?: string | undefined;
  /**
   * initdb's `--wal-segsize` (MB) when PGlite creates a new cluster (PostgreSQL's default, 16, when
   * unset). The test suites' snapshot uses 1: its WAL segment is a third of the snapshot otherwise.
   */
  pgliteWalSegmentMb?: number | undefined;
}

// Any fixed number works; it only has to be the same in every Crewkit process.
const migrationLockId = 7_215_031_223;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options);
}

async function openPglite({
  dataDir,
  pgliteSnapshot: snapshot,
  pgliteSharedBuffers: sharedBuffers,
  pgliteWalSegmentMb: walSegmentMb,
}: DatabaseOptions): Promise<Database> {
  let location = 'memory://';
  if (dataDir !== 'memory://') {
    location = join(dataDir, 'pglite');
    mkdirSync(location, { recursive: true });
  }
  const client = await PGlite.create(location, {
    extensions: { btree_gist },
    ...(snapshot ? { loadDataDir: snapshot } : {}),
    ...(sharedBuffers
      ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] }
      : {}),
    ...(walSegmentMb ? { initDbStartParams: [`--wal-segsize=${walSegmentMb}`] } : {}),
  });
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    // One process owns a PGlite folder, so no lock is needed.
    migrate: () =>
      reportingApplied(db as unknown as Db, () => migratePglite(db, { migrationsFolder: migrationsPath })),
    close: () => client.close(),
    dump: () => client.dumpDataDir('none'),
    // One connection, so a NOTIFY made by any transaction reaches it.
    listen: (channel, onNotify) => client.listen(channel, (payload) => onNotify(payload)),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection emits 'error'; without a listener that kills the process.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    async migrate() {
      // Several instances may start together against one database: the advisory lock lets one
      // migrate while the others wait, then find nothing left to do.
      return underAdvisoryLock(pool, migrationLockId, (client) => {
        const locked = drizzlePg(client, { schema });
        return reportingApplied(locked as unknown as Db, () =>
          migratePg(locked, { migrationsFolder: migrationsPath }),
        );
      });
    },
    close: () => pool.end(),
    listen: (channel, onNotify) => listenOnPostgres(url, channel, onNotify),
  };
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), opened again
 * a second after it is lost, for as long as nobody stops it.
 */
async function listenOnPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    const lost = () => {
      next.removeAllListeners('end');
      if (stopped || client !== next) return;
      client = undefined;
      retry = setTimeout(() => void reconnect(), 1000);
    };
    next.on('error', lost);
    next.on('end', lost);
    client = next;
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
  };
  const reconnect = async () => {
    try {
      await connect();
      onNotify(null);
    } catch {
      client?.removeAllListeners();
      client = undefined;
      if (!stopped) retry = setTimeout(() => void reconnect(), 1000);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  };
}

/**
 * Drizzle applies every journal entry newer than the newest one recorded in the database, and says
 * nothing; the same comparison made before it runs names what it is about to apply.
 */
async function reportingApplied(db: Db, migrate: () => Promise<void>): Promise<string[]> {
  const [table] = await queryRows<{ exists: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`,
  );
  let last = 0;
  if (table?.exists) {
    const [recorded] = await queryRows<{ last: string | null }>(
      db,
      sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`,
    );
    last = Number(recorded?.last ?? 0);
  }
  const journal = JSON.parse(readFileSync(join(migrationsPath, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  await migrate();
  return journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag);
}

/**
 * Runs `work` while this process holds a PostgreSQL advisory lock (on a connection of its own,
 * which `work` may use): across every process on the database, one at a time.
 */
export async function underAdvisoryLock<T>(
  pool: pg.Pool,
  lockId: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [lockId]);
    return await work(client);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [lockId]).catch(() => {});
    client.release();
  }
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Db, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}
