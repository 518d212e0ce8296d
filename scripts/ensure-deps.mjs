// Lets `npm start` and `npm test` work straight after a clone: installs from the lockfile when
// node_modules is missing or older than package-lock.json. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  // `npm ci`: exactly the lockfile, never rewriting it (scripts/check-lockfile.mjs keeps it complete).
  console.log('Installing dependencies from package-lock.json…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
