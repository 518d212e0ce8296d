import { sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import { type Db, queryRows } from '../../db/index.js';
import {
  appointmentHistory,
  appointments,
  type SiteAddress,
  type serviceItems,
  type VisitContact,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { newId, randomBytesPooled } from '../../lib/ids.js';
import {
  type AvailabilityQuery,
  checkStart,
  computeAvailability,
  nearestStarts,
} from '../../scheduling/availability.js';
import { addDays, DAY_MS, localDateOf, localToInstant, MINUTE_MS } from '../../scheduling/time.js';
import { type AssignmentReason, type Candidate, rankCandidates } from '../assignment.js';
import { type BusyCache, loadSchedulingContext, pgArray, type SchedulingContext } from '../scheduling.js';

type ItemRow = typeof serviceItems.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;

/** What every read of the rules needs: the clock's reading, and the busy cache when on the shared handle. */
export interface Reading {
  now: number;
  cache?: BusyCache | undefined;
}

export function actorOf(principal: Principal | undefined): string {
  if (!principal) return 'system';
  return principal.kind === 'user' ? `user:${principal.userId}` : `${principal.kind}:${principal.keyId}`;
}

/** The time a booking takes from its technician: the appointment widened by its buffers. */
export function blockedRange(item: ItemRow, startMs: number) {
  return {
    start: startMs - item.bufferBeforeMinutes * MINUTE_MS,
    end: startMs + (item.durationMinutes + item.bufferAfterMinutes) * MINUTE_MS,
  };
}

function ruleQuery(
  context: SchedulingContext,
  item: ItemRow,
  now: number,
  ignoreNotice = false,
): Omit<AvailabilityQuery, 'from' | 'to'> {
  return {
    timeZone: context.org.timeZone,
    durationMinutes: item.durationMinutes,
    bufferBeforeMinutes: item.bufferBeforeMinutes,
    bufferAfterMinutes: item.bufferAfterMinutes,
    ...context.rules,
    // Staff moving work between technicians are not bound by the notice customers must give.
    ...(ignoreNotice ? { minimumNoticeMinutes: 0 } : {}),
    now,
    technicians: context.calendars,
  };
}

/** Up to 3 bookable starts nearest to the one that failed, from a week around it. */
export async function alternativesFor(
  db: Db,
  orgId: string,
  item: ItemRow,
  startMs: number,
  reading: Reading,
): Promise<string[]> {
  const context = await loadSchedulingContext(
    db,
    orgId,
    item,
    { start: startMs - 4 * DAY_MS, end: startMs + 4 * DAY_MS },
    reading,
  );
  const day = localDateOf(context.org.timeZone, startMs);
  const { days } = computeAvailability({
    ...ruleQuery(context, item, reading.now),
    from: addDays(day, -3),
    to: addDays(day, 3),
  });
  return nearestStarts(days, startMs, 3);
}

/** 409 slot_unavailable with why, and up to 3 nearest starts that can still be booked. */
export async function slotUnavailable(
  db: Db,
  orgId: string,
  item: ItemRow,
  startMs: number,
  reason: string,
  reading: Reading,
): Promise<never> {
  throw new ApiError('slot_unavailable', {
    detail:
      reason === 'taken'
        ? 'Someone else booked this time a moment ago.'
        : `This time cannot be booked (${reason.replaceAll('_', ' ')}).`,
    extensions: {
      slotReason: reason,
      alternatives: await alternativesFor(db, orgId, item, startMs, reading),
    },
  });
}

/**
 * Tries to reserve the range for each technician in turn, through `crewkit_reserve_first_free`
 * (migration 0017), the one function every booking path reserves with: group commit calls it from
 * `crewkit_book_appointment`, the paths in a transaction of their own call it here. The exclusion
 * constraint decides who wins a race; a loser moves on to the next technician. A first pass skips
 * technicians another booking is taking right now, so concurrent bookings spread over technicians
 * instead of queueing behind one uncommitted row; one statement, so one round trip however many
 * technicians are tried.
 */
export async function reserveFirstFree(
  db: Db,
  orgId: string,
  technicianIds: string[],
  range: { start: number; end: number },
  fields: { kind: 'hold' | 'appointment'; serviceItemId: string; holderKey?: string; expiresAt?: Date },
): Promise<{ reservationId: string; technicianId: string } | undefined> {
  if (technicianIds.length === 0) return undefined;
  const id = newId();
  const [row] = await queryRows<{ technician_id: string | null }>(
    db,
    sql`select crewkit_reserve_first_free(${id}, ${orgId}, ${pgArray(technicianIds)}::uuid[], ${fields.kind},
          ${new Date(range.start).toISOString()}::timestamptz, ${new Date(range.end).toISOString()}::timestamptz,
          ${fields.serviceItemId}, ${fields.holderKey ?? null}, ${fields.expiresAt?.toISOString() ?? null}::timestamptz
        ) as technician_id`,
  );
  return row?.technician_id ? { reservationId: id, technicianId: row.technician_id } : undefined;
}

export interface SlotChoice {
  context: SchedulingContext;
  /** Free, qualified technicians in assignment order, with the reason each would be chosen. */
  ranked: Array<{ technicianId: string; reason: AssignmentReason }>;
}

/**
 * Applies every rule the availability endpoint applies to one start: working hours in the
 * technician's zone, buffers against existing reservations, time off, notice, horizon, skills and
 * certifications. A hand-made request cannot book what the widget would not offer.
 */
export async function chooseTechnicians(
  db: Db,
  orgId: string,
  item: ItemRow,
  startMs: number,
  options: ChoiceOptions,
): Promise<SlotChoice> {
  const context = await loadSchedulingContext(
    db,
    orgId,
    item,
    { start: startMs - DAY_MS, end: startMs + DAY_MS, technicianId: options.technicianId ?? undefined },
    options,
  );
  const choice = rankFree(context, item, startMs, options);
  if (typeof choice === 'string') {
    if (options.alternativesLater) throw new SlotRefused(choice);
    return slotUnavailable(db, orgId, item, startMs, choice, options);
  }
  return choice;
}

/**
 * A refused slot whose alternatives are read after the transaction that found it has rolled back:
 * read inside it, a week of availability would be computed while it holds its locks.
 */
export class SlotRefused extends Error {
  constructor(readonly reason: string) {
    super(`slot unavailable: ${reason}`);
  }
}

/**
 * Makes the organization's moves (reschedules, reassignments) take turns, until the transaction
 * ends. A move frees one technician's time and takes another's, and each change to a technician's
 * reservations bumps their schedule counter (`schedule_versions`, migration 0012), a row lock held
 * to commit: two moves crossing two technicians in opposite order would deadlock. A booking takes
 * one technician's time and frees none, so bookings need no turn (a batch of them that meets a
 * deadlock is written again one by one, see batch.ts).
 */
export async function lockMoves(db: Db, orgId: string): Promise<void> {
  await queryRows(db, sql`select pg_advisory_xact_lock(hashtext('moves'), hashtext(${orgId}))`);
}

export interface ChoiceOptions extends Reading {
  technicianId?: string | null | undefined;
  preferredTechnicianId?: string | null;
  ignoreNotice?: boolean;
  /**
   * Blocked ranges that bookings written in the same batch, ahead of this one, are about to take,
   * by technician. A technician one of them overlaps is not refused (that booking may yet land
   * elsewhere) but tried last; their minutes count towards the fair spread.
   */
  pending?: ReadonlyMap<string, Array<{ start: number; end: number }>>;
  /** Refuse with `SlotRefused`, leaving the alternatives to the caller, outside its transaction. */
  alternativesLater?: boolean;
}

/** The free technicians for one start in assignment order, or why there is none. */
export function rankFree(
  context: SchedulingContext,
  item: ItemRow,
  startMs: number,
  options: ChoiceOptions,
): SlotChoice | string {
  const query = ruleQuery(context, item, options.now, options.ignoreNotice);
  const verdicts = context.calendars.map((calendar) => ({
    calendar,
    verdict: checkStart(query, calendar, startMs),
  }));
  const free = verdicts.filter((v) => v.verdict === null);
  if (free.length === 0) {
    const reason =
      verdicts.find((v) => v.verdict !== 'slot_unavailable')?.verdict ??
      (verdicts.length === 0 ? 'no_qualified_technician' : 'taken');
    return reason === 'slot_unavailable' ? 'taken' : reason;
  }
  const day = localDateOf(context.org.timeZone, startMs);
  const dayStart = localToInstant(context.org.timeZone, day, 0);
  const dayEnd = localToInstant(context.org.timeZone, addDays(day, 1), 0);
  const minutesOn = (spans: Array<{ start: number; end: number }>) =>
    spans.reduce(
      (sum, b) => sum + Math.max(0, Math.min(b.end, dayEnd) - Math.max(b.start, dayStart)) / MINUTE_MS,
      0,
    );
  const range = blockedRange(item, startMs);
  const clear: Candidate[] = [];
  const contested: Candidate[] = [];
  for (const { calendar } of free) {
    const pending = options.pending?.get(calendar.id) ?? [];
    (pending.some((p) => p.start < range.end && range.start < p.end) ? contested : clear).push({
      technicianId: calendar.id,
      proficiency: context.technicians.get(calendar.id)?.proficiency ?? 0,
      bookedMinutes: minutesOn(calendar.busy) + minutesOn(pending),
    });
  }
  const ranked = [
    ...rankCandidates(clear, options.preferredTechnicianId),
    ...rankCandidates(contested, options.preferredTechnicianId),
  ];
  return {
    context,
    ranked: ranked.map((r) => ({
      technicianId: r.technicianId,
      reason: options.technicianId ? 'requested_technician' : r.reason,
    })),
  };
}

/** The item a caller may book: a publishable key sees only public items; a retired item is a conflict. */
export function bookableItem(item: ItemRow | undefined, publicOnly: boolean): ItemRow {
  if (!item || (publicOnly && !item.public))
    throw new ApiError('not_found', { detail: 'No such service item.' });
  if (!item.active) throw new ApiError('conflict', { detail: 'This service is no longer offered.' });
  return item;
}

export interface NewBooking {
  serviceItemId: string;
  start: string;
  technicianId?: string | null | undefined;
  customerId?: string | null | undefined;
  customer?: { name: string; email: string; phone?: string | null } | null | undefined;
  notes?: string | null | undefined;
  siteAddress?: SiteAddress | null | undefined;
  visitContact?: VisitContact | null | undefined;
}

const referenceAlphabet = 'ACDEFHJKMNPQRTUVWXY34679';

/** A short code people can read out on the phone (no 0/O, 1/I/L, 5/S, 8/B, 2/Z). */
export function newReference(): string {
  const bytes = randomBytesPooled(6);
  const chars = [...bytes].map((b) => referenceAlphabet[b % referenceAlphabet.length]);
  return `${chars.slice(0, 3).join('')}-${chars.slice(3).join('')}`;
}

export async function insertAppointment(
  db: Db,
  values: Omit<typeof appointments.$inferInsert, 'id' | 'reference'>,
  history: { actor: string; reason: string | null; fromStatus?: AppointmentRow['status'] | null },
): Promise<AppointmentRow> {
  const id = newId();
  // 24^6 references per organization: a clash is rare, and another draw settles it.
  for (let attempt = 0; attempt < 6; attempt++) {
    const [row] = await db
      .insert(appointments)
      .values({ ...values, id, reference: newReference() })
      .onConflictDoNothing({ target: [appointments.orgId, appointments.reference] })
      .returning();
    if (!row) continue;
    await recordHistory(db, row, {
      from: history.fromStatus ?? null,
      to: values.status,
      actor: history.actor,
      reason: history.reason,
    });
    return row;
  }
  throw new Error('could not draw a unique appointment reference');
}

/** Every status change (and reassignment) leaves a line: from, to, who, when, why. */
export async function recordHistory(
  db: Db,
  row: AppointmentRow,
  change: {
    from: AppointmentRow['status'] | null;
    to: AppointmentRow['status'];
    actor: string;
    reason: string | null;
    changedFields?: string[];
    /** The services' clock, where the caller has it (labour time is measured between these lines). */
    at?: Date;
  },
) {
  await db.insert(appointmentHistory).values({
    id: newId(),
    orgId: row.orgId,
    appointmentId: row.id,
    fromStatus: change.from,
    toStatus: change.to,
    actor: change.actor,
    reason: change.reason,
    changedFields: change.changedFields ?? null,
    ...(change.at ? { at: change.at } : {}),
  });
}
