import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  MessageLanguage,
  MessageTemplateUpdate,
  MessageType,
  NotificationSettingsUpdate,
  OrgCallOptions,
  VisitRatingCreate,
} from '../types.js';
import type { Context } from './context.js';

export const notifications = ({ client, org }: Context) => ({
  /** The delivery log, newest first: queued, sent, failed (with the next attempt), bounced, skipped and why. */
  list: ({ orgId, signal, ...query }: ListParams<'listNotifications'> = {}): ApiList<'listNotifications'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/notifications', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  /** Queues a copy of a message as it was rendered; a message still queued answers 409. */
  resend: (notificationId: string, o?: OrgCallOptions): Promise<ApiResult<'resendNotification'>> =>
    client.POST('/api/v1/organizations/{orgId}/notifications/{notificationId}/resend', {
      params: { path: { orgId: org(o?.orgId), notificationId } },
      signal: o?.signal,
    }),
  settings: {
    get: (o?: OrgCallOptions): Promise<ApiResult<'getNotificationSettings'>> =>
      client.GET('/api/v1/organizations/{orgId}/notification-settings', {
        params: { path: { orgId: org(o?.orgId) } },
        signal: o?.signal,
      }),
    /** Only the fields given change; within `messages`, only the message types given. */
    update: (
      body: NotificationSettingsUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateNotificationSettings'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/notification-settings', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        signal: o?.signal,
      }),
  },
  templates: {
    /** Every message type in every language, the organization's wording or Crewkit's. */
    list: (o?: OrgCallOptions): Promise<ApiResult<'listMessageTemplates'>> =>
      client.GET('/api/v1/organizations/{orgId}/message-templates', {
        params: { path: { orgId: org(o?.orgId) } },
        signal: o?.signal,
      }),
    /** A field given as null goes back to Crewkit's default; an unknown `{{variable}}` answers 400. */
    update: (
      messageType: MessageType,
      language: MessageLanguage,
      body: MessageTemplateUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateMessageTemplate'>> =>
      client.PUT('/api/v1/organizations/{orgId}/message-templates/{messageType}/{language}', {
        params: { path: { orgId: org(o?.orgId), messageType, language } },
        body,
        signal: o?.signal,
      }),
    /** Renders a draft (or the template in force) with a sample visit; nothing is stored. */
    preview: (
      messageType: MessageType,
      language: MessageLanguage,
      draft: MessageTemplateUpdate = {},
      o?: OrgCallOptions,
    ): Promise<ApiResult<'previewMessageTemplate'>> =>
      client.POST('/api/v1/organizations/{orgId}/message-templates/{messageType}/{language}/preview', {
        params: { path: { orgId: org(o?.orgId), messageType, language } },
        body: draft,
        signal: o?.signal,
      }),
  },
  /** The customer's rating, with the token from the completion message's link (no credential needed). */
  rateVisit: (body: VisitRatingCreate, o?: OrgCallOptions): Promise<ApiResult<'submitVisitRating'>> =>
    client.POST('/api/v1/organizations/{orgId}/visit-ratings', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      signal: o?.signal,
    }),
});
