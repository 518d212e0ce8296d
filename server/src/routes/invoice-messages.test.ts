import { and, eq, sql } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import {
  type FakeSmsApi,
  type SmtpSink,
  startFakeSmsApi,
  startSmtpSink,
} from '../../test-support/mail-sinks.js';
import { pdfText as readPdf } from '../../test-support/pdf-text.js';
import { queryRows } from '../db/index.js';
import { notifications } from '../db/schema.js';
import { localToInstant } from '../scheduling/time.js';

const zone = 'Europe/Berlin';
/** The clock every service reads; tests move it. */
let clock = Date.parse('2027-03-01T09:00:00Z');
const atLocal = (date: string, time: string) =>
  localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));

const tax = {
  taxName: 'USt',
  taxId: 'DE123456789',
  pricesIncludeTax: false,
  rounding: 'line',
  rates: [{ code: 'S', name: 'USt 19 %', ratePercent: '19' }],
  defaultTaxCode: 'S',
  locationRules: [],
  paymentTermsDays: 14,
  paymentDetails: 'IBAN DE02 1203 0000 0000 2020 51',
  businessAddress: { line1: 'Hafenweg 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  invoicePrefix: 'RE-',
  creditNotePrefix: 'GS-',
};

async function pdfText(mail: ParsedMail): Promise<string> {
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
  if (!pdf) throw new Error('no PDF attached');
  return readPdf(pdf.content);
}

describe('invoice messages', () => {
  let t: TestContext;
  let org: TestOrg;
  let smtp: SmtpSink;
  let smsApi: FakeSmsApi;
  let customer: string;
  const base = (o: TestOrg = org) => `/api/v1/organizations/${o.orgId}`;
  const api = (method: string, path: string, body?: unknown, o: TestOrg = org) =>
    t.request(method, `${base(o)}${path}`, { token: o.secretKey, ...(body === undefined ? {} : { body }) });
  const deliver = async () => {
    await t.services.events.drain();
    return t.services.notifications.deliverDue();
  };
  const remind = async () => {
    await t.services.notifications.invoices!.queueOverdueReminders(t.database.db);
    return t.services.notifications.deliverDue();
  };
  const logOf = (invoiceId: string) =>
    t.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, org.orgId), eq(notifications.invoiceId, invoiceId)))
      .orderBy(notifications.id);
  const mailsTo = (address: string) =>
    smtp.received.filter((m) => JSON.stringify(m.to ?? '').includes(address));
  /** Mails about one invoice (earlier tests' invoices fall due too and have reminders of their own). */
  const mailsAbout = (number: string) => smtp.received.filter((m) => m.subject?.includes(number));

  /** An issued invoice of 100.00 + 19 % to `customerId`, its messages dispatched. */
  const issue = async (customerId = customer) => {
    const draft = await api('POST', '/invoices', {
      customerId,
      lines: [{ description: 'Wartung Heizung', quantity: 1, unitAmountMinor: 10_000, lineType: 'labour' }],
    });
    expect(draft.status, draft.text).toBe(201);
    const issued = await api('POST', `/invoices/${draft.body.id}/issue`);
    expect(issued.status, issued.text).toBe(200);
    await t.services.events.drain();
    return issued.body as { id: string; number: string; dueOn: string };
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    smsApi = await startFakeSmsApi();
    t = await createTestContext({
      now: () => clock,
      config: {
        allowPrivateUrls: true,
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: undefined, password: undefined },
        mailFrom: 'Hafen Sanitär <rechnung@hafen.example>',
        sms: { url: smsApi.url, accountSid: 'AC123', authToken: 'sms-secret', from: '+4930000000' },
      },
    });
    org = await t.createOrg({ name: 'Hafen Sanitär', timeZone: zone, locale: 'de-DE', currency: 'EUR' });
    expect((await api('PUT', '/tax-settings', tax)).status).toBe(200);
    customer = (
      await api('POST', '/customers', {
        name: 'Lena Schmidt',
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

  it('lists the invoice messages in the settings, on by email until changed', async () => {
    const settings = await api('GET', '/notification-settings');
    expect(settings.body.messages).toMatchObject({
      invoice_issued: { enabled: true, channels: ['email'] },
      invoice_overdue: { enabled: true, channels: ['email'] },
    });
    const templates = await api('GET', '/message-templates');
    const issued = templates.body.data.filter((m: { type: string }) => m.type === 'invoice_issued');
    expect(issued.map((m: { language: string }) => m.language).sort()).toEqual(['de', 'en', 'fr']);
    expect(issued[0].variables).toContain('invoiceNumber');
  });

  it('emails the customer an issued invoice in the organization’s language with its PDF attached', async () => {
    smtp.received.length = 0;
    const invoice = await issue();
    const run = await deliver();
    expect(run.sent).toBe(1);
    const [mail] = mailsTo('lena@example.com');
    expect(mail!.subject).toBe(`Rechnung ${invoice.number} von Hafen Sanitär`);
    expect(mail!.text).toContain('Betrag: 119,00 €');
    expect(mail!.text).toContain('Zahlbar bis: 15. März 2027');
    expect(mail!.text).toContain('IBAN DE02 1203 0000 0000 2020 51');
    const [pdf] = mail!.attachments;
    expect(pdf).toMatchObject({ contentType: 'application/pdf', filename: `${invoice.number}.pdf` });
    const text = await pdfText(mail!);
    expect(text).toContain(invoice.number);
    expect(text).toContain('Wartung Heizung');
    expect(text).toContain('119,00');
    // The delivery log names the invoice, and the API lists it by invoice.
    const log = await api('GET', `/notifications?invoiceId=${invoice.id}`);
    expect(log.body.data).toMatchObject([
      { type: 'invoice_issued', channel: 'email', status: 'sent', invoiceId: invoice.id },
    ]);
  });

  it('queues the invoice once even when the outbox hands the same event over again', async () => {
    const invoice = await issue();
    const [event] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from domain_events where subject = ${invoice.id} and type = 'invoice.issued'`,
    );
    const again = await t.services.notifications.queueForEvent(t.database.db, {
      id: event!.id,
      orgId: org.orgId,
      type: 'invoice.issued',
      subject: invoice.id,
      data: { kind: 'invoice' },
    });
    expect(again).toBe(0);
    expect((await logOf(invoice.id)).filter((n) => n.type === 'invoice_issued')).toHaveLength(1);
  });

  it('sends an invoice again with its PDF through the delivery log’s resend', async () => {
    const invoice = await issue();
    await deliver();
    smtp.received.length = 0;
    const [original] = await logOf(invoice.id);
    const resent = await api('POST', `/notifications/${original!.id}/resend`);
    expect(resent.status, resent.text).toBe(201);
    await deliver();
    const [mail] = mailsTo('lena@example.com');
    expect(mail!.subject).toBe(`Rechnung ${invoice.number} von Hafen Sanitär`);
    expect(await pdfText(mail!)).toContain(invoice.number);
  });

  it('honours the customer’s channel preference and the organization’s switch, saying why nothing went', async () => {
    await api('PUT', `/customers/${customer}/preferences`, {
      preferredTechnicianId: null,
      communicationChannels: ['sms'],
      specialInstructions: null,
    });
    const preferred = await issue();
    expect((await logOf(preferred.id)).map((n) => [n.channel, n.status, n.reason])).toEqual([
      ['email', 'skipped', 'the customer prefers sms'],
    ]);
    await api('PUT', `/customers/${customer}/preferences`, {
      preferredTechnicianId: null,
      communicationChannels: [],
      specialInstructions: null,
    });
    await api('PATCH', '/notification-settings', {
      messages: { invoice_issued: { enabled: false, channels: ['email'] } },
    });
    const off = await issue();
    expect(await logOf(off.id)).toEqual([]);
    // By text message too, when the organization says so: the amount and due date, no attachment.
    await api('PATCH', '/notification-settings', {
      messages: { invoice_issued: { enabled: true, channels: ['email', 'sms'] } },
    });
    smsApi.requests.length = 0;
    const both = await issue();
    await deliver();
    expect((await logOf(both.id)).map((n) => [n.channel, n.status]).sort()).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    expect(smsApi.requests.map((r) => [r.form.get('To'), r.form.get('Body')])).toEqual([
      [
        '+49301234567',
        `Hafen Sanitär: Rechnung ${both.number} über 119,00 €, fällig am 15. März 2027. Sie erhalten sie per E-Mail.`,
      ],
    ]);
    await api('PATCH', '/notification-settings', {
      messages: { invoice_issued: { enabled: true, channels: ['email'] } },
    });
  });

  describe('overdue reminders', () => {
    it('reminds 1, 7 and 14 days after the due date at nine, once per step, with the open balance', async () => {
      clock = Date.parse('2027-03-01T09:00:00Z');
      const invoice = await issue();
      expect(invoice.dueOn).toBe('2027-03-15');
      await deliver();
      smtp.received.length = 0;
      // The due day itself, and the morning after before nine: nothing yet.
      clock = atLocal('2027-03-16', '08:59');
      await remind();
      expect((await logOf(invoice.id)).filter((n) => n.type === 'invoice_overdue')).toEqual([]);
      // Part paid: still reminded, of what is left.
      await api('POST', `/invoices/${invoice.id}/payments`, {
        amountMinor: 5_000,
        paidOn: '2027-03-16',
        method: 'bank_transfer',
      });
      clock = atLocal('2027-03-16', '09:00');
      await remind();
      const [first] = mailsAbout(invoice.number);
      expect(first!.subject).toBe(`Zahlungserinnerung: Rechnung ${invoice.number}`);
      expect(first!.text).toContain('Tage überfällig: 1\nOffener Betrag: 69,00 €');
      expect(await pdfText(first!)).toContain(invoice.number);
      // Another sweep the same day, and every quarter hour after: no second copy.
      clock = atLocal('2027-03-16', '09:15');
      await remind();
      clock = atLocal('2027-03-17', '09:00');
      await remind();
      expect(mailsAbout(invoice.number)).toHaveLength(1);
      clock = atLocal('2027-03-22', '09:30');
      await remind();
      clock = atLocal('2027-03-29', '10:00'); // across the change to summer time: still nine local
      await remind();
      const reminders = (await logOf(invoice.id)).filter((n) => n.type === 'invoice_overdue');
      expect(reminders.map((n) => [n.context.step, n.status, n.dueAt.toISOString()])).toEqual([
        [1, 'sent', new Date(atLocal('2027-03-16', '09:00')).toISOString()],
        [7, 'sent', new Date(atLocal('2027-03-22', '09:00')).toISOString()],
        [14, 'sent', new Date(atLocal('2027-03-29', '09:00')).toISOString()],
      ]);
      expect(mailsAbout(invoice.number)).toHaveLength(3);
      clock = atLocal('2027-04-20', '09:00');
      await remind();
      expect(mailsAbout(invoice.number)).toHaveLength(3);
    });

    it('never reminds of a paid or void invoice, even one paid after its reminder was queued', async () => {
      clock = Date.parse('2027-05-03T09:00:00Z');
      const paid = await issue();
      const voided = await issue();
      const late = await issue();
      await deliver();
      await api('POST', `/invoices/${paid.id}/payments`, {
        amountMinor: 11_900,
        paidOn: '2027-05-10',
        method: 'card',
      });
      // A void invoice takes nothing back: this one goes void before it is due.
      expect((await api('POST', `/invoices/${voided.id}/void`)).status).toBe(200);
      clock = atLocal('2027-05-18', '09:00');
      await t.services.notifications.invoices!.queueOverdueReminders(t.database.db);
      // Paid between the sweep and the delivery: the queued reminder is dropped, with the reason.
      await api('POST', `/invoices/${late.id}/payments`, {
        amountMinor: 11_900,
        paidOn: '2027-05-18',
        method: 'card',
      });
      smtp.received.length = 0;
      await t.services.notifications.deliverDue();
      expect(smtp.received).toEqual([]);
      expect((await logOf(paid.id)).filter((n) => n.type === 'invoice_overdue')).toEqual([]);
      expect((await logOf(voided.id)).filter((n) => n.type === 'invoice_overdue')).toEqual([]);
      expect(
        (await logOf(late.id)).filter((n) => n.type === 'invoice_overdue').map((n) => [n.status, n.reason]),
      ).toEqual([['skipped', 'the invoice is paid']]);
    });

    it('skips a step missed in an outage instead of sending it late, and sends the next on time', async () => {
      clock = Date.parse('2027-06-01T09:00:00Z');
      const invoice = await issue();
      await deliver();
      smtp.received.length = 0;
      // No worker ran from before the first step until three days after the second.
      clock = atLocal('2027-06-25', '09:00');
      await remind();
      expect(mailsAbout(invoice.number)).toEqual([]);
      const missed = (await logOf(invoice.id)).filter((n) => n.type === 'invoice_overdue');
      expect(missed.map((n) => [n.context.step, n.status])).toEqual([[7, 'skipped']]);
      expect(missed[0]!.reason).toMatch(/^too late: it was due at 2027-06-22T07:00:00.000Z/);
      clock = atLocal('2027-06-29', '09:05');
      await remind();
      expect(mailsAbout(invoice.number)).toHaveLength(1);
      // Queued in time but not delivered for days (the worker died after the sweep): skipped too.
      clock = Date.parse('2027-07-01T09:00:00Z');
      const stuck = await issue();
      await deliver();
      clock = atLocal('2027-07-16', '09:00');
      await t.services.notifications.invoices!.queueOverdueReminders(t.database.db);
      clock = atLocal('2027-07-19', '09:00');
      smtp.received.length = 0;
      await t.services.notifications.deliverDue();
      expect(smtp.received).toEqual([]);
      expect(
        (await logOf(stuck.id)).filter((n) => n.type === 'invoice_overdue').map((n) => n.reason),
      ).toEqual([expect.stringMatching(/^too late/)]);
    });

    it('does not remind when the organization switched overdue reminders off', async () => {
      clock = Date.parse('2027-08-02T09:00:00Z');
      const invoice = await issue();
      await api('PATCH', '/notification-settings', {
        messages: { invoice_overdue: { enabled: false, channels: ['email'] } },
      });
      clock = atLocal('2027-08-17', '09:00');
      await remind();
      expect((await logOf(invoice.id)).filter((n) => n.type === 'invoice_overdue')).toEqual([]);
      await api('PATCH', '/notification-settings', {
        messages: { invoice_overdue: { enabled: true, channels: ['email'] } },
      });
    });
  });

  it('tells an invoice’s history: drafted, issued, emailed, paid in part, credited, and by whom', async () => {
    clock = Date.parse('2027-09-01T09:00:00Z');
    const invoice = await issue();
    await deliver();
    clock += 60_000;
    await api('POST', `/invoices/${invoice.id}/payments`, {
      amountMinor: 2_000,
      paidOn: '2027-09-01',
      method: 'card',
    });
    clock += 60_000;
    const credit = await api('POST', `/invoices/${invoice.id}/credit-notes`, {
      lines: [{ position: 0, quantity: 0.5 }],
    });
    expect(credit.status, credit.text).toBe(201);
    const history = await api('GET', `/invoices/${invoice.id}/history`);
    expect(history.status, history.text).toBe(200);
    expect(history.body.data.map((e: { kind: string }) => e.kind)).toEqual([
      'created',
      'issued',
      'emailed',
      'payment',
      'credit_note',
    ]);
    const [, issued, emailed, payment, credited] = history.body.data;
    expect(issued).toMatchObject({ number: invoice.number, actor: 'API key' });
    expect(emailed).toMatchObject({ channel: 'email', recipient: 'lena@example.com', status: 'sent' });
    expect(payment).toMatchObject({ amountMinor: 2_000 });
    expect(credited).toMatchObject({ number: credit.body.number, amountMinor: -5_950 });
    // Another organization's key learns nothing of it.
    const other = await t.createOrg();
    const foreign = await t.request('GET', `${base(other)}/invoices/${invoice.id}/history`, {
      token: other.secretKey,
    });
    expect(foreign.status).toBe(404);
  });

  it('keeps another organization’s invoice messages out of its log', async () => {
    const other = await t.createOrg();
    const response = await api('GET', '/notifications?type=invoice_issued', undefined, other);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });
});
