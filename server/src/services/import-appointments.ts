import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/index.js';
import {
  type ImportRowError,
  reservations,
  type SiteAddress,
  serviceItems,
  technicians,
} from '../db/schema.js';
import { recordEvents } from '../events/outbox.js';
import { appointmentEvent } from '../events/records.js';
import { newId } from '../lib/ids.js';
import { pgTextArray } from '../lib/pg-array.js';
import { localToInstant, MINUTE_MS } from '../scheduling/time.js';
import { type AppointmentRow, insertAppointment } from './booking/rules.js';
import { qualify } from './qualification.js';
import { activeStatuses } from './workflow.js';

type Get = (name: string) => string;
type ItemRow = typeof serviceItems.$inferSelect;

/**
 * The statuses a row may carry. Work under way (`en_route`, `in_progress`, `paused`) is not
 * imported: those statuses are set by the technician on the job, with the history that goes with it.
 */
const importableStatuses = ['requested', 'scheduled', 'completed', 'cancelled', 'no_show'] as const;
type ImportableStatus = (typeof importableStatuses)[number];

/** One valid row, ready to write. */
export interface AppointmentRecord {
  status: ImportableStatus;
  customerId: string;
  item: ItemRow;
  technicianId: string;
  startMs: number;
  endMs: number;
  priceMinor: number;
  notes: string | null;
  internalNotes: string | null;
  siteAddress: SiteAddress | null;
}

interface Span {
  technicianId: string;
  start: number;
  end: number;
  /** What the span is, for the row's report: "visit HK7-3PQ", "row 4 of this file". */
  what: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const zonedStart = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const localStart = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A visit that keeps (or kept, once done) its technician busy: the ones a new row may not overlap. */
const occupies = (status: ImportableStatus) => status !== 'cancelled' && status !== 'no_show';

/**
 * Checks every row of an appointments file against the organization's records: the customer (id
 * or email), the service item (id or name), the technician (id, email or name; when left empty, a
 * qualified technician free at that time), the start (with its offset, or local time in the
 * organization's zone), and that no visit overlaps another of the same technician, stored or
 * earlier in the file. Working hours are not checked: an import carries history and work planned
 * elsewhere (an ERP), which happened or was agreed whatever the hours say now.
 */
export async function checkAppointments(
  db: Db,
  orgId: string,
  rows: Get[],
  errors: ImportRowError[],
  org: { timeZone: string },
): Promise<AppointmentRecord[]> {
  const customerKeys = new Set<string>();
  for (const get of rows) if (customerOf(get)) customerKeys.add(customerOf(get).toLowerCase());
  const keys = [...customerKeys];
  const ids = keys.filter((key) => uuidPattern.test(key));
  const emails = keys.filter((key) => !uuidPattern.test(key));
  const found = keys.length
    ? await queryRows<{ id: string; email: string | null }>(
        db,
        sql`select id::text, lower(email) as email from customers
            where org_id = ${orgId}
              and (id::text = any(${`{${ids.join(',')}}`}::text[])
                   or lower(email) = any(${pgTextArray(emails)}::text[]))`,
      )
    : [];
  const customerByKey = new Map<string, string>();
  for (const customer of found) {
    customerByKey.set(customer.id, customer.id);
    if (customer.email) customerByKey.set(customer.email, customer.id);
  }
  const items = await db.select().from(serviceItems).where(sql`${serviceItems.orgId} = ${orgId}`);
  const staff = await db
    .select()
    .from(technicians)
    .where(sql`${technicians.orgId} = ${orgId}`)
    .orderBy(technicians.name);

  type Draft = Omit<AppointmentRecord, 'technicianId'> & { technicianId: string | null; row: number };
  const drafts: Array<Draft | null> = rows.map((get, index) => {
    const row = index + 2;
    const problem = (field: string, message: string) => errors.push({ row, field, message });
    const before = errors.length;

    const customerKey = customerOf(get).toLowerCase();
    const customerId = customerByKey.get(customerKey);
    if (!customerKey) problem('customer', 'is required (a customer id or email)');
    else if (!customerId) problem('customer', `no customer has the id or email “${customerOf(get)}”`);

    const item = pick(items, get('service'), (i) => [i.id, i.name], 'service', problem);

    // An export names the technician and adds the email, which tells two Sams apart.
    const technicianKey = get('technician_email') || get('technician');
    const technician = technicianKey
      ? pick(staff, technicianKey, (t) => [t.id, t.email ?? '', t.name], 'technician', problem)
      : null;

    const statusText = get('status').toLowerCase() || 'scheduled';
    const status = importableStatuses.find((s) => s === statusText);
    if (!status) problem('status', `must be one of ${importableStatuses.join(', ')}`);

    const startMs = parseStart(get('start'), org.timeZone);
    if (!get('start')) problem('start', 'is required');
    else if (startMs === null)
      problem(
        'start',
        'must be a date and time, e.g. 2026-03-02T09:00+11:00, or 2026-03-02 09:00 in local time',
      );

    let endMs: number | null = null;
    const duration = get('duration_minutes');
    if (duration) {
      if (!/^\d+$/.test(duration) || Number(duration) < 5 || Number(duration) > 1440)
        problem('duration_minutes', 'must be a whole number from 5 to 1440');
      else if (startMs !== null) endMs = startMs + Number(duration) * MINUTE_MS;
    } else if (get('end')) {
      endMs = parseStart(get('end'), org.timeZone);
      if (endMs === null) problem('end', 'must be a date and time');
      else if (startMs !== null && endMs <= startMs) problem('end', 'must be after the start');
    } else if (item && startMs !== null) endMs = startMs + item.durationMinutes * MINUTE_MS;

    const upcoming = status === 'requested' || status === 'scheduled';
    if (item && upcoming && !item.active) problem('service', 'is no longer offered');
    if (technician && upcoming && !technician.active) problem('technician', 'is not active');

    const price = get('price_minor');
    if (price && (!/^\d+$/.test(price) || Number(price) > 100_000_000))
      problem('price_minor', 'must be a whole number from 0 to 100000000');

    const notes = limited(get, 'notes', 5000, problem);
    const internalNotes = limited(get, 'internal_notes', 5000, problem);
    const siteAddress = site(get, problem);

    if (errors.length > before || !item || !customerId || !status || startMs === null || endMs === null)
      return null;
    return {
      row,
      status,
      customerId,
      item,
      technicianId: technician?.id ?? null,
      startMs,
      endMs,
      priceMinor: price ? Number(price) : item.basePriceMinor,
      notes,
      internalNotes,
      siteAddress,
    };
  });

  // Double booking: each visit that keeps its technician busy, buffers included, against what the
  // technicians have stored (live reservations, holds among them, and visits done) and against the
  // rows before it.
  const valid = drafts.filter((d): d is Draft => d !== null);
  const busy = valid.filter((d) => occupies(d.status));
  const stored =
    busy.length === 0
      ? []
      : await storedSpans(
          db,
          orgId,
          Math.min(...busy.map((d) => blocked(d).start)),
          Math.max(...busy.map((d) => blocked(d).end)),
        );
  const spans = new Map<string, Span[]>();
  for (const span of stored) spans.set(span.technicianId, [...(spans.get(span.technicianId) ?? []), span]);
  const clash = (technicianId: string, range: { start: number; end: number }) =>
    (spans.get(technicianId) ?? []).find((s) => s.start < range.end && range.start < s.end);

  const records: AppointmentRecord[] = [];
  for (const draft of valid) {
    const range = blocked(draft);
    let technicianId = draft.technicianId;
    if (occupies(draft.status)) {
      if (technicianId) {
        const taken = clash(technicianId, range);
        if (taken) {
          const name = staff.find((t) => t.id === technicianId)?.name ?? 'the technician';
          errors.push({
            row: draft.row,
            field: 'technician',
            message: `${name} is already booked then (${taken.what})`,
          });
          continue;
        }
      } else {
        technicianId =
          staff.find(
            (t) => t.active && qualify(t, draft.item.requiredSkills).qualified && !clash(t.id, range),
          )?.id ?? null;
      }
      if (technicianId) {
        const own = { technicianId, ...range, what: `row ${draft.row} of this file` };
        spans.set(technicianId, [...(spans.get(technicianId) ?? []), own]);
      }
    } else if (!technicianId) {
      technicianId = staff.find((t) => qualify(t, draft.item.requiredSkills).qualified)?.id ?? null;
    }
    if (!technicianId) {
      errors.push({
        row: draft.row,
        field: 'technician',
        message: 'no qualified technician is free then; name one',
      });
      continue;
    }
    const { row: _row, ...record } = draft;
    records.push({ ...record, technicianId });
  }
  return records;
}

/**
 * Writes the checked rows in the caller's transaction: each visit with the reservation that holds
 * its technician's time (released already for visits done or called off, as a status change would
 * have), its history line, and one `appointment.created` event through the outbox. The assignment
 * reason `imported` tells the notifications worker not to confirm a booking the customer made
 * elsewhere (see its planner).
 */
export async function writeAppointments(
  db: Db,
  orgId: string,
  records: AppointmentRecord[],
  context: { importId: string; currency: string; now: number },
): Promise<void> {
  const at = new Date(context.now);
  const events = [];
  for (const record of records) {
    const range = blocked(record);
    const reservationId = newId();
    await db.insert(reservations).values({
      id: reservationId,
      orgId,
      technicianId: record.technicianId,
      kind: 'appointment',
      startsAt: new Date(range.start),
      endsAt: new Date(range.end),
      serviceItemId: record.item.id,
      releasedAt: (activeStatuses as readonly string[]).includes(record.status) ? null : at,
    });
    const row: AppointmentRow = await insertAppointment(
      db,
      {
        orgId,
        status: record.status,
        serviceItemId: record.item.id,
        customerId: record.customerId,
        technicianId: record.technicianId,
        reservationId,
        startsAt: new Date(record.startMs),
        endsAt: new Date(record.endMs),
        bufferBeforeMinutes: record.item.bufferBeforeMinutes,
        bufferAfterMinutes: record.item.bufferAfterMinutes,
        priceMinor: record.priceMinor,
        currency: context.currency,
        notes: record.notes,
        internalNotes: record.internalNotes,
        siteAddress: record.siteAddress,
        assignedTechnicianReason: 'imported',
      },
      { actor: `import:${context.importId}`, reason: 'imported' },
    );
    events.push({ ...appointmentEvent('appointment.created', row), occurredAt: context.now });
  }
  await recordEvents(db, events, context.now);
}

function blocked(visit: { item: ItemRow; startMs: number; endMs: number }) {
  return {
    start: visit.startMs - visit.item.bufferBeforeMinutes * MINUTE_MS,
    end: visit.endMs + visit.item.bufferAfterMinutes * MINUTE_MS,
  };
}

/** What keeps technicians busy between two instants: live reservations, and visits done. */
async function storedSpans(db: Db, orgId: string, from: number, to: number): Promise<Span[]> {
  const rows = await queryRows<{
    technician_id: string;
    start_ms: number;
    end_ms: number;
    reference: string | null;
  }>(
    db,
    sql`select r.technician_id::text, (extract(epoch from r.starts_at) * 1000)::float8 as start_ms,
               (extract(epoch from r.ends_at) * 1000)::float8 as end_ms, a.reference
        from reservations r
        left join appointments a on a.reservation_id = r.id
        where r.org_id = ${orgId}
          and r.starts_at < ${new Date(to).toISOString()}::timestamptz
          and r.ends_at > ${new Date(from).toISOString()}::timestamptz
          and (r.released_at is null or a.status = 'completed')`,
  );
  return rows.map((r) => ({
    technicianId: r.technician_id,
    start: Number(r.start_ms),
    end: Number(r.end_ms),
    what: r.reference ? `visit ${r.reference}` : 'a slot held for a booking',
  }));
}

/** An export's `customer` is the name; its `customer_email` names the customer for an import. */
const customerOf = (get: Get) => get('customer_email') || get('customer');

/** A record named by any of its keys (case-insensitive); none or two matching is the row's problem. */
function pick<T>(
  records: T[],
  value: string,
  keys: (record: T) => string[],
  field: string,
  problem: (field: string, message: string) => void,
): T | null {
  if (!value) {
    problem(field, 'is required');
    return null;
  }
  const wanted = value.toLowerCase();
  const matches = records.filter((record) => keys(record).some((key) => key.toLowerCase() === wanted));
  if (matches.length === 1) return matches[0]!;
  problem(
    field,
    matches.length === 0 ? `nothing is called “${value}”` : `“${value}” names more than one; use the id`,
  );
  return null;
}

/** An instant from ISO 8601 with an offset, or a local date and time in `timeZone`. */
export function parseStart(value: string, timeZone: string): number | null {
  if (zonedStart.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? null : ms;
  }
  const local = localStart.exec(value);
  if (!local) return null;
  const [, y, mo, d, h, mi, s] = local;
  const date = `${y}-${mo}-${d}`;
  // 2026-02-30 is not a day: the calendar must give the same date back.
  if (new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  return localToInstant(timeZone, date, Number(h) * 60 + Number(mi)) + Number(s ?? 0) * 1000;
}

function limited(get: Get, field: string, max: number, problem: (field: string, message: string) => void) {
  const value = get(field);
  if (value.length > max) problem(field, `must be at most ${max} characters`);
  return value || null;
}

/** The site from `site_*` columns; none given leaves it to the customer's address (the insert trigger). */
function site(get: Get, problem: (field: string, message: string) => void): SiteAddress | null {
  const fields = {
    line1: 'site_line1',
    line2: 'site_line2',
    city: 'site_city',
    region: 'site_region',
    postalCode: 'site_postal_code',
    country: 'site_country',
    accessNotes: 'site_access_notes',
  } as const;
  const address: SiteAddress = {};
  for (const [key, column] of Object.entries(fields) as Array<[keyof typeof fields, string]>) {
    const value = limited(get, column, key === 'accessNotes' ? 2000 : 200, problem);
    if (value) address[key] = value;
  }
  if (address.country && !/^[A-Za-z]{2}$/.test(address.country))
    problem('site_country', 'must be a two-letter country code');
  else if (address.country) address.country = address.country.toUpperCase();
  return Object.keys(address).length > 0 ? address : null;
}
