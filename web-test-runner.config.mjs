// @ts-check
// Element tests in a real Chromium (the system's, so no browser download): unit tests against an
// API mocked by msw's service worker, end-to-end tests against a real reference server.
import { existsSync, readFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { e2eServerPlugin } from './packages/elements/test-support/e2e-plugin.mjs';
import { prebundlePlugin } from './packages/elements/test-support/prebundle-plugin.mjs';
import { screenshotPlugin } from './packages/elements/test-support/screenshot-plugin.mjs';
import { shiftClock, testClockPlugin, testNow } from './packages/elements/test-support/test-clock.mjs';

// Runs whose files include end-to-end tests (all of them, unless `--files` names others) start the
// reference server with the runner, alongside the unit files (e2e-plugin.mjs).
const runsE2e = !process.argv.includes('--files') || process.argv.some((arg) => arg.includes('e2e'));

// Debian's chromium-headless-shell (the same Chromium build as its chromium package, without the
// desktop browser's windowing) when installed: the element run took 135 s with it and 183 s with
// the full browser in headless mode on this machine, screenshots alike. The full browser otherwise.
const chromium =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((path) => existsSync(path)) ??
  '/usr/bin/chromium';

const mswWorker = readFileSync(new URL('./node_modules/msw/lib/mockServiceWorker.js', import.meta.url));

/** @type {WeakMap<import('playwright').Browser, Promise<import('playwright').BrowserContext>>} */
const sharedContexts = new WeakMap();

/**
 * One browser context for the whole run, a fresh page per test file. wtr's default, a context per
 * file, starts every file with an empty HTTP cache and no service worker: each page fetched its
 * ~250 modules again and installed msw’s worker again. What a file leaves behind that another
 * could see — cookies, storage, databases — is cleared before the next file's page opens; the
 * service worker stays (msw answers only the pages that started it).
 *
 * @param {import('playwright').Browser} browser
 * @param {string} origin the test pages' origin
 */
async function pageInSharedContext(browser, origin) {
  // Per browser: wtr starts a new one if the first is lost.
  if (!sharedContexts.has(browser)) sharedContexts.set(browser, browser.newContext());
  const context = await /** @type {Promise<import('playwright').BrowserContext>} */ (
    sharedContexts.get(browser)
  );
  await context.clearCookies();
  /** @type {import('playwright').Page | undefined} */
  let page;
  return {
    async newPage() {
      page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.clearDataForOrigin', {
        origin,
        storageTypes: 'local_storage,indexeddb,cache_storage,file_systems,websql',
      });
      await cdp.detach();
      return page;
    },
    // wtr closes a file's context when the file is done: here, only its page.
    close: () => page?.close(),
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['packages/elements/src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['crewkit-source', 'browser', 'development'] },
  concurrency: 1,
  browsers: [
    playwrightLauncher({
      createBrowserContext: ({ browser, config }) =>
        pageInSharedContext(browser, `http://${config.hostname ?? 'localhost'}:${config.port}`),
      launchOptions: {
        executablePath: chromium,
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
    // The test pages' heaviest dependencies as a few modules; the elements' own sources and Lit
    // (one instance for the elements and the tests' templates) stay as they are.
    prebundlePlugin({
      packages: ['msw', 'msw/browser', '@open-wc/testing', '@crewkit/sdk', '@crewkit/sdk/enums'],
      external: ['lit', 'lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@lit/*'],
      conditions: ['crewkit-source', 'browser', 'development'],
    }),
    e2eServerPlugin({ early: runsE2e }),
    screenshotPlugin(),
    testClockPlugin(),
  ],
};
