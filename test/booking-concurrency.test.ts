/**
 * Double booking under real concurrency: PostgreSQL over HTTP, with one and with two server
 * processes on one database. The exclusion constraint, not application code, must be what makes
 * exactly the right number of bookings win.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../server/src/db/index.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../server/src/scheduling/time.js';
import {
  createTestContext,
  type TestContext,
  type TestOrg,
  testDatabaseKind,
} from '../server/test-support/harness.js';

const zone = 'Australia/Sydney';

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

describe.runIf(testDatabaseKind === 'postgres')('200 simultaneous bookings for one start', () => {
  let t: TestContext;
  let org: TestOrg;
  let second: { url: string; child: ChildProcess };
  let soloItem: string;
  let crewItem: string;
  let day: string;

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg();
    second = await startSecondProcess(t.database.url!, t.config.secret);
    day = addDays(localDateOf(zone, Date.now()), 10);
    while (isoWeekday(day) > 5) day = addDays(day, 1);
    const base = `/api/v1/organizations/${org.orgId}`;
    const hours = {
      weeklyHours: Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [
          d,
          [{ start: '07:00', end: '18:00' }],
        ]),
      ),
    };
    for (const [name, skill] of [
      ['Solo', 'solo'],
      ['Crew A', 'crew'],
      ['Crew B', 'crew'],
      ['Crew C', 'crew'],
    ] as const) {
      const tech = await t.request('POST', `${base}/technicians`, {
        token: org.secretKey,
        body: { name, skills: [{ skill, proficiency: 3 }] },
      });
      await t.request('PUT', `${base}/technicians/${tech.body.id}/schedule`, {
        token: org.secretKey,
        body: hours,
      });
    }
    const item = async (skill: string) =>
      (
        await t.request('POST', `${base}/services/items`, {
          token: org.secretKey,
          body: {
            name: skill,
            durationMinutes: 60,
            bufferBeforeMinutes: 15,
            bufferAfterMinutes: 15,
            basePriceMinor: 100,
            requiredSkills: [{ skill, minProficiency: 1 }],
          },
        })
      ).body.id as string;
    soloItem = await item('solo');
    crewItem = await item('crew');
  });
  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await t?.close();
  });

  /** Fires n bookings at once, alternating between the two server processes. */
  const storm = (itemId: string, time: number, n = 200) => {
    const start = new Date(localToInstant(zone, day, time * 60)).toISOString();
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const response = await fetch(
          `${i % 2 === 0 ? t.baseUrl : second.url}/api/v1/organizations/${org.orgId}/appointments`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${org.secretKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              serviceItemId: itemId,
              start,
              customer: { name: `Racer ${i}`, email: `racer${time}-${i}@example.com` },
            }),
          },
        );
        return {
          status: response.status,
          body: (await response.json()) as { technicianId?: string; code?: string; alternatives?: string[] },
        };
      }),
    );
  };

  it('with one qualified technician: exactly one wins, the rest get slot_unavailable', async () => {
    const results = await storm(soloItem, 9);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'slot_unavailable')).toBe(
      true,
    );
    expect(results.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
  }, 120_000);

  it('with three qualified technicians: exactly three win, on three different technicians', async () => {
    const results = await storm(crewItem, 13);
    const winners = results.filter((r) => r.status === 201);
    expect(winners).toHaveLength(3);
    expect(new Set(winners.map((w) => w.body.technicianId)).size).toBe(3);
    expect(results.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
  }, 120_000);

  it('leaves no two active appointments of one technician overlapping', async () => {
    const overlaps = await queryRows(
      t.database.db,
      sql`select a.id from appointments a join appointments b
            on a.technician_id = b.technician_id and a.id < b.id
           and tstzrange(a.starts_at - make_interval(mins => a.buffer_before_minutes), a.ends_at + make_interval(mins => a.buffer_after_minutes))
            && tstzrange(b.starts_at - make_interval(mins => b.buffer_before_minutes), b.ends_at + make_interval(mins => b.buffer_after_minutes))
         where a.status not in ('cancelled', 'completed', 'no_show') and b.status not in ('cancelled', 'completed', 'no_show')`,
    );
    expect(overlaps).toEqual([]);
    const [{ count }] = (await queryRows<{ count: number }>(
      t.database.db,
      sql`select count(*)::int as count from appointments`,
    )) as [{ count: number }];
    expect(count).toBe(4);
  });
});

describe.runIf(testDatabaseKind === 'postgres')('holds and reschedules racing each other', () => {
  let t: TestContext;
  let org: TestOrg;
  let second: { url: string; child: ChildProcess };
  let crewItem: string;
  let crew: string[];
  let day: string;
  const widget = 'https://widget.example';
  const at = (date: string, minutes: number) => new Date(localToInstant(zone, date, minutes)).toISOString();

  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg({ allowedOrigins: [widget] });
    second = await startSecondProcess(t.database.url!, t.config.secret);
    day = addDays(localDateOf(zone, Date.now()), 3);
    const base = `/api/v1/organizations/${org.orgId}`;
    const everyDay = {
      weeklyHours: Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [
          d,
          [{ start: '07:00', end: '18:00' }],
        ]),
      ),
    };
    crew = [];
    for (const name of ['Crew A', 'Crew B', 'Crew C', 'Crew D']) {
      const tech = await t.request('POST', `${base}/technicians`, {
        token: org.secretKey,
        body: { name, skills: [{ skill: 'crew', proficiency: 3 }] },
      });
      await t.request('PUT', `${base}/technicians/${tech.body.id}/schedule`, {
        token: org.secretKey,
        body: everyDay,
      });
      crew.push(tech.body.id);
    }
    crewItem = (
      await t.request('POST', `${base}/services/items`, {
        token: org.secretKey,
        body: {
          name: 'Crew job',
          durationMinutes: 60,
          bufferBeforeMinutes: 15,
          bufferAfterMinutes: 15,
          basePriceMinor: 100,
          public: true,
          requiredSkills: [{ skill: 'crew', minProficiency: 1 }],
        },
      })
    ).body.id;
  });
  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await t?.close();
  });

  /** POSTs to one of the two server processes. */
  const post = async (i: number, path: string, token: string, body: unknown, origin?: string) => {
    const response = await fetch(
      `${i % 2 === 0 ? t.baseUrl : second.url}/api/v1/organizations/${org.orgId}${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(origin ? { origin } : {}),
        },
        body: JSON.stringify(body),
      },
    );
    return {
      status: response.status,
      body: (await response.json()) as {
        id?: string;
        technicianId?: string;
        code?: string;
        alternatives?: string[];
      },
    };
  };

  it('lets one visitor hold at most 3 slots, however many they ask for at once, on either process', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post(
          i,
          '/holds',
          org.publishableKey,
          { serviceItemId: crewItem, start: at(addDays(day, 1 + (i % 5)), 8 * 60 + 120 * Math.floor(i / 5)) },
          widget,
        ),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code])).toEqual(
      Array.from({ length: 22 }, () => [429, 'rate_limited']),
    );
  }, 120_000);

  /** Books 3 appointments for each of the 4 technicians on one day, at 08:00, 10:00 and 12:00, through both processes. */
  const bookTwelve = async (date: string) => {
    const ids: Record<number, string[]> = {};
    for (const time of [8 * 60, 10 * 60, 12 * 60]) {
      ids[time] = [];
      for (const [j, technicianId] of crew.entries()) {
        const booked = await post(j, '/appointments', org.secretKey, {
          serviceItemId: crewItem,
          start: at(date, time),
          technicianId,
          customer: { name: `Mover ${date} ${time}-${j}`, email: `mover-${date}-${time}-${j}@example.com` },
        });
        expect(booked.status).toBe(201);
        ids[time]!.push(booked.body.id!);
      }
    }
    return ids;
  };
  const rescheduleAll = (ids: string[], start: string) =>
    Promise.all(
      ids.map(async (id, i) => ({
        id,
        ...(await post(i, `/appointments/${id}/reschedule`, org.secretKey, { start })),
      })),
    );

  it('moves 12 appointments into one free slot at once: one per technician, the rest refused at once', async () => {
    const booked = await bookTwelve(addDays(day, 7));
    const results = await rescheduleAll(Object.values(booked).flat(), at(addDays(day, 8), 9 * 60));
    const moved = results.filter((r) => r.status === 201);
    expect(moved).toHaveLength(4);
    expect(new Set(moved.map((r) => r.body.technicianId)).size).toBe(4);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(
      Array.from({ length: 8 }, () => [409, 'slot_unavailable']),
    );
    expect(refused.every((r) => r.body.alternatives!.length > 0)).toBe(true);
  }, 120_000);

  it('lets moves and new bookings race into one slot: one winner per technician, no 5xx', async () => {
    // Three rounds: a deadlock needs an unlucky interleaving, and one round may miss it.
    for (let round = 0; round < 3; round++) {
      const date = addDays(day, 12 + round);
      const booked = await bookTwelve(date);
      const target = at(addDays(date, 20), 9 * 60);
      const [moves, bookings] = await Promise.all([
        rescheduleAll(Object.values(booked).flat(), target),
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            post(i + 1, '/appointments', org.secretKey, {
              serviceItemId: crewItem,
              start: target,
              customer: { name: `Newcomer ${i}`, email: `newcomer-${round}-${i}@example.com` },
            }),
          ),
        ),
      ]);
      const results = [...moves, ...bookings];
      const winners = results.filter((r) => r.status === 201);
      expect(new Set(winners.map((r) => r.body.technicianId)).size).toBe(4);
      expect(winners).toHaveLength(4);
      expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code])).toEqual(
        Array.from({ length: 20 }, () => [409, 'slot_unavailable']),
      );
    }
  }, 120_000);

  it('moves 12 appointments at once into a slot only the ones booked over it can take', async () => {
    const date = addDays(day, 9);
    const booked = await bookTwelve(date);
    // 10:30 overlaps every technician's 10:00 visit: only moving that visit frees the time.
    const results = await rescheduleAll(Object.values(booked).flat(), at(date, 10 * 60 + 30));
    expect(results.filter((r) => r.status === 201).map((r) => r.id)).toEqual(booked[10 * 60]);
    expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code])).toEqual(
      Array.from({ length: 8 }, () => [409, 'slot_unavailable']),
    );
  }, 120_000);
});
