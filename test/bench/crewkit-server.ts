/** Bench child: the real Crewkit server on the database named by the environment. */

import { pino } from 'pino';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer } from '../../server/src/server.js';
import { createOrganization } from '../../server/src/services/organizations.js';

const config = { ...loadConfig(), port: 0 };
// Logs go to stderr: stdout carries only the one line the bench waits for.
const server = await startServer(
  config,
  createLogger({ level: config.logLevel, destination: pino.destination(2) }),
);
const { organization, secretKey } = await createOrganization(server.database.db, {
  name: 'Bench Co',
  timeZone: 'Australia/Sydney',
});
process.stdout.write(`${JSON.stringify({ url: server.url, orgId: organization.id, key: secretKey })}\n`);
process.once('SIGINT', () => server.close().then(() => process.exit(0)));
process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
