#!/usr/bin/env node
// The `crewkit` command. npm links a package's bin when it installs the package, which in the
// repository happens before any build, so a bin pointing into dist/ left `npx crewkit` without a
// link on a fresh clone. This file is committed, so the link is always made.
// Installed from npm (no src/ in the package) it runs the built CLI. In the repository it runs the
// TypeScript sources through tsx (a dev dependency), so it needs no build and never runs a stale one.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);

if (existsSync(source)) {
  const tsx = await import('tsx/esm/api').catch(() => {
    console.error("crewkit: the repository's development dependencies are missing (tsx); run `npm ci`.");
    process.exit(1);
  });
  tsx.register();
  // Registered last, so it runs first: the workspace packages resolve to their sources too (their
  // "crewkit-source" export condition, as in the tests and benchmarks), so none needs building.
  const sourceCondition = `export function resolve(specifier, context, next) {
    return next(specifier, { ...context, conditions: [...context.conditions, 'crewkit-source'] });
  }`;
  register(`data:text/javascript,${encodeURIComponent(sourceCondition)}`);
  await import(source.href);
} else {
  await import('../dist/cli.js');
}
