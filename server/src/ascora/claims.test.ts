import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { ascoraPushClaims } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import { withRecordClaim } from './claims.js';

describe('claiming a record before creating it in Ascora', () => {
  let t: TestContext;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestContext();
    ({ orgId } = await t.createOrg());
  });
  afterAll(() => t.close());

  it('runs one holder at a time, and frees the claim when the work is done, even when it fails', async () => {
    const key = { orgId, entity: 'customer' as const, localId: newId() };
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const first = withRecordClaim(t.database.db, key, async () => {
      order.push('first starts');
      firstStarted();
      await firstMayFinish;
      order.push('first ends');
      throw new Error('Ascora refused');
    });
    await started;
    const second = withRecordClaim(t.database.db, key, async () => {
      order.push('second runs');
    });
    releaseFirst();
    await expect(first).rejects.toThrow('Ascora refused');
    await second;
    expect(order).toEqual(['first starts', 'first ends', 'second runs']);
    expect(await t.database.db.select().from(ascoraPushClaims)).toEqual([]);
  });

  it('answers 409 when another push holds the record longer than it will wait', async () => {
    const key = { orgId, entity: 'job' as const, localId: newId() };
    let release!: () => void;
    const holding = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const claimed = new Promise<void>((resolve) => {
      held = resolve;
    });
    const holder = withRecordClaim(t.database.db, key, async () => {
      held();
      await holding;
    });
    await claimed;
    const error = await withRecordClaim(t.database.db, key, async () => 'ran', { waitMs: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'conflict', status: 409 });
    release();
    await holder;
  });

  it('takes over the claim of a process that died holding it, once its lease ran out', async () => {
    const key = { orgId, entity: 'customer' as const, localId: newId() };
    await t.database.db
      .insert(ascoraPushClaims)
      .values({ ...key, token: 'dead-process', expiresAt: new Date(Date.now() - 1000) });
    await expect(withRecordClaim(t.database.db, key, async () => 'ran', { waitMs: 0 })).resolves.toBe('ran');
  });
});
