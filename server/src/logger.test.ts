import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test-support/harness.js';
import type { Database } from './db/index.js';
import { createLogger } from './logger.js';

describe('logging a failed query', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  async function failedQuery(): Promise<unknown> {
    try {
      // Both values travel as parameters; the second is not an integer, so the query fails.
      await database.db.execute(
        sql`select ${'$scrypt$secret-hash'}::text as hash, ${'alex@example.com 0412 555 101'}::int as n`,
      );
    } catch (error) {
      return error;
    }
    throw new Error('the query was expected to fail');
  }

  it('keeps the SQLSTATE, routine and statement, and none of the values sent', async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    const error = await failedQuery();
    logger.error({ err: error, route: '/api/v1/organizations/:orgId/customers' }, 'unhandled error');
    logger.error(error as Error);
    logger.warn({ err: new Error('wrapped', { cause: error }) }, 'job failed');

    const text = lines.join('');
    expect(text).not.toContain('secret-hash');
    expect(text).not.toContain('alex@example.com');
    expect(text).not.toContain('0412 555 101');
    const logged = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(logged.err.code).toBe('22P02');
    expect(logged.err.query).toContain('::int');
    expect(lines).toHaveLength(3);
  });

  it('serializes other errors as usual, message and all', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    logger.error({ err: new TypeError('Cannot read properties of undefined') }, 'unhandled error');
    const logged = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(logged.err.message).toBe('Cannot read properties of undefined');
    expect(logged.err.type).toBe('TypeError');
  });

  it("keeps a system error's message: EPIPE is not a SQLSTATE", () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    logger.warn({ err: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) }, 'client went away');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ message: 'write EPIPE', code: 'EPIPE' });
  });
});
