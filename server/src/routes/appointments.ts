import type { components } from '@crewkit/sdk/openapi';
import { and, asc, desc, eq, gte, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/index.js';
import {
  appointmentHistory,
  appointments,
  customers,
  organizations,
  reservations,
  serviceItems,
  technicians,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { clientAddress } from '../openapi/pipeline.js';
import { localDateOf, MINUTE_MS } from '../scheduling/time.js';
import {
  type AppointmentRow,
  actorOf,
  blockedRange,
  bookableItem,
  chooseTechnicians,
  insertAppointment,
  lockMoves,
  recordHistory,
  reserveFirstFree,
  SlotRefused,
  slotUnavailable,
} from '../services/booking.js';
import { bookAppointment } from '../services/booking-batch.js';
import { resolveCustomer } from '../services/booking-customers.js';
import { pricesInForce } from '../services/catalog.js';
import { containsPattern } from '../services/customers.js';
import { activeStatuses, canTransition, reschedulableStatuses, transitions } from '../services/workflow.js';

type Schemas = components['schemas'];
type ItemRow = typeof serviceItems.$inferSelect;

export function toAppointment(row: AppointmentRow): Schemas['Appointment'] {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    serviceItemId: row.serviceItemId,
    customerId: row.customerId,
    technicianId: row.technicianId,
    start: iso(row.startsAt),
    end: iso(row.endsAt),
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    notes: row.notes,
    assignment: {
      technicianId: row.technicianId,
      reason: row.assignedTechnicianReason as Schemas['Assignment']['reason'],
    },
    rescheduledFromId: row.rescheduledFromId,
    rescheduledToId: row.rescheduledToId,
    rating: row.rating,
    feedback: row.feedback,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * A new appointment as its booker sees it. A publishable key is anyone with a booking form, so it
 * never learns whether the email it sent matched a customer, nor who: no customer id.
 */
function toBooked(row: AppointmentRow, principal: Principal): Schemas['Appointment'] {
  const { customerId, ...appointment } = toAppointment(row);
  return principal.kind === 'publishable_key' ? appointment : { ...appointment, customerId };
}

/** Who holds a hold: a booking widget is one publishable key at one client address. */
export function holderKey(c: AppContext): string {
  const principal = c.var.principal!;
  const who = principal.kind === 'user' ? `user:${principal.userId}` : `${principal.kind}:${principal.keyId}`;
  return `${who}@${clientAddress(c)}`;
}

export async function findBookableItem(c: AppContext, orgId: string, itemId: string): Promise<ItemRow> {
  const [item] = await c.var.db
    .select()
    .from(serviceItems)
    .where(and(eq(serviceItems.orgId, orgId), eq(serviceItems.id, itemId)));
  return bookableItem(item, c.var.principal?.kind === 'publishable_key');
}

/** The item as it was booked: buffers and duration are kept on the appointment. */
function asBooked(item: ItemRow, row: AppointmentRow): ItemRow {
  return {
    ...item,
    durationMinutes: (row.endsAt.getTime() - row.startsAt.getTime()) / MINUTE_MS,
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
  };
}

/** Technicians see and move only their own appointments; everyone else sees the organization's. */
export async function ownTechnicianId(c: AppContext): Promise<string | undefined> {
  const principal = c.var.principal;
  if (principal?.kind !== 'user' || principal.role !== 'technician') return undefined;
  const [row] = await c.var.db
    .select({ id: technicians.id })
    .from(technicians)
    .where(and(eq(technicians.orgId, principal.orgId), eq(technicians.userId, principal.userId)));
  return row?.id ?? 'none';
}

async function findAppointment(c: AppContext, orgId: string, appointmentId: string, db: Db = c.var.db) {
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)));
  const own = await ownTechnicianId(c);
  if (!row || (own && row.technicianId !== own)) throw new ApiError('not_found');
  return row;
}

/**
 * Keyset pagination over appointments on (sort key, id): the condition for rows after the cursor's
 * row, stable while rows are added or changed. Undefined on the first page.
 */
export async function afterCursor(
  db: Db,
  orgId: string,
  cursorId: string | undefined,
  key: 'startsAt' | 'createdAt',
  descending: boolean,
): Promise<SQL | undefined> {
  if (!cursorId) return undefined;
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, cursorId)));
  if (!row) return undefined;
  const column = appointments[key];
  return descending
    ? sql`(${column}, ${appointments.id}) < (${row[key]}, ${row.id})`
    : sql`(${column}, ${appointments.id}) > (${row[key]}, ${row.id})`;
}

export async function releaseReservation(db: Db, reservationId: string) {
  await db
    .update(reservations)
    .set({ releasedAt: sql`now()` })
    .where(and(eq(reservations.id, reservationId), sql`${reservations.releasedAt} is null`));
}

async function priceOn(db: Db, item: ItemRow, startMs: number, org: { timeZone: string; currency: string }) {
  const prices = await pricesInForce(db, [item], localDateOf(org.timeZone, startMs), org.currency);
  return prices.get(item.id)!.price;
}

export const appointmentHandlers = {
  async createAppointment(c, { params, body }) {
    const principal = c.var.principal!;
    if (principal.kind === 'publishable_key' && body.customerId) {
      throw new ApiError('forbidden', {
        detail: 'Publishable keys book with new-customer details, not customer ids.',
      });
    }
    if (!body.customerId && !body.customer) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.customer', message: 'is required without customerId' }],
      });
    }
    const actor = actorOf(principal);
    if (!body.holdId) {
      // The common case, without a hold: written together with the bookings arriving alongside
      // (one read and one write per batch), or inside the request's own transaction if it has one.
      const request = {
        orgId: params.orgId,
        body,
        caller: { publicOnly: principal.kind === 'publishable_key', actor },
      };
      const { services, db } = c.var;
      const booked =
        db === services.db ? await services.bookings.book(request) : await bookAppointment(db, request);
      return c.json(toBooked(booked, principal), 201, {
        location: `/api/v1/organizations/${params.orgId}/appointments/${booked.id}`,
      });
    }
    const item = await findBookableItem(c, params.orgId, body.serviceItemId);
    const startMs = Date.parse(body.start);
    const row = await c.var.db.transaction(async (tx) => {
      const customer = await resolveCustomer(tx, params.orgId, body);
      let org: { timeZone: string; currency: string } | undefined;
      let reserved:
        | { reservationId: string; technicianId: string; reason: Schemas['Assignment']['reason'] }
        | undefined;
      if (body.holdId) {
        const [hold] = await tx
          .select()
          .from(reservations)
          .where(
            and(
              eq(reservations.orgId, params.orgId),
              eq(reservations.id, body.holdId),
              eq(reservations.kind, 'hold'),
            ),
          );
        if (!hold || (principal.kind === 'publishable_key' && hold.holderKey !== holderKey(c))) {
          throw new ApiError('not_found', { detail: 'No such hold.' });
        }
        const range = blockedRange(item, startMs);
        if (hold.serviceItemId !== item.id || hold.startsAt.getTime() !== range.start) {
          throw new ApiError('conflict', { detail: 'The hold is for another service or time.' });
        }
        const [converted] = await tx
          .update(reservations)
          .set({ kind: 'appointment', expiresAt: null, holderKey: null })
          .where(
            and(
              eq(reservations.id, hold.id),
              sql`${reservations.releasedAt} is null and ${reservations.expiresAt} > now()`,
            ),
          )
          .returning();
        if (converted)
          reserved = { reservationId: hold.id, technicianId: hold.technicianId, reason: 'held_slot' };
        // A lapsed hold is no promise, but the time may still be free: book it the normal way.
      }
      if (!reserved) {
        const choice = await chooseTechnicians(tx, params.orgId, item, startMs, {
          technicianId: body.technicianId,
          // A widget visitor only claims an email: a preference would say the customer exists.
          preferredTechnicianId: principal.kind === 'publishable_key' ? null : customer.preferredTechnicianId,
        });
        const got = await reserveFirstFree(
          tx,
          params.orgId,
          choice.ranked.map((r) => r.technicianId),
          blockedRange(item, startMs),
          { kind: 'appointment', serviceItemId: item.id },
        );
        if (!got) return slotUnavailable(tx, params.orgId, item, startMs, 'taken');
        reserved = { ...got, reason: choice.ranked.find((r) => r.technicianId === got.technicianId)!.reason };
        org = choice.context.org;
      }
      org ??= await orgOf(tx, params.orgId);
      return insertAppointment(
        tx,
        {
          orgId: params.orgId,
          status: 'scheduled',
          serviceItemId: item.id,
          customerId: customer.id,
          technicianId: reserved.technicianId,
          reservationId: reserved.reservationId,
          startsAt: new Date(startMs),
          endsAt: new Date(startMs + item.durationMinutes * MINUTE_MS),
          bufferBeforeMinutes: item.bufferBeforeMinutes,
          bufferAfterMinutes: item.bufferAfterMinutes,
          priceMinor: (await priceOn(tx, item, startMs, org)).amountMinor,
          currency: org.currency,
          notes: body.notes ?? null,
          assignedTechnicianReason: reserved.reason,
        },
        { actor, reason: 'booked' },
      );
    });
    return c.json(toBooked(row, principal), 201, {
      location: `/api/v1/organizations/${params.orgId}/appointments/${row.id}`,
    });
  },

  async listAppointments(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const own = await ownTechnicianId(c);
    const sort = query.sort ?? 'start';
    const byStart = sort === 'start' || sort === '-start';
    const descending = sort.startsWith('-');
    const keyColumn = byStart ? appointments.startsAt : appointments.createdAt;
    const keyset = await afterCursor(
      c.var.db,
      params.orgId,
      after,
      byStart ? 'startsAt' : 'createdAt',
      descending,
    );
    const pattern = query.q === undefined ? undefined : containsPattern(query.q);
    const rows = await c.var.db
      .select({
        appointment: appointments,
        customer: { id: customers.id, name: customers.name, email: customers.email },
      })
      .from(appointments)
      // Both sides filtered by org, so a customer id can never pull in another tenant's row.
      .innerJoin(customers, and(eq(customers.orgId, params.orgId), eq(customers.id, appointments.customerId)))
      .where(
        and(
          eq(appointments.orgId, params.orgId),
          keyset,
          pattern
            ? or(
                ilike(appointments.reference, pattern),
                ilike(customers.name, pattern),
                ilike(customers.email, pattern),
              )
            : undefined,
          query.status?.length ? inArray(appointments.status, query.status) : undefined,
          own
            ? eq(appointments.technicianId, own)
            : query.technicianId
              ? eq(appointments.technicianId, query.technicianId)
              : undefined,
          query.customerId ? eq(appointments.customerId, query.customerId) : undefined,
          query.serviceItemId ? eq(appointments.serviceItemId, query.serviceItemId) : undefined,
          query.from ? gte(appointments.startsAt, new Date(query.from)) : undefined,
          query.to ? lt(appointments.startsAt, new Date(query.to)) : undefined,
        ),
      )
      .orderBy(
        descending ? desc(keyColumn) : asc(keyColumn),
        descending ? desc(appointments.id) : asc(appointments.id),
      )
      .limit(limit + 1);
    const page = toPage(
      rows.map((row) => ({ ...row, id: row.appointment.id })),
      limit,
      ({ appointment, customer }) => ({
        ...toAppointment(appointment),
        customer,
        allowedTransitions: [...transitions[appointment.status]],
      }),
    );
    return c.json(page, 200);
  },

  async getAppointment(c, { params }) {
    return c.json(toAppointment(await findAppointment(c, params.orgId, params.appointmentId)), 200);
  },

  async getAppointmentHistory(c, { params }) {
    await findAppointment(c, params.orgId, params.appointmentId);
    const rows = await c.var.db
      .select()
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, params.appointmentId))
      .orderBy(asc(appointmentHistory.id));
    return c.json(
      {
        data: rows.map((h) => ({
          id: h.id,
          fromStatus: h.fromStatus,
          toStatus: h.toStatus,
          actor: h.actor,
          reason: h.reason,
          at: iso(h.at),
        })),
      },
      200,
    );
  },

  async changeAppointmentStatus(c, { params, body }) {
    const current = await findAppointment(c, params.orgId, params.appointmentId);
    if (!canTransition(current.status, body.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot become ${body.status}.`,
        allowed: [...transitions[current.status]],
      });
    }
    const row = await c.var.db.transaction(async (tx) => {
      // Only from the status we checked: a concurrent change makes this one fail, not overwrite it.
      const [updated] = await tx
        .update(appointments)
        .set({ status: body.status, updatedAt: sql`now()` })
        .where(and(eq(appointments.id, current.id), eq(appointments.status, current.status)))
        .returning();
      if (!updated)
        throw new ApiError('conflict', {
          detail: 'The appointment changed meanwhile; reload it and try again.',
        });
      if (!activeStatuses.includes(body.status)) await releaseReservation(tx, current.reservationId);
      await recordHistory(tx, updated, {
        from: current.status,
        to: body.status,
        actor: actorOf(c.var.principal),
        reason: body.reason ?? null,
      });
      return updated;
    });
    return c.json(toAppointment(row), 200);
  },

  async assignTechnician(c, { params, body }) {
    const current = await findAppointment(c, params.orgId, params.appointmentId);
    if (!['requested', 'scheduled', 'en_route'].includes(current.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot change technician.`,
      });
    }
    if (current.technicianId === body.technicianId) return c.json(toAppointment(current), 200);
    const [item] = await c.var.db
      .select()
      .from(serviceItems)
      .where(eq(serviceItems.id, current.serviceItemId));
    const booked = asBooked(item!, current);
    const row = await c.var.db.transaction(async (tx) => {
      await lockMoves(tx, params.orgId);
      await releaseReservation(tx, current.reservationId);
      const choice = await chooseTechnicians(tx, params.orgId, booked, current.startsAt.getTime(), {
        technicianId: body.technicianId,
        ignoreNotice: true,
      });
      const got = await reserveFirstFree(
        tx,
        params.orgId,
        [body.technicianId],
        blockedRange(booked, current.startsAt.getTime()),
        {
          kind: 'appointment',
          serviceItemId: booked.id,
        },
      );
      if (!got || choice.ranked.length === 0) {
        return slotUnavailable(tx, params.orgId, booked, current.startsAt.getTime(), 'taken');
      }
      const [updated] = await tx
        .update(appointments)
        .set({
          technicianId: got.technicianId,
          reservationId: got.reservationId,
          assignedTechnicianReason: 'reassigned',
          updatedAt: sql`now()`,
        })
        .where(eq(appointments.id, current.id))
        .returning();
      await recordHistory(tx, updated!, {
        from: current.status,
        to: current.status,
        actor: actorOf(c.var.principal),
        reason: body.reason ?? `reassigned from technician ${current.technicianId} to ${got.technicianId}`,
      });
      return updated!;
    });
    return c.json(toAppointment(row), 200);
  },

  async rescheduleAppointment(c, { params, body }) {
    const current = await findAppointment(c, params.orgId, params.appointmentId);
    if (!reschedulableStatuses.includes(current.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot be rescheduled.`,
        allowed: [...reschedulableStatuses],
      });
    }
    const [item] = await c.var.db
      .select()
      .from(serviceItems)
      .where(eq(serviceItems.id, current.serviceItemId));
    const booked = asBooked(item!, current);
    const startMs = Date.parse(body.start);
    const actor = actorOf(c.var.principal);
    const move = async (tx: Db) => {
      // Moves take turns (see lockMoves): simultaneous ones queue instead of deadlocking.
      await lockMoves(tx, params.orgId);
      const [cancelled] = await tx
        .update(appointments)
        .set({ status: 'cancelled', updatedAt: sql`now()` })
        .where(and(eq(appointments.id, current.id), eq(appointments.status, current.status)))
        .returning();
      if (!cancelled)
        throw new ApiError('conflict', {
          detail: 'The appointment changed meanwhile; reload it and try again.',
        });
      // The old time is freed first, so the same technician can move to an overlapping time.
      await releaseReservation(tx, current.reservationId);
      const choice = await chooseTechnicians(tx, params.orgId, booked, startMs, {
        technicianId: body.technicianId ?? undefined,
        alternativesLater: true,
      });
      const got = await reserveFirstFree(
        tx,
        params.orgId,
        choice.ranked.map((r) => r.technicianId),
        blockedRange(booked, startMs),
        {
          kind: 'appointment',
          serviceItemId: booked.id,
        },
      );
      if (!got) throw new SlotRefused('taken');
      const next = await insertAppointment(
        tx,
        {
          orgId: params.orgId,
          status: 'scheduled',
          serviceItemId: current.serviceItemId,
          customerId: current.customerId,
          technicianId: got.technicianId,
          reservationId: got.reservationId,
          startsAt: new Date(startMs),
          endsAt: new Date(startMs + booked.durationMinutes * MINUTE_MS),
          bufferBeforeMinutes: current.bufferBeforeMinutes,
          bufferAfterMinutes: current.bufferAfterMinutes,
          priceMinor: current.priceMinor,
          currency: current.currency,
          notes: current.notes,
          assignedTechnicianReason: choice.ranked.find((r) => r.technicianId === got.technicianId)!.reason,
          rescheduledFromId: current.id,
        },
        { actor, reason: body.reason ?? `rescheduled from ${current.reference}` },
      );
      await tx.update(appointments).set({ rescheduledToId: next.id }).where(eq(appointments.id, current.id));
      await recordHistory(tx, cancelled, {
        from: current.status,
        to: 'cancelled',
        actor,
        reason: `rescheduled as ${next.reference}`,
      });
      return next;
    };
    let row: AppointmentRow;
    try {
      row = await c.var.db.transaction(move);
    } catch (error) {
      // Rolled back, locks released: now the nearest free starts can be looked up.
      if (error instanceof SlotRefused)
        return slotUnavailable(c.var.db, params.orgId, booked, startMs, error.reason);
      throw error;
    }
    return c.json(toAppointment(row), 201);
  },

  async recordAppointmentFeedback(c, { params, body }) {
    const current = await findAppointment(c, params.orgId, params.appointmentId);
    if (current.status !== 'completed') {
      throw new ApiError('conflict', { detail: 'Feedback is recorded for completed appointments only.' });
    }
    const [row] = await c.var.db
      .update(appointments)
      .set({ rating: body.rating, feedback: body.feedback ?? null, updatedAt: sql`now()` })
      .where(eq(appointments.id, current.id))
      .returning();
    return c.json(toAppointment(row!), 200);
  },
} satisfies HandlerTable;

export async function orgOf(db: Db, orgId: string) {
  const [org] = await db
    .select({ timeZone: organizations.timeZone, currency: organizations.currency })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return org!;
}
