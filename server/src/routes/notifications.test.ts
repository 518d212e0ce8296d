import { and, eq, inArray, sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookableOrg, bookingFor } from '../../test-support/bookable-org.js';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import {
  type FakeSmsApi,
  type SmtpSink,
  startFakeSmsApi,
  startSmtpSink,
} from '../../test-support/mail-sinks.js';
import { queryRows } from '../db/index.js';
import { notifications } from '../db/schema.js';
import { EventDispatcher } from '../events/dispatcher.js';
import { newId } from '../lib/ids.js';
import { localToInstant } from '../scheduling/time.js';
import { demoSlug } from '../seed/demo.js';
import { registerNotifications } from '../services/notifications/consumer.js';
import { NotificationService } from '../services/notifications/service.js';

const zone = 'Europe/Berlin';
/** How the organization's locale writes a day (ICU versions differ on a comma, so ask it). */
const longDate = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: zone }).format(at(date, '12:00'));
const at = (date: string, time: string) =>
  localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));

/** The clock every service reads; tests move it. */
let clock = Date.parse('2027-03-01T09:00:00Z');

function calendarOf(mail: { attachments: Array<{ contentType: string; content: Buffer }> }) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error('no calendar part');
  const component = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const event = component.getFirstSubcomponent('vevent')!;
  return {
    text: part.content.toString('utf8'),
    method: component.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: event.getFirstPropertyValue('sequence'),
    location: event.getFirstPropertyValue('location'),
    status: event.getFirstPropertyValue('status'),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
  };
}

describe('notifications', () => {
  let t: TestContext;
  let org: TestOrg;
  let smtp: SmtpSink;
  let smsApi: FakeSmsApi;
  let item: string;
  let technician: string;
  let otherTechnician: string;
  let customer: string;
  const base = (o: TestOrg = org) => `/api/v1/organizations/${o.orgId}`;
  const api = (method: string, path: string, body?: unknown, o: TestOrg = org) =>
    t.request(method, `${base(o)}${path}`, { token: o.secretKey, ...(body === undefined ? {} : { body }) });
  /** The outbox's dispatcher hands the recorded events to the consumers (notifications among them). */
  const dispatch = () => t.services.events.drain();
  const deliver = async () => {
    await dispatch();
    return t.services.notifications.deliverDue();
  };
  const book = async (date: string, time: string, technicianId = technician, customerId = customer) => {
    const response = await api('POST', '/appointments', {
      serviceItemId: item,
      start: new Date(at(date, time)).toISOString(),
      customerId,
      technicianId,
    });
    expect(response.status, response.text).toBe(201);
    await dispatch();
    return response.body as { id: string; reference: string };
  };
  /**
   * After another process took a visit's confirmation and hung: nobody else takes it while its
   * lease lasts, then it is sent once, by the second attempt.
   */
  const expectTakenOverOnce = async (appointmentId: string) => {
    smtp.received.length = 0;
    expect((await deliver()).claimed).toBe(0);
    clock += 3 * 60_000;
    await deliver();
    await deliver();
    expect(smtp.received.filter((m) => m.subject?.startsWith('Your Boiler service is booked'))).toHaveLength(
      1,
    );
    const confirmation = (await logOf(appointmentId)).find((n) => n.type === 'confirmation')!;
    expect(confirmation).toMatchObject({ status: 'sent', attempts: 2 });
    clock = Date.parse('2027-03-01T09:00:00Z');
  };
  /** Another process's notifications on this database, whose mail server takes a message and never answers. */
  const serviceWithHungMail = () => {
    let hanging: () => void = () => {};
    const sendStarted = new Promise<void>((resolve) => (hanging = resolve));
    const service = new NotificationService({
      db: t.database.db,
      config: t.config,
      logger: t.services.logger,
      now: () => clock,
      publicUrl: () => 'https://crewkit.example',
      email: {
        delivery: 'smtp',
        send: () => {
          hanging();
          return new Promise(() => {});
        },
        close: () => {},
      },
    });
    return { service, sendStarted };
  };
  const logOf = (appointmentId: string) =>
    t.database.db.select().from(notifications).where(eq(notifications.appointmentId, appointmentId));

  beforeAll(async () => {
    smtp = await startSmtpSink();
    smsApi = await startFakeSmsApi();
    t = await createTestContext({
      now: () => clock,
      config: {
        allowPrivateUrls: true,
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: undefined, password: undefined },
        mailFrom: 'Harbour Plumbing <bookings@harbour.example>',
        sms: { url: smsApi.url, accountSid: 'AC123', authToken: 'sms-secret', from: '+4930000000' },
        publicUrl: 'https://crewkit.example',
      },
    });
    org = await t.createOrg({ timeZone: zone, locale: 'en-GB', currency: 'EUR' });
    await api('PATCH', '', { bookingSettings: { minimumNoticeMinutes: 60, horizonDays: 365 } });
    const day = [{ start: '07:00', end: '19:00' }];
    const weeklyHours = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, day]),
    );
    const make = async (name: string, email: string) => {
      const made = await api('POST', '/technicians', { name, email, phone: '+49301111111' });
      await api('PUT', `/technicians/${made.body.id}/schedule`, { weeklyHours });
      return made.body.id as string;
    };
    technician = await make('Sam Fischer', 'sam@harbour.example');
    otherTechnician = await make('Priya Wolf', 'priya@harbour.example');
    item = (
      await api('POST', '/services/items', {
        name: 'Boiler service',
        durationMinutes: 60,
        basePriceMinor: 9900,
      })
    ).body.id;
    customer = (
      await api('POST', '/customers', {
        name: 'Lena <Schmidt>',
        email: 'lena@example.com',
        phone: '+49301234567',
        address: { line1: 'Gartenstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' },
      })
    ).body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await smsApi?.close();
  });

  it('emails the customer a confirmation with a calendar invitation, and tells the technician', async () => {
    smtp.received.length = 0;
    const visit = await book('2027-03-10', '10:00');
    await deliver();
    const confirmation = smtp.received.find(
      (m) => m.to && JSON.stringify(m.to).includes('lena@example.com'),
    )!;
    expect(confirmation.subject).toBe(`Your Boiler service is booked for ${longDate('2027-03-10')}`);
    expect(confirmation.from?.value).toEqual([
      { name: 'Harbour Plumbing', address: 'bookings@harbour.example' },
    ]);
    expect(confirmation.text).toContain(`Reference: ${visit.reference}`);
    expect(confirmation.text).toContain(`When: ${longDate('2027-03-10')}, 10:00`);
    // The customer's name is text in the HTML, not markup.
    expect(confirmation.html).toContain('Lena &lt;Schmidt&gt;');
    expect(confirmation.html).not.toContain('<Schmidt>');
    const invite = calendarOf(confirmation);
    expect(invite).toMatchObject({
      method: 'REQUEST',
      uid: `${visit.id}@crewkit`,
      sequence: 0,
      location: 'Gartenstraße 5, 10115 Berlin, DE',
      start: new Date(at('2027-03-10', '10:00')).toISOString(),
    });
    // RFC 5545: no line longer than 75 octets.
    for (const line of invite.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const toTechnician = smtp.received.find((m) => JSON.stringify(m.to).includes('sam@harbour.example'))!;
    expect(toTechnician.subject).toBe(`New visit: Boiler service on ${longDate('2027-03-10')} at 10:00`);
    const log = await logOf(visit.id);
    expect(
      log
        .filter((n) => n.status === 'sent')
        .map((n) => n.type)
        .sort(),
    ).toEqual(['confirmation', 'technician_assigned']);
    expect(
      log
        .filter((n) => n.status === 'queued')
        .map((n) => n.type)
        .sort(),
    ).toEqual(['reminder_24h', 'reminder_2h']);
  });

  it('keeps one calendar event through a reschedule and a cancellation: same UID, rising SEQUENCE', async () => {
    const visit = await book('2027-03-11', '10:00');
    await deliver();
    smtp.received.length = 0;
    const moved = await api('POST', `/appointments/${visit.id}/reschedule`, {
      start: new Date(at('2027-03-12', '14:00')).toISOString(),
      technicianId: technician,
    });
    expect(moved.status, moved.text).toBe(201);
    await dispatch();
    await deliver();
    expect(smtp.received).toHaveLength(1);
    const reschedule = smtp.received[0]!;
    expect(reschedule.subject).toBe(`Your Boiler service has moved to ${longDate('2027-03-12')}`);
    expect(reschedule.text).toContain(`Your appointment on ${longDate('2027-03-11')} at 10:00 has moved.`);
    expect(calendarOf(reschedule)).toMatchObject({
      method: 'REQUEST',
      uid: `${visit.id}@crewkit`,
      sequence: 1,
    });
    // The old time's reminders are withdrawn; the new time has its own.
    const old = await logOf(visit.id);
    expect(old.filter((n) => n.type.startsWith('reminder')).map((n) => [n.status, n.reason])).toEqual([
      ['skipped', 'the visit was rescheduled'],
      ['skipped', 'the visit was rescheduled'],
    ]);

    smtp.received.length = 0;
    await api('PUT', `/appointments/${moved.body.id}/status`, { status: 'cancelled' });
    await dispatch();
    await deliver();
    const cancellation = smtp.received[0]!;
    expect(cancellation.subject).toBe(`Your Boiler service on ${longDate('2027-03-12')} is cancelled`);
    expect(calendarOf(cancellation)).toMatchObject({
      method: 'CANCEL',
      uid: `${visit.id}@crewkit`,
      sequence: 2,
      status: 'CANCELLED',
    });
    const reminders = (await logOf(moved.body.id)).filter((n) => n.type.startsWith('reminder'));
    expect(reminders.map((n) => n.reason)).toEqual(['the visit was cancelled', 'the visit was cancelled']);
  });

  it('tells the technician a visit was given to them', async () => {
    const visit = await book('2027-03-16', '11:00');
    await deliver();
    smtp.received.length = 0;
    const assigned = await api('POST', `/appointments/${visit.id}/assign-technician`, {
      technicianId: otherTechnician,
    });
    expect(assigned.status, assigned.text).toBe(200);
    await dispatch();
    await deliver();
    expect(
      smtp.received.map((m) => [m.to && 'value' in m.to ? m.to.value[0]?.address : '', m.subject]),
    ).toEqual([['priya@harbour.example', `New visit: Boiler service on ${longDate('2027-03-16')} at 11:00`]]);
  });

  it('queues nothing twice when the outbox hands the same events over again (a redelivery after a crash)', async () => {
    const visit = await book('2027-03-15', '10:00');
    const before = await logOf(visit.id);
    expect(before.length).toBeGreaterThan(0);
    // As if the dispatcher had died after the consumers ran but before its commit was acknowledged.
    await t.database.db.execute(
      sql`update domain_events set dispatched_at = null where subject = ${visit.id}`,
    );
    expect(await dispatch()).toBeGreaterThan(0);
    expect(await logOf(visit.id)).toHaveLength(before.length);
  });

  it('loses nothing when the dispatch fails after the booking committed: the events wait and go once', async () => {
    await deliver();
    smtp.received.length = 0;
    let crash = true;
    t.services.events.register({
      name: 'crashes-once',
      async handle() {
        if (crash) {
          crash = false;
          throw new Error('the worker died mid-batch');
        }
      },
    });
    const booked = await api('POST', '/appointments', {
      serviceItemId: item,
      start: new Date(at('2027-03-15', '14:00')).toISOString(),
      customerId: customer,
      technicianId: technician,
    });
    expect(booked.status, booked.text).toBe(201);
    const visit = booked.body as { id: string };
    // The booking committed with its event; the dispatch failed, so no message was queued.
    await expect(dispatch()).rejects.toThrow('the worker died mid-batch');
    expect(await logOf(visit.id)).toEqual([]);
    await deliver();
    await deliver();
    expect(smtp.received.filter((m) => JSON.stringify(m.to).includes('lena@example.com'))).toHaveLength(1);
    expect((await logOf(visit.id)).map((n) => n.type).sort()).toEqual([
      'confirmation',
      'reminder_24h',
      'reminder_2h',
      'technician_assigned',
    ]);
  });

  it('sends reminders at the visit’s wall-clock time the day before and two hours before, across a DST change, once', async () => {
    // Clocks go forward in Berlin at 02:00 on Sunday 28 March 2027.
    const visit = await book('2027-03-28', '10:00');
    await deliver();
    const reminders = (await logOf(visit.id)).filter((n) => n.type.startsWith('reminder'));
    const due = Object.fromEntries(reminders.map((n) => [n.type, n.dueAt.toISOString()]));
    // 10:00 on Saturday in winter time (09:00Z), not 24 elapsed hours earlier (08:00Z, 09:00 local).
    expect(due.reminder_24h).toBe('2027-03-27T09:00:00.000Z');
    expect(due.reminder_2h).toBe('2027-03-28T06:00:00.000Z');

    smtp.received.length = 0;
    clock = Date.parse('2027-03-27T08:59:00Z');
    await deliver();
    expect(smtp.received).toHaveLength(0);
    clock = Date.parse('2027-03-27T09:00:30Z');
    await deliver();
    await deliver();
    expect(smtp.received.map((m) => m.subject)).toEqual(['Reminder: Boiler service tomorrow at 10:00']);
    clock = Date.parse('2027-03-28T06:00:00Z');
    await deliver();
    expect(smtp.received.map((m) => m.subject)).toEqual([
      'Reminder: Boiler service tomorrow at 10:00',
      'Reminder: Boiler service today at 10:00',
    ]);
    clock = Date.parse('2027-03-01T09:00:00Z');
  });

  it('skips a reminder whose time passed while no worker ran, rather than send it late', async () => {
    const visit = await book('2027-03-17', '10:00');
    await deliver();
    // The server was down from before the day-before reminder until 90 minutes before the visit.
    clock = at('2027-03-17', '08:30');
    smtp.received.length = 0;
    await deliver();
    const log = await logOf(visit.id);
    const day = log.find((n) => n.type === 'reminder_24h')!;
    expect(day.status).toBe('skipped');
    expect(day.reason).toMatch(/^too late/);
    // The two-hour reminder was due at 08:00 and is still worth sending at 08:30.
    expect(log.find((n) => n.type === 'reminder_2h')!.status).toBe('sent');
    expect(smtp.received.map((m) => m.subject)).toEqual(['Reminder: Boiler service today at 10:00']);
    clock = Date.parse('2027-03-01T09:00:00Z');
  });

  it('refuses to resend a message skipped before it was written, and changes nothing', async () => {
    const visit = await book('2027-03-29', '10:00');
    await deliver();
    clock = at('2027-03-29', '08:30');
    await deliver();
    clock = Date.parse('2027-03-01T09:00:00Z');
    const late = (await logOf(visit.id)).find((n) => n.type === 'reminder_24h')!;
    expect(late).toMatchObject({ status: 'skipped', bodyText: null });
    expect(late.reason).toMatch(/^too late/);

    const noEmail = (await api('POST', '/customers', { name: 'Otto', phone: '+49309999999' })).body.id;
    const booked = await book('2027-03-30', '10:00', technician, noEmail);
    await deliver();
    const unaddressed = (await logOf(booked.id)).find((n) => n.type === 'confirmation')!;
    expect(unaddressed).toMatchObject({ status: 'skipped', reason: 'no email address', recipient: '' });

    for (const skipped of [late, unaddressed]) {
      const refused = await api('POST', `/notifications/${skipped.id}/resend`);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain(`skipped before it was written (${skipped.reason})`);
    }
    const copies = await t.database.db
      .select()
      .from(notifications)
      .where(inArray(notifications.resendOf, [late.id, unaddressed.id]));
    expect(copies).toEqual([]);
  });

  it('holds messages in quiet hours, brings reminders forward, and never holds back a confirmation', async () => {
    const settings = await api('PATCH', '/notification-settings', {
      quietHours: { start: '20:00', end: '08:00' },
    });
    expect(settings.status, settings.text).toBe(200);
    clock = at('2027-03-02', '21:30');
    // A 09:00 visit: its two-hour reminder (07:00) falls in quiet hours and goes at 19:59 the evening before.
    const visit = await book('2027-03-04', '09:00');
    const log = await logOf(visit.id);
    expect(log.find((n) => n.type === 'confirmation')!.nextAttemptAt!.getTime()).toBe(clock);
    expect(log.find((n) => n.type === 'technician_assigned')!.nextAttemptAt!.getTime()).toBe(
      at('2027-03-03', '08:00'),
    );
    expect(log.find((n) => n.type === 'reminder_2h')!.nextAttemptAt!.getTime()).toBe(
      at('2027-03-03', '19:59'),
    );
    await api('PATCH', '/notification-settings', { quietHours: null });
    clock = Date.parse('2027-03-01T09:00:00Z');
  });

  it('honours the customer’s channel preferences and the organization’s channels, logging why a channel was skipped', async () => {
    await api('PATCH', '/notification-settings', {
      messages: {
        confirmation: { enabled: true, channels: ['email', 'sms'] },
        technician_assigned: { enabled: false, channels: [] },
      },
    });
    await api('PUT', `/customers/${customer}/preferences`, {
      preferredTechnicianId: null,
      communicationChannels: ['sms'],
      specialInstructions: null,
    });
    smsApi.requests.length = 0;
    const visit = await book('2027-03-18', '10:00');
    await deliver();
    const confirmations = (await logOf(visit.id)).filter((n) => n.type === 'confirmation');
    expect(confirmations.map((n) => [n.channel, n.status, n.reason])).toEqual(
      expect.arrayContaining([
        ['email', 'skipped', 'the customer prefers sms'],
        ['sms', 'sent', null],
      ]),
    );
    expect((await logOf(visit.id)).some((n) => n.type === 'technician_assigned')).toBe(false);
    // The SMS went to the provider as Twilio's API takes it: form-encoded, basic auth.
    const [request] = smsApi.requests;
    expect(request!.authorization).toBe(`Basic ${Buffer.from('AC123:sms-secret').toString('base64')}`);
    expect(request!.contentType).toBe('application/x-www-form-urlencoded');
    expect(request!.form.get('To')).toBe('+49301234567');
    expect(request!.form.get('From')).toBe('+4930000000');
    expect(request!.form.get('Body')).toContain(
      `your Boiler service is booked for ${longDate('2027-03-18')}, 10:00`,
    );
    await api('PUT', `/customers/${customer}/preferences`, {
      preferredTechnicianId: null,
      communicationChannels: [],
      specialInstructions: null,
    });
    await api('PATCH', '/notification-settings', {
      messages: {
        confirmation: { enabled: true, channels: ['email'] },
        technician_assigned: { enabled: true, channels: ['email'] },
      },
    });
  });

  it('retries an SMS the provider could not take with backoff, and logs a refused number as bounced', async () => {
    await api('PATCH', '/notification-settings', {
      messages: { on_my_way: { enabled: true, channels: ['sms'] } },
    });
    const visit = await book('2027-03-19', '10:00');
    await deliver();
    clock = at('2027-03-19', '09:30');
    await api('PUT', `/appointments/${visit.id}/status`, { status: 'en_route' });
    smsApi.failWith.push(503);
    await dispatch();
    await deliver();
    let onMyWay = (await logOf(visit.id)).find((n) => n.type === 'on_my_way')!;
    expect(onMyWay).toMatchObject({ status: 'failed', attempts: 1 });
    expect(onMyWay.reason).toMatch(/^SMS provider 503/);
    expect(onMyWay.nextAttemptAt!.getTime()).toBe(clock + 60_000);
    clock += 60_000;
    await deliver();
    onMyWay = (await logOf(visit.id)).find((n) => n.type === 'on_my_way')!;
    expect(onMyWay).toMatchObject({ status: 'sent', attempts: 2, delivery: 'sms_api' });

    smsApi.failWith.push(400);
    const list = await api('POST', `/notifications/${onMyWay.id}/resend`);
    expect(list.status, list.text).toBe(201);
    await deliver();
    const [copy] = await t.database.db.select().from(notifications).where(eq(notifications.id, list.body.id));
    expect(copy).toMatchObject({ status: 'bounced', resendOf: onMyWay.id, nextAttemptAt: null });
    await api('PATCH', '/notification-settings', {
      messages: { on_my_way: { enabled: true, channels: ['email'] } },
    });
    clock = Date.parse('2027-03-01T09:00:00Z');
  });

  it('logs an address the mail server refuses as bounced, without retrying it', async () => {
    smtp.refuse.add('lena@example.com');
    const visit = await book('2027-03-22', '10:00');
    await deliver();
    const confirmation = (await logOf(visit.id)).find((n) => n.type === 'confirmation')!;
    expect(confirmation.status).toBe('bounced');
    expect(confirmation.reason).toMatch(/550/);
    expect(confirmation.nextAttemptAt).toBeNull();
    smtp.refuse.clear();
  });

  it('loses nothing and sends nothing twice when a worker dies between claiming a message and recording it', async () => {
    // A second process on the same database whose mail server never answers: it claims and hangs.
    const { service: hung, sendStarted } = serviceWithHungMail();
    const visit = await book('2027-03-23', '10:00');
    void hung.deliverDue();
    await sendStarted;
    await expectTakenOverOnce(visit.id);
  });

  it('sends what the dispatcher queued straight from its hand while the delivery loop runs: no claim, once', async () => {
    smtp.received.length = 0;
    await t.services.notifications.start();
    try {
      const visit = await book('2027-04-06', '10:00');
      // Queued already claimed (attempt 1, under a lease): nobody else can take it meanwhile.
      expect((await t.services.notifications.deliverDue()).claimed).toBe(0);
      await vi.waitFor(
        () =>
          expect(
            smtp.received.filter((m) => m.subject?.startsWith('Your Boiler service is booked')),
          ).toHaveLength(1),
        { timeout: 10_000 },
      );
      await vi.waitFor(async () => {
        const log = await logOf(visit.id);
        expect(
          log
            .filter((n) => n.status === 'sent')
            .map((n) => [n.type, n.attempts])
            .sort(),
        ).toEqual([
          ['confirmation', 1],
          ['technician_assigned', 1],
        ]);
        // Reminders are for later: queued, unclaimed.
        expect(
          log
            .filter((n) => n.status === 'queued')
            .map((n) => [n.type, n.attempts])
            .sort(),
        ).toEqual([
          ['reminder_24h', 0],
          ['reminder_2h', 0],
        ]);
      });
    } finally {
      await t.services.notifications.stop();
    }
    // Dispatching the same events again (a redelivery) claims and sends nothing more.
    await t.database.db.execute(sql`update domain_events set dispatched_at = null`);
    await deliver();
    expect(smtp.received.filter((m) => m.subject?.startsWith('Your Boiler service is booked'))).toHaveLength(
      1,
    );
  });

  it('loses nothing when a process dies holding messages it claimed as it queued them: the lease ends and they go once', async () => {
    // A second process on the same database, delivering as it dispatches; its mail server never answers.
    const { service: dying, sendStarted } = serviceWithHungMail();
    const dyingDispatcher = new EventDispatcher(t.database.db, t.services.logger);
    registerNotifications(dyingDispatcher, dying);
    await dying.start();
    const response = await api('POST', '/appointments', {
      serviceItemId: item,
      start: new Date(at('2027-04-07', '10:00')).toISOString(),
      customerId: customer,
      technicianId: technician,
    });
    expect(response.status).toBe(201);
    await dyingDispatcher.drain();
    await sendStarted;
    await expectTakenOverOnce(response.body.id);
  });

  it('lists the delivery log newest first, filtered, and keeps other organizations’ messages out', async () => {
    const page = await api('GET', '/notifications?type=confirmation&limit=2');
    expect(page.status, page.text).toBe(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.data.every((n: { type: string }) => n.type === 'confirmation')).toBe(true);
    expect(page.body.data[0].id > page.body.data[1].id).toBe(true);
    const next = await api('GET', `/notifications?type=confirmation&limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.data[0].id < page.body.data[1].id).toBe(true);

    const other = await t.createOrg();
    expect((await api('GET', '/notifications', undefined, other)).body.data).toEqual([]);
    const resend = await api('POST', `/notifications/${page.body.data[0].id}/resend`, undefined, other);
    expect(resend.status).toBe(404);
  });

  it('keeps what its dropped foreign keys did: an appointment’s messages lose the link, an organization’s go with it', async () => {
    // The delivery log has no foreign keys (their checks were ~40 % of writing a row); triggers on
    // the parents do what their ON DELETE did.
    const visit = await book('2027-03-26', '10:00');
    const log = await logOf(visit.id);
    expect(log.length).toBeGreaterThan(0);
    await t.database.db.execute(sql`delete from appointments where id = ${visit.id}`);
    const kept = await t.database.db
      .select({ id: notifications.id, appointmentId: notifications.appointmentId })
      .from(notifications)
      .where(
        inArray(
          notifications.id,
          log.map((row) => row.id),
        ),
      );
    expect(kept).toHaveLength(log.length);
    expect(kept.every((row) => row.appointmentId === null)).toBe(true);
    // Its messages, not yet rendered, are skipped rather than sent empty.
    smtp.received.length = 0;
    await deliver();
    expect(smtp.received).toEqual([]);
    const after = await t.database.db
      .select({ type: notifications.type, status: notifications.status, reason: notifications.reason })
      .from(notifications)
      .where(
        inArray(
          notifications.id,
          log.map((row) => row.id),
        ),
      );
    expect(
      after.filter((row) => row.status !== 'queued').sort((a, b) => a.type.localeCompare(b.type)),
    ).toEqual([
      { type: 'confirmation', status: 'skipped', reason: 'the appointment no longer exists' },
      { type: 'technician_assigned', status: 'skipped', reason: 'the appointment no longer exists' },
    ]);

    const other = await t.createOrg();
    const row = { ...log[0]!, id: newId(), orgId: other.orgId, dedupeKey: 'gone-with-its-organization' };
    await t.database.db.insert(notifications).values(row);
    await t.database.db.execute(sql`delete from organizations where id = ${other.orgId}`);
    expect(
      await t.database.db.select().from(notifications).where(eq(notifications.orgId, other.orgId)),
    ).toEqual([]);
    expect(await logOf(visit.id)).toEqual([]);
  });

  it('edits a template per language, refuses unknown variables, and previews drafts as they would be sent', async () => {
    const listed = await api('GET', '/message-templates');
    // Eleven messages (eight about visits, two about invoices, one to staff) in three languages.
    expect(listed.body.data).toHaveLength(33);
    const german = listed.body.data.find(
      (x: { type: string; language: string }) => x.type === 'confirmation' && x.language === 'de',
    );
    expect(german).toMatchObject({
      customized: false,
      subject: 'Ihr Termin für {{serviceName}} am {{date}} ist gebucht',
    });

    const typo = await api('PUT', '/message-templates/confirmation/en', {
      subject: 'Booked: {{serviceNmae}}',
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]).toMatchObject({ path: 'body.subject' });

    const updated = await api('PUT', '/message-templates/confirmation/de', {
      subject: 'Gebucht: {{serviceName}} ({{reference}})',
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({
      customized: true,
      subject: 'Gebucht: {{serviceName}} ({{reference}})',
    });

    const preview = await api('POST', '/message-templates/confirmation/de/preview', {
      html: '<p>Hallo {{customerName}}, <b>bis bald</b>.</p>',
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.subject).toBe('Gebucht: Boiler service (BK-SAMPLE)');
    expect(preview.body.html).toContain('<b>bis bald</b>');
    expect(preview.body.html).toContain('<html lang="de">');
    expect(preview.body.html).toMatch(/<table role="presentation"/);

    await api('PATCH', '/notification-settings', { language: 'de' });
    smtp.received.length = 0;
    const visit = await book('2027-03-24', '10:00');
    await deliver();
    const mail = smtp.received.find((m) => JSON.stringify(m.to).includes('lena@example.com'))!;
    expect(mail.subject).toBe(`Gebucht: Boiler service (${visit.reference})`);
    expect(mail.text).toContain('Wann: Mittwoch, 24. März 2027, 10:00');
    await api('PUT', '/message-templates/confirmation/de', { subject: null });
    await api('PATCH', '/notification-settings', { language: 'en' });
  });

  it('lets the customer rate a completed visit once, from the link in the completion message', async () => {
    const visit = await book('2027-03-25', '10:00');
    clock = at('2027-03-25', '09:30');
    for (const status of ['en_route', 'in_progress', 'completed']) {
      await api('PUT', `/appointments/${visit.id}/status`, { status });
    }
    await dispatch();
    smtp.received.length = 0;
    await deliver();
    const mail = smtp.received.find((m) => m.subject === 'How was your Boiler service?')!;
    const link = mail.text!.match(/https:\/\/crewkit\.example\/visit-rating\/(\S+)\?token=(\S+)/)!;
    expect(link[1]).toBe(org.orgId);
    const token = link[2]!;

    const other = await t.createOrg();
    const elsewhere = await t.request('POST', `${base(other)}/visit-ratings`, { body: { token, rating: 5 } });
    expect(elsewhere.status).toBe(404);
    const forged = await t.request('POST', `${base()}/visit-ratings`, {
      body: { token: `${token.slice(0, -4)}AAAA`, rating: 5 },
    });
    expect(forged.status).toBe(404);

    const rated = await t.request('POST', `${base()}/visit-ratings`, {
      body: { token, rating: 4, comment: 'Quick and tidy.' },
    });
    expect(rated.status, rated.text).toBe(201);
    expect(rated.body).toMatchObject({ appointmentId: visit.id, rating: 4, comment: 'Quick and tidy.' });
    const again = await t.request('POST', `${base()}/visit-ratings`, { body: { token, rating: 1 } });
    expect(again.status).toBe(409);
    const appointment = await api('GET', `/appointments/${visit.id}`);
    expect(appointment.body).toMatchObject({ rating: 4, feedback: 'Quick and tidy.' });
    // The link's own page: a form that works without script, and says so when the link is spent.
    const form = await t.app.request(`/visit-rating/${org.orgId}?token=${token}`);
    expect(await form.text()).toContain(`<input type="hidden" name="token" value="${token}">`);
    const posted = await t.app.request(`/visit-rating/${org.orgId}?token=${token}`, {
      method: 'POST',
      body: new URLSearchParams({ token, rating: '5' }),
    });
    expect(await posted.text()).toContain('This visit has been rated already.');
    clock = Date.parse('2027-03-01T09:00:00Z');
  });

  it('keeps and shows messages instead of sending them when no SMTP server is configured', async () => {
    const kept = await createTestContext({ now: () => clock });
    try {
      const o = await kept.createOrg({ timeZone: zone, locale: 'en-GB', currency: 'EUR', slug: demoSlug });
      expect(kept.services.notifications.email.delivery).toBe('kept');
      const id = newId();
      await kept.database.db.insert(notifications).values({
        id,
        orgId: o.orgId,
        type: 'confirmation',
        channel: 'email',
        recipientKind: 'customer',
        recipient: 'someone@example.com',
        language: 'en',
        dedupeKey: 'kept-test',
        status: 'queued',
        dueAt: new Date(clock),
        nextAttemptAt: new Date(clock),
        subject: 'Hello <there>',
        bodyText: 'Plain',
        bodyHtml: '<p>Rich</p>',
        resendOf: id,
      });
      await kept.services.notifications.deliverDue();
      const [row] = await kept.database.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, id), eq(notifications.orgId, o.orgId)));
      expect(row).toMatchObject({ status: 'sent', delivery: 'kept' });
      // The demo mailbox shows it, rendered in a sandboxed frame, its subject escaped.
      const mailbox = await kept.app.request('/demo/mailbox');
      expect(mailbox.status).toBe(200);
      // The frame inherits the page's policy: framing by the page itself must be allowed.
      expect(mailbox.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
      const html = await mailbox.text();
      expect(html).toContain('<h2>Hello &lt;there&gt;</h2>');
      expect(html).toContain('To someone@example.com');
      expect(html).toContain('sandbox srcdoc="&lt;p&gt;Rich&lt;/p&gt;"');
    } finally {
      await kept.close();
    }
  });

  it('writes a message due now on a keeping channel once, rendered and done, while the delivery loop runs', async () => {
    const kept = await createTestContext({ now: () => clock });
    try {
      const shop = await bookableOrg(kept, clock);
      const [sam] = shop.technicianIds;
      await kept.request('PATCH', `${shop.base}/technicians/${sam}`, {
        token: shop.secretKey,
        body: { email: 'sam@example.com' },
      });
      const logOfVisit = (id: string) =>
        kept.database.db.select().from(notifications).where(eq(notifications.appointmentId, id));
      await kept.services.notifications.start();
      let visit: { id: string };
      try {
        const response = await kept.request('POST', `${shop.base}/appointments`, {
          token: shop.secretKey,
          body: { ...bookingFor(shop, 1), technicianId: sam },
        });
        expect(response.status, response.text).toBe(201);
        visit = response.body;
        await kept.services.events.drain();
        // Written once by the dispatcher: rendered, kept, never claimed or updated after.
        const log = await logOfVisit(visit.id);
        const now = log.filter((n) => n.status === 'sent');
        expect(now.map((n) => [n.type, n.recipient]).sort()).toEqual([
          ['confirmation', 'visitor1@example.com'],
          ['technician_assigned', 'sam@example.com'],
        ]);
        for (const message of now) {
          expect(message).toMatchObject({ delivery: 'kept', attempts: 1, nextAttemptAt: null, reason: null });
          expect(message.sentAt).toEqual(new Date(clock));
          expect(message.updatedAt).toEqual(message.createdAt);
          expect(message.bodyText).toContain('Visitor 1');
          expect(message.bodyHtml).toContain('<html');
        }
        const confirmation = now.find((n) => n.type === 'confirmation')!;
        expect(confirmation.subject).toMatch(/^Your Tap fix is booked/);
        expect(
          calendarOf({
            attachments: [{ contentType: 'text/calendar', content: Buffer.from(confirmation.ics!) }],
          }),
        ).toMatchObject({
          method: 'REQUEST',
          uid: `${visit.id}@crewkit`,
          sequence: 0,
        });
        // The reminders are for later: queued, unclaimed.
        expect(
          log
            .filter((n) => n.status !== 'sent')
            .map((n) => [n.type, n.status, n.attempts])
            .sort(),
        ).toEqual([
          ['reminder_24h', 'queued', 0],
          ['reminder_2h', 'queued', 0],
        ]);
        // Nothing was left for a worker: no claim, no second copy.
        expect((await kept.services.notifications.deliverDue()).claimed).toBe(0);
      } finally {
        await kept.services.notifications.stop();
      }
      // Once the loop has stopped (it sends whatever was handed to it first), every row of the visit
      // is still the version the dispatcher's insert wrote: nothing was recorded after.
      const versions = await queryRows(
        kept.database.db,
        sql`select distinct xmin::text as version from notifications where appointment_id = ${visit.id}`,
      );
      expect(versions).toHaveLength(1);
      // The same events handed out again (a crash before the dispatcher's commit was noted) write nothing more.
      const before = await logOfVisit(visit.id);
      await kept.database.db.execute(
        sql`update domain_events set dispatched_at = null where org_id = ${shop.orgId}`,
      );
      await kept.services.notifications.start();
      try {
        await kept.services.events.drain();
      } finally {
        await kept.services.notifications.stop();
      }
      const after = await logOfVisit(visit.id);
      expect(after.map((n) => [n.id, n.status, n.updatedAt]).sort()).toEqual(
        before.map((n) => [n.id, n.status, n.updatedAt]).sort(),
      );
      await kept.services.notifications.start();
      try {
        // A reschedule's message is rendered in the dispatcher's transaction too, its invitation
        // reading the visit's chain there (on PGlite's one connection a read beside the open
        // transaction would wait for it forever).
        const moved = await kept.request('POST', `${shop.base}/appointments/${visit.id}/reschedule`, {
          token: shop.secretKey,
          body: { start: shop.slot(3), technicianId: sam },
        });
        expect(moved.status, moved.text).toBe(201);
        await kept.services.events.drain();
        const [reschedule] = [...(await logOfVisit(moved.body.id)), ...(await logOfVisit(visit.id))].filter(
          (n) => n.type === 'reschedule',
        );
        expect(reschedule).toMatchObject({ status: 'sent', delivery: 'kept', attempts: 1 });
        expect(
          calendarOf({
            attachments: [{ contentType: 'text/calendar', content: Buffer.from(reschedule!.ics!) }],
          }),
        ).toMatchObject({ method: 'REQUEST', uid: `${visit.id}@crewkit`, sequence: 1 });
      } finally {
        await kept.services.notifications.stop();
      }
    } finally {
      await kept.close();
    }
  });

  it('answers the settings with every message on by email and no quiet hours until they are changed', async () => {
    const fresh = await t.createOrg({ locale: 'fr-FR' });
    const settings = await api('GET', '/notification-settings', undefined, fresh);
    expect(settings.body).toMatchObject({
      messages: {
        confirmation: { enabled: true, channels: ['email'] },
        reminder_2h: { enabled: true, channels: ['email'] },
      },
      quietHours: null,
      language: 'fr',
      updatedAt: null,
    });
    const same = await api(
      'PATCH',
      '/notification-settings',
      { quietHours: { start: '22:00', end: '22:00' } },
      fresh,
    );
    expect(same.status).toBe(400);
  });
});
