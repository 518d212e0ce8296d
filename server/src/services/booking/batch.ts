import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/index.js';
import {
  appointments,
  customers,
  organizations,
  pricingTiers,
  scheduleOverrides,
  serviceItems,
  technicians,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { type NewDomainEvent, recordEvents } from '../../events/outbox.js';
import { appointmentEvent, customerEvent } from '../../events/records.js';
import { pgErrorCode, pgErrors } from '../../lib/db-errors.js';
import { newId } from '../../lib/ids.js';
import { DAY_MS, HOUR_MS, localDateOf, MINUTE_MS } from '../../scheduling/time.js';
import {
  type BlockedRow,
  type BusyCache,
  blockedQuery,
  buildSchedulingContext,
  readBounds,
  rowFromJson,
  type SchedulingContext,
} from '../scheduling.js';
import {
  type AppointmentRow,
  blockedRange,
  bookableItem,
  type NewBooking,
  newReference,
  rankFree,
  slotUnavailable,
} from './rules.js';

type ItemRow = typeof serviceItems.$inferSelect;

/** One new booking without a hold, as the route received it. */
export interface BookingRequest {
  orgId: string;
  body: NewBooking;
  caller: { publicOnly: boolean; actor: string };
  /** When it was asked (the services' clock): minimum notice and the horizon count from here. */
  now: number;
}

/**
 * How one booking of a batch ended: written, refused by a rule or by the race (answered with
 * alternatives once the batch is done), or failed.
 */
type Outcome =
  | { row: AppointmentRow }
  | { unavailable: { orgId: string; item: ItemRow; startMs: number; reason: string; now: number } }
  | { error: unknown };

/** The arguments of crewkit_book_appointment (migration 0012), as crewkit_book_appointments reads them. */
interface Entry {
  orgId: string;
  serviceItemId: string;
  technicianIds: string[];
  reasons: string[];
  blockedStart: string;
  blockedEnd: string;
  startsAt: string;
  endsAt: string;
  bufferBefore: number;
  bufferAfter: number;
  priceMinor: number;
  currency: string;
  notes: string | null;
  customerId: string | null;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  ids: string[];
  references: string[];
  actor: string;
}

/** Starts further apart than this are read separately: one read's busy time covers its whole span. */
const maxReadSpanMs = 2 * DAY_MS;

/**
 * Books new appointments (no hold) together: one read per organization (and per couple of days of
 * starts) of everything the rules need, the same rules and ranking as every other booking path,
 * then one statement writing the lot (`crewkit_book_appointments`, migration 0014). Bookings are
 * ranked in order, each seeing the technicians the ones before it are about to take, so ten
 * requests for one start spread over ten technicians instead of racing for the best one.
 *
 * Each request ends on its own: a bad item or a taken slot refuses that request only. If the
 * write itself fails (a row deleted under an entry, a deadlock with another instance), the batch
 * is written again one entry at a time, so the failure reaches only the request it belongs to.
 */
export async function bookAppointments(db: Db, requests: BookingRequest[]): Promise<Outcome[]> {
  return writeBookings(db, await prepareBookings(db, requests));
}

type Spans = Map<string, Array<{ start: number; end: number }>>;

/** A batch read and ranked, ready to write. */
interface PreparedBatch {
  /** Settled already: refused by a rule, or failed. */
  outcomes: Outcome[];
  entries: Array<{ index: number; entry: Entry; item: ItemRow; startMs: number; now: number }>;
  /** The ranges this batch's entries are likely to take, by technician. */
  taken: Spans;
}

/**
 * Reads and ranks a batch. `earlier`: what a batch still being written is likely to take, which
 * this batch's read may not see yet; ranked against like the batch's own earlier entries.
 */
export async function prepareBookings(
  db: Db,
  requests: BookingRequest[],
  earlier: Spans = new Map(),
): Promise<PreparedBatch> {
  const outcomes: Outcome[] = new Array(requests.length);
  const entries: PreparedBatch['entries'] = [];
  const taken: Spans = new Map();
  const pending: Spans = new Map([...earlier].map(([id, spans]) => [id, [...spans]]));
  for (const group of readGroups(requests)) {
    let read: BatchRead;
    try {
      read = await readForBatch(
        db,
        group.orgId,
        group.indexes.map((i) => requests[i]!),
      );
    } catch (error) {
      for (const index of group.indexes) outcomes[index] = { error };
      continue;
    }
    for (const index of group.indexes) {
      try {
        const planned = plan(read, requests[index]!, pending);
        if ('unavailable' in planned) {
          outcomes[index] = planned;
          continue;
        }
        const { range, ...entry } = planned;
        entries.push({ index, ...entry, now: requests[index]!.now });
        const likely = entry.entry.technicianIds[0]!;
        for (const spans of [pending, taken]) spans.set(likely, [...(spans.get(likely) ?? []), range]);
      } catch (error) {
        outcomes[index] = { error };
      }
    }
  }
  return { outcomes, entries, taken };
}

/**
 * Writes a prepared batch in one statement (one by one if that fails) and settles every request.
 * With `retryDeadlocks` (the shared handle, where each statement is its own transaction), an entry
 * written alone that PostgreSQL picked as a deadlock's victim is written again: it was rolled back
 * whole. Batches on two instances, and moves, lock technicians' rows in different orders.
 */
export async function writeBookings(
  db: Db,
  prepared: PreparedBatch,
  { retryDeadlocks = false }: { retryDeadlocks?: boolean } = {},
): Promise<Outcome[]> {
  const { outcomes, entries } = prepared;
  if (entries.length === 0) return outcomes;
  const writeOne = async (entry: Timed) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await writeEntries(db, [entry]))[0] ?? null;
      } catch (error) {
        if (!retryDeadlocks || attempt >= 3 || pgErrorCode(error) !== pgErrors.deadlockDetected) throw error;
      }
    }
  };
  let written: Array<Record<string, unknown> | null>;
  try {
    written = entries.length === 1 ? [await writeOne(entries[0]!)] : await writeEntries(db, entries);
  } catch (error) {
    if (entries.length === 1) {
      outcomes[entries[0]!.index] = { error };
      return outcomes;
    }
    // One by one, so whatever failed fails only the request it belongs to.
    written = [];
    for (const timed of entries) {
      const { index } = timed;
      try {
        written.push(await writeOne(timed));
      } catch (single) {
        outcomes[index] = { error: single };
        written.push(null);
      }
    }
  }
  entries.forEach(({ index, item, startMs, entry, now }, i) => {
    if (outcomes[index]) return;
    const appointment = written[i];
    outcomes[index] = appointment
      ? { row: rowFromJson(appointments, appointment) }
      : { unavailable: { orgId: entry.orgId, item, startMs, reason: 'taken', now } };
  });
  return outcomes;
}

/** The appointment an outcome stands for; a refused slot answers 409 with its nearest alternatives. */
export async function settle(db: Db, outcome: Outcome, cache?: BusyCache): Promise<AppointmentRow> {
  if ('row' in outcome) return outcome.row;
  if ('error' in outcome) throw outcome.error;
  const { orgId, item, startMs, reason, now } = outcome.unavailable;
  return slotUnavailable(db, orgId, item, startMs, reason, { now, cache });
}

/** Books one appointment (inside a caller's transaction, say): a batch of one. */
export async function bookAppointment(db: Db, request: BookingRequest): Promise<AppointmentRow> {
  const [outcome] = await bookAppointments(db, [request]);
  return settle(db, outcome!);
}

/** An entry and when it was asked (its events happened then, by the services' clock). */
type Timed = { entry: Entry; now: number };

/**
 * Writes entries in one statement, and their events (`appointment.created`, and
 * `customer.created` for a customer the booking made) in the same transaction: the batch and
 * what it announces commit together. Inside a caller's transaction this is a savepoint.
 */
async function writeEntries(db: Db, entries: Timed[]): Promise<Array<Record<string, unknown> | null>> {
  return db.transaction(async (tx) => {
    const [result] = await queryRows<{ appointments: Array<Record<string, unknown> | null> }>(
      tx,
      sql`select crewkit_book_appointments(${JSON.stringify(entries.map((e) => e.entry))}::json) as appointments`,
    );
    const written = result!.appointments;
    const booked = written.flatMap((json, i) =>
      json ? [{ row: rowFromJson(appointments, json), ...entries[i]! }] : [],
    );
    // The function made the customer when it used the id drawn for a new one.
    const madeIds = booked.filter((b) => b.row.customerId === b.entry.ids[3]).map((b) => b.row.customerId);
    const made =
      madeIds.length === 0
        ? []
        : await tx
            .select()
            .from(customers)
            .where(
              sql`${customers.id} in (${sql.join(
                madeIds.map((id) => sql`${id}`),
                sql`, `,
              )})`,
            );
    const events: NewDomainEvent[] = [];
    for (const { row, entry, now } of booked) {
      const customer =
        row.customerId === entry.ids[3] ? made.find((c) => c.id === row.customerId) : undefined;
      if (customer) events.push({ ...customerEvent('customer.created', customer), occurredAt: now });
      events.push({ ...appointmentEvent('appointment.created', row), occurredAt: now });
    }
    await recordEvents(tx, events);
    return written;
  });
}

/** Requests by organization, and within one by starts at most `maxReadSpanMs` apart. */
function readGroups(requests: BookingRequest[]): Array<{ orgId: string; indexes: number[] }> {
  const byOrg = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const list = byOrg.get(request.orgId) ?? [];
    list.push(index);
    byOrg.set(request.orgId, list);
  });
  const groups: Array<{ orgId: string; indexes: number[] }> = [];
  for (const [orgId, indexes] of byOrg) {
    const byStart = [...indexes].sort(
      (a, b) => Date.parse(requests[a]!.body.start) - Date.parse(requests[b]!.body.start),
    );
    let current: number[] = [];
    let first = 0;
    for (const index of byStart) {
      const start = Date.parse(requests[index]!.body.start);
      if (current.length > 0 && start - first > maxReadSpanMs) {
        groups.push({ orgId, indexes: current.sort((a, b) => a - b) });
        current = [];
      }
      if (current.length === 0) first = start;
      current.push(index);
    }
    // Arrival order within a group: the first to ask is the first to be given a technician.
    if (current.length > 0) groups.push({ orgId, indexes: current.sort((a, b) => a - b) });
  }
  return groups;
}

interface BatchRead {
  org: typeof organizations.$inferSelect;
  items: Map<string, ItemRow>;
  technicians: Array<typeof technicians.$inferSelect>;
  overrides: Array<typeof scheduleOverrides.$inferSelect>;
  blocked: BlockedRow[];
  tiers: Array<typeof pricingTiers.$inferSelect>;
  customers: Array<{ id: string; email: string; preferred_technician_id: string | null }>;
  /** Scheduling contexts built so far, by item and requested technician. */
  contexts: Map<string, SchedulingContext>;
}

/**
 * One statement for a group of one organization's bookings: the items, the organization, its
 * active technicians, their overrides, busy time near the starts (26 h before the first, 33 h
 * after the last: the start's local day in any zone and the longest blocked range the contract
 * allows), price tiers and the customers named, as JSON.
 */
async function readForBatch(db: Db, orgId: string, requests: BookingRequest[]): Promise<BatchRead> {
  const starts = requests.map((r) => Date.parse(r.body.start));
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const bounds = {
    ...readBounds({ start: first - DAY_MS, end: last + DAY_MS }),
    from: new Date(first - 26 * HOUR_MS).toISOString(),
    to: new Date(last + 33 * HOUR_MS).toISOString(),
  };
  const itemIds = JSON.stringify([...new Set(requests.map((r) => r.body.serviceItemId))]);
  const customerIds = JSON.stringify(requests.flatMap((r) => (r.body.customerId ? [r.body.customerId] : [])));
  const emails = JSON.stringify(
    requests.flatMap((r) =>
      !r.body.customerId && r.body.customer ? [r.body.customer.email.toLowerCase()] : [],
    ),
  );
  const [read] = await queryRows<{
    items: Record<string, unknown>[];
    org: Record<string, unknown> | null;
    technicians: Record<string, unknown>[];
    overrides: Record<string, unknown>[];
    blocked: BlockedRow[];
    tiers: Record<string, unknown>[];
    customers: BatchRead['customers'];
  }>(
    db,
    sql`select
          (select coalesce(json_agg(i), '[]') from service_items i
            where i.org_id = ${orgId} and i.id = any(array(select json_array_elements_text(${itemIds}::json)::uuid))) as items,
          (select row_to_json(o) from organizations o where o.id = ${orgId}) as org,
          (select coalesce(json_agg(t), '[]') from technicians t where t.org_id = ${orgId} and t.active) as technicians,
          (select coalesce(json_agg(s), '[]') from schedule_overrides s
            where s.org_id = ${orgId} and s.date >= ${bounds.firstDate} and s.date <= ${bounds.lastDate}) as overrides,
          (select coalesce(json_agg(b), '[]') from (${blockedQuery(orgId, bounds)}) b) as blocked,
          (select coalesce(json_agg(p), '[]') from pricing_tiers p
            where p.org_id = ${orgId} and p.item_id = any(array(select json_array_elements_text(${itemIds}::json)::uuid))
              and p.valid_from <= ${bounds.lastDate} and (p.valid_to is null or p.valid_to >= ${bounds.firstDate})) as tiers,
          (select coalesce(json_agg(x), '[]') from (
             select c.id, lower(c.email) as email, p.preferred_technician_id from customers c
               left join customer_preferences p on p.customer_id = c.id
              where c.org_id = ${orgId}
                and (c.id = any(array(select json_array_elements_text(${customerIds}::json)::uuid))
                     or lower(c.email) = any(array(select json_array_elements_text(${emails}::json))))) x) as customers`,
  );
  if (!read?.org) throw new Error(`organization ${orgId} vanished`);
  return {
    org: rowFromJson(organizations, read.org),
    items: new Map(read.items.map((i) => rowFromJson(serviceItems, i)).map((i) => [i.id, i])),
    technicians: read.technicians.map((t) => rowFromJson(technicians, t)),
    overrides: read.overrides.map((o) => rowFromJson(scheduleOverrides, o)),
    blocked: read.blocked,
    tiers: read.tiers.map((t) => rowFromJson(pricingTiers, t)),
    customers: read.customers,
    contexts: new Map(),
  };
}

/**
 * One request's entry for the write: its ranked free technicians (every rule of the availability
 * engine applied), price in force and customer, or why it cannot be booked. `pending`: the ranges
 * the entries before it are likely to take, ranked against.
 */
function plan(
  read: BatchRead,
  request: BookingRequest,
  pending: Spans,
):
  | { entry: Entry; item: ItemRow; startMs: number; range: { start: number; end: number } }
  | Extract<Outcome, { unavailable: unknown }> {
  const { body, caller, orgId } = request;
  const item = bookableItem(read.items.get(body.serviceItemId), caller.publicOnly);
  const customer = body.customerId
    ? read.customers.find((c) => c.id === body.customerId)
    : read.customers.find((c) => c.email === body.customer!.email.toLowerCase());
  if (body.customerId && !customer) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.customerId', message: 'is not a customer of this organization' }],
    });
  }
  const technicianId = body.technicianId ?? undefined;
  const contextKey = `${item.id}/${technicianId ?? ''}`;
  let context = read.contexts.get(contextKey);
  if (!context) {
    context = buildSchedulingContext(item, {
      org: read.org,
      technicians: technicianId ? read.technicians.filter((t) => t.id === technicianId) : read.technicians,
      overrides: read.overrides,
      blocked: read.blocked,
    });
    read.contexts.set(contextKey, context);
  }
  const startMs = Date.parse(body.start);
  const choice = rankFree(context, item, startMs, {
    technicianId,
    // A publishable key only claims an email: honouring the customer's preference would tell it
    // the customer exists (and whom they prefer).
    preferredTechnicianId: caller.publicOnly ? null : (customer?.preferred_technician_id ?? null),
    pending,
    now: request.now,
  });
  if (typeof choice === 'string')
    return { unavailable: { orgId, item, startMs, reason: choice, now: request.now } };

  const range = blockedRange(item, startMs);
  const on = localDateOf(read.org.timeZone, startMs);
  const tier = read.tiers.find(
    (t) => t.itemId === item.id && t.validFrom <= on && (t.validTo === null || t.validTo >= on),
  );
  return {
    item,
    startMs,
    range,
    entry: {
      orgId,
      serviceItemId: item.id,
      technicianIds: choice.ranked.map((r) => r.technicianId),
      reasons: choice.ranked.map((r) => r.reason),
      blockedStart: new Date(range.start).toISOString(),
      blockedEnd: new Date(range.end).toISOString(),
      startsAt: new Date(startMs).toISOString(),
      endsAt: new Date(startMs + item.durationMinutes * MINUTE_MS).toISOString(),
      bufferBefore: item.bufferBeforeMinutes,
      bufferAfter: item.bufferAfterMinutes,
      priceMinor: tier?.priceMinor ?? item.basePriceMinor,
      currency: read.org.currency,
      notes: body.notes ?? null,
      customerId: customer?.id ?? null,
      customerName: body.customer?.name ?? null,
      customerEmail: body.customer?.email ?? null,
      customerPhone: body.customer?.phone ?? null,
      // reservation, appointment, history line, new customer
      ids: [newId(), newId(), newId(), newId()],
      references: Array.from({ length: 6 }, newReference),
      actor: caller.actor,
    },
  };
}

/**
 * Group commit for new bookings: while one batch is being written, the bookings that arrive queue
 * up and go together in the next (up to `maxBatch`). At low load a booking goes alone and at
 * once; under load the database sees one read per organization and one write per batch instead
 * of two statements per booking. Two stages overlap: the next batch is read and ranked while the
 * previous one is written; writes go one at a time, so batches of one process never wait on each
 * other's rows. Only for bookings outside a caller's transaction: an idempotent request books
 * inside its own.
 */
export class BookingBatcher {
  readonly #db: Db;
  readonly #maxBatch: number;
  readonly #cache: BusyCache | undefined;
  #queue: Array<{ request: BookingRequest; resolve: (row: Promise<AppointmentRow>) => void }> = [];
  #draining = false;

  /** `cache`: the services' busy cache, for the alternatives of a refused slot. */
  constructor(db: Db, maxBatch = 64, cache?: BusyCache) {
    this.#db = db;
    this.#maxBatch = maxBatch;
    this.#cache = cache;
  }

  book(request: BookingRequest): Promise<AppointmentRow> {
    return new Promise<Promise<AppointmentRow>>((resolve) => {
      this.#queue.push({ request, resolve });
      if (!this.#draining) void this.#drain();
    }).then((row) => row);
  }

  async #drain() {
    this.#draining = true;
    let writing: Promise<void> | undefined;
    let taken: Spans = new Map();
    try {
      for (;;) {
        if (this.#queue.length === 0) {
          if (!writing) break;
          await writing;
          writing = undefined;
          continue;
        }
        const batch = this.#queue.splice(0, this.#maxBatch);
        const requests = batch.map((b) => b.request);
        // What the batch in flight is likely taking: its rows may be invisible to this read.
        const prepared = await prepareBookings(this.#db, requests, writing ? taken : new Map()).catch(
          (error: unknown) => ({ outcomes: requests.map(() => ({ error })), entries: [], taken: new Map() }),
        );
        taken = prepared.taken;
        await writing;
        writing = writeBookings(this.#db, prepared, { retryDeadlocks: true })
          .catch((error: unknown) => requests.map(() => ({ error }) as Outcome))
          .then((outcomes) => {
            // Alternatives for a refused slot are read afterwards, without holding up the next batch.
            batch.forEach(({ resolve }, i) => {
              resolve(settle(this.#db, outcomes[i]!, this.#cache));
            });
          });
      }
    } finally {
      this.#draining = false;
    }
  }
}
