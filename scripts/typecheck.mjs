// Type-checks the three programs — Node code and tests, the elements, Storybook — side by side:
// each `tsc` uses one core, and one after another they took ~40 s on two cores. Output is printed
// per program once it is done; the check fails if any program does.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = ['tsconfig.json', 'packages/elements/tsconfig.json', '.storybook/tsconfig.json'];

const results = await Promise.all(
  projects.map(
    (project) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [tsc, '-p', project, '--pretty'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('close', (code) => resolve({ project, code, output }));
      }),
  ),
);

let failed = false;
for (const { project, code, output } of results) {
  if (code === 0) continue;
  failed = true;
  console.error(`tsc -p ${project} failed:\n${output}`);
}
process.exit(failed ? 1 : 0);
