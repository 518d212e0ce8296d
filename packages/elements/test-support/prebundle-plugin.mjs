// @ts-check
import { build } from 'esbuild';

const prefix = '/__prebundled/';

/**
 * Serves the named packages as a few bundled modules instead of the hundreds of files they are
 * made of — what Vite does for dependencies. Unbundled, msw alone (with the GraphQL library its
 * index pulls in) was 150 of an element test page's 250 requests, fetched, transformed and
 * evaluated again for every test file. One esbuild build for the run, code-split, so packages
 * that share a dependency share its module (msw's `http` and `setupWorker` must see one msw).
 * `external` packages stay separate modules, resolved as usual: Lit must be the one instance the
 * elements use.
 *
 * @param {{ packages: string[], external?: string[], conditions?: string[] }} options
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function prebundlePlugin({ packages, external = [], conditions = ['browser'] }) {
  const entryName = (/** @type {string} */ name) => name.replace(/[@/]/g, '_');
  /** @type {Promise<Map<string, string>> | undefined} */
  let outputs;
  const bundle = () =>
    (outputs ??= build({
      entryPoints: Object.fromEntries(packages.map((name) => [entryName(name), name])),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions,
      external,
      write: false,
      outdir: '/out',
      logLevel: 'silent',
    }).then(
      (result) =>
        new Map(result.outputFiles.map((file) => [`${prefix}${file.path.slice('/out/'.length)}`, file.text])),
    ));
  return {
    name: 'crewkit-prebundle',
    serverStart() {
      // Built while the browser starts; a failure is reported by the first request for a bundle.
      bundle().catch(() => {});
    },
    resolveImport({ source }) {
      if (packages.includes(source)) return `${prefix}${entryName(source)}.js`;
      return undefined;
    },
    async serve(context) {
      if (!context.path.startsWith(prefix)) return undefined;
      const body = (await bundle()).get(context.path);
      return body === undefined ? undefined : { body, type: 'js' };
    },
  };
}
