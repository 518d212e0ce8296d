// `npm run pack:all` (after the build it runs first): the four packages as the tarballs npm would
// publish, in dist/packages/. These exact files are what the Dockerfile installs and what
// test/packaging.test.ts installs into an empty folder and starts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';

const destination = 'dist/packages';
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination, { recursive: true });
const pack = spawnSync(
  'npm',
  ['pack', '--workspaces', '--pack-destination', destination, '--silent', '--no-audit', '--no-fund'],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (pack.status !== 0) process.exit(pack.status ?? 1);
for (const tarball of readdirSync(destination)) console.log(`${destination}/${tarball}`);
