import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data dir (tarball) each test file starts from. */
    pgliteSnapshot: string;
  }
}

export default async function setup(project: TestProject) {
  // A 1 MB WAL segment instead of 16: a snapshot of 34 MB instead of 44, which each test database
  // loads (a quarter of its start).
  const database = await openDatabase({ dataDir: 'memory://', pgliteWalSegmentMb: 1 });
  await database.migrate();
  // The migrations' WAL flushed to the tables, so a database starting from the snapshot replays none.
  await database.db.execute(sql`checkpoint`);
  const dump = await database.dump!();
  await database.close();
  const dir = mkdtempSync(join(tmpdir(), 'crewkit-pglite-'));
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
