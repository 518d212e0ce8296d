import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import {
  customerPreferences,
  customers,
  invoices,
  type MessageLanguage,
  type NotificationChannel,
  notifications,
  organizations,
} from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import { DAY_MS, localEpochDay, wallToInstant } from '../../scheduling/time.js';
import type { InvoicingService } from '../invoicing/invoices.js';
import { formatMoney, type InvoiceDocument, loadInvoiceDocument } from '../invoicing/pdf.js';
import type { NotifiableEvent, NotificationService } from './service.js';
import { render } from './templates.js';
import { sendTimeWithin } from './timing.js';
import { localeFor } from './visits.js';

export type InvoiceMessageType = 'invoice_issued' | 'invoice_overdue';

/**
 * When overdue reminders go: days after the due date, each at 09:00 in the organization's time
 * zone. A fixed schedule (the organization can switch the message off, not move it): it is the
 * common dunning rhythm, and one schedule keeps "which reminder did this customer get" answerable.
 */
export const overdueReminderDays = [1, 7, 14] as const;
const reminderMinuteOfDay = 9 * 60;
/**
 * A reminder whose time passed by more than this (no worker ran: an outage) is skipped, not sent
 * late: two reminders a day apart after a restart read as nagging, and the next step follows.
 */
export const overdueReminderWindowMs = 2 * DAY_MS;

/** Everything an invoice's message needs to know about the invoice and who gets it. */
interface Recipient {
  doc: InvoiceDocument;
  email: string | null;
  phone: string | null;
  /** Empty: the customer never said, so the organization's channels apply. */
  channels: string[];
}

/**
 * The invoice's messages to its customer: `invoice_issued` when it is issued, `invoice_overdue`
 * on the reminder schedule. Rendered when queued (the invoice is immutable once issued, so what is
 * queued is what it says), sent by the notifications worker, which attaches the PDF to the email.
 */
export class InvoiceMessages {
  readonly #service: NotificationService;
  readonly #invoicing: InvoicingService;
  readonly #now: () => number;

  constructor(options: { service: NotificationService; invoicing: InvoicingService; now: () => number }) {
    this.#service = options.service;
    this.#invoicing = options.invoicing;
    this.#now = options.now;
  }

  get invoicing(): InvoicingService {
    return this.#invoicing;
  }

  /** The messages `invoice.issued` events cause, in the dispatcher's transaction. */
  async queueForEvents(db: Db, events: NotifiableEvent[]): Promise<number> {
    let queued = 0;
    for (const event of events) {
      if (event.type !== 'invoice.issued' || event.data.kind === 'credit_note') continue;
      queued += await this.queue(db, {
        type: 'invoice_issued',
        orgId: event.orgId,
        invoiceId: event.subject,
        eventId: event.id,
        key: `${event.id}:invoice_issued`,
        dueAt: this.#now(),
        context: {},
      });
    }
    return queued;
  }

  /**
   * Finds unpaid invoices past their due date and queues the reminder step whose time has come,
   * once per invoice and step (the dedupe key is both). A step more than the window late is
   * logged as skipped with the reason. Reads only invoices whose steps can still be due: the
   * partial index on unpaid invoices' due dates keeps this a short range scan however many
   * invoices there are.
   */
  async queueOverdueReminders(db: Db): Promise<number> {
    const now = this.#now();
    const last = overdueReminderDays[overdueReminderDays.length - 1]!;
    // UTC days, widened by one either side: every time zone's "today" is inside.
    const today = new Date(now).toISOString().slice(0, 10);
    const latestDue = shiftDate(today, -overdueReminderDays[0] + 1);
    const earliestDue = shiftDate(today, -(last + Math.ceil(overdueReminderWindowMs / DAY_MS) + 2));
    const candidates = await db
      .select({
        id: invoices.id,
        orgId: invoices.orgId,
        dueOn: invoices.dueOn,
        timeZone: organizations.timeZone,
      })
      .from(invoices)
      .innerJoin(organizations, eq(organizations.id, invoices.orgId))
      .where(
        and(
          inArray(invoices.status, ['issued', 'part_paid']),
          eq(invoices.kind, 'invoice'),
          eq(invoices.source, 'local'),
          gte(invoices.dueOn, earliestDue),
          lte(invoices.dueOn, latestDue),
          sql`${invoices.totalIncTaxMinor}
            + coalesce((select sum(c.total_inc_tax_minor) from invoices c
                        where c.credited_invoice_id = ${invoices.id} and c.status = 'issued'), 0)
            - coalesce((select sum(case when p.kind = 'refund' then -p.amount_minor
                                        else p.amount_minor - p.credit_minor end)
                        from payments p where p.invoice_id = ${invoices.id}), 0) > 0`,
        ),
      );
    if (candidates.length === 0) return 0;
    const done = await db
      .select({
        invoiceId: notifications.invoiceId,
        step: sql<number>`(${notifications.context}->>'step')::int`,
      })
      .from(notifications)
      .where(
        and(
          eq(notifications.type, 'invoice_overdue'),
          inArray(
            notifications.invoiceId,
            candidates.map((c) => c.id),
          ),
          sql`${notifications.resendOf} is null`,
        ),
      );
    const already = new Set(done.map((d) => `${d.invoiceId}:${d.step}`));
    let queued = 0;
    for (const invoice of candidates) {
      const dueDay = epochDayOf(invoice.dueOn!);
      for (const step of overdueReminderDays) {
        if (already.has(`${invoice.id}:${step}`)) continue;
        const at = wallToInstant(invoice.timeZone, dueDay + step, reminderMinuteOfDay);
        if (at > now) continue;
        const late = now - at > overdueReminderWindowMs;
        // Only the latest step that is due is worth a log line when it was missed: earlier ones
        // were missed with it.
        const later = overdueReminderDays.find(
          (s) => s > step && wallToInstant(invoice.timeZone, dueDay + s, reminderMinuteOfDay) <= now,
        );
        if (late && later !== undefined) continue;
        queued += await this.queue(db, {
          type: 'invoice_overdue',
          orgId: invoice.orgId,
          invoiceId: invoice.id,
          eventId: null,
          key: `invoice_overdue:${invoice.id}:${step}`,
          dueAt: at,
          context: { step, daysOverdue: localEpochDay(invoice.timeZone, now) - dueDay },
          ...(late
            ? {
                skipped: `too late: it was due at ${new Date(at).toISOString()} and could not be sent in time`,
              }
            : {}),
        });
      }
    }
    return queued;
  }

  /**
   * Queues one message about an invoice to its customer on each channel the organization chose,
   * honouring the customer's own channel preference and the quiet hours. Returns how many were
   * queued to be sent.
   */
  async queue(
    db: Db,
    message: {
      type: InvoiceMessageType;
      orgId: string;
      invoiceId: string;
      eventId: string | null;
      key: string;
      dueAt: number;
      context: Record<string, unknown>;
      skipped?: string;
    },
  ): Promise<number> {
    const settings = await this.#service.getSettings(db, message.orgId);
    const setting = settings.messages[message.type];
    if (!setting.enabled || setting.channels.length === 0) return 0;
    const recipient = await this.#recipient(db, message.orgId, message.invoiceId);
    if (!recipient) return 0;
    const language = settings.language;
    const { doc } = recipient;
    const rendered = render(
      await this.#service.templateOf(db, message.orgId, message.type, language),
      variablesFor(doc, language, message.context),
      { organizationName: doc.org.name, language },
    );
    const now = this.#now();
    const quiet = this.#service.quietHoursOf(settings);
    const rows = setting.channels.map((channel: NotificationChannel) => {
      const address = channel === 'email' ? recipient.email : recipient.phone;
      let status: 'queued' | 'skipped' = 'queued';
      let reason: string | null = null;
      let sendAt: number | null = null;
      if (message.skipped) {
        status = 'skipped';
        reason = message.skipped;
      } else if (recipient.channels.length > 0 && !recipient.channels.includes(channel)) {
        status = 'skipped';
        reason = `the customer prefers ${recipient.channels.join(', ')}`;
      } else if (!address) {
        status = 'skipped';
        reason = channel === 'email' ? 'no email address' : 'no phone number';
      } else {
        sendAt = sendTimeWithin(
          message.type,
          Math.max(message.dueAt, now),
          now,
          doc.org.timeZone,
          quiet,
          null,
        );
      }
      return {
        id: newId(now),
        orgId: message.orgId,
        type: message.type,
        channel,
        recipientKind: 'customer' as const,
        recipient: address ?? '',
        language,
        invoiceId: message.invoiceId,
        eventId: message.eventId,
        dedupeKey: `${message.key}:${channel}:customer`,
        context: message.context,
        status,
        reason,
        subject: channel === 'email' ? rendered.subject : null,
        bodyText: channel === 'email' ? rendered.text : rendered.sms,
        bodyHtml: channel === 'email' ? rendered.html : null,
        dueAt: new Date(message.dueAt),
        nextAttemptAt: sendAt === null ? null : new Date(sendAt),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      };
    });
    const inserted = await db
      .insert(notifications)
      .values(rows)
      .onConflictDoNothing()
      .returning({ status: notifications.status });
    const queued = inserted.filter((row) => row.status === 'queued').length;
    if (queued > 0) await this.#service.wake(db);
    return queued;
  }

  /**
   * Why an invoice message should not go out now, if it should not: a reminder for an invoice that
   * was paid, credited in full or voided since it was queued.
   */
  async staleness(orgId: string, invoiceId: string, db: Db): Promise<string | undefined> {
    let view: Awaited<ReturnType<InvoicingService['get']>>;
    try {
      view = await this.#invoicing.get(db, orgId, invoiceId);
    } catch {
      return 'the invoice no longer exists';
    }
    if (view.row.status === 'void') return 'the invoice is void';
    if (view.row.status === 'paid' || (view.balanceMinor !== null && view.balanceMinor <= 0))
      return 'the invoice is paid';
    return undefined;
  }

  async #recipient(db: Db, orgId: string, invoiceId: string): Promise<Recipient | undefined> {
    const doc = await loadInvoiceDocument(db, this.#invoicing, orgId, invoiceId);
    if (!doc.view.row.customerId) return undefined;
    const [contact] = await db
      .select({
        email: customers.email,
        phone: customers.phone,
        channels: customerPreferences.communicationChannels,
      })
      .from(customers)
      .leftJoin(customerPreferences, eq(customerPreferences.customerId, customers.id))
      .where(and(eq(customers.orgId, orgId), eq(customers.id, doc.view.row.customerId)));
    if (!contact) return undefined;
    return { doc, email: contact.email, phone: contact.phone, channels: contact.channels ?? [] };
  }
}

function variablesFor(
  doc: InvoiceDocument,
  language: MessageLanguage,
  context: Record<string, unknown>,
): Record<string, string> {
  const locale = localeFor(language, doc.org.locale);
  const { row, balanceMinor } = doc.view;
  const date = (value: string | null) =>
    value
      ? new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
          new Date(`${value}T00:00:00Z`),
        )
      : '';
  return {
    customerName: doc.customer?.name ?? '',
    organizationName: doc.org.name,
    invoiceNumber: row.number ?? '',
    issuedDate: date(row.issuedOn),
    dueDate: date(row.dueOn),
    total: formatMoney(row.totalIncTaxMinor ?? 0, row.currency, locale),
    balance: formatMoney(balanceMinor ?? 0, row.currency, locale),
    paymentDetails: doc.settings.paymentDetails ?? '',
    daysOverdue: typeof context.daysOverdue === 'number' ? String(context.daysOverdue) : '',
  };
}

function epochDayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
