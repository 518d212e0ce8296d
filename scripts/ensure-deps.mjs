// Lets `npm start` and `npm test` work straight after a clone: installs from the lockfile when
// node_modules is missing or older than package-lock.json. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  // `npm install`, not `npm ci`: see .ci/run for why; it installs the locked versions.
  console.log('Installing dependencies from package-lock.json…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
