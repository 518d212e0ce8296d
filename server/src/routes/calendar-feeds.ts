import type { AppContext } from '../context.js';
import { deriveKey } from '../lib/crypto.js';
import type { HandlerTable } from '../openapi/handlers.js';
import * as feeds from '../services/calendar-feeds.js';

const keys = new WeakMap<object, Buffer>();

/** Where subscribers reach this server: CREWKIT_PUBLIC_URL, or the address this request came to. */
function feedContext(c: AppContext): feeds.FeedContext {
  const { services } = c.var;
  let key = keys.get(services);
  if (!key) {
    key = deriveKey(services.config.secret, 'calendar-feeds');
    keys.set(services, key);
  }
  return { key, baseUrl: services.config.publicUrl ?? new URL(c.req.url).origin, now: services.now() };
}

/** Subscribers poll; ETag lets an unchanged feed cost one small answer. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

export const calendarFeedHandlers = {
  async getOrganizationCalendarFeed(c, { params }) {
    const url = await feeds.calendarFeedUrl(
      c.var.db,
      c.var.principal,
      params.orgId,
      { technicianId: null },
      feedContext(c),
    );
    return c.json({ url }, 200, { 'cache-control': 'no-store' });
  },

  async getTechnicianCalendarFeed(c, { params }) {
    const scope = { technicianId: params.technicianId };
    const url = await feeds.calendarFeedUrl(c.var.db, c.var.principal, params.orgId, scope, feedContext(c));
    return c.json({ url }, 200, { 'cache-control': 'no-store' });
  },

  async rotateCalendarFeedToken(c, { params, body }) {
    const scope = { technicianId: body?.technicianId ?? null };
    const url = await feeds.rotateCalendarFeed(
      c.var.db,
      c.var.principal,
      params.orgId,
      scope,
      feedContext(c),
    );
    return c.json({ url }, 200, { 'cache-control': 'no-store' });
  },

  async getCalendarFeed(c, { params }) {
    const { body, etag } = await feeds.renderCalendarFeed(
      c.var.db,
      params.orgId,
      params.feedToken,
      feedContext(c),
    );
    const headers = { etag, 'cache-control': 'private, max-age=300' };
    if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, 'content-type': 'text/calendar; charset=utf-8' });
  },
} satisfies HandlerTable;
