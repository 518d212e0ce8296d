import type { components } from '@crewkit/sdk/openapi';
import type { notifications, visitRatings } from '../db/schema.js';
import { iso } from '../lib/time.js';

type Schemas = components['schemas'];

export function toNotification(row: typeof notifications.$inferSelect): Schemas['Notification'] {
  return {
    id: row.id,
    type: row.type,
    channel: row.channel,
    recipientKind: row.recipientKind,
    recipient: row.recipient,
    language: row.language,
    subject: row.subject,
    appointmentId: row.appointmentId,
    invoiceId: row.invoiceId,
    eventId: row.eventId,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    dueAt: iso(row.dueAt),
    nextAttemptAt: iso(row.nextAttemptAt),
    sentAt: iso(row.sentAt),
    delivery: row.delivery,
    resendOf: row.resendOf,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toVisitRating(row: typeof visitRatings.$inferSelect): Schemas['VisitRating'] {
  return {
    appointmentId: row.appointmentId,
    rating: row.rating,
    comment: row.comment,
    createdAt: iso(row.createdAt),
  };
}
