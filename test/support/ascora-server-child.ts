/**
 * A whole Crewkit server — queue and workers running — in a process of its own, for
 * test/ascora-restart.test.ts to SIGKILL while the queue runs an Ascora sync.
 *
 *   node --conditions=crewkit-source --import tsx test/support/ascora-server-child.ts
 *
 * Environment: ASCORA_CHILD_DATABASE_URL (PostgreSQL) or ASCORA_CHILD_DATA_DIR (a PGlite folder),
 * ASCORA_CHILD_SECRET (the CREWKIT_SECRET that sealed the connection's API key),
 * ASCORA_CHILD_RECOVERY (optional, test only: JSON of startServer's `queueTimings` and `ascora`
 * options, the test's shorter recovery timings; without it, production's defaults).
 */
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { type StartOptions, startCrewkit } from '../../server/src/server.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const databaseUrl = process.env.ASCORA_CHILD_DATABASE_URL;
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  CREWKIT_SECRET: required('ASCORA_CHILD_SECRET'),
  // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
  CREWKIT_ALLOW_PRIVATE_URLS: 'true',
  LOG_LEVEL: process.env.ASCORA_TEST_LOG ?? 'warn',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { CREWKIT_DATA_DIR: required('ASCORA_CHILD_DATA_DIR') }),
});
const recovery = process.env.ASCORA_CHILD_RECOVERY;
const timings: Pick<StartOptions, 'queueTimings' | 'ascora'> = recovery ? JSON.parse(recovery) : {};
const server = await startCrewkit(config, createLogger({ level: config.logLevel }), timings);
process.stdout.write(`${JSON.stringify({ listening: server.url })}\n`);
