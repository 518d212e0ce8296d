/**
 * One Ascora sync in a process of its own, for test/ascora-kill.test.ts to SIGKILL halfway.
 *
 *   node --conditions=crewkit-source --import tsx test/support/ascora-sync-child.ts
 *
 * Environment: ASCORA_CHILD_DATABASE_URL (PostgreSQL) or ASCORA_CHILD_DATA_DIR (a PGlite folder),
 * ASCORA_CHILD_ORG_ID, ASCORA_CHILD_SECRET (the CREWKIT_SECRET that sealed the connection's API key)
 * and ASCORA_CHILD_PAGE_SIZE. Prints the result as one JSON line when the sync finishes — which it
 * should not get to do.
 */
import { runSync } from '../../server/src/ascora/sync.js';
import { openDatabase } from '../../server/src/db/index.js';
import { createLogger } from '../../server/src/logger.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const databaseUrl = process.env.ASCORA_CHILD_DATABASE_URL;
const database = await openDatabase({
  databaseUrl,
  dataDir: databaseUrl ? 'memory://' : required('ASCORA_CHILD_DATA_DIR'),
  poolSize: 4,
});
const result = await runSync(
  {
    db: database.db,
    secret: required('ASCORA_CHILD_SECRET'),
    logger: createLogger({ level: process.env.ASCORA_TEST_LOG ?? 'warn' }),
    // Another process takes over this one's run by its heartbeat: the wall clock is the one both share.
    now: Date.now,
    pageSize: Number(required('ASCORA_CHILD_PAGE_SIZE')),
    // Short waits between retries, as in the in-process tests; the fake serves no faults here anyway.
    clientOptions: { retry: { limit: 6, initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 } },
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    urls: { allowPrivate: true },
  },
  required('ASCORA_CHILD_ORG_ID'),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
await database.close();
