import type { HandlerTable } from '../openapi/handlers.js';

export const availabilityHandlers = {
  async getAvailability(c, { params, query }) {
    const { item, timeZone, price, days } = await c.var.services.booking.availability(
      c.var.db,
      c.var.principal,
      params.orgId,
      query,
    );
    return c.json(
      {
        serviceItemId: item.id,
        technicianId: query.technicianId ?? null,
        timeZone,
        durationMinutes: item.durationMinutes,
        price,
        days: days.map((day) => ({
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
