import { afterAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabaseKind } from '../../test-support/harness.js';
import { type Database, openDatabase } from '../db/index.js';
import { createLogger } from '../logger.js';
import { JobQueue } from './queue.js';

const logger = createLogger({ level: 'silent' });

describe('the job queue', () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  it('starts again on a database that already has its queues, taking their new settings', async () => {
    const database = await openTestDatabase();
    opened.push(database);
    const first = await JobQueue.start(database, [{ name: 'restart-check', policy: 'stately' }], logger);
    await first.boss.stop({ graceful: false, close: false });
    // A later release (or the same one restarted) with a changed retry limit.
    const second = await JobQueue.start(
      database,
      [{ name: 'restart-check', policy: 'stately', retryLimit: 9 }],
      logger,
    );
    expect(await second.boss.getQueue('restart-check')).toMatchObject({ policy: 'stately', retryLimit: 9 });
    await second.boss.stop({ graceful: false, close: false });
  });

  it.runIf(testDatabaseKind === 'postgres')(
    'starts in several processes at once on a fresh database (replicas deployed together)',
    async () => {
      const first = await openTestDatabase();
      opened.push(first);
      // Separate pools stand for separate processes: nothing is shared but the database.
      const others = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ databaseUrl: first.url!, dataDir: 'memory://', poolSize: 4 })),
      );
      opened.push(...others);
      const queues = [{ name: 'race-check', policy: 'standard' as const }];
      const started = await Promise.allSettled(
        [first, ...others].map((database) => JobQueue.start(database, queues, logger)),
      );
      expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      for (const result of started) {
        if (result.status === 'fulfilled') await result.value.boss.stop({ graceful: false, close: false });
      }
    },
  );
});
