import type { components, operations } from '@crewkit/sdk/openapi';
import { and, desc, eq, sql } from 'drizzle-orm';
import { type PendingAudit, recordPending } from '../../audit/audit.js';
import type { Principal } from '../../auth/principal.js';
import { type Db, queryRows } from '../../db/index.js';
import {
  appointmentHistory,
  appointments,
  customerPreferences,
  organizations,
  reservations,
  serviceItems,
  technicians,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { appointmentEvent } from '../../events/records.js';
import { pgErrorCode, pgErrors } from '../../lib/db-errors.js';
import { computeAvailability } from '../../scheduling/availability.js';
import { addDays, localDateOf, localToInstant, MINUTE_MS } from '../../scheduling/time.js';
// Pricing still lives beside the catalog routes; it is read here, not decided.
import { priceInForce, pricesInForce, tiersInForce } from '../catalog.js';
import { maskRecipient, type PromisedMessage } from '../notifications/service.js';
import { type BusyCache, checkDayWindow, loadSchedulingContext } from '../scheduling.js';
import { activeStatuses, canTransition, reschedulableStatuses, transitions } from '../workflow.js';
import { BookingBatcher, type BookingRequest, bookAppointment } from './batch.js';
import { resolveCustomer } from './customers.js';
import {
  type AppointmentRow,
  actorOf,
  blockedRange,
  bookableItem,
  chooseTechnicians,
  insertAppointment,
  lockMoves,
  type Reading,
  recordHistory,
  reserveFirstFree,
  SlotRefused,
  slotUnavailable,
} from './rules.js';

type Schemas = components['schemas'];
type ItemRow = typeof serviceItems.$inferSelect;
type Query<O extends keyof operations> = NonNullable<operations[O]['parameters']['query']>;

/** Who asks: the credential, and the client address a widget's holds are counted by. */
export interface Caller {
  principal: Principal;
  address: string;
  /** The request's audit entry, written in the transaction that makes the booking or hold. */
  audit?: PendingAudit | undefined;
}

export type NewAppointment = Schemas['AppointmentCreate'];
type ConfirmationOf = (db: Db, orgId: string, appointmentId: string) => Promise<PromisedMessage[]>;

const holdMinutes = 5;
const maxLiveHoldsPerClient = 3;

/**
 * Booking: every way an appointment or a hold takes a technician's time (book, hold, convert a
 * hold, reschedule, reassign) and gives it back (cancel, release). Every path checks the same rules
 * (`chooseTechnicians`/`rankFree`: the availability engine's) and reserves through the same SQL
 * function (`crewkit_reserve_first_free`). New bookings on the shared handle are written together
 * under load (group commit, `BookingBatcher`); in a caller's transaction (an idempotent request)
 * they are a batch of one in that transaction, so nothing the caller can see picks the path.
 *
 * Every method takes the request's database handle: the shared one, or the transaction an
 * idempotent request runs in.
 */
export class BookingService {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #cache: BusyCache;
  readonly #batcher: BookingBatcher;
  readonly #beforeComplete: ((tx: Db, row: AppointmentRow) => Promise<void>) | undefined;
  readonly #confirmationOf: ConfirmationOf | undefined;

  constructor({
    db,
    now,
    cache,
    maxBatch,
    beforeComplete,
    confirmationOf,
  }: {
    db: Db;
    now: () => number;
    cache: BusyCache;
    maxBatch?: number;
    /** Refuses completion while the job sheet misses what the item's completion rules ask for. */
    beforeComplete?: (tx: Db, row: AppointmentRow) => Promise<void>;
    /** What the notifications will send a new booking's customer (their own plan, not a copy). */
    confirmationOf?: ConfirmationOf;
  }) {
    this.#db = db;
    this.#now = now;
    this.#cache = cache;
    this.#batcher = new BookingBatcher(db, maxBatch, cache);
    this.#beforeComplete = beforeComplete;
    this.#confirmationOf = confirmationOf;
  }

  /**
   * Runs `work` in a transaction of its own and, on the shared handle, runs it again when PostgreSQL
   * chose it as a deadlock's victim: the whole transaction was rolled back, so trying again is safe.
   * Moves (which take the organization's move lock, then technicians' rows) and group-commit
   * batches (technicians' rows in ranking order) can still cross on two instances. Inside an
   * idempotent request's transaction nothing can be retried here: the outer transaction is lost.
   */
  async #transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(work);
      } catch (error) {
        if (db !== this.#db || attempt >= 3 || pgErrorCode(error) !== pgErrors.deadlockDetected) throw error;
      }
    }
  }

  /** The clock's reading, and the busy cache only on the shared handle (a transaction's writes stay out of it). */
  reading(db: Db): Reading {
    return { now: this.#now(), cache: db === this.#db ? this.#cache : undefined };
  }

  /** A new appointment: from a hold the caller holds, or else at the first free qualified technician. */
  async book(db: Db, caller: Caller, orgId: string, body: NewAppointment): Promise<AppointmentRow> {
    const { principal } = caller;
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
    if (body.holdId) return this.convertHold(db, caller, orgId, body as NewAppointment & { holdId: string });
    const request: BookingRequest = {
      orgId,
      body,
      caller: { publicOnly: principal.kind === 'publishable_key', actor: actorOf(principal) },
      now: this.#now(),
      audit: caller.audit,
    };
    // The shared handle: written together with the bookings arriving alongside. A transaction
    // (an idempotent request) must see its own booking before it commits: a batch of one in it.
    return db === this.#db ? this.#batcher.book(request) : bookAppointment(db, request);
  }

  /**
   * A new appointment and the confirmation its customer will get, so the answer can say what was
   * sent. A publishable key hears only of messages to an address it typed itself: a booking form
   * never learns what is on file for an email someone else may own.
   */
  async bookAndTell(
    db: Db,
    caller: Caller,
    orgId: string,
    body: NewAppointment,
  ): Promise<{ appointment: AppointmentRow; notifications: Array<Omit<PromisedMessage, 'recipient'>> }> {
    const appointment = await this.book(db, caller, orgId, body);
    const promised = (await this.#confirmationOf?.(db, orgId, appointment.id)) ?? [];
    const typed = caller.principal.kind === 'publishable_key' ? body.customer : undefined;
    const digits = (value: string | null | undefined) => value?.replace(/\D/g, '') ?? '';
    return {
      appointment,
      notifications: promised
        .filter(
          ({ channel, recipient }) =>
            !typed ||
            (channel === 'email'
              ? recipient.toLowerCase() === typed.email.trim().toLowerCase()
              : digits(recipient) !== '' && digits(recipient) === digits(typed.phone)),
        )
        // Masked from what was typed, not from the record: nothing of the record's spelling shows.
        .map(({ recipient: _kept, ...message }) =>
          typed
            ? {
                ...message,
                to: maskRecipient(
                  message.channel,
                  message.channel === 'email' ? typed.email.trim() : typed.phone!,
                ),
              }
            : message,
        ),
    };
  }

  /**
   * A booking from a hold: the held technician and time become the appointment. A hold that has
   * lapsed is no promise, but the time may still be free: then it is booked like any other.
   */
  async convertHold(
    db: Db,
    caller: Caller,
    orgId: string,
    body: NewAppointment & { holdId: string },
  ): Promise<AppointmentRow> {
    const { principal } = caller;
    const item = await this.#bookableItem(db, principal, orgId, body.serviceItemId);
    const startMs = Date.parse(body.start);
    const actor = actorOf(principal);
    return db.transaction(async (tx) => {
      const [hold] = await tx
        .select()
        .from(reservations)
        .where(
          and(eq(reservations.orgId, orgId), eq(reservations.id, body.holdId), eq(reservations.kind, 'hold')),
        );
      if (!hold || (principal.kind === 'publishable_key' && hold.holderKey !== holderKey(caller))) {
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
      if (!converted) {
        const { holdId: _lapsed, ...rest } = body;
        return bookAppointment(tx, {
          orgId,
          body: rest,
          caller: { publicOnly: principal.kind === 'publishable_key', actor },
          now: this.#now(),
          audit: caller.audit,
        });
      }
      const customer = await resolveCustomer(tx, orgId, body, this.#now());
      const org = await orgOf(tx, orgId);
      const prices = await pricesInForce(tx, [item], localDateOf(org.timeZone, startMs), org.currency);
      const booked = await insertAppointment(
        tx,
        {
          orgId,
          status: 'scheduled',
          serviceItemId: item.id,
          customerId: customer.id,
          technicianId: hold.technicianId,
          reservationId: hold.id,
          startsAt: new Date(startMs),
          endsAt: new Date(startMs + item.durationMinutes * MINUTE_MS),
          bufferBeforeMinutes: item.bufferBeforeMinutes,
          bufferAfterMinutes: item.bufferAfterMinutes,
          priceMinor: prices.get(item.id)!.price.amountMinor,
          currency: org.currency,
          notes: body.notes ?? null,
          siteAddress: body.siteAddress ?? null,
          visitContact: body.visitContact ?? null,
          assignedTechnicianReason: 'held_slot',
        },
        { actor, reason: 'booked' },
      );
      await recordEvent(tx, appointmentEvent('appointment.created', booked), this.#now());
      await recordPending(tx, caller.audit, booked.id, this.#now());
      return booked;
    });
  }

  /** A visitor's few minutes on a slot while they type their details. */
  async hold(
    db: Db,
    caller: Caller,
    orgId: string,
    body: { serviceItemId: string; start: string; technicianId?: string | null | undefined },
  ) {
    const item = await this.#bookableItem(db, caller.principal, orgId, body.serviceItemId);
    const holder = holderKey(caller);
    const startMs = Date.parse(body.start);
    const reading = this.reading(db);
    const choice = await chooseTechnicians(db, orgId, item, startMs, {
      technicianId: body.technicianId,
      ...reading,
    });
    const expiresAt = new Date(reading.now + holdMinutes * MINUTE_MS);
    const got = await this.#transaction(db, async (tx) => {
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
      const held = await reserveFirstFree(
        tx,
        orgId,
        choice.ranked.map((r) => r.technicianId),
        blockedRange(item, startMs),
        { kind: 'hold', serviceItemId: item.id, holderKey: holder, expiresAt },
      );
      if (held) await recordPending(tx, caller.audit, held.reservationId, reading.now);
      return held;
    });
    if (!got) return slotUnavailable(db, orgId, item, startMs, 'taken', reading);
    return { id: got.reservationId, item, technicianId: got.technicianId, startMs, expiresAt };
  }

  /** Gives a hold's time back. Someone else's hold does not exist, as far as a widget can tell. */
  async releaseHold(db: Db, caller: Caller, orgId: string, holdId: string): Promise<void> {
    const [hold] = await db
      .select()
      .from(reservations)
      .where(and(eq(reservations.orgId, orgId), eq(reservations.id, holdId), eq(reservations.kind, 'hold')));
    if (!hold || (caller.principal.kind === 'publishable_key' && hold.holderKey !== holderKey(caller)))
      throw new ApiError('not_found');
    await releaseReservation(db, hold.id);
  }

  /** Moves an appointment through its state machine; a status that no longer holds time gives it back. */
  async changeStatus(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    change: {
      status: AppointmentRow['status'];
      reason?: string | null | undefined;
      occurredAt?: string | undefined;
    },
  ): Promise<AppointmentRow> {
    const current = await findAppointment(db, principal, orgId, appointmentId);
    if (!canTransition(current.status, change.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot become ${change.status}.`,
        allowed: [...transitions[current.status]],
      });
    }
    return db.transaction(async (tx) => {
      const at = change.occurredAt
        ? await occurredAtInBounds(tx, current.id, change.occurredAt, this.#now())
        : new Date(this.#now());
      if (change.status === 'completed') await this.#beforeComplete?.(tx, current);
      // Only from the status we checked: a concurrent change makes this one fail, not overwrite it.
      const [updated] = await tx
        .update(appointments)
        .set({ status: change.status, updatedAt: sql`now()` })
        .where(and(eq(appointments.id, current.id), eq(appointments.status, current.status)))
        .returning();
      if (!updated)
        throw new ApiError('conflict', {
          detail: 'The appointment changed meanwhile; reload it and try again.',
        });
      if (!activeStatuses.includes(change.status)) await releaseReservation(tx, current.reservationId);
      await recordHistory(tx, updated, {
        from: current.status,
        to: change.status,
        actor: actorOf(principal),
        reason: change.reason ?? null,
        at,
      });
      // Cancelling has its own event (subscribers treat it apart); every other change is a status change.
      const type = change.status === 'cancelled' ? 'appointment.cancelled' : 'appointment.status_changed';
      const event = appointmentEvent(type, updated, { status: current.status });
      // A change sent after the fact says when it happened; the event itself is of its commit.
      if (change.occurredAt) event.data = { ...event.data, occurredAt: at.toISOString() };
      await recordEvent(tx, event, this.#now());
      return updated;
    });
  }

  /** Cancels an appointment and gives its time back. */
  cancel(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    reason?: string | null,
  ) {
    return this.changeStatus(db, principal, orgId, appointmentId, { status: 'cancelled', reason });
  }

  /** Gives the appointment to another technician, who must be free and qualified at its time. */
  async assign(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: { technicianId: string; reason?: string | null | undefined },
    audit?: PendingAudit,
  ): Promise<AppointmentRow> {
    const current = await findAppointment(db, principal, orgId, appointmentId);
    if (!['requested', 'scheduled', 'en_route'].includes(current.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot change technician.`,
      });
    }
    if (current.technicianId === body.technicianId) return current;
    const booked = await bookedItem(db, current);
    const startMs = current.startsAt.getTime();
    const reading = this.reading(db);
    return this.#transaction(db, async (tx) => {
      await lockMoves(tx, orgId);
      await releaseReservation(tx, current.reservationId);
      const choice = await chooseTechnicians(tx, orgId, booked, startMs, {
        technicianId: body.technicianId,
        // Staff moving work between technicians are not bound by the notice customers must give.
        ignoreNotice: true,
        now: reading.now,
      });
      const got = await reserveFirstFree(
        tx,
        orgId,
        choice.ranked.map((r) => r.technicianId),
        blockedRange(booked, startMs),
        { kind: 'appointment', serviceItemId: booked.id },
      );
      if (!got) return slotUnavailable(tx, orgId, booked, startMs, 'taken', { now: reading.now });
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
        actor: actorOf(principal),
        reason: body.reason ?? `reassigned from technician ${current.technicianId} to ${got.technicianId}`,
      });
      await recordEvent(
        tx,
        appointmentEvent('appointment.technician_assigned', updated!, { technicianId: current.technicianId }),
        this.#now(),
      );
      await recordPending(tx, audit, updated!.id, this.#now());
      return updated!;
    });
  }

  /** Moves an appointment to another time: the old one is cancelled and points at its successor. */
  async reschedule(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: { start: string; technicianId?: string | null | undefined; reason?: string | null | undefined },
    audit?: PendingAudit,
  ): Promise<AppointmentRow> {
    const current = await findAppointment(db, principal, orgId, appointmentId);
    if (!reschedulableStatuses.includes(current.status)) {
      throw new ApiError('conflict', {
        detail: `An appointment that is ${current.status} cannot be rescheduled.`,
        allowed: [...reschedulableStatuses],
      });
    }
    const [booked, preferredTechnicianId] = await Promise.all([
      bookedItem(db, current),
      preferredTechnicianOf(db, current.customerId),
    ]);
    const startMs = Date.parse(body.start);
    const actor = actorOf(principal);
    const reading = this.reading(db);
    const move = async (tx: Db) => {
      // Moves take turns (see lockMoves): simultaneous ones queue instead of deadlocking.
      await lockMoves(tx, orgId);
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
      const choice = await chooseTechnicians(tx, orgId, booked, startMs, {
        technicianId: body.technicianId ?? undefined,
        // The customer moving their visit is the same customer who booked it: same preference.
        preferredTechnicianId,
        alternativesLater: true,
        now: reading.now,
      });
      const got = await reserveFirstFree(
        tx,
        orgId,
        choice.ranked.map((r) => r.technicianId),
        blockedRange(booked, startMs),
        { kind: 'appointment', serviceItemId: booked.id },
      );
      if (!got) throw new SlotRefused('taken');
      const next = await insertAppointment(
        tx,
        {
          orgId,
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
          // Still the same work order: the visit moved, the job did not.
          jobId: current.jobId,
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
      // One event for the move: the old visit's cancellation is part of it, not a cancellation.
      await recordEvent(
        tx,
        appointmentEvent('appointment.rescheduled', next, {
          id: current.id,
          reference: current.reference,
          start: current.startsAt.toISOString(),
          end: current.endsAt.toISOString(),
          technicianId: current.technicianId,
        }),
        reading.now,
      );
      await recordPending(tx, audit, next.id, reading.now);
      return next;
    };
    try {
      return await this.#transaction(db, move);
    } catch (error) {
      // Rolled back, locks released: now the nearest free starts can be looked up.
      if (error instanceof SlotRefused)
        return slotUnavailable(db, orgId, booked, startMs, error.reason, this.reading(db));
      throw error;
    }
  }

  /** The bookable starts of an item over whole local days, with the price in force on the first. */
  async availability(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    query: Query<'getAvailability'>,
  ) {
    checkDayWindow(query);
    const publicOnly = principal?.kind === 'publishable_key';
    const itemLookup = db
      .select()
      .from(serviceItems)
      .where(and(eq(serviceItems.orgId, orgId), eq(serviceItems.id, query.serviceItemId)))
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
    const reading = this.reading(db);
    // Item, calendars and price in one round of parallel reads.
    const [item, context, tiers] = await Promise.all([
      itemLookup,
      loadSchedulingContext(db, orgId, itemLookup, { start, end, technicianId: query.technicianId }, reading),
      tiersInForce(db, [query.serviceItemId], query.from),
    ]);
    const timeZone = query.timeZone ?? context.org.timeZone;
    const { days } = computeAvailability({
      from: query.from,
      to: query.to,
      timeZone,
      durationMinutes: item.durationMinutes,
      bufferBeforeMinutes: item.bufferBeforeMinutes,
      bufferAfterMinutes: item.bufferAfterMinutes,
      ...context.rules,
      now: reading.now,
      technicians: context.calendars,
    });
    return {
      item,
      timeZone,
      price: priceInForce(item, tiers.get(item.id), query.from, context.org.currency),
      days,
    };
  }

  /** Records a customer's rating of a completed appointment. */
  async recordFeedback(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: { rating: number; feedback?: string | null | undefined },
  ): Promise<AppointmentRow> {
    const current = await findAppointment(db, principal, orgId, appointmentId);
    if (current.status !== 'completed') {
      throw new ApiError('conflict', { detail: 'Feedback is recorded for completed appointments only.' });
    }
    const [row] = await db
      .update(appointments)
      .set({ rating: body.rating, feedback: body.feedback ?? null, updatedAt: sql`now()` })
      .where(eq(appointments.id, current.id))
      .returning();
    return row!;
  }

  async #bookableItem(db: Db, principal: Principal | undefined, orgId: string, itemId: string) {
    const [item] = await db
      .select()
      .from(serviceItems)
      .where(and(eq(serviceItems.orgId, orgId), eq(serviceItems.id, itemId)));
    return bookableItem(item, principal?.kind === 'publishable_key');
  }
}

/** Who holds a hold: a booking widget is one publishable key at one client address. */
export function holderKey({ principal, address }: Caller): string {
  return `${actorOf(principal)}@${address}`;
}

export async function releaseReservation(db: Db, reservationId: string): Promise<void> {
  await db
    .update(reservations)
    .set({ releasedAt: sql`now()` })
    .where(and(eq(reservations.id, reservationId), sql`${reservations.releasedAt} is null`));
}

export async function orgOf(db: Db, orgId: string) {
  const [org] = await db
    .select({ timeZone: organizations.timeZone, currency: organizations.currency })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return org!;
}

/** Technicians see and move only their own appointments; everyone else sees the organization's. */
export async function ownTechnicianId(db: Db, principal: Principal | undefined): Promise<string | undefined> {
  if (principal?.kind !== 'user' || principal.role !== 'technician') return undefined;
  const [row] = await db
    .select({ id: technicians.id })
    .from(technicians)
    .where(and(eq(technicians.orgId, principal.orgId), eq(technicians.userId, principal.userId)));
  return row?.id ?? 'none';
}

export async function findAppointment(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  appointmentId: string,
): Promise<AppointmentRow> {
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)));
  const own = await ownTechnicianId(db, principal);
  if (!row || (own && row.technicianId !== own)) throw new ApiError('not_found');
  return row;
}

async function preferredTechnicianOf(db: Db, customerId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: customerPreferences.preferredTechnicianId })
    .from(customerPreferences)
    .where(eq(customerPreferences.customerId, customerId));
  return row?.id ?? null;
}

/** The item as it was booked: buffers and duration are kept on the appointment. */
async function bookedItem(db: Db, row: AppointmentRow): Promise<ItemRow> {
  const [item] = await db.select().from(serviceItems).where(eq(serviceItems.id, row.serviceItemId));
  return {
    ...item!,
    durationMinutes: (row.endsAt.getTime() - row.startsAt.getTime()) / MINUTE_MS,
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
  };
}

/** How far ahead of the server's clock a device's may run before its times are refused. */
const clockSkewMs = 2 * MINUTE_MS;
/** How long a device may hold a change before sending it (a week without a connection is already rare). */
const oldestOccurredMs = 7 * 24 * 60 * MINUTE_MS;

/**
 * The time a change sent after the fact happened, once it is shown to fit: not in the future
 * (beyond a device's clock running a little fast), not older than a week, and not before the
 * appointment's latest status change, since labour time is measured between consecutive lines
 * of the history and a line slipped in between would rewrite what was already recorded. Edits
 * that kept the status (notes, address, technician) do not count: a technician's taps queued
 * offline must not be refused because the office edited the visit meanwhile.
 */
async function occurredAtInBounds(
  db: Db,
  appointmentId: string,
  occurredAt: string,
  now: number,
): Promise<Date> {
  const at = new Date(occurredAt);
  const refuse = (message: string): never => {
    throw new ApiError('validation_failed', { errors: [{ path: 'body.occurredAt', message }] });
  };
  if (Number.isNaN(at.getTime())) refuse('is not a date-time');
  if (at.getTime() > now + clockSkewMs) refuse('is in the future');
  if (at.getTime() < now - oldestOccurredMs) refuse('is more than 7 days ago');
  const [latest] = await db
    .select({ at: appointmentHistory.at })
    .from(appointmentHistory)
    .where(
      and(
        eq(appointmentHistory.appointmentId, appointmentId),
        sql`${appointmentHistory.fromStatus} is distinct from ${appointmentHistory.toStatus}`,
      ),
    )
    .orderBy(desc(appointmentHistory.at))
    .limit(1);
  if (latest && at.getTime() < latest.at.getTime()) {
    refuse(`is before the appointment's latest status change (${latest.at.toISOString()})`);
  }
  return at;
}
