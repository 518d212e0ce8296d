import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  type TestContext,
  type TestOrg,
  type TestResponse,
} from '../../../test-support/harness.js';
import { appointments, reservations } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import { addDays, isoWeekday, localDateOf, localToInstant, MINUTE_MS } from '../../scheduling/time.js';

/**
 * One table of booking rules, run against every way the API takes a technician's time. Each case
 * gets a fresh organization per path, so the paths cannot see each other's bookings, and every
 * path must reach the same verdict: reserved (and by whom), or refused with the same reason.
 */

const zone = 'Australia/Sydney';
const monday = (() => {
  let date = addDays(localDateOf(zone, Date.now()), 14);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
})();
const at = (time: string) =>
  localToInstant(zone, monday, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));
const iso = (ms: number) => new Date(ms).toISOString();

type Name = 'A' | 'B';
/** Reserved by technician A or B, or refused: `code` or `code/slotReason`. */
type Verdict = string;

interface World {
  org: TestOrg;
  base: string;
  technicians: Record<Name | 'Z', string>;
  itemId: string;
  /** The item's buffers, which an appointment of it keeps. */
  buffers: { before: number; after: number };
  customerId: string;
}

interface Case {
  rule: string;
  /** Local time on a Monday two weeks ahead; A works Mondays 08:00–17:00. Default 10:00. */
  start?: string;
  item?: Record<string, unknown>;
  setup?: (w: World) => Promise<void>;
  /** The technician the caller names (the one an assignment moves to; A unless named). */
  named?: Name;
  expect: Verdict;
  /** Where a path is meant to differ, and why. */
  except?: Partial<Record<PathName, { expect: Verdict; why: string }>>;
}

type PathName =
  | 'book (group commit)'
  | 'book (idempotent, own transaction)'
  | 'hold'
  | 'convert hold'
  | 'reschedule'
  | 'assign';

let t: TestContext;

async function technician(w: { org: TestOrg; base: string }, body: Record<string, unknown>, works = true) {
  const tech = await t.request('POST', `${w.base}/technicians`, { token: w.org.secretKey, body });
  if (works) {
    await t.request('PUT', `${w.base}/technicians/${tech.body.id}/schedule`, {
      token: w.org.secretKey,
      body: { weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] } },
    });
  }
  return tech.body.id as string;
}

/** Takes time directly, as bookings made earlier (or outside the rules) would have. */
async function plant(
  w: World,
  technicianId: string,
  from: string,
  to: string,
  kind: 'appointment' | 'hold' = 'appointment',
  expiresAt?: Date,
) {
  const reservationId = newId();
  await t.database.db.insert(reservations).values({
    id: reservationId,
    orgId: w.org.orgId,
    technicianId,
    kind,
    startsAt: new Date(at(from)),
    endsAt: new Date(at(to)),
    serviceItemId: w.itemId,
    holderKey: kind === 'hold' ? 'someone-else@203.0.113.9' : null,
    expiresAt: expiresAt ?? null,
  });
  if (kind === 'hold') return undefined;
  const [row] = await t.database.db
    .insert(appointments)
    .values({
      id: newId(),
      orgId: w.org.orgId,
      reference: `T${newId().slice(-8)}`,
      status: 'scheduled',
      serviceItemId: w.itemId,
      customerId: w.customerId,
      technicianId,
      reservationId,
      startsAt: new Date(at(from)),
      endsAt: new Date(at(to)),
      bufferBeforeMinutes: w.buffers.before,
      bufferAfterMinutes: w.buffers.after,
      priceMinor: 12000,
      currency: 'AUD',
      assignedTechnicianReason: 'requested_technician',
    })
    .returning();
  return row!.id;
}

async function world(c: Case): Promise<World> {
  const org = await t.createOrg();
  const base = `/api/v1/organizations/${org.orgId}`;
  await t.request('PATCH', base, {
    token: org.secretKey,
    body: { bookingSettings: { minimumNoticeMinutes: 60, horizonDays: 90 } },
  });
  const partial = { org, base };
  const a = await technician(partial, { name: 'A', skills: [{ skill: 'plumbing', proficiency: 3 }] });
  // Z holds the appointments that are moved: never a candidate itself.
  const z = await technician(partial, { name: 'Z', active: false, skills: [] });
  const item = await t.request('POST', `${base}/services/items`, {
    token: org.secretKey,
    body: {
      name: 'Service call',
      durationMinutes: 60,
      basePriceMinor: 12000,
      requiredSkills: [{ skill: 'plumbing', minProficiency: 1 }],
      ...c.item,
    },
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
  const customer = await t.request('POST', `${base}/customers`, {
    token: org.secretKey,
    body: { name: 'Casey Customer', email: 'casey@example.com' },
  });
  const w: World = {
    org,
    base,
    technicians: { A: a, B: '', Z: z },
    itemId: item.body.id,
    buffers: { before: item.body.bufferBeforeMinutes, after: item.body.bufferAfterMinutes },
    customerId: customer.body.id,
  };
  await c.setup?.(w);
  return w;
}

const startOf = (c: Case) => iso(at(c.start ?? '10:00'));

const paths: Record<PathName, (w: World, c: Case) => Promise<TestResponse>> = {
  'book (group commit)': (w, c) =>
    t.request('POST', `${w.base}/appointments`, {
      token: w.org.secretKey,
      body: {
        serviceItemId: w.itemId,
        start: startOf(c),
        customerId: w.customerId,
        ...(c.named ? { technicianId: w.technicians[c.named] } : {}),
      },
    }),
  'book (idempotent, own transaction)': (w, c) =>
    t.request('POST', `${w.base}/appointments`, {
      token: w.org.secretKey,
      headers: { 'idempotency-key': newId() },
      body: {
        serviceItemId: w.itemId,
        start: startOf(c),
        customerId: w.customerId,
        ...(c.named ? { technicianId: w.technicians[c.named] } : {}),
      },
    }),
  hold: (w, c) =>
    t.request('POST', `${w.base}/holds`, {
      token: w.org.secretKey,
      body: {
        serviceItemId: w.itemId,
        start: startOf(c),
        ...(c.named ? { technicianId: w.technicians[c.named] } : {}),
      },
    }),
  'convert hold': async (w, c) => {
    const hold = await paths.hold(w, c);
    if (hold.status !== 201) return hold;
    return t.request('POST', `${w.base}/appointments`, {
      token: w.org.secretKey,
      body: { serviceItemId: w.itemId, start: startOf(c), customerId: w.customerId, holdId: hold.body.id },
    });
  },
  reschedule: async (w, c) => {
    const id = await plant(w, w.technicians.Z, '15:00', '16:00');
    return t.request('POST', `${w.base}/appointments/${id}/reschedule`, {
      token: w.org.secretKey,
      body: { start: startOf(c), ...(c.named ? { technicianId: w.technicians[c.named] } : {}) },
    });
  },
  assign: async (w, c) => {
    const startMs = at(c.start ?? '10:00');
    const end = new Date(startMs + 60 * MINUTE_MS);
    const endTime = end.toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    const id = await plant(w, w.technicians.Z, c.start ?? '10:00', endTime);
    return t.request('POST', `${w.base}/appointments/${id}/assign-technician`, {
      token: w.org.secretKey,
      body: { technicianId: w.technicians[c.named ?? 'A'] },
    });
  },
};

function verdictOf(w: World, response: TestResponse): Verdict {
  if (response.status < 300) {
    const id = response.body.technicianId as string;
    return (Object.keys(w.technicians) as Array<Name | 'Z'>).find((name) => w.technicians[name] === id) ?? id;
  }
  const { code, slotReason } = response.body as { code: string; slotReason?: string };
  return slotReason ? `${code}/${slotReason}` : code;
}

const cases: Case[] = [
  { rule: 'a free slot in working hours', expect: 'A' },
  { rule: 'outside working hours', start: '18:00', expect: 'slot_unavailable/outside_working_hours' },
  {
    rule: 'inside time off',
    setup: async (w) => {
      await t.request('POST', `${w.base}/technicians/${w.technicians.A}/time-off`, {
        token: w.org.secretKey,
        body: { startsAt: iso(at('09:00')), endsAt: iso(at('12:00')), reason: 'Dentist' },
      });
    },
    expect: 'slot_unavailable/taken',
  },
  {
    rule: 'overlapping another appointment',
    setup: async (w) => void (await plant(w, w.technicians.A, '10:30', '11:30')),
    expect: 'slot_unavailable/taken',
  },
  {
    rule: 'the buffer after reaching the next appointment',
    item: { bufferAfterMinutes: 30 },
    setup: async (w) => void (await plant(w, w.technicians.A, '11:15', '12:00')),
    expect: 'slot_unavailable/taken',
  },
  {
    rule: 'the buffer before reaching the previous appointment',
    item: { bufferBeforeMinutes: 30 },
    setup: async (w) => void (await plant(w, w.technicians.A, '09:00', '09:45')),
    expect: 'slot_unavailable/taken',
  },
  {
    rule: 'a lapsed hold in the way',
    setup: async (w) =>
      void (await plant(w, w.technicians.A, '10:00', '11:00', 'hold', new Date(Date.now() - MINUTE_MS))),
    expect: 'A',
  },
  {
    rule: 'a live hold of another holder',
    setup: async (w) =>
      void (await plant(w, w.technicians.A, '10:00', '11:00', 'hold', new Date(Date.now() + 5 * MINUTE_MS))),
    expect: 'slot_unavailable/taken',
  },
  {
    rule: 'inside the minimum notice',
    item: { minimumNoticeMinutes: 30 * 24 * 60 },
    expect: 'slot_unavailable/minimum_notice',
    except: { assign: { expect: 'A', why: 'staff moving work are not bound by the notice customers give' } },
  },
  {
    rule: 'beyond the horizon',
    item: { horizonDays: 7 },
    expect: 'slot_unavailable/beyond_horizon',
  },
  {
    rule: 'a required skill nobody has',
    item: { requiredSkills: [{ skill: 'gas', minProficiency: 1 }] },
    expect: 'slot_unavailable/no_qualified_technician',
  },
  {
    rule: 'a required proficiency nobody reaches',
    item: { requiredSkills: [{ skill: 'plumbing', minProficiency: 4 }] },
    expect: 'slot_unavailable/no_qualified_technician',
  },
  {
    rule: 'an unqualified technician named explicitly',
    setup: async (w) => {
      w.technicians.B = await technician(w, { name: 'B', skills: [{ skill: 'gas', proficiency: 5 }] });
    },
    named: 'B',
    expect: 'slot_unavailable/no_qualified_technician',
  },
  {
    rule: 'an inactive technician named explicitly',
    setup: async (w) => {
      w.technicians.B = await technician(w, {
        name: 'B',
        active: false,
        skills: [{ skill: 'plumbing', proficiency: 5 }],
      });
    },
    named: 'B',
    expect: 'slot_unavailable/no_qualified_technician',
  },
  {
    rule: 'an item no longer offered',
    item: { active: false },
    expect: 'conflict',
    except: {
      reschedule: { expect: 'A', why: 'an appointment already sold keeps its service' },
      assign: { expect: 'A', why: 'an appointment already sold keeps its service' },
    },
  },
  {
    rule: 'the customer’s preferred technician, less proficient but free',
    setup: async (w) => {
      w.technicians.B = await technician(w, { name: 'B', skills: [{ skill: 'plumbing', proficiency: 2 }] });
      await t.request('PUT', `${w.base}/customers/${w.customerId}/preferences`, {
        token: w.org.secretKey,
        body: {
          preferredTechnicianId: w.technicians.B,
          communicationChannels: [],
          specialInstructions: null,
        },
      });
    },
    expect: 'B',
    except: {
      hold: { expect: 'A', why: 'a hold does not know who is booking' },
      'convert hold': { expect: 'A', why: 'the held technician is the one the visitor was promised' },
      assign: { expect: 'A', why: 'staff name the technician' },
    },
  },
];

describe('every booking path applies the same rules', () => {
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  for (const c of cases) {
    it(`${c.rule}: each path reserves or refuses alike`, async () => {
      const verdicts: Record<string, Verdict> = {};
      const expected: Record<string, Verdict> = {};
      for (const [name, run] of Object.entries(paths) as Array<[PathName, (typeof paths)[PathName]]>) {
        const w = await world(c);
        verdicts[name] = verdictOf(w, await run(w, c));
        expected[name] = c.except?.[name]?.expect ?? c.expect;
      }
      expect(verdicts).toEqual(expected);
    });
  }
});
