// @ts-check
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./e2e-server.ts', import.meta.url));
const shiftClock = fileURLToPath(new URL('./shift-clock-node.mjs', import.meta.url));

/**
 * Serves `GET /__e2e`: starts a real reference server on first request (so unit-only runs pay
 * nothing) and answers `{ url, orgId, publishableKey, login }` for the demo organization. The
 * demo's publishable key allows the origin the request came from, i.e. the test page.
 *
 * With `early`, for runs that include end-to-end files, the server starts with the test runner
 * instead: its start (transpile, migrate, seed — some ten seconds) then overlaps the unit files,
 * which run one at a time and leave the other core idle, rather than holding up the first e2e file.
 *
 * @param {{ early?: boolean }} [options]
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function e2eServerPlugin({ early = false } = {}) {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {Promise<string> | undefined} */
  let ready;

  /** @param {string} origin */
  const start = (origin) =>
    new Promise((resolve, reject) => {
      const origins = [origin, origin.replace('://localhost:', '://127.0.0.1:')].join(',');
      // Workspace packages from their sources: a fresh clone has no dist folders. The server's
      // clock reads the same "now" as the test pages (test-clock.mjs).
      child = spawn(
        process.execPath,
        ['--conditions=crewkit-source', '--import', shiftClock, '--import', 'tsx', script],
        {
          env: { ...process.env, E2E_ORIGINS: origins, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      child.once('exit', (code) => reject(new Error(`the e2e server exited early (code ${code})`)));
      createInterface({ input: /** @type {NodeJS.ReadableStream} */ (child.stdout) }).once('line', resolve);
    });

  return {
    name: 'crewkit-e2e-server',
    serverStart({ config }) {
      if (!early) return;
      // The page's origin, as a request from it would name it.
      ready = start(`http://${config.hostname ?? 'localhost'}:${config.port}`);
      // A failed start is reported by the first e2e request that waits for it.
      ready.catch(() => {});
    },
    async serve(context) {
      if (context.path !== '/__e2e') return undefined;
      ready ??= start(`${context.protocol}://${context.host}`);
      return { body: await ready, type: 'json' };
    },
    async serverStop() {
      child?.kill('SIGTERM');
    },
  };
}
