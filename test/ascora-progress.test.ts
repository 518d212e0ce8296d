/**
 * "The sync shows progress while it runs" (issue #16 §17): records done of those expected, per
 * stage, in the sync status, while a run is under way and once it is done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../server/src/ascora/sync.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

describe('The sync status of a running sync', () => {
  it('shows records done of expected for every stage, as the run goes', async () => {
    a = await setupAscora({ seed: { customers: 30, jobs: 30 } });
    a.deps.pageSize = 10;
    // Ascora answers for jobs page 3 only when the test has looked at the status.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    a.deps.clientOptions = {
      ...a.deps.clientOptions,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const url = new URL(request.url);
        if (url.pathname.toLowerCase() === '/jobs/jobs' && url.searchParams.get('Page') === '3')
          await released;
        return globalThis.fetch(request);
      },
    };
    const running = runSync(a.deps, a.org.orgId);
    const status = () =>
      a!.t.request('GET', `/api/v1/organizations/${a!.org.orgId}/ascora/sync/status`, {
        token: a!.org.secretKey,
      });
    let during = await status();
    while (during.body.run?.progress.find((p: { stage: string }) => p.stage === 'jobs:pull')?.done !== 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      during = await status();
    }
    expect(during.body.run).toMatchObject({ status: 'running' });
    expect(during.body.run.progress.slice(0, 4)).toEqual([
      { stage: 'customers:pull', done: 30, expected: 30 },
      { stage: 'customers:push', done: 0, expected: 0 },
      { stage: 'jobs:pull', done: 20, expected: 30 },
      { stage: 'jobs:push', done: 0, expected: null },
    ]);
    release();
    await running;
    const after = await status();
    expect(after.body.run.progress.find((p: { stage: string }) => p.stage === 'jobs:pull')).toEqual({
      stage: 'jobs:pull',
      done: 30,
      expected: 30,
    });
  }, 120_000);
});
