import type { HandlerTable } from '../openapi/handlers.js';
import { clientAddress } from '../openapi/pipeline.js';
import { toUser } from '../serializers/access.js';
import * as auth from '../services/auth.js';

/** Tokens must not be kept by any cache. */
const noStore = { 'cache-control': 'no-store' };

export const authHandlers = {
  async login(c, { body }) {
    const pair = await auth.signIn(c.var.db, c.var.services, {
      ...body,
      address: clientAddress(c),
      requestId: c.var.requestId,
    });
    return c.json(pair, 200, noStore);
  },

  async refreshToken(c, { body }) {
    return c.json(
      await auth.refresh(c.var.db, c.var.services, body.refreshToken, c.var.requestId),
      200,
      noStore,
    );
  },

  async logout(c) {
    await auth.signOut(c.var.db, c.var.services, c.var.principal, c.var.requestId);
    return c.body(null, 204);
  },

  async getCurrentPrincipal(c) {
    const who = await auth.whoAmI(c.var.db, c.var.principal);
    if (who.kind === 'user') return c.json({ ...who, user: toUser(who.user) }, 200);
    return c.json(who, 200);
  },
} satisfies HandlerTable;
