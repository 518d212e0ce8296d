import type { components } from '@crewkit/sdk/openapi';
import { and, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import type { Config } from '../../config.js';
import { type Db, queryRows } from '../../db/index.js';
import {
  appointments,
  type MessageLanguage,
  type MessageSetting,
  type MessageType,
  messageLanguages,
  messageTemplates,
  messageTypes,
  type NotificationChannel,
  notificationSettings,
  notifications,
  organizations,
  users,
  visitRatings,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { Coalescer } from '../../lib/coalesce.js';
import { deriveKey } from '../../lib/crypto.js';
import { pgErrorCode, pgErrors } from '../../lib/db-errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor } from '../../lib/pagination.js';
import { pgTextArray } from '../../lib/pg-array.js';
import type { Logger } from '../../logger.js';
import type { Input } from '../../openapi/handlers.js';
import { DrainLoop } from '../../queue/drain-loop.js';
import type { JobQueue, QueueDefinition } from '../../queue/queue.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../scheduling/time.js';
import type { InvoicingService } from '../invoicing/invoices.js';
import { renderInvoicePdf } from '../invoicing/pdf.js';
import { visitCalendar } from './calendar.js';
import { InvoiceMessages } from './invoice-messages.js';
import { ratingLinkDays, signRatingToken, verifyRatingToken } from './rating-token.js';
import {
  checkTemplate,
  defaultTemplate,
  type Rendered,
  render,
  renderEmail,
  renderSms,
  type TemplateParts,
  variablesOf,
} from './templates.js';
import { parseClock, type QuietHours, reminderDueAt, sendTimeWithin, stillWorthSending } from './timing.js';
import {
  DeliveryError,
  type EmailTransport,
  httpSmsTransport,
  keepEmail,
  keepSms,
  type OutgoingEmail,
  type SmsTransport,
  smtpTransport,
} from './transports.js';
import {
  calendarIdentity,
  formatAddress,
  formatDate,
  formatTime,
  languageOfLocale,
  loadVisits,
  type Visit,
} from './visits.js';

type Schemas = components['schemas'];
type NotificationRow = typeof notifications.$inferSelect;
type ListQuery = Input<'listNotifications'>['query'];

/** A domain change, as the outbox hands it over (the events capability's DomainEvent). */
export interface NotifiableEvent {
  id: string;
  orgId: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

export const deliverQueue = 'notifications-deliver';
/** The sweep that queues overdue invoices' reminders (every quarter hour; any process may run it). */
export const invoiceRemindersQueue = 'invoice-reminders';
export const notificationQueues: QueueDefinition[] = [
  // One delivery run queued and one running at a time across all processes: a poke while one
  // waits collapses into it, and each run drains everything due.
  { name: deliverQueue, policy: 'stately', retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 600 },
  {
    name: invoiceRemindersQueue,
    policy: 'stately',
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 600,
  },
];

const reminders = ['reminder_24h', 'reminder_2h'] as const;
const withInvitation = new Set<MessageType>(['confirmation', 'reschedule', 'cancellation']);
const toTechnician = new Set<MessageType>(['technician_assigned']);
/** Attempts before a failing message is given up on; backoff between them (about a day in all). */
const maxAttempts = 8;
const backoffMs = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS];
/** Messages rendered and sent side by side before the delivery loop lets other work in. */
const renderSlice = 16;
/** How long a claimed message is a worker's before another may take it (the first died). */
const leaseMs = 2 * MINUTE_MS;

const defaultSetting: MessageSetting = { enabled: true, channels: ['email'] };

export interface DeliveryRun {
  sent: number;
  failed: number;
  skipped: number;
}

/**
 * Notifications: which messages a change causes, queued as rows of the delivery log in the same
 * transaction as the change, and delivered by workers that claim due rows. Email over SMTP and SMS
 * over an HTTP API, or — with neither configured — kept and shown instead of sent.
 */
export class NotificationService {
  readonly #db: Db;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #ratingKey: Buffer;
  readonly #publicUrl: () => string;
  readonly email: EmailTransport;
  readonly sms: SmsTransport;
  /** The invoices' own messages (issued, overdue); absent in a container without invoicing. */
  readonly invoices: InvoiceMessages | undefined;
  queue: JobQueue | undefined;

  constructor(options: {
    db: Db;
    config: Config;
    logger: Logger;
    now: () => number;
    /** Where customers reach this server (the rating link). */
    publicUrl: () => string;
    email?: EmailTransport;
    sms?: SmsTransport;
    /** Invoices to email when issued and to remind of when overdue, with their PDF. */
    invoicing?: InvoicingService;
    /** How a live delivery loop waits for a poke's company (injected in tests). */
    sleep?: (ms: number) => Promise<void>;
  }) {
    this.#db = options.db;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#publicUrl = options.publicUrl;
    this.#ratingKey = deriveKey(options.config.secret, 'visit-rating');
    this.email = options.email ?? (options.config.smtp ? smtpTransport(options.config.smtp) : keepEmail);
    this.invoices = options.invoicing
      ? new InvoiceMessages({ service: this, invoicing: options.invoicing, now: options.now })
      : undefined;
    this.sms =
      options.sms ??
      (options.config.sms
        ? httpSmsTransport(options.config.sms, { allowPrivate: options.config.allowPrivateUrls ?? false })
        : keepSms);
    this.#loop = new DrainLoop({
      queue: deliverQueue,
      drain: () => this.#deliverHandedOver(),
      logger: options.logger,
      failure: 'delivering notifications failed',
      // The dispatcher hands messages over after each pass, many a second under load: a tenth of a
      // second's wait sends those of several passes with one template read and one record
      // (statements, not waits, are what a busy server runs short of), and is nothing beside an
      // email's own delay.
      lingerMs: 100,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  readonly #loop: DrainLoop;
  /** Messages this process claimed as it queued them, until their transaction commits. */
  readonly #claimedBy = new WeakMap<readonly NotifiableEvent[], ClaimedMessage[]>();
  /** Claimed messages whose rows have committed: the delivery loop's next pass sends them. */
  readonly #handedOver: ClaimedMessage[] = [];

  /** Connects the delivery worker to the queue, and sweeps every minute for reminders and retries. */
  register(queue: JobQueue): void {
    this.queue = queue;
    queue.handle(deliverQueue, async () => {
      await this.deliverAll();
    });
    queue.boss
      .schedule(deliverQueue, '* * * * *', {}, { singletonKey: 'sweep' })
      .catch((error: unknown) =>
        this.#logger.error({ err: error }, 'could not schedule the notification sweep'),
      );
    const invoices = this.invoices;
    if (!invoices) return;
    queue.handle(invoiceRemindersQueue, async () => {
      await invoices.queueOverdueReminders(this.#db);
    });
    queue.boss
      .schedule(invoiceRemindersQueue, '*/15 * * * *', {}, { singletonKey: 'sweep' })
      .catch((error: unknown) =>
        this.#logger.error({ err: error }, 'could not schedule the invoice reminder sweep'),
      );
  }

  /**
   * The dispatcher's transaction that queued `events`' messages has committed (the outbox
   * consumer's `afterCommit`). While the delivery loop runs, the messages due at once were queued
   * already claimed by this process (attempt 1, under a lease, as `deliverDue` would claim them),
   * with the visits the dispatcher had just read: they go to the loop as they are, without a
   * statement to claim them or a query to read their visits again. Should this process die
   * first, the lease runs out and the minute's sweep (any process) delivers them.
   */
  committed(events: readonly NotifiableEvent[]): void {
    const claimed = this.#claimedBy.get(events);
    if (!claimed) return;
    this.#claimedBy.delete(events);
    this.#handedOver.push(...claimed);
    this.#loop.poke();
  }

  /** Whether messages due now are claimed as they are queued (while the delivery loop runs). */
  get claimsAsItQueues(): boolean {
    return this.#loop.live;
  }

  async #deliverHandedOver(): Promise<void> {
    while (this.#handedOver.length > 0) {
      const batch = this.#handedOver.splice(0, 500);
      const visits = new Map(batch.map(({ visit }) => [visit.id, visit]));
      await this.#deliverBatch(
        batch.map(({ row }) => row),
        this.#now(),
        visits,
      );
    }
  }

  /**
   * Delivers the messages due now on every poke from now on, as the dispatcher hands them over
   * (the server, not tests: they call `deliverDue`).
   */
  start(): Promise<void> {
    return this.#loop.start(undefined);
  }

  /**
   * Stops delivering on pokes, waits for a pass under way, and sends what was handed over since
   * (rather than leave it to the sweep once its lease ends).
   */
  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#deliverHandedOver();
  }

  /** Everything due, batch after batch, until a batch comes back short. */
  async deliverAll(batchSize = 100): Promise<DeliveryRun> {
    const total: DeliveryRun = { sent: 0, failed: 0, skipped: 0 };
    for (;;) {
      const run = await this.deliverDue(batchSize);
      total.sent += run.sent;
      total.failed += run.failed;
      total.skipped += run.skipped;
      // Short: nothing more was due, or the rest is another worker's (SKIP LOCKED).
      if (run.claimed < batchSize) return total;
    }
  }

  // Settings

  async getSettings(db: Db, orgId: string): Promise<Schemas['NotificationSettings']> {
    // One query: every booking's answer reads these (what its confirmation will be).
    const [org] = await db
      .select({ locale: organizations.locale, row: notificationSettings })
      .from(organizations)
      .leftJoin(notificationSettings, eq(notificationSettings.orgId, organizations.id))
      .where(eq(organizations.id, orgId));
    if (!org) throw new ApiError('not_found');
    const row = org.row;
    const messages = Object.fromEntries(
      messageTypes.map((type) => [type, row?.messages[type] ?? defaultSetting]),
    ) as Schemas['NotificationSettings']['messages'];
    return {
      messages,
      quietHours: row?.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
      language: row?.language ?? languageOfLocale(org.locale),
      updatedAt: row ? row.updatedAt.toISOString() : null,
    };
  }

  async updateSettings(db: Db, orgId: string, body: Schemas['NotificationSettingsUpdate']) {
    const current = await this.getSettings(db, orgId);
    const messages = { ...current.messages, ...body.messages };
    const quiet = body.quietHours === undefined ? current.quietHours : body.quietHours;
    if (quiet && quiet.start === quiet.end) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.quietHours', message: 'must start and end at different times' }],
      });
    }
    const values = {
      orgId,
      messages,
      quietStart: quiet?.start ?? null,
      quietEnd: quiet?.end ?? null,
      language: body.language ?? current.language,
      updatedAt: new Date(this.#now()),
    };
    await db
      .insert(notificationSettings)
      .values(values)
      .onConflictDoUpdate({ target: notificationSettings.orgId, set: values });
    return this.getSettings(db, orgId);
  }

  // Templates

  async listTemplates(db: Db, orgId: string): Promise<Schemas['MessageTemplate'][]> {
    const rows = await db.select().from(messageTemplates).where(eq(messageTemplates.orgId, orgId));
    const own = new Map(rows.map((row) => [`${row.type}:${row.language}`, row]));
    return messageTypes.flatMap((type) =>
      messageLanguages.map((language) => toTemplate(type, language, own.get(`${type}:${language}`))),
    );
  }

  async updateTemplate(
    db: Db,
    orgId: string,
    type: MessageType,
    language: MessageLanguage,
    body: Schemas['MessageTemplateUpdate'],
  ): Promise<Schemas['MessageTemplate']> {
    checkTemplate(type, body);
    const [org] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, orgId));
    if (!org) throw new ApiError('not_found');
    const fields = {
      ...(body.subject !== undefined ? { subject: body.subject } : {}),
      ...(body.html !== undefined ? { html: body.html } : {}),
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.sms !== undefined ? { sms: body.sms } : {}),
      updatedAt: new Date(this.#now()),
    };
    const [row] = await db
      .insert(messageTemplates)
      .values({ orgId, type, language, ...fields })
      .onConflictDoUpdate({
        target: [messageTemplates.orgId, messageTemplates.type, messageTemplates.language],
        set: fields,
      })
      .returning();
    return toTemplate(type, language, row);
  }

  /** A template as the organization would send it, rendered with a sample visit. */
  async previewTemplate(
    db: Db,
    orgId: string,
    type: MessageType,
    language: MessageLanguage,
    draft: Schemas['MessageTemplateUpdate'] | undefined,
  ): Promise<Rendered> {
    if (draft) checkTemplate(type, draft);
    const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw new ApiError('not_found');
    const parts = await this.#templateOf(db, orgId, type, language);
    const chosen: TemplateParts = {
      subject: draft?.subject ?? parts.subject,
      html: draft?.html ?? parts.html,
      text: draft?.text ?? parts.text,
      sms: draft?.sms ?? parts.sms,
    };
    const organization = { name: org.name, timeZone: org.timeZone, locale: org.locale };
    // Tomorrow at ten, local time: a sample that reads naturally in every message.
    const start = new Date(Math.ceil(this.#now() / DAY_MS) * DAY_MS + 10 * HOUR_MS);
    const variables: Record<string, string> = {
      customerName: 'Alex Sample',
      organizationName: org.name,
      serviceName: 'Boiler service',
      reference: 'BK-SAMPLE',
      date: formatDate(start, language, organization),
      time: formatTime(start, language, organization),
      technicianName: 'Sam Technician',
      address: '1 Sample Street, Sampletown',
      previousDate: formatDate(new Date(start.getTime() - DAY_MS), language, organization),
      previousTime: formatTime(new Date(start.getTime() - DAY_MS), language, organization),
      ratingUrl: `${this.#publicUrl()}/visit-rating/${orgId}?token=sample`,
      invoiceNumber: 'INV-000042',
      issuedDate: formatDate(new Date(this.#now()), language, organization),
      dueDate: formatDate(new Date(this.#now() + 14 * DAY_MS), language, organization),
      total: new Intl.NumberFormat(org.locale, { style: 'currency', currency: org.currency }).format(189.5),
      balance: new Intl.NumberFormat(org.locale, { style: 'currency', currency: org.currency }).format(89.5),
      paymentDetails: 'IBAN DE00 0000 0000 0000 0000 00',
      daysOverdue: '7',
      endpointUrl: 'https://hooks.example.com/crewkit',
      reason: 'Every delivery failed for 5 days.',
      disabledAt: `${formatDate(start, language, organization)}, ${formatTime(start, language, organization)}`,
    };
    return render(chosen, variables, { organizationName: org.name, language });
  }

  /** The organization's wording of a message, Crewkit's where it left a part unset. */
  templateOf(db: Db, orgId: string, type: MessageType, language: MessageLanguage): Promise<TemplateParts> {
    return this.#templateOf(db, orgId, type, language);
  }

  async #templateOf(
    db: Db,
    orgId: string,
    type: MessageType,
    language: MessageLanguage,
  ): Promise<TemplateParts> {
    const [own] = await db
      .select()
      .from(messageTemplates)
      .where(
        and(
          eq(messageTemplates.orgId, orgId),
          eq(messageTemplates.type, type),
          eq(messageTemplates.language, language),
        ),
      );
    return withDefaults(type, language, own);
  }

  // The delivery log

  async list(db: Db, orgId: string, query: ListQuery): Promise<NotificationRow[]> {
    const before = decodeCursor(query.cursor);
    return db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.orgId, orgId),
          before ? lt(notifications.id, before) : undefined,
          query.status ? eq(notifications.status, query.status) : undefined,
          query.type ? eq(notifications.type, query.type) : undefined,
          query.appointmentId ? eq(notifications.appointmentId, query.appointmentId) : undefined,
          query.invoiceId ? eq(notifications.invoiceId, query.invoiceId) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(query.limit + 1);
  }

  /**
   * Messages kept instead of sent (no SMTP server or SMS provider configured), newest first, with
   * what they said: the demo mailbox. One organization's only.
   */
  async kept(db: Db, orgId: string, limit = 100): Promise<NotificationRow[]> {
    return db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, orgId), eq(notifications.delivery, 'kept')))
      .orderBy(desc(notifications.id))
      .limit(limit);
  }

  /** A copy of a message, as it was rendered, queued to go now. */
  async resend(db: Db, orgId: string, notificationId: string): Promise<NotificationRow> {
    const [original] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, orgId), eq(notifications.id, notificationId)));
    if (!original) throw new ApiError('not_found', { detail: 'No such notification.' });
    if (original.status === 'queued') {
      throw new ApiError('conflict', {
        detail: 'The message is still queued; it will be sent without a resend.',
      });
    }
    // A copy goes as the original was rendered; one skipped before it was (a reminder whose
    // time had passed, no address) has nothing to copy — and its wording would be out of date.
    if (original.bodyText === null) {
      throw new ApiError('conflict', {
        detail: `The message was skipped before it was written (${original.reason ?? 'skipped'}): there is nothing to send again.`,
      });
    }
    const now = this.#now();
    const id = newId(now);
    const [copy] = await db
      .insert(notifications)
      .values({
        ...original,
        id,
        dedupeKey: `resend:${id}`,
        status: 'queued',
        reason: null,
        attempts: 0,
        dueAt: new Date(now),
        nextAttemptAt: new Date(now),
        sentAt: null,
        delivery: null,
        providerMessageId: null,
        resendOf: original.id,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    await this.#poke(db);
    return copy!;
  }

  // From changes to messages

  /**
   * The messages domain events cause, queued in the caller's transaction (the dispatcher's, which
   * marks the events dispatched). Idempotent: each row's dedupe key is the event, the message type,
   * the channel and the recipient (a reminder's, the appointment), so events handed over twice after
   * a crash queue nothing more. A batch costs a few statements, not a few per event.
   */
  async queueForEvents(db: Db, events: NotifiableEvent[]): Promise<number> {
    const byOrg = new Map<string, NotifiableEvent[]>();
    for (const event of events) {
      if (!event.type.startsWith('appointment.')) continue;
      byOrg.set(event.orgId, [...(byOrg.get(event.orgId) ?? []), event]);
    }
    let queued = (await this.invoices?.queueForEvents(db, events)) ?? 0;
    for (const [orgId, orgEvents] of byOrg) {
      const visits = await loadVisits(
        db,
        orgId,
        orgEvents.map((event) => event.subject),
      );
      // A reschedule's other half: the visit it moved from (or to).
      const neighbours = orgEvents
        .filter((event) => event.type === 'appointment.rescheduled')
        .flatMap((event) => {
          const visit = visits.get(event.subject);
          return [visit?.rescheduledFromId, visit?.rescheduledToId];
        })
        .filter((id): id is string => typeof id === 'string' && !visits.has(id));
      for (const [id, visit] of await loadVisits(db, orgId, neighbours)) visits.set(id, visit);
      const plan = new Plan(this, db, await this.getSettings(db, orgId), this.#now(), this.claimsAsItQueues);
      for (const event of orgEvents) this.#plan(plan, event, visits);
      queued += await plan.flush();
      if (plan.claimed.length > 0) {
        const claimed = this.#claimedBy.get(events) ?? [];
        claimed.push(...plan.claimed);
        this.#claimedBy.set(events, claimed);
      }
    }
    // A running delivery loop was handed the messages due now (`committed`, once this transaction
    // commits). Without one, a queue job wakes whichever process's worker comes first.
    if (queued > 0 && !this.claimsAsItQueues) await this.#poke(db);
    return queued;
  }

  /**
   * The confirmation a new booking will get, for its answer: the plan the outbox consumer makes
   * from the booking's `appointment.created` (the same code, `Plan.message`: settings, the
   * customer's channels, missing addresses, quiet hours), made now and not written. Recipients are masked: an answer
   * is not the place for a whole email address or phone number.
   */
  async confirmationOf(db: Db, orgId: string, appointmentId: string): Promise<PromisedMessage[]> {
    // Bookings on the shared handle finish a group-commit batch at a time: their answers are read
    // together (two queries per organization between them, not two per booking).
    if (db === this.#db) return this.#confirmations.load({ orgId, appointmentId });
    return (await this.#confirmationsOf(db, [{ orgId, appointmentId }]))[0]!;
  }

  readonly #confirmations = new Coalescer<{ orgId: string; appointmentId: string }, PromisedMessage[]>(
    (keys) => this.#confirmationsOf(this.#db, keys),
  );

  async #confirmationsOf(
    db: Db,
    keys: Array<{ orgId: string; appointmentId: string }>,
  ): Promise<PromisedMessage[][]> {
    const orgIds = [...new Set(keys.map((key) => key.orgId))];
    const plans = new Map(
      await Promise.all(
        orgIds.map(async (orgId) => {
          const ids = keys.filter((key) => key.orgId === orgId).map((key) => key.appointmentId);
          const [visits, settings] = await Promise.all([
            loadVisits(db, orgId, ids),
            this.getSettings(db, orgId),
          ]);
          return [orgId, { visits, settings }] as const;
        }),
      ),
    );
    const now = this.#now();
    return keys.map(({ orgId, appointmentId }) => {
      const { visits, settings } = plans.get(orgId)!;
      const visit = visits.get(appointmentId);
      if (!visit) return [];
      const plan = new Plan(this, db, settings, now, false);
      plan.event = {
        id: appointmentId,
        orgId,
        type: 'appointment.created',
        subject: appointmentId,
        data: {},
      };
      // What `appointment.created` queues for a new booking's customer (#plan), without the
      // technician's message and the reminders, which the answer does not mention.
      plan.message('confirmation', visit);
      return plan
        .planned()
        .filter(
          (row) => row.type === 'confirmation' && row.recipientKind === 'customer' && row.status === 'queued',
        )
        .map((row) => ({
          channel: row.channel,
          type: 'confirmation' as const,
          recipient: row.recipient,
          to: maskRecipient(row.channel, row.recipient),
        }));
    });
  }

  queueForEvent(db: Db, event: NotifiableEvent): Promise<number> {
    return this.queueForEvents(db, [event]);
  }

  #plan(plan: Plan, event: NotifiableEvent, visits: Map<string, Visit>): void {
    const visit = visits.get(event.subject);
    if (!visit) return;
    plan.event = event;
    switch (event.type) {
      case 'appointment.created': {
        // An imported visit was agreed elsewhere (history, an ERP's plan): confirming it as a new
        // booking would puzzle the customer. Upcoming ones still get their reminders.
        const imported = (event.data.assignment as { reason?: string } | undefined)?.reason === 'imported';
        // A reschedule's new appointment is announced by the reschedule, not as a new booking.
        if (!visit.rescheduledFromId && !imported) {
          plan.message('confirmation', visit);
          plan.message('technician_assigned', visit);
        }
        if (!imported || visit.status === 'requested' || visit.status === 'scheduled') plan.reminders(visit);
        break;
      }
      case 'appointment.rescheduled': {
        const [from, to] = visit.rescheduledToId
          ? [visit, visits.get(visit.rescheduledToId)]
          : [visit.rescheduledFromId ? visits.get(visit.rescheduledFromId) : undefined, visit];
        if (!to) break;
        if (from) plan.withdrawReminders(from.id, 'the visit was rescheduled');
        plan.message('reschedule', to, from ? { previousStart: from.startsAt.toISOString() } : {});
        if (from && from.technician.id !== to.technician.id) plan.message('technician_assigned', to);
        plan.reminders(to);
        break;
      }
      case 'appointment.cancelled':
        this.#cancelled(plan, visit);
        break;
      case 'appointment.status_changed': {
        // The status the event recorded, not the one now: a visit already completed when this
        // is dispatched still had its "on my way".
        const status = typeof event.data.status === 'string' ? event.data.status : visit.status;
        if (status === 'en_route') plan.message('on_my_way', visit);
        else if (status === 'completed') plan.message('completion', visit);
        else if (status === 'cancelled') this.#cancelled(plan, visit);
        else if (status === 'no_show' || status === 'in_progress')
          plan.withdrawReminders(visit.id, `the visit is ${status.replace('_', ' ')}`);
        break;
      }
      case 'appointment.technician_assigned':
        plan.message('technician_assigned', visit);
        break;
    }
  }

  #cancelled(plan: Plan, visit: Visit) {
    plan.withdrawReminders(visit.id, 'the visit was cancelled');
    // The old half of a reschedule is cancelled too; the reschedule message tells the customer.
    if (!visit.rescheduledToId) plan.message('cancellation', visit);
  }

  /**
   * Tells the organization's owners and admins that a webhook endpoint was switched off, queued in
   * the caller's transaction (the one that switched it off) and rendered now, in the organization's
   * language: there is no visit to render it from later. Once per endpoint and switch-off: the
   * dedupe key is both, so a pass retried after a crash queues nothing more.
   */
  async queueEndpointDisabled(
    db: Db,
    endpoint: { id: string; orgId: string; url: string; reason: string; disabledAt: Date },
  ): Promise<number> {
    const type = 'webhook_endpoint_disabled' as const;
    const settings = await this.getSettings(db, endpoint.orgId);
    const setting = settings.messages[type];
    if (!setting.enabled || !setting.channels.includes('email')) return 0;
    const [org] = await db.select().from(organizations).where(eq(organizations.id, endpoint.orgId));
    if (!org) return 0;
    const staff = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.orgId, endpoint.orgId), inArray(users.role, ['owner', 'admin'])));
    if (staff.length === 0) return 0;
    const language = settings.language;
    const organization = { name: org.name, timeZone: org.timeZone, locale: org.locale };
    const rendered = render(
      await this.#templateOf(db, endpoint.orgId, type, language),
      {
        organizationName: org.name,
        endpointUrl: endpoint.url,
        reason: endpoint.reason,
        disabledAt: `${formatDate(endpoint.disabledAt, language, organization)}, ${formatTime(endpoint.disabledAt, language, organization)}`,
      },
      { organizationName: org.name, language },
    );
    const now = this.#now();
    const inserted = await db
      .insert(notifications)
      .values(
        staff.map((user) => ({
          id: newId(now),
          orgId: endpoint.orgId,
          type,
          channel: 'email' as const,
          recipientKind: 'staff' as const,
          recipient: user.email,
          language,
          dedupeKey: `${type}:${endpoint.id}:${endpoint.disabledAt.toISOString()}:email:${user.id}`,
          context: { webhookEndpointId: endpoint.id },
          status: 'queued' as const,
          subject: rendered.subject,
          bodyText: rendered.text,
          bodyHtml: rendered.html,
          dueAt: new Date(now),
          nextAttemptAt: new Date(now),
          createdAt: new Date(now),
          updatedAt: new Date(now),
        })),
      )
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (inserted.length > 0) await this.#poke(db);
    return inserted.length;
  }

  /** Wakes a delivery worker, in the caller's transaction: it runs once the messages are visible. */
  wake(db: Db): Promise<void> {
    return this.#poke(db);
  }

  async #poke(db: Db) {
    if (!this.queue) return;
    await this.queue.send(
      deliverQueue,
      {},
      {
        singletonKey: 'deliver',
        db: fromDrizzle(db as unknown as Parameters<typeof fromDrizzle>[0], sql),
      },
    );
  }

  // Delivery

  /**
   * Claims due messages (SKIP LOCKED: several workers share them) and sends each. The claim is
   * committed before sending and lasts a lease: a worker that dies mid-send leaves its messages to
   * be taken again when the lease ends, so nothing is lost; a message is marked sent only after the
   * provider accepted it. The one unavoidable window — the provider accepted, the worker died before
   * recording it — sends a second copy with the same Message-ID, which mail systems drop.
   */
  async deliverDue(limit = 50): Promise<DeliveryRun & { claimed: number }> {
    const now = this.#now();
    const due = this.#db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          lte(notifications.nextAttemptAt, new Date(now)),
          inArray(notifications.status, ['queued', 'failed']),
        ),
      )
      .orderBy(notifications.nextAttemptAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    const claimed = await this.#db
      .update(notifications)
      .set({
        nextAttemptAt: new Date(now + leaseMs),
        attempts: sql`${notifications.attempts} + 1`,
        updatedAt: new Date(now),
      })
      .where(inArray(notifications.id, due))
      .returning();
    // The messages' visits, read once for the batch rather than once per message.
    const visits = new Map<string, Visit>();
    for (const orgId of new Set(claimed.map((row) => row.orgId))) {
      const ofOrg = claimed.filter(
        (row) => row.orgId === orgId && row.appointmentId && row.resendOf === null,
      );
      const loaded = await loadVisits(
        this.#db,
        orgId,
        ofOrg.map((row) => row.appointmentId!),
      );
      for (const [id, visit] of loaded) visits.set(id, visit);
    }
    return { claimed: claimed.length, ...(await this.#deliverBatch(claimed, now, visits)) };
  }

  /** Sends claimed messages (their templates read once per organization) and records the outcomes. */
  async #deliverBatch(
    rows: NotificationRow[],
    now: number,
    visits: Map<string, Visit>,
  ): Promise<DeliveryRun> {
    const run: DeliveryRun = { sent: 0, failed: 0, skipped: 0 };
    const templates = new Map<string, OwnTemplates>();
    for (const orgId of new Set(rows.map((row) => row.orgId))) {
      templates.set(orgId, await ownTemplates(this.#db, orgId));
    }
    const outcomes: Array<Outcome & { id: string; attempts: number }> = [];
    // A slice at a time, letting the event loop in between: rendering is synchronous, and a batch
    // rendered in one go (kept messages resolve at once) held up the requests waiting behind it.
    for (let i = 0; i < rows.length; i += renderSlice) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all(
        rows.slice(i, i + renderSlice).map(async (row) => {
          const outcome = await this.#deliver(row, now, visits, templates, outcomes);
          run[outcome] += 1;
        }),
      );
    }
    await this.#record(outcomes);
    return run;
  }

  /**
   * Writes a batch's outcomes in one statement. Only while each claim is still ours (the attempt
   * count is the claim's): a worker that outlived its lease must not undo another's retry.
   */
  async #record(outcomes: Array<Outcome & { id: string; attempts: number }>) {
    if (outcomes.length === 0) return;
    const at = new Date(this.#now()).toISOString();
    // A column per parameter (array literals), not the rows as JSON, which PostgreSQL parsed three
    // times slower (lib/pg-array.ts). The rendered bodies, most of the bytes, go a parameter each
    // (`array[$1, $2, …]`): sent as they are, with nothing to escape here or to parse there.
    const column = (pick: (o: (typeof outcomes)[number]) => string | number | null | undefined) =>
      pgTextArray(outcomes.map(pick));
    const texts = (pick: (o: (typeof outcomes)[number]) => string | null | undefined) =>
      sql`array[${sql.join(
        outcomes.map((o) => sql`${pick(o) ?? null}`),
        sql`, `,
      )}]::text[]`;
    await this.#db.execute(sql`
      update notifications as n set
        status = v.status, reason = v.reason, next_attempt_at = v.next_attempt_at,
        sent_at = coalesce(v.sent_at, n.sent_at), delivery = coalesce(v.delivery, n.delivery),
        provider_message_id = coalesce(v.provider_message_id, n.provider_message_id),
        subject = coalesce(v.subject, n.subject), body_text = coalesce(v.body_text, n.body_text),
        body_html = coalesce(v.body_html, n.body_html), ics = coalesce(v.ics, n.ics),
        updated_at = ${at}::timestamptz
      from unnest(
        ${column((o) => o.id)}::uuid[], ${column((o) => o.attempts)}::int[],
        ${column((o) => o.status)}::text[], ${column((o) => o.reason)}::text[],
        ${column((o) => o.nextAttemptAt?.toISOString())}::timestamptz[],
        ${column((o) => o.sentAt?.toISOString())}::timestamptz[], ${column((o) => o.delivery)}::text[],
        ${column((o) => o.providerMessageId)}::text[], ${texts((o) => o.subject)},
        ${texts((o) => o.bodyText)}, ${texts((o) => o.bodyHtml)}, ${texts((o) => o.ics)}
      ) as v(id, attempts, status, reason, next_attempt_at, sent_at, delivery, provider_message_id,
             subject, body_text, body_html, ics)
      where n.id = v.id and n.attempts = v.attempts`);
  }

  async #deliver(
    row: NotificationRow,
    now: number,
    visits: Map<string, Visit>,
    templates: Map<string, OwnTemplates>,
    outcomes: Array<Outcome & { id: string; attempts: number }>,
  ): Promise<keyof DeliveryRun> {
    const finish = async (set: Outcome) => {
      outcomes.push({ id: row.id, attempts: row.attempts, ...set });
    };
    const skip = async (reason: string) => {
      await finish({ status: 'skipped', reason, nextAttemptAt: null });
      return 'skipped' as const;
    };
    let content: Pick<NotificationRow, 'subject' | 'bodyText' | 'bodyHtml' | 'ics'> = row;
    if (row.appointmentId && row.resendOf === null) {
      const visit = visits.get(row.appointmentId);
      if (!visit) return skip('the appointment no longer exists');
      const stale = staleness(row, visit, now);
      if (stale) return skip(stale);
      if (row.bodyText === null) {
        content = await this.render(row, visit, templateFor(row, templates.get(row.orgId)));
      }
    } else if (row.bodyText === null) {
      // Visit messages are rendered when sent; one without its visit (deleted, the link set to
      // null) has nothing to say.
      return skip('the appointment no longer exists');
    }
    let attachments: OutgoingEmail['attachments'];
    if (row.invoiceId && this.invoices) {
      if (row.type === 'invoice_overdue' && row.resendOf === null) {
        const stale =
          now - row.dueAt.getTime() > stillWorthSending(row.type)
            ? `too late: it was due at ${row.dueAt.toISOString()} and could not be sent in time`
            : await this.invoices.staleness(row.orgId, row.invoiceId, this.#db);
        if (stale) return skip(stale);
      }
      if (row.channel === 'email') {
        try {
          const { pdf, fileName } = await renderInvoicePdf(
            this.#db,
            this.invoices.invoicing,
            row.orgId,
            row.invoiceId,
          );
          attachments = [{ filename: fileName, content: pdf, contentType: 'application/pdf' }];
        } catch (error) {
          if (error instanceof ApiError && error.code === 'not_found')
            return skip('the invoice no longer exists');
          throw error;
        }
      }
    } else if (row.type === 'invoice_issued' || row.type === 'invoice_overdue') {
      return skip('the invoice no longer exists');
    }
    try {
      const result =
        row.channel === 'email'
          ? await this.email.send({
              messageId: `<${row.id}@crewkit>`,
              from: this.#config.mailFrom ?? 'Crewkit <no-reply@crewkit.invalid>',
              to: row.recipient,
              subject: content.subject ?? '',
              text: content.bodyText ?? '',
              html: content.bodyHtml ?? '',
              calendar: content.ics ? { method: icsMethod(content.ics), content: content.ics } : undefined,
              attachments,
            })
          : await this.sms.send({ to: row.recipient, body: content.bodyText ?? '' });
      await finish({
        ...content,
        status: 'sent',
        reason: null,
        nextAttemptAt: null,
        sentAt: new Date(this.#now()),
        delivery: row.channel === 'email' ? this.email.delivery : this.sms.delivery,
        providerMessageId: result.providerMessageId,
      });
      return 'sent';
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
      if (!(error instanceof DeliveryError)) {
        this.#logger.warn({ err: error, notificationId: row.id }, 'notification delivery failed');
      }
      const retry = !failure.permanent && row.attempts < maxAttempts;
      await finish({
        ...content,
        status: failure.permanent ? 'bounced' : 'failed',
        reason: retry ? failure.message : `${failure.message} (gave up after ${row.attempts} attempts)`,
        nextAttemptAt: retry
          ? new Date(this.#now() + backoffMs[Math.min(row.attempts - 1, backoffMs.length - 1)]!)
          : null,
      });
      return 'failed';
    }
  }

  /**
   * @internal A visit message's subject, bodies and invitation, from its template and its visit.
   * `db`: where to read the visit's reschedule chain — the dispatcher's transaction when it renders
   * (PGlite has one connection: a read outside the open transaction would wait for it forever).
   */
  async render(row: NotificationRow, visit: Visit, parts: TemplateParts, db: Db = this.#db) {
    const language = row.language;
    const org = visit.organization;
    const previous =
      typeof row.context.previousStart === 'string' ? new Date(row.context.previousStart) : null;
    const variables: Record<string, string> = {
      customerName: visit.customer.name,
      organizationName: org.name,
      serviceName: visit.serviceName,
      reference: visit.reference,
      date: formatDate(visit.startsAt, language, org),
      time: formatTime(visit.startsAt, language, org),
      technicianName: visit.technician.name,
      address: formatAddress(visit.customer.address),
      previousDate: previous ? formatDate(previous, language, org) : '',
      previousTime: previous ? formatTime(previous, language, org) : '',
      ratingUrl:
        row.type === 'completion'
          ? `${this.#publicUrl()}/visit-rating/${row.orgId}?token=${signRatingToken(this.#ratingKey, {
              orgId: row.orgId,
              appointmentId: visit.id,
              expiresAt: this.#now() + ratingLinkDays * DAY_MS,
            })}`
          : '',
    };
    if (row.channel === 'sms')
      return { subject: null, bodyText: renderSms(parts, variables), bodyHtml: null, ics: null };
    const rendered = renderEmail(parts, variables, { organizationName: org.name, language });
    let ics: string | null = null;
    if (withInvitation.has(row.type)) {
      const identity = await calendarIdentity(db, visit);
      const cancelled = row.type === 'cancellation';
      ics = visitCalendar({
        uid: identity.uid,
        // A cancellation is one more change to the visit than the version it withdraws.
        sequence: identity.moves + (cancelled ? 1 : 0),
        method: cancelled ? 'CANCEL' : 'REQUEST',
        start: visit.startsAt,
        end: visit.endsAt,
        summary: `${visit.serviceName} — ${org.name}`,
        description: `${visit.reference}\n${visit.technician.name}`,
        location: formatAddress(visit.customer.address) || null,
        organizer: { name: org.name, email: addressOf(this.#config.mailFrom) },
        attendee: visit.customer.email
          ? { name: visit.customer.name, email: visit.customer.email }
          : undefined,
        stamp: new Date(this.#now()),
      });
    }
    return { subject: rendered.subject, bodyText: rendered.text, bodyHtml: rendered.html, ics };
  }

  // The customer's rating

  async submitRating(db: Db, orgId: string, body: Schemas['VisitRatingCreate']) {
    const claim = verifyRatingToken(this.#ratingKey, body.token, orgId, this.#now());
    if (!claim) throw new ApiError('not_found', { detail: 'This rating link is not valid or has expired.' });
    return db.transaction(async (tx) => {
      const [appointment] = await tx
        .select({ id: appointments.id, status: appointments.status })
        .from(appointments)
        .where(and(eq(appointments.orgId, orgId), eq(appointments.id, claim.appointmentId)));
      if (!appointment)
        throw new ApiError('not_found', { detail: 'This rating link is not valid or has expired.' });
      let row: typeof visitRatings.$inferSelect | undefined;
      try {
        [row] = await tx
          .insert(visitRatings)
          .values({
            appointmentId: appointment.id,
            orgId,
            rating: body.rating,
            comment: body.comment ?? null,
            createdAt: new Date(this.#now()),
          })
          .returning();
      } catch (error) {
        if (pgErrorCode(error) === pgErrors.uniqueViolation) {
          throw new ApiError('conflict', { detail: 'This visit has been rated already; thank you.' });
        }
        throw error;
      }
      // Where staff-entered feedback lives, so it shows in the service history like theirs; a
      // rating staff recorded is theirs to keep.
      await tx
        .update(appointments)
        .set({ rating: body.rating, feedback: body.comment ?? null, updatedAt: sql`now()` })
        .where(and(eq(appointments.id, appointment.id), sql`${appointments.rating} is null`));
      return row!;
    });
  }

  close() {
    this.email.close();
  }

  /** @internal Whether a channel's messages are kept and shown rather than sent (no provider configured). */
  keeps(channel: NotificationChannel): boolean {
    return (channel === 'email' ? this.email : this.sms).delivery === 'kept';
  }

  /**
   * @internal Plan's. Messages due now on a channel that keeps rather than sends, rendered as the
   * delivery loop would render them (the organization's templates, read once): keeping a message
   * is writing it, so the dispatcher writes these once, done, instead of queuing them for the loop
   * to render and then record — there is no provider to hand them to and no send to lose. One that
   * is not current or will not render comes back undefined and goes the usual way (the loop
   * renders it again, and records why it could not).
   */
  async renderKept(
    db: Db,
    orgId: string,
    messages: ReadonlyArray<{ row: NotificationRow; visit: Visit }>,
    now: number,
  ): Promise<Array<Awaited<ReturnType<NotificationService['render']>> | undefined>> {
    const templates = await ownTemplates(db, orgId);
    const contents: Array<Awaited<ReturnType<NotificationService['render']>> | undefined> = [];
    for (let i = 0; i < messages.length; i++) {
      // Rendering is synchronous: a slice at a time, as the delivery loop does.
      if (i > 0 && i % renderSlice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const { row, visit } = messages[i]!;
      if (staleness(row, visit, now)) {
        contents.push(undefined);
        continue;
      }
      try {
        contents.push(await this.render(row, visit, templateFor(row, templates), db));
      } catch (error) {
        this.#logger.warn({ err: error, notificationId: row.id }, 'rendering a kept message failed');
        contents.push(undefined);
      }
    }
    return contents;
  }

  /** @internal Plan's way to the settings it needs. */
  quietHoursOf(settings: Schemas['NotificationSettings']): QuietHours | null {
    return settings.quietHours
      ? { start: parseClock(settings.quietHours.start), end: parseClock(settings.quietHours.end) }
      : null;
  }
}

/**
 * A batch of events' messages being queued: rows collected, then written in one statement, then the
 * reminders that were withdrawn (after: a visit booked and cancelled in one batch loses both).
 */
class Plan {
  event!: NotifiableEvent;
  readonly #rows: Array<typeof notifications.$inferInsert> = [];
  /** Each row's visit (the rows' order). */
  readonly #visits: Visit[] = [];
  /** After `flush`: the messages due now that it inserted claimed (when asked to claim). */
  readonly claimed: ClaimedMessage[] = [];
  readonly #withdrawals: Array<{ appointmentId: string; reason: string }> = [];
  readonly #quiet: QuietHours | null;

  constructor(
    readonly service: NotificationService,
    readonly db: Db,
    readonly settings: Schemas['NotificationSettings'],
    readonly now: number,
    /** Whether messages due now are inserted claimed by this process (`committed` hands them over). */
    readonly claim: boolean,
  ) {
    this.#quiet = service.quietHoursOf(settings);
  }

  message(type: MessageType, visit: Visit, context: Record<string, unknown> = {}) {
    this.#queue(type, visit, this.now, `${this.event.id}:${type}`, context);
  }

  reminders(visit: Visit) {
    for (const type of reminders) {
      const due = reminderDueAt(type, visit.organization.timeZone, visit.startsAt.getTime());
      this.#queue(type, visit, due, `${visit.id}:${type}`, {});
    }
  }

  withdrawReminders(appointmentId: string, reason: string) {
    this.#withdrawals.push({ appointmentId, reason });
  }

  /** The rows this plan would write, as they stand. */
  planned(): ReadonlyArray<typeof notifications.$inferInsert> {
    return this.#rows;
  }

  /** Writes the batch; returns how many messages were newly queued to be sent. */
  async flush(): Promise<number> {
    let queued = 0;
    // One statement per 2,000 rows, a column per parameter (array literals, as #record writes its
    // outcomes): drizzle building a 500-row insert was a tenth of a busy server's CPU. A row
    // already there (an event handed out again, a reminder already queued) is left as it is.
    const iso = (at: Date | string | null | undefined) => (at ? new Date(at).toISOString() : null);
    const claimNow = (r: typeof notifications.$inferInsert) =>
      this.claim &&
      r.status === 'queued' &&
      r.nextAttemptAt != null &&
      new Date(r.nextAttemptAt).getTime() <= this.now;
    const lease = new Date(this.now + leaseMs);
    const made = new Date(this.now).toISOString();
    // Due now on a channel that keeps rather than sends: rendered here and written done, once.
    const kept = new Map<number, Awaited<ReturnType<NotificationService['render']>>>();
    const keepable = this.claim
      ? this.#rows.flatMap((r, i) => (claimNow(r) && this.service.keeps(r.channel) ? [i] : []))
      : [];
    if (keepable.length > 0) {
      const contents = await this.service.renderKept(
        this.db,
        this.#rows[keepable[0]!]!.orgId,
        keepable.map((i) => ({ row: claimedRow(this.#rows[i]!, lease), visit: this.#visits[i]! })),
        this.now,
      );
      keepable.forEach((i, k) => {
        const content = contents[k];
        if (content) kept.set(i, content);
      });
    }
    for (let i = 0; i < this.#rows.length; i += 2000) {
      const chunk = this.#rows.slice(i, i + 2000);
      const column = (pick: (r: (typeof chunk)[number], k: number) => string | number | null | undefined) =>
        pgTextArray(chunk.map(pick));
      const keptOf = (k: number) => kept.get(i + k);
      const inserted = await queryRows<{ id: string; status: string; attempts: number }>(
        this.db,
        // One organization's rows, in its language, all made now: those go once, not once a row.
        sql`insert into notifications (id, org_id, type, channel, recipient_kind, recipient, language,
              appointment_id, event_id, dedupe_key, context, status, reason, due_at, attempts,
              next_attempt_at, sent_at, delivery, subject, body_text, body_html, ics, created_at, updated_at)
            select v.id, ${chunk[0]!.orgId}::uuid, v.type, v.channel, v.recipient_kind, v.recipient,
                   ${this.settings.language}, v.appointment_id, v.event_id, v.dedupe_key, v.context,
                   v.status, v.reason, v.due_at, v.attempts, v.next_attempt_at, v.sent_at, v.delivery,
                   v.subject, v.body_text, v.body_html, v.ics, ${made}::timestamptz, ${made}::timestamptz
              from unnest(
              ${column((r) => r.id)}::uuid[], ${column((r) => r.type)}::text[],
              ${column((r) => r.channel)}::text[], ${column((r) => r.recipientKind)}::text[],
              ${column((r) => r.recipient)}::text[],
              ${column((r) => r.appointmentId)}::uuid[], ${column((r) => r.eventId)}::text[],
              ${column((r) => r.dedupeKey)}::text[], ${column((r) => JSON.stringify(r.context ?? {}))}::jsonb[],
              ${column((r, k) => (keptOf(k) ? 'sent' : r.status))}::text[], ${column((r) => r.reason)}::text[],
              ${column((r) => iso(r.dueAt))}::timestamptz[],
              -- Claimed as deliverDue claims: the first attempt, under a lease. Kept: done.
              ${column((r) => (claimNow(r) ? 1 : 0))}::int[],
              ${column((r, k) => (keptOf(k) ? null : claimNow(r) ? lease.toISOString() : iso(r.nextAttemptAt)))}::timestamptz[],
              ${column((_, k) => (keptOf(k) ? made : null))}::timestamptz[],
              ${column((_, k) => (keptOf(k) ? 'kept' : null))}::text[],
              -- The rendered bodies as array literals too: a parameter per body, as #record sends
              -- them, made drizzle build a statement of thousands of parts (a tenth of the work).
              ${column((_, k) => keptOf(k)?.subject)}::text[], ${column((_, k) => keptOf(k)?.bodyText)}::text[],
              ${column((_, k) => keptOf(k)?.bodyHtml)}::text[], ${column((_, k) => keptOf(k)?.ics)}::text[]
            ) as v(id, type, channel, recipient_kind, recipient, appointment_id, event_id, dedupe_key,
                   context, status, reason, due_at, attempts, next_attempt_at, sent_at, delivery,
                   subject, body_text, body_html, ics)
            on conflict do nothing
            returning id, status, attempts`,
      );
      queued += inserted.filter((row) => row.status === 'queued').length;
      // Only rows this statement inserted come back: one already there (an event handed out
      // again) is not claimed twice. One written kept is done with.
      const fresh = new Set(
        inserted.filter((row) => row.status === 'queued' && Number(row.attempts) === 1).map((row) => row.id),
      );
      chunk.forEach((r, k) => {
        if (!fresh.has(r.id!)) return;
        this.claimed.push({ row: claimedRow(r, lease), visit: this.#visits[i + k]! });
      });
    }
    for (const { appointmentId, reason } of this.#withdrawals) {
      await this.db
        .update(notifications)
        .set({ status: 'skipped', reason, nextAttemptAt: null, updatedAt: new Date(this.now) })
        .where(
          and(
            eq(notifications.appointmentId, appointmentId),
            inArray(notifications.type, [...reminders]),
            eq(notifications.status, 'queued'),
          ),
        );
    }
    return queued;
  }

  #queue(type: MessageType, visit: Visit, due: number, key: string, context: Record<string, unknown>) {
    const setting = this.settings.messages[type];
    if (!setting.enabled) return;
    const technician = toTechnician.has(type);
    for (const channel of setting.channels) {
      const person = technician ? visit.technician : visit.customer;
      const address = channel === 'email' ? person.email : person.phone;
      let status: 'queued' | 'skipped' = 'queued';
      let reason: string | null = null;
      let sendAt: number | null = due;
      if (!technician && visit.customer.channels.length > 0 && !visit.customer.channels.includes(channel)) {
        status = 'skipped';
        reason = `the customer prefers ${visit.customer.channels.join(', ')}`;
      } else if (!address) {
        status = 'skipped';
        reason = channel === 'email' ? 'no email address' : 'no phone number';
      } else if (reminders.includes(type as (typeof reminders)[number]) && due <= this.now) {
        status = 'skipped';
        reason = 'booked after the reminder’s time';
      } else {
        sendAt = sendTimeWithin(
          type,
          Math.max(due, this.now),
          this.now,
          visit.organization.timeZone,
          this.#quiet,
          visit.startsAt.getTime(),
        );
        if (sendAt === null) {
          status = 'skipped';
          reason = 'quiet hours leave no time before the visit';
        }
      }
      this.#visits.push(visit);
      this.#rows.push({
        id: newId(this.now),
        orgId: visit.orgId,
        type,
        channel: channel as NotificationChannel,
        recipientKind: technician ? 'technician' : 'customer',
        recipient: address ?? '',
        language: this.settings.language,
        appointmentId: visit.id,
        eventId: this.event.id,
        dedupeKey: `${key}:${channel}:${technician ? 'technician' : 'customer'}`,
        context,
        status,
        reason,
        dueAt: new Date(due),
        nextAttemptAt: status === 'queued' && sendAt !== null ? new Date(sendAt) : null,
        createdAt: new Date(this.now),
        updatedAt: new Date(this.now),
      });
    }
  }
}

/** A message claimed for delivery as it was queued, with the visit it was planned from. */
interface ClaimedMessage {
  row: NotificationRow;
  visit: Visit;
}

/** The delivery-log row an insert of a planned message claimed (attempt 1, under `lease`). */
function claimedRow(r: typeof notifications.$inferInsert, lease: Date): NotificationRow {
  return {
    id: r.id!,
    orgId: r.orgId,
    type: r.type,
    channel: r.channel,
    recipientKind: r.recipientKind,
    recipient: r.recipient,
    language: r.language,
    appointmentId: r.appointmentId ?? null,
    invoiceId: r.invoiceId ?? null,
    eventId: r.eventId ?? null,
    dedupeKey: r.dedupeKey,
    context: r.context ?? {},
    status: 'queued',
    reason: r.reason ?? null,
    attempts: 1,
    dueAt: r.dueAt,
    nextAttemptAt: lease,
    subject: null,
    bodyText: null,
    bodyHtml: null,
    ics: null,
    sentAt: null,
    delivery: null,
    providerMessageId: null,
    resendOf: null,
    createdAt: r.createdAt ?? new Date(r.dueAt),
    updatedAt: r.updatedAt ?? new Date(r.dueAt),
  };
}

/** A message a change will send, as its answer tells the caller (`recipient` stays on the server). */
export interface PromisedMessage {
  channel: NotificationChannel;
  type: 'confirmation';
  recipient: string;
  to: string;
}

/**
 * Enough of an address to recognise it by, not enough to learn it from: `j***@example.com`, and a
 * phone number's last three digits.
 */
export function maskRecipient(channel: NotificationChannel, recipient: string): string {
  if (channel === 'email') {
    const at = recipient.lastIndexOf('@');
    return at > 0 ? `${recipient[0]}***${recipient.slice(at)}` : '***';
  }
  const digits = recipient.replace(/\D/g, '');
  return digits.length > 3 ? `***${digits.slice(-3)}` : '***';
}

/** Why a message should no longer go out, if it should not. */
function staleness(row: NotificationRow, visit: Visit, now: number): string | undefined {
  const isReminder = row.type === 'reminder_24h' || row.type === 'reminder_2h';
  if (isReminder && !['requested', 'scheduled'].includes(visit.status)) {
    return `the visit is ${visit.status.replace('_', ' ')}`;
  }
  if (isReminder && now >= visit.startsAt.getTime()) return 'the visit has begun';
  if (now - row.dueAt.getTime() > stillWorthSending(row.type)) {
    return `too late: it was due at ${row.dueAt.toISOString()} and could not be sent in time`;
  }
  return undefined;
}

/** How one delivery attempt ended, and the message as rendered for it. */
type Outcome = Pick<NotificationRow, 'status' | 'reason' | 'nextAttemptAt'> &
  Partial<
    Pick<
      NotificationRow,
      'sentAt' | 'delivery' | 'providerMessageId' | 'subject' | 'bodyText' | 'bodyHtml' | 'ics'
    >
  >;

type OwnTemplates = Map<string, typeof messageTemplates.$inferSelect>;

/** An organization's own templates, by `type:language`. */
async function ownTemplates(db: Db, orgId: string): Promise<OwnTemplates> {
  const own = await db.select().from(messageTemplates).where(eq(messageTemplates.orgId, orgId));
  return new Map(own.map((row) => [`${row.type}:${row.language}`, row]));
}

/** The wording a message is rendered with: its organization's template over Crewkit's defaults. */
function templateFor(row: Pick<NotificationRow, 'type' | 'language'>, own: OwnTemplates | undefined) {
  return withDefaults(row.type, row.language, own?.get(`${row.type}:${row.language}`));
}

/** An organization's template, with Crewkit's wording wherever it left a field unset. */
function withDefaults(
  type: MessageType,
  language: MessageLanguage,
  own: typeof messageTemplates.$inferSelect | undefined,
): TemplateParts {
  const base = defaultTemplate(type, language);
  return {
    subject: own?.subject ?? base.subject,
    html: own?.html ?? base.html,
    text: own?.text ?? base.text,
    sms: own?.sms ?? base.sms,
  };
}

function icsMethod(ics: string): string {
  return /^METHOD:CANCEL/m.test(ics) ? 'CANCEL' : 'REQUEST';
}

function addressOf(from: string | undefined): string {
  const match = from?.match(/<([^>]+)>/);
  return match?.[1] ?? from ?? 'no-reply@crewkit.invalid';
}

function toTemplate(
  type: MessageType,
  language: MessageLanguage,
  own: typeof messageTemplates.$inferSelect | undefined,
): Schemas['MessageTemplate'] {
  const base = defaultTemplate(type, language);
  return {
    type,
    language,
    subject: own?.subject ?? base.subject,
    html: own?.html ?? base.html,
    text: own?.text ?? base.text,
    sms: own?.sms ?? base.sms,
    customized: Boolean(own && (own.subject ?? own.html ?? own.text ?? own.sms) !== null),
    variables: [...variablesOf[type]],
    updatedAt: own ? own.updatedAt.toISOString() : null,
  };
}
