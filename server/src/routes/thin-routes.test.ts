import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Routes parse, make one service call and serialize; queries and transactions live in services.
 * A route that reaches for drizzle or a table is a service in disguise, and its rules (tenancy,
 * locking, the transaction's extent) end up where the next route cannot reuse them.
 */
const routesDir = new URL('.', import.meta.url);

/**
 * Route files still being converted. Empty it as they land: the last test fails once a file listed
 * here no longer queries, so the list can only shrink.
 */
const notYetThin = new Set<string>([]);

const routeFiles = readdirSync(routesDir).filter(
  (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
);

/** What makes a file a query layer: a drizzle import, a table imported as a value, or a query built on a db. */
function queryingIn(source: string): string[] {
  const found: string[] = [];
  if (/from\s+['"]drizzle-orm(\/[^'"]*)?['"]/.test(source)) found.push('imports drizzle-orm');
  const valueImportOfSchema = /import\s+(?!type\b)([^;]*?)from\s+['"][./]*\/?db\/schema(\.js|\/[^'"]*)['"]/g;
  for (const [, names] of source.matchAll(valueImportOfSchema)) {
    // `import { type X, type Y }` brings in types only.
    const values = (names ?? '')
      .replace(/[{}]/g, '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name && !name.startsWith('type '));
    if (values.length > 0) found.push(`imports tables (${values.join(', ')}) from db/schema`);
  }
  if (/\bdb\s*\.\s*(select|insert|update|delete|execute|transaction|query)\b/.test(source)) {
    found.push('queries the database directly');
  }
  return found;
}

describe('route files', () => {
  it('are found where this test looks for them', () => {
    expect(routeFiles).toContain('catalog.ts');
  });

  it('neither import drizzle nor query tables: that is what services are for', () => {
    const offenders = routeFiles
      .filter((name) => !notYetThin.has(name))
      .flatMap((name) =>
        queryingIn(readFileSync(new URL(name, routesDir), 'utf8')).map((what) => `${name} ${what}`),
      );
    expect(offenders).toEqual([]);
  });

  it('are allowed to query only while they are listed as not yet converted', () => {
    const converted = [...notYetThin].filter(
      (name) => queryingIn(readFileSync(new URL(name, routesDir), 'utf8')).length === 0,
    );
    // A file named here no longer queries: remove it from notYetThin.
    expect(converted).toEqual([]);
  });

  it('are imported by the app alone: services and serializers never depend on a route', () => {
    const srcDir = new URL('../', import.meta.url);
    const importers = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.startsWith('routes/') && path !== 'app.ts')
      .filter((path) => /from\s+['"][./]*\/routes\//.test(readFileSync(new URL(path, srcDir), 'utf8')));
    expect(importers).toEqual([]);
  });
});
