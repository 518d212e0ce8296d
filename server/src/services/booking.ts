import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.js';
import { type Db, queryRows } from '../db/index.js';
import {
  appointmentHistory,
  appointments,
  organizations,
  pricingTiers,
  reservations,
  scheduleOverrides,
  serviceItems,
  technicians,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import {
  type AvailabilityQuery,
  checkStart,
  computeAvailability,
  nearestStarts,
} from '../scheduling/availability.js';
import { addDays, DAY_MS, HOUR_MS, localDateOf, localToInstant, MINUTE_MS } from '../scheduling/time.js';
import { type AssignmentReason, rankCandidates } from './assignment.js';
import {
  type BlockedRow,
  blockedQuery,
  buildSchedulingContext,
  loadSchedulingContext,
  pgArray,
  readBounds,
  rowFromJson,
  type SchedulingContext,
} from './scheduling.js';

type ItemRow = typeof serviceItems.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;

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
    now: Date.now(),
    technicians: context.calendars,
  };
}

/** Up to 3 bookable starts nearest to the one that failed, from a week around it. */
export async function alternativesFor(
  db: Db,
  orgId: string,
  item: ItemRow,
  startMs: number,
): Promise<string[]> {
  const context = await loadSchedulingContext(db, orgId, item, {
    start: startMs - 4 * DAY_MS,
    end: startMs + 4 * DAY_MS,
  });
  const day = localDateOf(context.org.timeZone, startMs);
  const { days } = computeAvailability({
    ...ruleQuery(context, item),
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
): Promise<never> {
  throw new ApiError('slot_unavailable', {
    detail:
      reason === 'taken'
        ? 'Someone else booked this time a moment ago.'
        : `This time cannot be booked (${reason.replaceAll('_', ' ')}).`,
    extensions: { slotReason: reason, alternatives: await alternativesFor(db, orgId, item, startMs) },
  });
}

/** Frees lapsed holds in the way: the exclusion constraint cannot see time, so lapsed holds are released first. */
async function releaseLapsedHolds(db: Db, technicianId: string, range: { start: number; end: number }) {
  const released = await db
    .update(reservations)
    .set({ releasedAt: sql`now()` })
    .where(
      and(
        eq(reservations.technicianId, technicianId),
        eq(reservations.kind, 'hold'),
        sql`${reservations.releasedAt} is null`,
        sql`${reservations.expiresAt} <= now()`,
        sql`tstzrange(${reservations.startsAt}, ${reservations.endsAt}) && tstzrange(${new Date(range.start).toISOString()}::timestamptz, ${new Date(range.end).toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: reservations.id });
  return released.length;
}

/**
 * Tries to reserve the range for each technician in turn. The exclusion constraint decides who
 * wins a race; a loser moves on to the next technician.
 *
 * Checking the constraint against another request's uncommitted row means waiting for it to
 * commit, so 50 simultaneous bookings that all rank the same technician first would queue behind
 * each other. A first pass therefore skips technicians whose advisory lock another booking holds
 * right now (`pg_try_advisory_xact_lock`, no waiting): concurrent bookings spread over different
 * technicians at once. Only when every candidate is busy does a second pass wait its turn. The
 * locks only steer; the constraint alone guarantees no overlap.
 */
export async function reserveFirstFree(
  db: Db,
  orgId: string,
  technicianIds: string[],
  range: { start: number; end: number },
  fields: { kind: 'hold' | 'appointment'; serviceItemId: string; holderKey?: string; expiresAt?: Date },
): Promise<{ reservationId: string; technicianId: string } | undefined> {
  // One statement per attempt, no savepoint: ON CONFLICT DO NOTHING also covers the exclusion
  // constraint, so a taken slot returns no row instead of aborting the caller's transaction. In
  // the first pass the same statement takes the technician's advisory lock without waiting; no
  // row then means "another booking is taking this technician right now" (or taken: either way,
  // move on and come back in the second pass, which waits its turn).
  const attempt = async (technicianId: string, lockFirst: boolean) => {
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`insert into reservations (id, org_id, technician_id, kind, starts_at, ends_at, service_item_id, holder_key, expires_at)
          select ${newId()}, ${orgId}, ${technicianId}, ${fields.kind}, ${new Date(range.start).toISOString()}::timestamptz,
                 ${new Date(range.end).toISOString()}::timestamptz, ${fields.serviceItemId}, ${fields.holderKey ?? null},
                 ${fields.expiresAt?.toISOString() ?? null}::timestamptz
           where ${lockFirst ? sql`pg_try_advisory_xact_lock(hashtext(${`technician:${technicianId}`}))` : sql`true`}
          on conflict do nothing
          returning id`,
    );
    return row?.id;
  };
  for (const lockFirst of [true, false]) {
    for (const technicianId of technicianIds) {
      let id = await attempt(technicianId, lockFirst);
      // The exclusion constraint cannot see time, so a lapsed hold still blocks: free lapsed
      // holds in the way and try once more (rarely needed, so not done before every insert).
      if (!id && !lockFirst && (await releaseLapsedHolds(db, technicianId, range)) > 0) {
        id = await attempt(technicianId, false);
      }
      if (id) return { reservationId: id, technicianId };
    }
  }
  return undefined;
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
  const context = await loadSchedulingContext(db, orgId, item, {
    start: startMs - DAY_MS,
    end: startMs + DAY_MS,
    technicianId: options.technicianId ?? undefined,
  });
  const choice = rankFree(context, item, startMs, options);
  if (typeof choice === 'string') return slotUnavailable(db, orgId, item, startMs, choice);
  return choice;
}

interface ChoiceOptions {
  technicianId?: string | null | undefined;
  preferredTechnicianId?: string | null;
  ignoreNotice?: boolean;
}

/** The free technicians for one start in assignment order, or why there is none. */
function rankFree(
  context: SchedulingContext,
  item: ItemRow,
  startMs: number,
  options: ChoiceOptions,
): SlotChoice | string {
  const query = ruleQuery(context, item, options.ignoreNotice);
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
  const ranked = rankCandidates(
    free.map(({ calendar }) => ({
      technicianId: calendar.id,
      proficiency: context.technicians.get(calendar.id)?.proficiency ?? 0,
      bookedMinutes: calendar.busy.reduce(
        (sum, b) => sum + Math.max(0, Math.min(b.end, dayEnd) - Math.max(b.start, dayStart)) / MINUTE_MS,
        0,
      ),
    })),
    options.preferredTechnicianId,
  );
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
}

/**
 * Books a new appointment (no hold) in two statements: one read of everything the rules need
 * (item, organization, technicians, overrides, busy time around the start, price tiers, the
 * customer and their preferred technician), then `crewkit_book_appointment` (migration 0012),
 * which reserves the first free ranked technician, settles the customer and writes the
 * appointment and its history at once. The rules and the ranking are the same code the other
 * booking paths use; only the round trips are fewer (the earlier transaction made ~14).
 */
export async function bookAppointment(
  db: Db,
  orgId: string,
  body: NewBooking,
  caller: { publicOnly: boolean; actor: string },
): Promise<AppointmentRow> {
  const startMs = Date.parse(body.start);
  // Overrides a day either side, as loadSchedulingContext reads them; busy time only where it can
  // change the verdict or the ranking: the start's local day in any zone (25 h at most) and the
  // blocked range (the contract caps duration at 24 h and each buffer at 8 h). About a third of
  // the rows a ±2-day read returns.
  const bounds = {
    ...readBounds({ start: startMs - DAY_MS, end: startMs + DAY_MS }),
    from: new Date(startMs - 26 * HOUR_MS).toISOString(),
    to: new Date(startMs + 33 * HOUR_MS).toISOString(),
  };
  const technicianId = body.technicianId ?? undefined;
  const onlyOne = (column: SQL) => (technicianId ? sql`and ${column} = ${technicianId}` : sql``);
  const customerMatch = body.customerId
    ? sql`c.id = ${body.customerId}`
    : sql`lower(c.email) = lower(${body.customer!.email})`;
  const [read] = await queryRows<{
    item: Record<string, unknown> | null;
    org: Record<string, unknown> | null;
    technicians: Record<string, unknown>[];
    overrides: Record<string, unknown>[];
    blocked: BlockedRow[];
    tiers: Record<string, unknown>[];
    customer: { id: string; preferred_technician_id: string | null } | null;
  }>(
    db,
    sql`select
          (select row_to_json(i) from service_items i where i.org_id = ${orgId} and i.id = ${body.serviceItemId}) as item,
          (select row_to_json(o) from organizations o where o.id = ${orgId}) as org,
          (select coalesce(json_agg(t), '[]') from technicians t
            where t.org_id = ${orgId} and t.active ${onlyOne(sql`t.id`)}) as technicians,
          (select coalesce(json_agg(s), '[]') from schedule_overrides s
            where s.org_id = ${orgId} ${onlyOne(sql`s.technician_id`)}
              and s.date >= ${bounds.firstDate} and s.date <= ${bounds.lastDate}) as overrides,
          (select coalesce(json_agg(b), '[]') from (${blockedQuery(orgId, bounds, technicianId)}) b) as blocked,
          (select coalesce(json_agg(p), '[]') from pricing_tiers p
            where p.org_id = ${orgId} and p.item_id = ${body.serviceItemId}
              and p.valid_from <= ${bounds.lastDate} and (p.valid_to is null or p.valid_to >= ${bounds.firstDate})) as tiers,
          (select row_to_json(x) from (
             select c.id, p.preferred_technician_id from customers c
               left join customer_preferences p on p.customer_id = c.id
              where c.org_id = ${orgId} and ${customerMatch} limit 1) x) as customer`,
  );
  const item = bookableItem(read?.item ? rowFromJson(serviceItems, read.item) : undefined, caller.publicOnly);
  if (body.customerId && !read!.customer) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.customerId', message: 'is not a customer of this organization' }],
    });
  }
  if (!read!.org) throw new Error(`organization ${orgId} vanished`);
  const org = rowFromJson(organizations, read!.org);
  const context = buildSchedulingContext(item, {
    org,
    technicians: read!.technicians.map((t) => rowFromJson(technicians, t)),
    overrides: read!.overrides.map((o) => rowFromJson(scheduleOverrides, o)),
    blocked: read!.blocked,
  });
  const choice = rankFree(context, item, startMs, {
    technicianId,
    preferredTechnicianId: read!.customer?.preferred_technician_id ?? null,
  });
  if (typeof choice === 'string') return slotUnavailable(db, orgId, item, startMs, choice);

  const on = localDateOf(org.timeZone, startMs);
  const tier = read!.tiers
    .map((t) => rowFromJson(pricingTiers, t))
    .find((t) => t.validFrom <= on && (t.validTo === null || t.validTo >= on));
  const range = blockedRange(item, startMs);
  const ids = pgArray([newId(), newId(), newId(), newId()]);
  const references = pgArray(Array.from({ length: 6 }, newReference));
  const [booked] = await queryRows<{ appointment: Record<string, unknown> | null }>(
    db,
    sql`select crewkit_book_appointment(
          ${orgId}, ${item.id}, ${pgArray(choice.ranked.map((r) => r.technicianId))}::uuid[],
          ${pgArray(choice.ranked.map((r) => r.reason))}::text[],
          ${new Date(range.start).toISOString()}::timestamptz, ${new Date(range.end).toISOString()}::timestamptz,
          ${new Date(startMs).toISOString()}::timestamptz,
          ${new Date(startMs + item.durationMinutes * MINUTE_MS).toISOString()}::timestamptz,
          ${item.bufferBeforeMinutes}::integer, ${item.bufferAfterMinutes}::integer,
          ${tier?.priceMinor ?? item.basePriceMinor}::integer, ${org.currency}::text, ${body.notes ?? null}::text,
          ${read!.customer?.id ?? null}::uuid, ${body.customer?.name ?? null}::text,
          ${body.customer?.email ?? null}::text, ${body.customer?.phone ?? null}::text,
          ${ids}::uuid[], ${references}::text[], ${caller.actor}::text) as appointment`,
  );
  if (!booked?.appointment) return slotUnavailable(db, orgId, item, startMs, 'taken');
  return rowFromJson(appointments, booked.appointment);
}

const referenceAlphabet = 'ACDEFHJKMNPQRTUVWXY34679';

/** A short code people can read out on the phone (no 0/O, 1/I/L, 5/S, 8/B, 2/Z). */
export function newReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
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
  });
}
