// @ts-check
// Element tests in a real Chromium (the system's, so no browser download): unit tests against an
// API mocked by msw's service worker, end-to-end tests against a real reference server.
import { readFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { e2eServerPlugin } from './packages/elements/test-support/e2e-plugin.mjs';
import { screenshotPlugin } from './packages/elements/test-support/screenshot-plugin.mjs';
import { shiftClock, testNow } from './packages/elements/test-support/test-clock.mjs';

// Runs whose files include end-to-end tests (all of them, unless `--files` names others) start the
// reference server with the runner, alongside the unit files (e2e-plugin.mjs).
const runsE2e = !process.argv.includes('--files') || process.argv.some((arg) => arg.includes('e2e'));

const mswWorker = readFileSync(new URL('./node_modules/msw/lib/mockServiceWorker.js', import.meta.url));

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['packages/elements/src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['crewkit-source', 'browser', 'development'] },
  concurrency: 1,
  browsers: [
    playwrightLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
  testFramework: { config: { timeout: 15_000 } },
  // The first e2e file starts the reference server (transpile, migrate, seed): minutes on a busy machine.
  testsFinishTimeout: 300_000,
  // Every page reads the run's "now" before any test code (the e2e server reads the same instant).
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html>
      <body>
        <script>(${shiftClock})(globalThis, ${JSON.stringify(testNow())});</script>
        <script type="module" src="${testFramework}"></script>
      </body>
    </html>`,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/elements/tsconfig.json' }),
    {
      // msw's worker must be served from the page's origin; its postinstall copy step does not run here.
      name: 'msw-worker',
      serve(context) {
        if (context.path === '/mockServiceWorker.js') return { body: mswWorker.toString(), type: 'js' };
        return undefined;
      },
    },
    e2eServerPlugin({ early: runsE2e }),
    screenshotPlugin(),
  ],
};
