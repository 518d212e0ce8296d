import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Every module that needs a file from outside the compiled code asks here, so the layout is known
// in one place. Both src/ (tests, tsx) and dist/ (the build) sit one level below the package root.
const packageRoot = new URL('../', import.meta.url);
const repoRoot = new URL('../', packageRoot);

// In the repository the files are read where they live, so an edit to the contract or a new
// migration shows without a copy step. Installed from npm there is no repository around the
// package (repoRoot is node_modules/@crewkit/), and it reads the copies that its prepack
// (scripts/prepack-server.mjs) put in assets/.
const inRepository = existsSync(fileURLToPath(new URL('openapi.yaml', repoRoot)));
const fromRepository = (repoPath: string, assetPath: string) =>
  fileURLToPath(inRepository ? new URL(repoPath, repoRoot) : new URL(`assets/${assetPath}`, packageRoot));

export const specPath = fromRepository('openapi.yaml', 'openapi.yaml');
export const migrationsPath = fromRepository('server/drizzle/', 'drizzle/');
export const serverPackageJsonPath = fileURLToPath(new URL('package.json', packageRoot));
export const elementsPackageJsonPath = fromRepository(
  'packages/elements/package.json',
  'elements/package.json',
);
export const elementsDistPath = fromRepository('packages/elements/dist/', 'elements/dist/');
export const examplesPath = fromRepository('examples/', 'examples/');

// The API reference page's script: a dev dependency in the repository, a copied file once packed,
// so that installing the server does not pull @scalar/api-reference's whole dependency tree.
export const scalarScriptPath = inRepository
  ? createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')
  : fileURLToPath(new URL('assets/scalar/standalone.js', packageRoot));
