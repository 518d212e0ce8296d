// Runs as @crewkit/server's prepack (and, with --clean, its postpack). Installed from npm, the server
// has no repository around it, so the files it reads at run time travel inside the package, under
// assets/, in the layout server/src/paths.ts expects:
//   assets/openapi.yaml                  the contract it validates requests against and serves
//   assets/drizzle/                      the migrations (SQL and journal)
//   assets/elements/package.json         the elements' version, for /elements/v<version>/
//   assets/elements/dist/                the browser bundle served at /elements/ (no types, no maps)
//   assets/examples/                     the example host pages
//   assets/scalar/standalone.js          the API reference page's script (copied so that
//                                        @scalar/api-reference's own dependency tree stays out)
// In the repository the server reads the originals, so nothing here needs to be kept in step.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = new URL('../', import.meta.url);
const serverRoot = new URL('server/', repoRoot);
const assets = fileURLToPath(new URL('assets/', serverRoot));

rmSync(assets, { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0);

const from = (path) => fileURLToPath(new URL(path, repoRoot));
const elementsDist = from('packages/elements/dist/');
if (!existsSync(`${elementsDist}crewkit.js`)) {
  console.error(
    '@crewkit/server prepack: packages/elements/dist/crewkit.js is missing; run `npm run build` first.',
  );
  process.exit(1);
}

mkdirSync(assets, { recursive: true });
cpSync(from('openapi.yaml'), `${assets}openapi.yaml`);
// The SQL and the journal are what migrate reads; drizzle-kit's schema snapshots (meta/*_snapshot.json,
// ~100 KB each) only serve generating the next migration.
cpSync(from('server/drizzle/'), `${assets}drizzle/`, {
  recursive: true,
  filter: (source) => !/_snapshot\.json$/.test(source),
});
cpSync(from('packages/elements/package.json'), `${assets}elements/package.json`);
cpSync(elementsDist, `${assets}elements/dist/`, {
  recursive: true,
  // No types, maps or the custom-elements manifest (for editors and docs tools, not browsers).
  filter: (source) => !/\.(d\.ts|map)$|custom-elements\.json$/.test(source),
});
cpSync(from('examples/'), `${assets}examples/`, { recursive: true });

const require = createRequire(fileURLToPath(serverRoot));
const scalar = require.resolve('@scalar/api-reference/browser/standalone.js');
// The bundle keeps its own header and @license comments (MIT), which is the notice MIT asks for.
cpSync(scalar, `${assets}scalar/standalone.js`);
