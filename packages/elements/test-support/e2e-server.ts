/**
 * A real reference server for the end-to-end browser tests: an in-memory database, the demo
 * organization, a publishable key that allows the test page's origin, the job queue (so a sync
 * queued from the page runs), and a fake Ascora on its own port. The organization is NOT connected
 * to Ascora: a test connects it through the UI with the fake's address and `DEMO_API_KEY`.
 *
 * Prints one JSON line (`{ url, orgId, publishableKey, login, ascora: { url, apiKey } }`) when it is
 * ready; stops on SIGTERM. Run by the web-test-runner plugin in `e2e-plugin.mjs`, from the sources
 * (no build needed).
 */
import { DEMO_API_KEY, startFakeAscora } from '@crewkit/ascora/fake';
import { pino } from 'pino';
import { loadConfig } from '../../../server/src/config.js';
import { createLogger } from '../../../server/src/logger.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { closeOnSignals, startCrewkit } from '../../../server/src/server.js';

const origins = (process.env.E2E_ORIGINS ?? '').split(',').filter(Boolean);
// The fake Ascora listens on loopback, which only a server allowing private URLs may call.
const config = loadConfig({
  ...process.env,
  CREWKIT_DATA_DIR: 'memory://',
  PORT: '0',
  HOST: '127.0.0.1',
  CREWKIT_ALLOW_PRIVATE_URLS: 'true',
});
// Logs go to stderr: stdout carries only the one line the plugin waits for.
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: pino.destination(2) });
// As `crewkit start` does: workers in this process, webhooks pointed back at this server.
const started = await startCrewkit(config, logger);
// Small, so a whole sync takes a second or two; fixed seed, so every run sees the same records.
const ascora = await startFakeAscora({ port: 0, seed: 11, counts: { customers: 12, jobs: 8 } });
const server = { ...started, close: () => started.close().then(() => ascora.close()) };
closeOnSignals(server, logger);
const demo = await seedDemo(server.database.db, { secret: config.secret, origins });
process.stdout.write(
  `${JSON.stringify({
    url: server.url,
    orgId: demo.orgId,
    publishableKey: demo.publishableKey,
    login: demo.login,
    ascora: { url: ascora.url, apiKey: DEMO_API_KEY },
  })}\n`,
);
