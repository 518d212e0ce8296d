import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../db/index.js';
import { reservations } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { MINUTE_MS } from '../scheduling/time.js';
import { blockedRange, chooseTechnicians, reserveFirstFree, slotUnavailable } from '../services/booking.js';
import { findBookableItem, holderKey, releaseReservation } from './appointments.js';

const holdMinutes = 5;
const maxLiveHoldsPerClient = 3;

/** Slot holds: a visitor's few minutes on a slot while they type their details. */
export const holdHandlers = {
  async createHold(c, { params, body }) {
    const item = await findBookableItem(c, params.orgId, body.serviceItemId);
    const holder = holderKey(c);
    const startMs = Date.parse(body.start);
    const choice = await chooseTechnicians(c.var.db, params.orgId, item, startMs, {
      technicianId: body.technicianId,
    });
    const expiresAt = new Date(Date.now() + holdMinutes * MINUTE_MS);
    const got = await c.var.db.transaction(async (tx) => {
      // Counted and taken under one lock per holder, held to commit: otherwise simultaneous
      // requests (on any instance) all count the same few live holds, and all insert one more.
      await queryRows(tx, sql`select pg_advisory_xact_lock(hashtext(${`holds:${holder}`}))`);
      const [{ live } = { live: 0 }] = await tx
        .select({ live: sql<number>`count(*)::int` })
        .from(reservations)
        .where(
          and(
            eq(reservations.holderKey, holder),
            eq(reservations.kind, 'hold'),
            sql`${reservations.releasedAt} is null and ${reservations.expiresAt} > now()`,
          ),
        );
      if (live >= maxLiveHoldsPerClient) {
        throw new ApiError('rate_limited', {
          detail: `At most ${maxLiveHoldsPerClient} slots can be held at once; release one or let it lapse.`,
          headers: { 'retry-after': String(holdMinutes * 60) },
        });
      }
      return reserveFirstFree(
        tx,
        params.orgId,
        choice.ranked.map((r) => r.technicianId),
        blockedRange(item, startMs),
        { kind: 'hold', serviceItemId: item.id, holderKey: holder, expiresAt },
      );
    });
    if (!got) return slotUnavailable(c.var.db, params.orgId, item, startMs, 'taken');
    return c.json(
      {
        id: got.reservationId,
        serviceItemId: item.id,
        technicianId: got.technicianId,
        start: new Date(startMs).toISOString(),
        end: new Date(startMs + item.durationMinutes * MINUTE_MS).toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
      201,
    );
  },

  async releaseHold(c, { params }) {
    const [hold] = await c.var.db
      .select()
      .from(reservations)
      .where(
        and(
          eq(reservations.orgId, params.orgId),
          eq(reservations.id, params.holdId),
          eq(reservations.kind, 'hold'),
        ),
      );
    // Someone else's hold does not exist, as far as this caller can tell.
    if (!hold || (c.var.principal?.kind === 'publishable_key' && hold.holderKey !== holderKey(c)))
      throw new ApiError('not_found');
    await releaseReservation(c.var.db, hold.id);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
