import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';

describe('technicians', () => {
  let t: TestContext;
  let org: TestOrg;
  const base = () => `/api/v1/organizations/${org.orgId}/technicians`;
  const create = (body: Record<string, unknown>) => t.request('POST', base(), { token: org.secretKey, body });

  beforeAll(async () => {
    t = await createTestContext();
    org = await t.createOrg();
  });
  afterAll(() => t.close());

  it('default to the organization’s time zone and start active', async () => {
    const tech = await create({ name: 'Sam Okafor' });
    expect(tech.status).toBe(201);
    expect(tech.body).toMatchObject({
      timeZone: 'Australia/Sydney',
      active: true,
      skills: [],
      certifications: [],
    });
  });

  it('refuse a time zone that does not exist', async () => {
    const tech = await create({ name: 'Nowhere', timeZone: 'Atlantis/Capital' });
    expect(tech.status).toBe(400);
    expect(tech.body.errors[0].path).toBe('body.timeZone');
  });

  it('link to at most one user of the same organization', async () => {
    const user = await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: {
        email: 'tech-user@example.com',
        name: 'Tech User',
        role: 'technician',
        password: 'technician-password',
      },
    });
    expect((await create({ name: 'Linked', userId: user.body.id })).status).toBe(201);
    expect((await create({ name: 'Linked twice', userId: user.body.id })).status).toBe(409);
    const other = await t.createOrg();
    expect((await create({ name: 'Foreign user', userId: other.owner.id })).status).toBe(400);
  });

  it('keep skills with proficiency 1–5 and certifications with expiry', async () => {
    const tech = await create({ name: 'Priya Raman' });
    const path = `${base()}/${tech.body.id}/skills`;
    const put = await t.request('PUT', path, {
      token: org.secretKey,
      body: {
        skills: [{ skill: 'gas', proficiency: 4 }],
        certifications: [{ name: 'gas', expiresOn: '2027-06-30' }],
      },
    });
    expect(put.status).toBe(200);
    expect((await t.request('GET', path, { token: org.secretKey })).body.skills).toEqual([
      { skill: 'gas', proficiency: 4 },
    ]);
    const tooGood = await t.request('PUT', path, {
      token: org.secretKey,
      body: { skills: [{ skill: 'gas', proficiency: 6 }], certifications: [] },
    });
    expect(tooGood.status).toBe(400);
    const twice = await t.request('PUT', path, {
      token: org.secretKey,
      body: {
        skills: [
          { skill: 'gas', proficiency: 2 },
          { skill: 'GAS', proficiency: 3 },
        ],
        certifications: [],
      },
    });
    expect(twice.status).toBe(400);
  });

  it('filter by skill and active flag', async () => {
    const drains = await create({ name: 'Drain specialist', skills: [{ skill: 'drains', proficiency: 5 }] });
    await create({ name: 'Retired', active: false, skills: [{ skill: 'drains', proficiency: 3 }] });
    const list = await t.request('GET', `${base()}?skill=drains&active=true`, { token: org.secretKey });
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([drains.body.id]);
  });

  it('keep weekly hours with several intervals a day, and date overrides', async () => {
    const tech = await create({ name: 'Luis Moreno' });
    const path = `${base()}/${tech.body.id}/schedule`;
    const schedule = {
      weeklyHours: {
        monday: [
          { start: '08:00', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ],
        saturday: [{ start: '09:00', end: '13:00' }],
      },
      overrides: [
        { date: '2099-12-25', hours: [], note: 'Christmas' },
        { date: '2099-12-27', hours: [{ start: '10:00', end: '14:00' }] },
      ],
    };
    const put = await t.request('PUT', path, { token: org.secretKey, body: schedule });
    expect(put.status).toBe(200);
    expect(put.body.weeklyHours).toEqual(schedule.weeklyHours);
    expect(put.body.overrides).toEqual([
      { date: '2099-12-25', hours: [], note: 'Christmas' },
      { date: '2099-12-27', hours: [{ start: '10:00', end: '14:00' }], note: null },
    ]);
    const replaced = await t.request('PUT', path, {
      token: org.secretKey,
      body: { weeklyHours: {}, overrides: [] },
    });
    expect(replaced.body.overrides).toEqual([]);
  });

  it('refuse overlapping or backwards intervals, saying which', async () => {
    const tech = await create({ name: 'Messy' });
    const response = await t.request('PUT', `${base()}/${tech.body.id}/schedule`, {
      token: org.secretKey,
      body: {
        weeklyHours: {
          tuesday: [
            { start: '08:00', end: '12:00' },
            { start: '11:00', end: '15:00' },
          ],
          friday: [{ start: '17:00', end: '09:00' }],
        },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'body.weeklyHours.tuesday.1', message: 'overlaps another interval of the same day' },
      { path: 'body.weeklyHours.friday.0', message: 'must end after it starts' },
    ]);
  });

  it('record and cancel time off', async () => {
    const tech = await create({ name: 'On leave' });
    const path = `${base()}/${tech.body.id}/time-off`;
    const off = await t.request('POST', path, {
      token: org.secretKey,
      body: { startsAt: '2099-01-10T00:00:00Z', endsAt: '2099-01-20T00:00:00Z', reason: 'Holiday' },
    });
    expect(off.status).toBe(201);
    const schedule = await t.request(
      'GET',
      `${base()}/${tech.body.id}/schedule?from=2099-01-01&to=2099-01-31`,
      { token: org.secretKey },
    );
    expect(schedule.body.timeOff.map((x: { id: string }) => x.id)).toEqual([off.body.id]);
    const backwards = await t.request('POST', path, {
      token: org.secretKey,
      body: { startsAt: '2099-02-10T00:00:00Z', endsAt: '2099-02-01T00:00:00Z' },
    });
    expect(backwards.status).toBe(400);
    expect((await t.request('DELETE', `${path}/${off.body.id}`, { token: org.secretKey })).status).toBe(204);
  });

  it('can be managed by dispatchers only as far as schedules go', async () => {
    await t.request('POST', `/api/v1/organizations/${org.orgId}/users`, {
      token: org.secretKey,
      body: { email: 'disp@example.com', name: 'D', role: 'dispatcher', password: 'dispatcher-password' },
    });
    const { accessToken } = await t.login('disp@example.com', 'dispatcher-password');
    const tech = await create({ name: 'Scheduled' });
    expect(
      (
        await t.request('PUT', `${base()}/${tech.body.id}/schedule`, {
          token: accessToken,
          body: { weeklyHours: {} },
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.request('PATCH', `${base()}/${tech.body.id}`, { token: accessToken, body: { active: false } }))
        .status,
    ).toBe(403);
  });
});
