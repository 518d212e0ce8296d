/**
 * Invoice numbers under real concurrency: PostgreSQL, two server processes on one database, every
 * draft issued at once. The counter row updated in each issuing transaction must hand out one
 * unbroken run of numbers, each once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  type TestContext,
  type TestOrg,
  testDatabaseKind,
} from '../server/test-support/harness.js';

async function startSecondProcess(
  databaseUrl: string,
  secret: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--conditions=crewkit-source', '--import', 'tsx', 'server/src/cli.ts', 'start'],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        LOG_LEVEL: 'warn',
        CREWKIT_SECRET: secret,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /running at (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`second server exited with ${code}`)));
  });
  return { url, child };
}

describe.runIf(testDatabaseKind === 'postgres')('50 invoices issued at once by two server processes', () => {
  let t: TestContext;
  let org: TestOrg;
  let second: { url: string; child: ChildProcess };
  const drafts: string[] = [];

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg();
    second = await startSecondProcess(t.database.url!, t.config.secret);
    const base = `/api/v1/organizations/${org.orgId}`;
    const customer = await t.request('POST', `${base}/customers`, {
      token: org.secretKey,
      body: { name: 'Ann Lee', email: 'ann@example.com' },
    });
    for (let i = 0; i < 50; i++) {
      const draft = await t.request('POST', `${base}/invoices`, {
        token: org.secretKey,
        body: {
          customerId: customer.body.id,
          lines: [{ description: `Visit ${i + 1}`, quantity: 1, unitAmountMinor: 10_000 + i }],
        },
      });
      expect(draft.status).toBe(201);
      drafts.push(draft.body.id);
    }
  }, 120_000);

  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await t?.close();
  });

  it('get 50 consecutive numbers, none repeated and none skipped', async () => {
    const answers = await Promise.all(
      drafts.map(async (id, i) => {
        const response = await fetch(
          `${i % 2 === 0 ? t.baseUrl : second.url}/api/v1/organizations/${org.orgId}/invoices/${id}/issue`,
          { method: 'POST', headers: { authorization: `Bearer ${org.secretKey}` } },
        );
        return { status: response.status, body: (await response.json()) as { id: string; number: string } };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(drafts.map(() => 200));
    const numbers = answers.map((a) => Number(a.body.number.replace('INV-', ''))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // And the next one carries on from there.
    const base = `/api/v1/organizations/${org.orgId}`;
    const listed = await t.request('GET', `${base}/invoices?status=issued&limit=100`, {
      token: org.secretKey,
    });
    expect(new Set(listed.body.data.map((i: { number: string }) => i.number)).size).toBe(50);
  }, 60_000);
});
