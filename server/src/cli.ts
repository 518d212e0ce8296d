#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApiKey } from './auth/api-keys.js';
import { ConfigError, loadConfig } from './config.js';
import { type Database, openDatabase } from './db/index.js';
import { type ApiKeyKind, apiKeyKinds } from './db/schema.js';
import { createLogger } from './logger.js';
import type { seedDemo } from './seed/demo.js';
import { createOrganization } from './services/organizations.js';

// The server and the demo (the HTTP app, every route and service, the AWS SDK, pdfkit…) load only
// for the commands that use them: `migrate`, `org create` and `keys create` skip ~1.5 s of CPU
// (measured on `crewkit migrate` of a migrated database: 4.6 s of CPU before, 3.0 s after).
const serverModule = () => import('./server.js');
const demoModule = () => import('./seed/demo.js');

const usage = `Usage: crewkit <command> [options]

Commands:
  start [--demo]                 Migrate, then serve the API (--demo: create the demo organization on first run)
  migrate                        Apply pending database migrations
  seed                           Create the demo organization if missing and print its credentials
  org create --name <name>       Create an organization with a secret and a publishable key
      [--time-zone <IANA zone>] [--currency <ISO 4217>] [--locale <BCP 47>]
      [--origin <url>]...        Origins allowed to use the publishable key
      [--owner-email <email> --owner-password <password> [--owner-name <name>]]
      [--json]                   Print { orgId, secretKey, publishableKey } as JSON
  keys create --org <id> --kind secret|publishable --name <name> [--origin <url>]... [--json]

Configuration comes from the environment: PORT, HOST, CREWKIT_PUBLIC_URL, DATABASE_URL, CREWKIT_DATA_DIR,
CREWKIT_SECRET, LOG_LEVEL,
CREWKIT_ALLOW_PRIVATE_URLS=true (outbound calls may use http and reach loopback and private addresses; implied by --demo),
CREWKIT_ASCORA_ALLOWED_HOSTS=host,... (Ascora base URLs besides https://api.ascora.com.au) and others (see the README).`;

class UsageError extends Error {}

const options = {
  demo: { type: 'boolean' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  'time-zone': { type: 'string' },
  currency: { type: 'string' },
  locale: { type: 'string' },
  origin: { type: 'string', multiple: true },
  'owner-email': { type: 'string' },
  'owner-password': { type: 'string' },
  'owner-name': { type: 'string' },
  org: { type: 'string' },
  kind: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function withDatabase<T>(run: (database: Database, applied: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await database.migrate();
    return await run(database, applied);
  } finally {
    await database.close();
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`Missing --${flag}`);
  return value;
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    console.log(usage);
    return;
  }
  switch (command) {
    case 'start': {
      const loaded = loadConfig();
      const [{ closeOnSignals, startCrewkit }, { seedDemo }, { seedDemoAppointments, startDemoAscora }] =
        await Promise.all([serverModule(), demoModule(), import('./seed/demo-live.js')]);
      // The demo's Ascora is a fake on this machine, which outbound calls may not reach otherwise.
      const config = values.demo ? { ...loaded, allowPrivateUrls: true } : loaded;
      const logger = createLogger({ level: config.logLevel });
      const server = await startCrewkit(config, logger);
      closeOnSignals(server, logger, config.shutdownTimeoutMs + 5_000);
      let demo: Awaited<ReturnType<typeof seedDemo>> | undefined;
      let ascora: { url: string; apiKey: string } | undefined;
      if (values.demo) {
        const origins = demoOrigins(config);
        demo = await seedDemo(server.database.db, { secret: config.secret, origins });
        if (demo.created) await seedDemoAppointments(server.url, demo, server.services.now);
        // The fake Ascora runs on this machine, so it reaches the server at its local address.
        const fakeAscora = await startDemoAscora(server.services, {
          orgId: demo.orgId,
          publicBaseUrl: server.url,
          firstRun: demo.created,
        });
        ascora = fakeAscora;
        const closeServer = server.close;
        server.close = () => closeServer().then(() => fakeAscora.close());
      }
      printBanner(server.publicUrl, config, demo, ascora);
      return;
    }
    case 'migrate': {
      const applied = await withDatabase(async (_database, applied) => applied);
      console.log(
        applied.length === 0
          ? 'Database is already up to date.'
          : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:\n${applied.map((name) => `  ${name}`).join('\n')}`,
      );
      return;
    }
    case 'seed': {
      const config = loadConfig();
      const { seedDemo } = await demoModule();
      const demo = await withDatabase((database) =>
        seedDemo(database.db, {
          secret: config.secret,
          origins: demoOrigins(config),
        }),
      );
      console.log(JSON.stringify(demo, null, 2));
      return;
    }
    case 'org create': {
      const ownerEmail = values['owner-email'];
      const result = await withDatabase((database) =>
        createOrganization(database.db, {
          name: required(values.name, 'name'),
          ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}),
          ...(values.currency ? { currency: values.currency } : {}),
          ...(values.locale ? { locale: values.locale } : {}),
          allowedOrigins: values.origin ?? [],
          ...(ownerEmail
            ? {
                owner: {
                  email: ownerEmail,
                  name: values['owner-name'] ?? ownerEmail,
                  password: required(values['owner-password'], 'owner-password'),
                },
              }
            : {}),
        }),
      );
      const summary = {
        orgId: result.organization.id,
        secretKey: result.secretKey,
        publishableKey: result.publishableKey,
      };
      console.log(
        values.json
          ? JSON.stringify(summary)
          : `Organization ${result.organization.name} (${summary.orgId})\n  secret key:      ${summary.secretKey}\n  publishable key: ${summary.publishableKey}\nKeep the secret key safe: it is not shown again.`,
      );
      return;
    }
    case 'keys create': {
      const kind = required(values.kind, 'kind') as ApiKeyKind;
      if (!apiKeyKinds.includes(kind)) throw new UsageError('--kind must be secret or publishable');
      const { row, secret } = await withDatabase((database) =>
        createApiKey(database.db, {
          orgId: required(values.org, 'org'),
          kind,
          name: required(values.name, 'name'),
          allowedOrigins: values.origin ?? [],
        }),
      );
      console.log(
        values.json ? JSON.stringify({ id: row.id, kind, key: secret }) : `${kind} key ${row.id}: ${secret}`,
      );
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

/** The demo's publishable key works from the addresses a browser on this machine uses, and the public one. */
function demoOrigins(config: ReturnType<typeof loadConfig>): string[] {
  const origins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
  if (config.publicUrl) origins.push(new URL(config.publicUrl).origin);
  return origins;
}

function printBanner(
  url: string,
  config: ReturnType<typeof loadConfig>,
  demo: Awaited<ReturnType<typeof seedDemo>> | undefined,
  ascora?: { url: string; apiKey: string },
) {
  const database = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  const lines = [
    '',
    `  Crewkit is running at ${url}`,
    `  API reference:  ${url}/docs`,
    `  Contract:       ${url}/openapi.yaml`,
    `  Database:       ${database}`,
  ];
  if (demo) {
    lines.push(
      '',
      `  Demo organization  ${demo.orgId}${demo.created ? ' (created now)' : ''}`,
      `  Publishable key    ${demo.publishableKey}`,
      `  Secret key         ${demo.secretKey}`,
      `  Owner login        ${demo.login.email} / ${demo.login.password}`,
      '',
      `  Booking site       ${url}/examples/booking-site/`,
      `  ERP appointments   ${url}/examples/erp/`,
      ...(ascora
        ? [`  Fake Ascora        ${ascora.url}  (key ${ascora.apiKey}; the demo is connected to it)`]
        : []),
      '',
      `  Try: curl -H "Authorization: Bearer ${demo.secretKey}" ${url}/api/v1/organizations/${demo.orgId}`,
    );
  }
  if (config.secretGenerated && config.dataDir !== 'memory://')
    lines.push('', `  CREWKIT_SECRET was not set: using the one generated in ${config.dataDir}/secret`);
  console.log(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  pino({}, pino.destination(2)).error({ err: error }, 'crewkit failed');
  process.exit(1);
});
