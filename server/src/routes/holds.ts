import type { HandlerTable } from '../openapi/handlers.js';
import { MINUTE_MS } from '../scheduling/time.js';
import { callerOf } from './appointments.js';

/** Slot holds: a visitor's few minutes on a slot while they type their details. */
export const holdHandlers = {
  async createHold(c, { params, body }) {
    const hold = await c.var.services.booking.hold(c.var.db, callerOf(c), params.orgId, body);
    return c.json(
      {
        id: hold.id,
        serviceItemId: hold.item.id,
        technicianId: hold.technicianId,
        start: new Date(hold.startMs).toISOString(),
        end: new Date(hold.startMs + hold.item.durationMinutes * MINUTE_MS).toISOString(),
        expiresAt: hold.expiresAt.toISOString(),
      },
      201,
    );
  },

  async releaseHold(c, { params }) {
    await c.var.services.booking.releaseHold(c.var.db, callerOf(c), params.orgId, params.holdId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
