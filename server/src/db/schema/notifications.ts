import {
  messageLanguages,
  messageTypes,
  notificationChannels,
  notificationStatuses,
} from '@crewkit/sdk/enums';
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './access.js';
import { appointments } from './booking.js';
import { createdAt, oneOf, updatedAt } from './columns.js';
import { invoices } from './invoicing.js';

export { messageLanguages, messageTypes, notificationChannels, notificationStatuses };
export type MessageType = (typeof messageTypes)[number];
export type MessageLanguage = (typeof messageLanguages)[number];
export type NotificationChannel = (typeof notificationChannels)[number];
export type NotificationStatus = (typeof notificationStatuses)[number];
export type MessageSetting = { enabled: boolean; channels: NotificationChannel[] };

/** One row per organization that changed its settings; a missing row means the defaults. */
export const notificationSettings = pgTable('notification_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** Only the message types the organization changed; the others keep their defaults. */
  messages: jsonb('messages').$type<Partial<Record<MessageType, MessageSetting>>>().notNull(),
  /** Local `HH:MM` in the organization's time zone; both null: no quiet hours. */
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  language: text('language').$type<MessageLanguage>(),
  updatedAt: updatedAt(),
});

/** An organization's own wording of one message in one language; a null field is the default's. */
export const messageTemplates = pgTable(
  'message_templates',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    type: text('type').$type<MessageType>().notNull(),
    language: text('language').$type<MessageLanguage>().notNull(),
    subject: text('subject'),
    html: text('html'),
    text: text('text'),
    sms: text('sms'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.type, t.language] }),
    check('message_templates_type_check', oneOf(t.type, messageTypes)),
    check('message_templates_language_check', oneOf(t.language, messageLanguages)),
  ],
);

export type Delivery = 'smtp' | 'sms_api' | 'kept';

/**
 * The delivery log: one row per message to one recipient on one channel. A row is queued in the
 * same transaction as the change that causes it, so nothing is lost between the change and the send;
 * `dedupe_key` (the event, the message type and the recipient; for a reminder, the appointment)
 * makes queuing it twice impossible. Workers claim due rows (`next_attempt_at`) with SKIP LOCKED.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    /**
     * No foreign key on this and `appointment_id`, by measurement: their checks were ~40 % of
     * writing a row (~10 µs each, four rows a booking), and the delivery log is written far more
     * than anything it points to is deleted. Triggers on the parents keep what the keys did — an
     * organization's messages go with it, an appointment's lose the link (migration 0031).
     */
    orgId: uuid('org_id').notNull(),
    type: text('type').$type<MessageType>().notNull(),
    channel: text('channel').$type<NotificationChannel>().notNull(),
    recipientKind: text('recipient_kind').$type<'customer' | 'technician' | 'staff'>().notNull(),
    recipient: text('recipient').notNull(),
    language: text('language').$type<MessageLanguage>().notNull(),
    appointmentId: uuid('appointment_id'),
    /** The invoice an invoice message is about; its PDF is attached when the email goes. */
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'set null' }),
    eventId: text('event_id'),
    dedupeKey: text('dedupe_key').notNull(),
    /** What the message needs beyond the appointment (the time it was moved from, say). */
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').$type<NotificationStatus>().notNull(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    /** When it is meant to go (a reminder's time; otherwise when it was queued). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** When a worker should try it next; null once it is done with (sent, skipped, given up). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** Rendered when first sent, and kept: the log and a resend show exactly what went out. */
    subject: text('subject'),
    bodyText: text('body_text'),
    bodyHtml: text('body_html'),
    ics: text('ics'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    delivery: text('delivery').$type<Delivery>(),
    providerMessageId: text('provider_message_id'),
    resendOf: uuid('resend_of'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_unique').on(t.orgId, t.dedupeKey),
    index('notifications_org_idx').on(t.orgId, t.id),
    index('notifications_appointment_idx').on(t.appointmentId),
    index('notifications_invoice_idx').on(t.invoiceId).where(sql`${t.invoiceId} is not null`),
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`${t.nextAttemptAt} is not null`),
    check('notifications_type_check', oneOf(t.type, messageTypes)),
    check('notifications_channel_check', oneOf(t.channel, notificationChannels)),
    check('notifications_status_check', oneOf(t.status, notificationStatuses)),
  ],
);

/** The customer's own rating of a visit, through the single-use link in the completion message. */
export const visitRatings = pgTable('visit_ratings', {
  appointmentId: uuid('appointment_id')
    .primaryKey()
    .references(() => appointments.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  rating: integer('rating').notNull(),
  comment: text('comment'),
  createdAt: createdAt(),
});
