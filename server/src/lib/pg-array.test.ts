import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { queryRows } from '../db/index.js';
import { pgTextArray } from './pg-array.js';

describe('pgTextArray', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('reads back exactly what went in: quotes, backslashes, braces, commas, NULL and "NULL"', async () => {
    const values = [
      'plain',
      '<p style="margin:0">Hello, {{name}}</p>',
      'C:\\path\\"quoted"\\',
      '',
      null,
      'NULL',
      'null',
      ' padded ',
      '{braced}',
      'a,b',
      'line\nbreak\ttab',
      'ünïcödé 🚐',
    ];
    const rows = await queryRows<{ value: string | null; n: string | number }>(
      t.database.db,
      sql`select value, n from unnest(${pgTextArray(values)}::text[]) with ordinality as v(value, n) order by n`,
    );
    expect(rows.map((row) => row.value)).toEqual(values);
  });

  it('carries numbers and timestamps for typed casts', async () => {
    const [row] = await queryRows<{ total: string | number; latest: string | Date }>(
      t.database.db,
      sql`select sum(a)::int as total, max(b) as latest
            from unnest(${pgTextArray([1, 2, null])}::int[],
                        ${pgTextArray(['2026-12-01T05:00:00.000Z', null, undefined])}::timestamptz[]) as v(a, b)`,
    );
    expect(Number(row!.total)).toBe(3);
    expect(new Date(row!.latest).toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });
});
