import type { HandlerTable } from '../openapi/handlers.js';

export const liveEventHandlers = {
  streamEvents(c, { params }) {
    // Checked against the spec's pattern already; the validator keys headers in lower case.
    return c.var.services.liveEvents.open(params.orgId, c.req.header('last-event-id'), c.req.raw.signal);
  },
} satisfies HandlerTable;
