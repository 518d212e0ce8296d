import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { notifications } from '../db/schema.js';
import { localToInstant } from '../scheduling/time.js';

const zone = 'Europe/Berlin';
const clock = Date.parse('2027-03-01T09:00:00Z');
const at = (date: string, time: string) =>
  new Date(localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)))).toISOString();

/**
 * The booking's answer says which confirmation will go out, so the widget's done step can say
 * "we've emailed you" only when an email is on its way. Each case also checks the delivery log
 * after the outbox ran: the answer and what is queued must agree.
 */
describe('the answer to a booking tells what will be sent', () => {
  let t: TestContext;
  let org: TestOrg;
  let item: string;
  let customer: string;
  let hour = 8;
  const base = () => `/api/v1/organizations/${org.orgId}`;
  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, `${base()}${path}`, { token: org.secretKey, ...(body === undefined ? {} : { body }) });
  const nextStart = () => at('2027-03-10', `${String(hour++).padStart(2, '0')}:00`);
  const bookForCustomer = async () => {
    const response = await api('POST', '/appointments', {
      serviceItemId: item,
      start: nextStart(),
      customerId: customer,
    });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const bookFromWidget = async (details: { name: string; email: string; phone?: string }) => {
    const response = await t.request('POST', `${base()}/appointments`, {
      token: org.publishableKey,
      headers: { origin: 'https://widget.example' },
      body: { serviceItemId: item, start: nextStart(), customer: details },
    });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  /** The confirmations the outbox queued for a booking, once it has run. */
  const confirmationsQueued = async (appointmentId: string) => {
    await t.services.events.drain();
    const rows = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.appointmentId, appointmentId));
    return rows
      .filter((row) => row.type === 'confirmation' && row.status === 'queued')
      .map((row) => ({ channel: row.channel, recipient: row.recipient }));
  };
  const setConfirmation = (enabled: boolean, channels: string[]) =>
    api('PATCH', '/notification-settings', { messages: { confirmation: { enabled, channels } } });
  const preferChannels = (channels: string[]) =>
    api('PUT', `/customers/${customer}/preferences`, {
      preferredTechnicianId: null,
      communicationChannels: channels,
      specialInstructions: null,
    });

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock });
    org = await t.createOrg({ timeZone: zone, locale: 'en-GB', currency: 'EUR' });
    await api('PATCH', '', { bookingSettings: { minimumNoticeMinutes: 60, horizonDays: 365 } });
    const technician = (await api('POST', '/technicians', { name: 'Sam', skills: [] })).body.id;
    await api('PUT', `/technicians/${technician}/schedule`, {
      weeklyHours: { wednesday: [{ start: '07:00', end: '20:00' }] },
    });
    item = (
      await api('POST', '/services/items', {
        name: 'Boiler service',
        durationMinutes: 30,
        basePriceMinor: 9900,
      })
    ).body.id;
    customer = (
      await api('POST', '/customers', {
        name: 'Lena Schmidt',
        email: 'lena@example.com',
        phone: '+49 30 1234567',
        address: { line1: 'Gartenstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' },
      })
    ).body.id;
  }, 60_000);
  afterAll(() => t?.close());

  it('names the confirmation email, masked, when confirmations go by email as they do by default', async () => {
    const booked = await bookForCustomer();
    expect(booked.notifications).toEqual([
      { channel: 'email', type: 'confirmation', to: 'l***@example.com' },
    ]);
    expect(await confirmationsQueued(booked.id)).toEqual([
      { channel: 'email', recipient: 'lena@example.com' },
    ]);
  });

  it('says nothing will be sent when the organization turned confirmations off, and indeed queues none', async () => {
    await setConfirmation(false, ['email']);
    const booked = await bookForCustomer();
    expect(booked.notifications).toEqual([]);
    expect(await confirmationsQueued(booked.id)).toEqual([]);
    await setConfirmation(true, ['email']);
  });

  it('says a text will come when the customer prefers SMS and the organization sends both', async () => {
    await setConfirmation(true, ['email', 'sms']);
    await preferChannels(['sms']);
    const booked = await bookForCustomer();
    expect(booked.notifications).toEqual([{ channel: 'sms', type: 'confirmation', to: '***567' }]);
    expect(await confirmationsQueued(booked.id)).toEqual([{ channel: 'sms', recipient: '+49 30 1234567' }]);
  });

  it('says nothing will be sent when the customer prefers SMS and the organization only emails', async () => {
    await setConfirmation(true, ['email']);
    const booked = await bookForCustomer();
    expect(booked.notifications).toEqual([]);
    expect(await confirmationsQueued(booked.id)).toEqual([]);
    await preferChannels([]);
  });

  it('tells a booking widget of the email it typed, and nothing of what is on file for a known customer', async () => {
    const stranger = await bookFromWidget({ name: 'Nina', email: 'nina@example.com' });
    expect(stranger.notifications).toEqual([
      { channel: 'email', type: 'confirmation', to: 'n***@example.com' },
    ]);
    expect(await confirmationsQueued(stranger.id)).toEqual([
      { channel: 'email', recipient: 'nina@example.com' },
    ]);

    // Someone types a known customer's email into the form: the visit still goes to her address on
    // file and she still gets her confirmation, but the form learns neither her address nor her phone.
    await setConfirmation(true, ['email', 'sms']);
    await preferChannels(['sms']);
    const known = await bookFromWidget({ name: 'Lena', email: 'lena@example.com' });
    expect(known.siteAddress).toBeNull();
    expect(known.notifications).toEqual([]);
    expect(JSON.stringify(known)).not.toContain('Gartenstraße');
    expect(await confirmationsQueued(known.id)).toEqual([{ channel: 'sms', recipient: '+49 30 1234567' }]);
    const onFile = await api('GET', `/appointments/${known.id}`);
    expect(onFile.body.siteAddress).toMatchObject({ line1: 'Gartenstraße 5', city: 'Berlin' });
    await preferChannels([]);
    await setConfirmation(true, ['email']);
  });
});
