// The element tests include one of the built one-script-tag loader (`dist/crewkit.js` and its
// chunks). Builds the elements when that build is missing or older than any of their sources, so
// `npm run test:elements` works on a fresh clone and never tests yesterday's bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const elements = fileURLToPath(new URL('../packages/elements/', import.meta.url));
const built = join(elements, 'dist/crewkit.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(join(elements, 'src')),
  statSync(join(elements, 'rollup.config.mjs')).mtimeMs,
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the elements for the loader test (dist/crewkit.js missing or older than src/)');
  const run = spawnSync('npm', ['run', 'build:elements'], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
