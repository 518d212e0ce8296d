/** The SDK against the real server over HTTP: the two halves of the contract meeting. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrewkitError, createCrewkit } from '../packages/sdk/src/index.js';
import { queryRows } from '../server/src/db/index.js';
import { createTestContext, type TestContext, type TestOrg } from '../server/test-support/harness.js';

describe('@crewkit/sdk against a running server', () => {
  let t: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestContext({ http: true });
    org = await t.createOrg({ allowedOrigins: ['https://plumber.example'] });
  });
  afterAll(() => t.close());

  it('signs in and acts as the user through getAccessToken', async () => {
    const anonymous = createCrewkit({ baseUrl: t.baseUrl! });
    const { data: tokens, error } = await anonymous.auth.login({
      email: org.owner.email,
      password: org.owner.password,
    });
    expect(error).toBeUndefined();
    const user = createCrewkit({
      baseUrl: t.baseUrl!,
      getAccessToken: () => tokens!.accessToken,
      organizationId: org.orgId,
    });
    const { data: me } = await user.auth.me();
    expect(me).toMatchObject({ kind: 'user', organizationId: org.orgId });
    const { data: organization } = await user.organizations.get();
    expect(organization?.id).toBe(org.orgId);
  });

  it('returns problems with their code instead of throwing', async () => {
    const crewkit = createCrewkit({ baseUrl: t.baseUrl!, apiKey: org.secretKey, organizationId: org.orgId });
    const { data, error, response } = await crewkit.users.create({
      email: 'bad',
      name: 'x',
      role: 'technician',
      password: 'long-enough-password',
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect(error?.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('iterates every user across pages', async () => {
    const crewkit = createCrewkit({ baseUrl: t.baseUrl!, apiKey: org.secretKey, organizationId: org.orgId });
    for (let i = 0; i < 7; i++) {
      await crewkit.users.create({
        email: `sdk${i}@example.com`,
        name: `Tech ${i}`,
        role: 'technician',
        password: 'long-enough-password',
      });
    }
    const emails: string[] = [];
    for await (const user of crewkit.users.list({ limit: 3, role: 'technician' })) emails.push(user.email);
    expect(emails).toHaveLength(7);
    expect(await crewkit.users.list({ limit: 2 }).toArray({ limit: 5 })).toHaveLength(5);
  });

  it('creates once when a response is lost and the SDK retries with the same idempotency key', async () => {
    let dropped = 0;
    const flaky = async (request: Request) => {
      const response = await fetch(request);
      if (request.method === 'POST' && dropped === 0) {
        dropped++;
        throw new TypeError('fetch failed: connection reset'); // the server did the work; the client never heard
      }
      return response;
    };
    const crewkit = createCrewkit({
      baseUrl: t.baseUrl!,
      apiKey: org.secretKey,
      organizationId: org.orgId,
      fetch: flaky,
    });
    const { data, error } = await crewkit.apiKeys.create({ kind: 'secret', name: 'Lost response' });
    expect(error).toBeUndefined();
    expect(dropped).toBe(1);
    const rows = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from api_keys where name = 'Lost response'`,
    );
    expect(rows[0]!.n).toBe(1);
    const { data: listed } = await crewkit.apiKeys.list({ limit: 100 });
    expect(listed?.data.filter((k) => k.id === data!.id)).toHaveLength(1);
  });

  it('reads the booking profile with a publishable key from its allowed origin', async () => {
    const widget = createCrewkit({
      baseUrl: t.baseUrl!,
      publishableKey: org.publishableKey,
      organizationId: org.orgId,
      headers: { origin: 'https://plumber.example' },
    });
    const { data } = await widget.organizations.getBookingProfile();
    expect(data?.currency).toBe('AUD');
  });

  it('throws a CrewkitError with the code when iteration hits an error', async () => {
    const crewkit = createCrewkit({ baseUrl: t.baseUrl!, apiKey: 'sk_revoked', organizationId: org.orgId });
    const iterate = async () => {
      for await (const _ of crewkit.users.list()) {
        // unreachable
      }
    };
    await expect(iterate()).rejects.toBeInstanceOf(CrewkitError);
    await expect(iterate()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });
  it('switches a message to SMS, rewords its template and previews it through the notifications namespace', async () => {
    const crewkit = createCrewkit({ baseUrl: t.baseUrl!, apiKey: org.secretKey, organizationId: org.orgId });
    const settings = await crewkit.notifications.settings.update({
      messages: { reminder_2h: { enabled: true, channels: ['sms'] } },
      quietHours: { start: '21:00', end: '07:30' },
    });
    expect(settings.data?.messages.reminder_2h).toEqual({ enabled: true, channels: ['sms'] });
    expect(settings.data?.quietHours).toEqual({ start: '21:00', end: '07:30' });
    const updated = await crewkit.notifications.templates.update('reminder_2h', 'en', {
      sms: 'See you at {{time}} — {{organizationName}}',
    });
    expect(updated.data?.customized).toBe(true);
    const preview = await crewkit.notifications.templates.preview('reminder_2h', 'en');
    expect(preview.data?.sms).toMatch(/^See you at .+ — Test Org/);
    const refused = await crewkit.notifications.templates.update('reminder_2h', 'en', { sms: '{{nope}}' });
    expect(refused.error?.code).toBe('validation_failed');
    const log: unknown[] = [];
    for await (const message of crewkit.notifications.list({ limit: 10 })) log.push(message);
    expect(log).toEqual([]);
  });

  it('records a visit’s parts and notes through the job sheet namespaces, and edits the visit', async () => {
    const crewkit = createCrewkit({ baseUrl: t.baseUrl!, apiKey: org.secretKey, organizationId: org.orgId });
    const technician = await crewkit.technicians.create({ name: 'Sam', skills: [] });
    await crewkit.technicians.schedule.replace(technician.data!.id, {
      weeklyHours: Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [
          day,
          [{ start: '00:00', end: '24:00' }],
        ]),
      ),
    });
    const item = await crewkit.services.items.create({
      name: 'Tap',
      durationMinutes: 30,
      basePriceMinor: 5000,
    });
    const start = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const booked = await crewkit.appointments.create({
      serviceItemId: item.data!.id,
      start,
      customer: { name: 'Casey', email: 'casey.sdk@example.com' },
    });
    const id = booked.data!.id;
    const part = await crewkit.parts.create({
      sku: 'W-1',
      name: 'Washer',
      unitCostMinor: 10,
      unitPriceMinor: 50,
    });
    await crewkit.jobSheets.addPart(id, { partId: part.data!.id, quantity: 3 });
    await crewkit.jobSheets.addNote(id, { body: 'Replaced the washer', visibility: 'customer' });
    const edited = await crewkit.appointments.update(id, { internalNotes: 'Repeat customer' });
    expect(edited.data?.internalNotes).toBe('Repeat customer');
    const sheet = await crewkit.jobSheets.get(id);
    expect(sheet.data?.partsUsed.map((p) => [p.sku, p.quantity])).toEqual([['W-1', 3]]);
    expect(sheet.data?.notes.map((n) => n.body)).toEqual(['Replaced the washer']);
    const listed = [];
    for await (const p of crewkit.parts.list({ q: 'wash' })) listed.push(p.sku);
    expect(listed).toEqual(['W-1']);
  });
});
