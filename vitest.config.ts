import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// PostgreSQL tests need the server binaries (or TEST_DATABASE_URL). CI must have them: with
// CI=true the project always runs, so a missing PostgreSQL fails the run instead of skipping it.
const postgresAvailable =
  process.env.CI === 'true' ||
  Boolean(process.env.TEST_DATABASE_URL) ||
  existsSync(`${process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin'}/initdb`);
if (!postgresAvailable) console.warn('\n⚠ PostgreSQL not found: the server:postgres project is SKIPPED.\n');

// Workspace packages resolve to their TypeScript sources, so tests never run against a stale (or
// missing) build. Aliases, because vitest resolves in SSR mode where custom export conditions
// would have to be configured separately.
// A worker runs file after file in one module graph instead of importing the server afresh for
// each: importing it (Hono, drizzle, the contract, the AWS SDK, pdfkit…) cost seconds per file,
// about a third of the suite. Workers are never shared between projects, so each keeps its own
// database kind. Tests must leave no global state behind (they restore timers and fetch).
const isolate = false;

const resolve = {
  alias: [
    {
      find: /^@crewkit\/sdk$/,
      replacement: fileURLToPath(new URL('packages/sdk/src/index.ts', import.meta.url)),
    },
    {
      find: /^@crewkit\/sdk\/enums$/,
      replacement: fileURLToPath(new URL('packages/sdk/src/generated/enums.ts', import.meta.url)),
    },
    {
      find: /^@crewkit\/sdk\/openapi$/,
      replacement: fileURLToPath(new URL('packages/sdk/src/generated/openapi.ts', import.meta.url)),
    },
    {
      find: /^@crewkit\/ascora$/,
      replacement: fileURLToPath(new URL('packages/ascora/src/index.ts', import.meta.url)),
    },
    {
      find: /^@crewkit\/ascora\/fake$/,
      replacement: fileURLToPath(new URL('packages/ascora/src/fake/index.ts', import.meta.url)),
    },
  ],
};

export default defineConfig({
  test: {
    // Two cores: one worker per core keeps PGlite and PostgreSQL tests from starving each other.
    maxWorkers: 2,
    projects: [
      {
        resolve,
        test: {
          name: 'sdk',
          isolate,
          include: ['packages/sdk/test/**/*.test.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'ascora',
          isolate,
          include: ['packages/ascora/test/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve,
        test: {
          name: 'server:pglite',
          isolate,
          include: ['server/src/**/*.test.ts', 'test/**/*.test.ts'],
          env: { CREWKIT_TEST_DB: 'pglite' },
          globalSetup: ['server/test-support/pglite-global-setup.ts'],
          setupFiles: ['server/test-support/per-file-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      postgresAvailable && {
        resolve,
        test: {
          name: 'server:postgres',
          isolate,
          include: ['server/src/**/*.test.ts', 'test/**/*.test.ts'],
          env: { CREWKIT_TEST_DB: 'postgres' },
          globalSetup: ['server/test-support/postgres-global-setup.ts'],
          setupFiles: ['server/test-support/per-file-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ].filter((project) => project !== false),
  },
});
