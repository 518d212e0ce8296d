import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toNotification, toVisitRating } from '../serializers/notifications.js';

export const notificationHandlers = {
  async listNotifications(c, { params, query }) {
    const rows = await c.var.services.notifications.list(c.var.db, params.orgId, query);
    return c.json(toPage(rows, query.limit, toNotification), 200);
  },

  async resendNotification(c, { params }) {
    const row = await c.var.services.notifications.resend(c.var.db, params.orgId, params.notificationId);
    return c.json(toNotification(row), 201);
  },

  async getNotificationSettings(c, { params }) {
    return c.json(await c.var.services.notifications.getSettings(c.var.db, params.orgId), 200);
  },

  async updateNotificationSettings(c, { params, body }) {
    return c.json(await c.var.services.notifications.updateSettings(c.var.db, params.orgId, body), 200);
  },

  async listMessageTemplates(c, { params }) {
    return c.json({ data: await c.var.services.notifications.listTemplates(c.var.db, params.orgId) }, 200);
  },

  async updateMessageTemplate(c, { params, body }) {
    const { orgId, messageType, language } = params;
    return c.json(
      await c.var.services.notifications.updateTemplate(c.var.db, orgId, messageType, language, body),
      200,
    );
  },

  async previewMessageTemplate(c, { params, body }) {
    const { orgId, messageType, language } = params;
    return c.json(
      await c.var.services.notifications.previewTemplate(c.var.db, orgId, messageType, language, body),
      200,
    );
  },

  async submitVisitRating(c, { params, body }) {
    const row = await c.var.services.notifications.submitRating(c.var.db, params.orgId, body);
    return c.json(toVisitRating(row), 201);
  },
} satisfies HandlerTable;
