import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/index.js';
import { type PostgresCluster, startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster; empty when PostgreSQL is unavailable outside CI. */
    postgresUrl: string;
  }
}

export const templateDatabase = 'crewkit_template';

/**
 * Starts PostgreSQL once for the whole run (or uses TEST_DATABASE_URL) and migrates a template
 * database; each test file then clones it, which takes milliseconds instead of a migration.
 */
export default async function setup(project: TestProject) {
  let cluster: PostgresCluster | undefined;
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    try {
      cluster = await startPostgres();
      url = cluster.url;
    } catch (error) {
      // CI never silently skips PostgreSQL; a developer without it gets a loud warning.
      if (process.env.CI === 'true')
        throw new Error(`CI=true and PostgreSQL could not be started: ${(error as Error).message}`);
      console.warn(`\n⚠ PostgreSQL tests are SKIPPED: ${(error as Error).message}\n`);
      project.provide('postgresUrl', '');
      return;
    }
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const template = await openDatabase({
    databaseUrl: withDatabase(url, templateDatabase),
    dataDir: 'memory://',
  });
  await template.migrate();
  await template.close();
  project.provide('postgresUrl', url);
  return async () => {
    await cluster?.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
