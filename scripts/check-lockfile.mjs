// Fails when package-lock.json is not what npm would write from the package.json files alone.
// npm leaves out other platforms' optional binaries (rollup, biome, esbuild…) when it updates a
// lockfile over an existing node_modules; such a lockfile installs here but `npm ci` refuses it on
// a fresh clone. Resolving again in an empty folder, from the lockfile, must not move it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const listed = spawnSync('git', ['ls-files', '--', 'package.json', '*/package.json', 'package-lock.json'], {
  cwd: root,
  encoding: 'utf8',
});
const files =
  listed.status === 0 ? listed.stdout.split('\n').filter((f) => f && !f.includes('node_modules')) : [];
if (files.length === 0) {
  console.error('check-lockfile: could not list the package.json files with git');
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'crewkit-lock-'));
try {
  for (const file of files) cpSync(join(root, file), join(scratch, file), { recursive: true });
  const npm = spawnSync(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: scratch,
      encoding: 'utf8',
    },
  );
  if (npm.status !== 0) {
    console.error(npm.stderr);
    console.error('check-lockfile: npm could not resolve the lockfile');
    process.exit(1);
  }
  const before = readFileSync(join(root, 'package-lock.json'), 'utf8');
  const after = readFileSync(join(scratch, 'package-lock.json'), 'utf8');
  if (before !== after) {
    console.error(
      'package-lock.json is incomplete: npm rewrites it on a fresh clone, so `npm ci` fails there.\n' +
        'Run `npm install --package-lock-only` and commit the result.',
    );
    process.exit(1);
  }
  console.log('package-lock.json is complete');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
