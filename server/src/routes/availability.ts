import { and, eq } from 'drizzle-orm';
import { serviceItems } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { computeAvailability } from '../scheduling/availability.js';
import { addDays, localToInstant } from '../scheduling/time.js';
import { priceInForce, tiersInForce } from '../services/catalog.js';
import { checkDayWindow, loadSchedulingContext } from '../services/scheduling.js';

export const availabilityHandlers = {
  async getAvailability(c, { params, query }) {
    checkDayWindow(query);

    const publicOnly = c.var.principal?.kind === 'publishable_key';
    const itemLookup = c.var.db
      .select()
      .from(serviceItems)
      .where(and(eq(serviceItems.orgId, params.orgId), eq(serviceItems.id, query.serviceItemId)))
      .then(([item]) => {
        // The widget must not learn of items that are not on sale.
        if (!item || (publicOnly && !(item.active && item.public))) {
          throw new ApiError('not_found', { detail: 'No such service item.' });
        }
        return item;
      });
    const zoneHint = query.timeZone ?? 'UTC';
    const start = localToInstant(zoneHint, query.from, 0);
    const end = localToInstant(zoneHint, addDays(query.to, 1), 0);
    // Item, calendars and price in one round of parallel reads.
    const [item, context, tiers] = await Promise.all([
      itemLookup,
      loadSchedulingContext(c.var.db, params.orgId, itemLookup, {
        start,
        end,
        technicianId: query.technicianId,
      }),
      tiersInForce(c.var.db, [query.serviceItemId], query.from),
    ]);
    const timeZone = query.timeZone ?? context.org.timeZone;
    const result = computeAvailability({
      from: query.from,
      to: query.to,
      timeZone,
      durationMinutes: item.durationMinutes,
      bufferBeforeMinutes: item.bufferBeforeMinutes,
      bufferAfterMinutes: item.bufferAfterMinutes,
      ...context.rules,
      now: Date.now(),
      technicians: context.calendars,
    });
    return c.json(
      {
        serviceItemId: item.id,
        technicianId: query.technicianId ?? null,
        timeZone,
        durationMinutes: item.durationMinutes,
        price: priceInForce(item, tiers.get(item.id), query.from, context.org.currency),
        days: result.days.map((day) => ({
          date: day.date,
          slots: day.slots.map((slot) =>
            query.includeTechnicians
              ? { start: slot.start, available: slot.available, technicianIds: slot.technicianIds }
              : { start: slot.start, available: slot.available },
          ),
          ...(day.reason ? { reason: day.reason } : {}),
        })),
      },
      200,
      { 'cache-control': 'no-store' },
    );
  },
} satisfies HandlerTable;
