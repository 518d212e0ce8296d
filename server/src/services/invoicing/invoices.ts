import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { ascoraPaymentPushQueue } from '../../ascora/jobs-and-invoices.js';
import { enqueuePaymentPush } from '../../ascora/worker.js';
import type { Db } from '../../db/index.js';
import {
  appointmentHistory,
  appointments,
  ascoraMappings,
  auditLog,
  customers,
  type InvoiceKind,
  type InvoiceStatus,
  type InvoiceTaxTotal,
  invoiceLines,
  invoiceNumberCounters,
  invoices,
  jobSheets,
  notifications,
  organizations,
  partsUsed,
  payments,
  serviceItems,
  technicians,
  users,
} from '../../db/schema.js';
import { ApiError, type FieldError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { DomainEventType } from '../../events/types.js';
import { newId } from '../../lib/ids.js';
import type { JobQueue } from '../../queue/queue.js';
import { deriveLabour } from '../job-sheet/labour.js';
import { getTaxSettings, TaxPolicy } from './settings.js';
import { computeTax, lineAmountMinor, ppmScale, quantityMilli, roundDiv, type TaxableLine } from './tax.js';

/*
 * Invoices and credit notes made in Crewkit, and the payments against them. Invoices pulled from
 * Ascora share the tables (`source = 'ascora'`) and are read-only here: no edits, no issuing, no
 * credit notes; payments against them are pushed to Ascora as before.
 */

type Schemas = components['schemas'];
export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
type LineInput = Schemas['InvoiceLineInput'];
type PricedLine = Omit<typeof invoiceLines.$inferInsert, 'id' | 'orgId' | 'invoiceId'>;

/** An invoice with everything its JSON, its PDF and its balance are made of. */
export interface InvoiceView {
  row: InvoiceRow;
  lines: InvoiceLineRow[];
  payments: PaymentRow[];
  /** What issued credit notes take off it (positive). */
  creditedMinor: number;
  /** Payments less refunds, without any excess kept as credit. */
  paidMinor: number;
  balanceMinor: number | null;
  overdue: boolean;
  ascoraId: string | null;
}

/** The date in the organization's time zone, as YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Payments count towards the balance; refunds against it; excess kept as credit does not. */
function paidOf(rows: PaymentRow[]): number {
  return rows.reduce(
    (sum, p) => sum + (p.kind === 'refund' ? -p.amountMinor : p.amountMinor - p.creditMinor),
    0,
  );
}

/** The status a non-draft, non-void invoice has for what was paid. */
function statusFor(paidMinor: number, balanceMinor: number): InvoiceStatus {
  if (paidMinor <= 0) return 'issued';
  return balanceMinor > 0 ? 'part_paid' : 'paid';
}

interface OrgFacts {
  currency: string;
  timeZone: string;
}

async function orgFacts(db: Db, orgId: string): Promise<OrgFacts> {
  const [org] = await db
    .select({ currency: organizations.currency, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw new ApiError('not_found');
  return org;
}

const invoiceLimit = 2_000_000_000;

/** Hours to the thousandth: what is printed is what is charged. */
function hoursOf(minutes: number): number {
  return Math.round((minutes * 1000) / 60) / 1000;
}

const labourWords = {
  en: { travel: 'Travel' },
  de: { travel: 'Anfahrt' },
  fr: { travel: 'Déplacement' },
} as const;

function languageOf(locale: string): keyof typeof labourWords {
  const lang = locale.slice(0, 2).toLowerCase();
  return lang === 'de' || lang === 'fr' ? lang : 'en';
}

/**
 * What the visit's job sheet says is to be charged: labour time derived from the status history
 * (travel while en route, work while in progress), a correction by hand replacing either, and the
 * parts used in the order they were recorded.
 */
async function jobSheetOf(db: Db, appointmentId: string, now: number) {
  const [history, [correction], parts] = await Promise.all([
    db
      .select({ toStatus: appointmentHistory.toStatus, at: appointmentHistory.at })
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, appointmentId)),
    db.select().from(jobSheets).where(eq(jobSheets.appointmentId, appointmentId)),
    db.select().from(partsUsed).where(eq(partsUsed.appointmentId, appointmentId)).orderBy(asc(partsUsed.id)),
  ]);
  const derived = deriveLabour(history, now);
  return {
    workMinutes: correction?.workMinutesOverride ?? derived.workMinutes,
    travelMinutes: correction?.travelMinutesOverride ?? derived.travelMinutes,
    parts,
  };
}

export class InvoicingService {
  readonly #now: () => number;

  constructor(options: { now: () => number }) {
    this.#now = options.now;
  }

  /**
   * Records what happened in the caller's transaction (the outbox), for its consumers: the
   * notifications consumer emails the customer the invoice on `invoice.issued`
   * (`notifications/invoice-messages.ts`); webhooks and the live stream carry them all.
   */
  async #event(db: Db, type: DomainEventType, row: InvoiceRow, extra: Record<string, unknown> = {}) {
    await recordEvent(
      db,
      {
        orgId: row.orgId,
        type,
        subject: row.id,
        data: {
          kind: row.kind,
          status: row.status,
          number: row.number,
          customerId: row.customerId,
          totalIncTaxMinor: row.totalIncTaxMinor,
          currency: row.currency,
          dueOn: row.dueOn,
          ...extra,
        },
      },
      this.#now(),
    );
  }

  /**
   * What happened to an invoice, oldest first: its own timestamps, payments and credit notes, the
   * messages to the customer from the delivery log, and who did each thing from the audit trail.
   */
  async history(db: Db, orgId: string, invoiceId: string): Promise<Schemas['InvoiceHistoryEntry'][]> {
    const view = await this.get(db, orgId, invoiceId);
    const { row } = view;
    const [credits, messages] = await Promise.all([
      db
        .select()
        .from(invoices)
        .where(and(eq(invoices.orgId, orgId), eq(invoices.creditedInvoiceId, row.id))),
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.orgId, orgId), eq(notifications.invoiceId, row.id))),
    ]);
    const targets = [row.id, ...view.payments.map((p) => p.id), ...credits.map((c) => c.id)];
    const audit = await db
      .select({
        operation: auditLog.operation,
        targetId: auditLog.targetId,
        actorType: auditLog.actorType,
        actorId: auditLog.actorId,
        userName: users.name,
      })
      .from(auditLog)
      .leftJoin(users, and(eq(auditLog.actorType, 'user'), sql`${users.id}::text = ${auditLog.actorId}`))
      .where(and(eq(auditLog.orgId, orgId), inArray(auditLog.targetId, targets)));
    const actorOf = (operation: string, targetId: string): string | null => {
      const entry = audit.find((a) => a.operation === operation && a.targetId === targetId);
      if (!entry) return null;
      return entry.userName ?? (entry.actorType === 'api_key' ? 'API key' : null);
    };
    const blank = {
      actor: null,
      amountMinor: null,
      number: null,
      channel: null,
      recipient: null,
      status: null,
      reason: null,
    };
    const entries: Schemas['InvoiceHistoryEntry'][] = [
      { ...blank, at: row.createdAt.toISOString(), kind: 'created', actor: actorOf('createInvoice', row.id) },
    ];
    if (row.issuedAt && row.kind === 'invoice')
      entries.push({
        ...blank,
        at: row.issuedAt.toISOString(),
        kind: 'issued',
        number: row.number,
        actor: actorOf('issueInvoice', row.id),
      });
    for (const payment of view.payments)
      entries.push({
        ...blank,
        at: payment.createdAt.toISOString(),
        kind: payment.kind === 'refund' ? 'refund' : 'payment',
        amountMinor: payment.amountMinor,
        actor: actorOf('recordPayment', payment.id),
      });
    for (const credit of credits)
      entries.push({
        ...blank,
        at: (credit.issuedAt ?? credit.createdAt).toISOString(),
        kind: 'credit_note',
        number: credit.number,
        amountMinor: credit.totalIncTaxMinor,
        actor: actorOf('createCreditNote', credit.id),
      });
    for (const message of messages)
      entries.push({
        ...blank,
        at: (message.sentAt ?? message.updatedAt).toISOString(),
        kind: message.type === 'invoice_overdue' ? 'reminded' : 'emailed',
        channel: message.channel,
        recipient: message.recipient,
        status: message.status,
        reason: message.reason,
      });
    if (row.status === 'paid' || view.balanceMinor === 0) {
      // Paid when the payment that settled it was recorded: the last one.
      const last = view.payments.filter((p) => p.kind === 'payment').at(-1);
      if (last && row.status === 'paid')
        entries.push({ ...blank, at: last.createdAt.toISOString(), kind: 'paid' });
    }
    if (row.voidedAt)
      entries.push({
        ...blank,
        at: row.voidedAt.toISOString(),
        kind: 'voided',
        actor: actorOf('voidInvoice', row.id),
      });
    // A stable order: by time, and in the order things happen where two share a time.
    const order = [
      'created',
      'issued',
      'emailed',
      'payment',
      'refund',
      'credit_note',
      'paid',
      'reminded',
      'voided',
    ];
    return entries.sort((a, b) => a.at.localeCompare(b.at) || order.indexOf(a.kind) - order.indexOf(b.kind));
  }

  /** Views of these rows, in a fixed number of queries however many there are. */
  async views(db: Db, orgId: string, rows: InvoiceRow[]): Promise<InvoiceView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [lines, paid, credits, links, org] = await Promise.all([
      db
        .select()
        .from(invoiceLines)
        .where(inArray(invoiceLines.invoiceId, ids))
        .orderBy(asc(invoiceLines.position)),
      db.select().from(payments).where(inArray(payments.invoiceId, ids)).orderBy(asc(payments.id)),
      db
        .select({
          invoiceId: invoices.creditedInvoiceId,
          total: sql<string>`coalesce(sum(${invoices.totalIncTaxMinor}), 0)`,
        })
        .from(invoices)
        .where(
          and(
            eq(invoices.orgId, orgId),
            inArray(invoices.creditedInvoiceId, ids),
            eq(invoices.status, 'issued'),
          ),
        )
        .groupBy(invoices.creditedInvoiceId),
      db
        .select({ localId: ascoraMappings.localId, ascoraId: ascoraMappings.ascoraId })
        .from(ascoraMappings)
        .where(
          and(
            eq(ascoraMappings.orgId, orgId),
            eq(ascoraMappings.entity, 'invoice'),
            inArray(ascoraMappings.localId, ids),
          ),
        ),
      orgFacts(db, orgId),
    ]);
    const today = localDate(this.#now(), org.timeZone);
    const creditBy = new Map(credits.map((c) => [c.invoiceId, -Number(c.total)]));
    const linkBy = new Map(links.map((l) => [l.localId, l.ascoraId]));
    return rows.map((row) => {
      const own = paid.filter((p) => p.invoiceId === row.id);
      const paidMinor = paidOf(own);
      const creditedMinor = creditBy.get(row.id) ?? 0;
      const total = row.source === 'ascora' ? null : row.totalIncTaxMinor;
      const balanceMinor =
        total === null || row.kind === 'credit_note' || row.status === 'void' || row.status === 'draft'
          ? row.status === 'draft' && total !== null
            ? total
            : null
          : total - creditedMinor - paidMinor;
      const overdue =
        (row.status === 'issued' || row.status === 'part_paid') &&
        balanceMinor !== null &&
        balanceMinor > 0 &&
        row.dueOn !== null &&
        row.dueOn < today;
      return {
        row,
        lines: lines.filter((l) => l.invoiceId === row.id),
        payments: own,
        creditedMinor,
        paidMinor,
        balanceMinor,
        overdue,
        ascoraId: linkBy.get(row.id) ?? null,
      };
    });
  }

  async get(db: Db, orgId: string, invoiceId: string): Promise<InvoiceView> {
    const row = await this.#find(db, orgId, invoiceId);
    return (await this.views(db, orgId, [row]))[0]!;
  }

  async #find(db: Db, orgId: string, invoiceId: string, lock = false): Promise<InvoiceRow> {
    const query = db
      .select()
      .from(invoices)
      .where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw new ApiError('not_found');
    return row;
  }

  /** A page in creation order; `limit + 1` rows are read, the extra one only for "has more". */
  async list(
    db: Db,
    orgId: string,
    query: {
      limit: number;
      after?: string | undefined;
      status?: InvoiceStatus | undefined;
      kind?: InvoiceKind | undefined;
      customerId?: string | undefined;
      issuedFrom?: string | undefined;
      issuedTo?: string | undefined;
      overdue?: boolean | undefined;
    },
  ): Promise<{ data: InvoiceView[]; hasMore: boolean }> {
    const { timeZone } = await orgFacts(db, orgId);
    const today = localDate(this.#now(), timeZone);
    const conditions: (SQL | undefined)[] = [
      eq(invoices.orgId, orgId),
      query.after ? gt(invoices.id, query.after) : undefined,
      query.status ? eq(invoices.status, query.status) : undefined,
      query.kind ? eq(invoices.kind, query.kind) : undefined,
      query.customerId ? eq(invoices.customerId, query.customerId) : undefined,
      query.issuedFrom ? gte(invoices.issuedOn, query.issuedFrom) : undefined,
      query.issuedTo ? lte(invoices.issuedOn, query.issuedTo) : undefined,
    ];
    if (query.overdue !== undefined) {
      // The balance as views() computes it, in SQL, so the filter pages like the others.
      const overdue = sql`(${invoices.status} in ('issued', 'part_paid') and ${invoices.source} = 'local'
        and ${invoices.dueOn} < ${today}
        and ${invoices.totalIncTaxMinor}
          + coalesce((select sum(c.total_inc_tax_minor) from invoices c
                      where c.credited_invoice_id = ${invoices.id} and c.status = 'issued'), 0)
          - coalesce((select sum(case when p.kind = 'refund' then -p.amount_minor
                                      else p.amount_minor - p.credit_minor end)
                      from payments p where p.invoice_id = ${invoices.id}), 0) > 0)`;
      conditions.push(query.overdue ? overdue : sql`not ${overdue}`);
    }
    const rows = await db
      .select()
      .from(invoices)
      .where(and(...conditions))
      .orderBy(asc(invoices.id))
      .limit(query.limit + 1);
    const shown = rows.slice(0, query.limit);
    return { data: await this.views(db, orgId, shown), hasMore: rows.length > query.limit };
  }

  /** Lines as entered, priced and taxed with the organization's current settings. */
  async #priceLines(
    db: Db,
    orgId: string,
    policy: TaxPolicy,
    input: LineInput[],
    place: { country?: string | null; region?: string | null } | null | undefined,
    path: string,
  ) {
    const errors: FieldError[] = [];
    const itemIds = [...new Set(input.map((l) => l.serviceItemId).filter((x): x is string => !!x))];
    const technicianIds = [...new Set(input.map((l) => l.technicianId).filter((x): x is string => !!x))];
    const [items, techs] = await Promise.all([
      itemIds.length
        ? db
            .select({ id: serviceItems.id, categoryId: serviceItems.categoryId })
            .from(serviceItems)
            .where(and(eq(serviceItems.orgId, orgId), inArray(serviceItems.id, itemIds)))
        : [],
      technicianIds.length
        ? db
            .select({ id: technicians.id })
            .from(technicians)
            .where(and(eq(technicians.orgId, orgId), inArray(technicians.id, technicianIds)))
        : [],
    ]);
    const categoryOf = new Map(items.map((i) => [i.id, i.categoryId]));
    const knownTechs = new Set(techs.map((t) => t.id));
    const fallback = policy.rateFor(place);
    const taxable: TaxableLine[] = [];
    const prepared = input.map((line, i) => {
      let milli = 0;
      try {
        milli = quantityMilli(line.quantity);
      } catch {
        errors.push({ path: `${path}.${i}.quantity`, message: 'may have at most three decimals' });
      }
      const rate = line.taxCode ? policy.rates.get(line.taxCode) : fallback;
      if (!rate)
        errors.push({ path: `${path}.${i}.taxCode`, message: 'is not one of the tax settings’ rates' });
      if (line.serviceItemId && !categoryOf.has(line.serviceItemId))
        errors.push({
          path: `${path}.${i}.serviceItemId`,
          message: 'is not a service item of this organization',
        });
      if (line.technicianId && !knownTechs.has(line.technicianId))
        errors.push({
          path: `${path}.${i}.technicianId`,
          message: 'is not a technician of this organization',
        });
      const amountMinor = lineAmountMinor(milli, line.unitAmountMinor);
      const r = rate ?? fallback;
      taxable.push({ amountMinor, taxCode: r.code, ratePpm: r.ratePpm });
      return { line, rate: r };
    });
    if (errors.length > 0) throw new ApiError('validation_failed', { errors });
    const lineLimit = 1_000_000_000;
    if (taxable.some((l) => Math.abs(l.amountMinor) > lineLimit))
      throw new ApiError('validation_failed', {
        errors: [{ path, message: 'a line may come to at most 10,000,000.00' }],
      });
    const result = computeTax(taxable, {
      pricesIncludeTax: policy.pricesIncludeTax,
      rounding: policy.rounding,
    });
    // Totals are 32-bit integers in the database; an invoice beyond that is a typo, not a sale.
    if (Math.abs(result.grossMinor) > invoiceLimit || Math.abs(result.netMinor) > invoiceLimit)
      throw new ApiError('validation_failed', {
        errors: [{ path, message: 'an invoice may come to at most 20,000,000.00' }],
      });
    const lines = prepared.map(({ line, rate }, position) => {
      const taxed = result.lines[position]!;
      return {
        position,
        itemCode: line.itemCode ?? null,
        description: line.description,
        quantity: line.quantity,
        unitAmountMinor: line.unitAmountMinor,
        unitAmountExTaxMinor: policy.pricesIncludeTax
          ? Number(roundDiv(BigInt(line.unitAmountMinor) * BigInt(ppmScale), BigInt(ppmScale + rate.ratePpm)))
          : line.unitAmountMinor,
        amountExTaxMinor: taxed.netMinor,
        taxMinor: taxed.taxMinor,
        amountIncTaxMinor: taxed.grossMinor,
        lineType: line.lineType ?? 'none',
        taxCode: rate.code,
        taxRatePpm: rate.ratePpm,
        serviceItemId: line.serviceItemId ?? null,
        categoryId: line.serviceItemId ? (categoryOf.get(line.serviceItemId) ?? null) : null,
        technicianId: line.technicianId ?? null,
      };
    });
    const taxes: InvoiceTaxTotal[] = result.byRate.map((g) => ({
      taxCode: g.taxCode,
      name: policy.rates.get(g.taxCode)?.name ?? g.taxCode,
      ratePpm: g.ratePpm,
      netMinor: g.netMinor,
      taxMinor: g.taxMinor,
    }));
    return {
      lines,
      totals: {
        pricesIncludeTax: policy.pricesIncludeTax,
        taxRounding: policy.rounding,
        totalExTaxMinor: result.netMinor,
        totalTaxMinor: result.taxMinor,
        totalIncTaxMinor: result.grossMinor,
        taxes,
      },
    };
  }

  async #writeLines(db: Db, orgId: string, invoiceId: string, lines: PricedLine[]) {
    await db.delete(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId));
    if (lines.length > 0)
      await db
        .insert(invoiceLines)
        .values(lines.map((l) => ({ ...l, id: newId(this.#now()), orgId, invoiceId })));
  }

  /** A draft, from a completed appointment or from nothing. */
  async create(db: Db, orgId: string, body: Schemas['InvoiceCreate']): Promise<InvoiceView> {
    const policy = new TaxPolicy(await getTaxSettings(db, orgId));
    const { currency } = await orgFacts(db, orgId);
    let customerId = body.customerId;
    let appointmentId: string | null = null;
    let jobId: string | null = null;
    let place = body.serviceAddress ?? null;
    const lines: LineInput[] = [];
    if (body.appointmentId) {
      const [found] = await db
        .select({
          appointment: appointments,
          item: serviceItems,
          address: customers.address,
          locale: organizations.locale,
        })
        .from(appointments)
        .innerJoin(serviceItems, eq(serviceItems.id, appointments.serviceItemId))
        .innerJoin(customers, eq(customers.id, appointments.customerId))
        .innerJoin(organizations, eq(organizations.id, appointments.orgId))
        .where(and(eq(appointments.orgId, orgId), eq(appointments.id, body.appointmentId)));
      if (!found) throw new ApiError('not_found', { detail: 'No such appointment in this organization.' });
      const { appointment, item } = found;
      if (appointment.status !== 'completed')
        throw new ApiError('conflict', { detail: 'Only a completed appointment can be invoiced.' });
      if (body.customerId && body.customerId !== appointment.customerId)
        throw new ApiError('validation_failed', {
          errors: [{ path: 'body.customerId', message: 'is not the appointment’s customer' }],
        });
      customerId = appointment.customerId;
      appointmentId = appointment.id;
      jobId = appointment.jobId;
      place = body.serviceAddress === undefined ? (found.address ?? null) : place;
      const byTime = body.labour === 'time';
      if (byTime && body.hourlyRateMinor === undefined)
        throw new ApiError('validation_failed', {
          errors: [{ path: 'body.hourlyRateMinor', message: 'is required when labour is charged by time' }],
        });
      const sheet = await jobSheetOf(db, appointment.id, this.#now());
      const onTheVisit = { serviceItemId: item.id, technicianId: appointment.technicianId };
      if (byTime && sheet.workMinutes + sheet.travelMinutes > 0) {
        const words = labourWords[languageOf(found.locale)];
        if (sheet.workMinutes > 0)
          lines.push({
            description: item.name,
            quantity: hoursOf(sheet.workMinutes),
            unitAmountMinor: body.hourlyRateMinor!,
            lineType: 'labour',
            ...onTheVisit,
          });
        if (sheet.travelMinutes > 0)
          lines.push({
            description: `${words.travel}: ${item.name}`,
            quantity: hoursOf(sheet.travelMinutes),
            unitAmountMinor: body.hourlyRateMinor!,
            lineType: 'labour',
            ...onTheVisit,
          });
      } else {
        // No labour time on the job sheet (or labour at the item's price): the booked price.
        lines.push({
          description: item.name,
          quantity: 1,
          unitAmountMinor: appointment.priceMinor,
          lineType: 'labour',
          ...onTheVisit,
        });
      }
      for (const part of sheet.parts)
        lines.push({
          itemCode: part.sku,
          description: part.name,
          quantity: part.quantity,
          // A free-text part without a price is still listed, at nothing: the draft is for the
          // office to complete, and a part left off is a part never charged.
          unitAmountMinor: part.unitPriceMinor ?? 0,
          lineType: 'material',
          // A code the tax settings no longer have falls back to the rate for the place.
          ...(part.taxCode && policy.rates.has(part.taxCode) ? { taxCode: part.taxCode } : {}),
          technicianId: appointment.technicianId,
        });
    } else if (!customerId) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.customerId', message: 'is required without an appointmentId' }],
      });
    }
    const [customer] = await db
      .select({ id: customers.id, address: customers.address })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId!)));
    if (!customer)
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.customerId', message: 'is not a customer of this organization' }],
      });
    if (body.serviceAddress === undefined && !place) place = customer.address ?? null;
    lines.push(...(body.lines ?? []));
    const priced = await this.#priceLines(db, orgId, policy, lines, place, 'body.lines');
    const id = newId(this.#now());
    const [row] = await db
      .insert(invoices)
      .values({
        id,
        orgId,
        kind: 'invoice',
        source: 'local',
        status: 'draft',
        customerId: customer.id,
        appointmentId,
        jobId,
        currency,
        serviceAddress: place,
        notes: body.notes ?? null,
        ...priced.totals,
        // The services' clock, not the database's: the history orders by these times.
        createdAt: new Date(this.#now()),
        updatedAt: new Date(this.#now()),
      })
      .returning();
    await this.#writeLines(db, orgId, id, priced.lines);
    await this.#event(db, 'invoice.created', row!, { appointmentId });
    return (await this.views(db, orgId, [row!]))[0]!;
  }

  /** Refuses anything but a local draft, with the reason. */
  #requireDraft(row: InvoiceRow): void {
    if (row.source === 'ascora')
      throw new ApiError('invoice_not_editable', {
        detail: 'This invoice comes from Ascora; change it there.',
      });
    if (row.status !== 'draft')
      throw new ApiError('invoice_not_editable', {
        detail: `This invoice is ${row.status}; correct it with a credit note.`,
      });
  }

  async update(
    db: Db,
    orgId: string,
    invoiceId: string,
    body: Schemas['InvoiceUpdate'],
  ): Promise<InvoiceView> {
    const row = await this.#find(db, orgId, invoiceId, true);
    this.#requireDraft(row);
    const place = body.serviceAddress === undefined ? row.serviceAddress : body.serviceAddress;
    const changes: Partial<typeof invoices.$inferInsert> = {
      serviceAddress: place,
      notes: body.notes === undefined ? row.notes : body.notes,
    };
    if (body.lines) {
      const policy = new TaxPolicy(await getTaxSettings(db, orgId));
      const priced = await this.#priceLines(db, orgId, policy, body.lines, place, 'body.lines');
      Object.assign(changes, priced.totals);
      await this.#writeLines(db, orgId, row.id, priced.lines);
    }
    const [updated] = await db
      .update(invoices)
      .set({ ...changes, updatedAt: new Date(this.#now()) })
      .where(eq(invoices.id, row.id))
      .returning();
    await this.#event(db, 'invoice.updated', updated!);
    return (await this.views(db, orgId, [updated!]))[0]!;
  }

  /**
   * The next number of the organization's sequence for this kind. The counter row is incremented
   * in the caller's transaction: its lock makes concurrent issuers wait for each other, and a
   * rollback takes the increment back, so numbers are neither skipped nor repeated.
   */
  async #nextNumber(db: Db, orgId: string, kind: InvoiceKind): Promise<number> {
    const [next] = await db
      .insert(invoiceNumberCounters)
      .values({ orgId, kind, lastValue: 1 })
      .onConflictDoUpdate({
        target: [invoiceNumberCounters.orgId, invoiceNumberCounters.kind],
        set: { lastValue: sql`${invoiceNumberCounters.lastValue} + 1` },
      })
      .returning({ value: invoiceNumberCounters.lastValue });
    return next!.value;
  }

  async issue(db: Db, orgId: string, invoiceId: string): Promise<InvoiceView> {
    const row = await this.#find(db, orgId, invoiceId, true);
    this.#requireDraft(row);
    if (row.kind !== 'invoice') throw new ApiError('invoice_not_editable');
    const settings = await getTaxSettings(db, orgId);
    const { timeZone } = await orgFacts(db, orgId);
    const sequence = await this.#nextNumber(db, orgId, 'invoice');
    const issuedOn = localDate(this.#now(), timeZone);
    const [issued] = await db
      .update(invoices)
      .set({
        status: 'issued',
        sequenceNumber: sequence,
        number: `${settings.invoicePrefix}${String(sequence).padStart(6, '0')}`,
        issuedOn,
        dueOn: addDays(issuedOn, settings.paymentTermsDays),
        issuedAt: new Date(this.#now()),
        updatedAt: new Date(this.#now()),
      })
      .where(eq(invoices.id, row.id))
      .returning();
    await this.#event(db, 'invoice.issued', issued!);
    return (await this.views(db, orgId, [issued!]))[0]!;
  }

  async void(db: Db, orgId: string, invoiceId: string): Promise<InvoiceView> {
    const row = await this.#find(db, orgId, invoiceId, true);
    if (row.source === 'ascora' || row.kind !== 'invoice' || row.status === 'void')
      throw new ApiError('invoice_not_editable', {
        detail:
          row.status === 'void' ? 'This invoice is void already.' : 'Only invoices made here can be voided.',
      });
    const view = (await this.views(db, orgId, [row]))[0]!;
    if (view.paidMinor !== 0 || view.creditedMinor !== 0)
      throw new ApiError('invoice_not_editable', {
        detail: 'Payments or credit notes are recorded against this invoice: refund or credit it instead.',
      });
    const [voided] = await db
      .update(invoices)
      .set({ status: 'void', voidedAt: new Date(this.#now()), updatedAt: new Date(this.#now()) })
      .where(eq(invoices.id, row.id))
      .returning();
    await this.#event(db, 'invoice.voided', voided!);
    return (await this.views(db, orgId, [voided!]))[0]!;
  }

  /**
   * A credit note, issued at once, for all of an issued invoice or some quantities of its lines.
   * Amounts are the invoice's lines, negated, taxed with the invoice's own settings: the arithmetic
   * is odd-symmetric, so a full credit note is exactly minus the invoice.
   */
  async createCreditNote(
    db: Db,
    orgId: string,
    invoiceId: string,
    body: Schemas['CreditNoteCreate'] | undefined,
  ): Promise<InvoiceView> {
    const invoice = await this.#find(db, orgId, invoiceId, true);
    if (invoice.source === 'ascora' || invoice.kind !== 'invoice')
      throw new ApiError('invoice_not_editable', { detail: 'Only invoices made here can be credited.' });
    if (invoice.status === 'draft' || invoice.status === 'void')
      throw new ApiError('invoice_not_editable', {
        detail: `A ${invoice.status} invoice cannot be credited.`,
      });
    const original = await db
      .select()
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, invoice.id))
      .orderBy(asc(invoiceLines.position));
    // What earlier credit notes took, by the invoice line's position (credit lines keep it).
    const earlier = await db
      .select({ position: invoiceLines.position, quantity: invoiceLines.quantity })
      .from(invoiceLines)
      .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
      .where(and(eq(invoices.creditedInvoiceId, invoice.id), eq(invoices.status, 'issued')));
    const creditedMilli = new Map<number, number>();
    for (const e of earlier)
      creditedMilli.set(e.position, (creditedMilli.get(e.position) ?? 0) + quantityMilli(e.quantity));
    const wanted =
      body?.lines ??
      original.map((l) => ({
        position: l.position,
        quantity: l.quantity - (creditedMilli.get(l.position) ?? 0) / 1000,
      }));
    const errors: FieldError[] = [];
    const picked: { line: InvoiceLineRow; milli: number }[] = [];
    const seen = new Set<number>();
    wanted.forEach((w, i) => {
      if (seen.has(w.position)) {
        errors.push({ path: `body.lines.${i}.position`, message: 'is given twice' });
        return;
      }
      seen.add(w.position);
      const line = original.find((l) => l.position === w.position);
      if (!line) {
        errors.push({ path: `body.lines.${i}.position`, message: 'is not a line of this invoice' });
        return;
      }
      let milli = 0;
      try {
        milli = quantityMilli(w.quantity);
      } catch {
        errors.push({ path: `body.lines.${i}.quantity`, message: 'may have at most three decimals' });
        return;
      }
      const left = quantityMilli(line.quantity) - (creditedMilli.get(line.position) ?? 0);
      if (milli > left)
        errors.push({
          path: `body.lines.${i}.quantity`,
          message: `is more than the ${left / 1000} not yet credited`,
        });
      if (milli > 0) picked.push({ line, milli });
    });
    if (errors.length > 0) throw new ApiError('validation_failed', { errors });
    if (picked.length === 0)
      throw new ApiError('conflict', { detail: 'Everything on this invoice is credited already.' });
    const taxable = picked.map(({ line, milli }) => ({
      amountMinor: -lineAmountMinor(milli, line.unitAmountMinor ?? line.unitAmountExTaxMinor),
      taxCode: line.taxCode ?? 'NONE',
      ratePpm: line.taxRatePpm ?? 0,
    }));
    const result = computeTax(taxable, {
      pricesIncludeTax: invoice.pricesIncludeTax,
      rounding: invoice.taxRounding,
    });
    const names = new Map(invoice.taxes.map((t) => [t.taxCode, t.name]));
    const settings = await getTaxSettings(db, orgId);
    const { timeZone } = await orgFacts(db, orgId);
    const sequence = await this.#nextNumber(db, orgId, 'credit_note');
    const id = newId(this.#now());
    const [row] = await db
      .insert(invoices)
      .values({
        id,
        orgId,
        kind: 'credit_note',
        source: 'local',
        status: 'issued',
        sequenceNumber: sequence,
        number: `${settings.creditNotePrefix}${String(sequence).padStart(6, '0')}`,
        customerId: invoice.customerId,
        appointmentId: invoice.appointmentId,
        jobId: invoice.jobId,
        creditedInvoiceId: invoice.id,
        issuedOn: localDate(this.#now(), timeZone),
        issuedAt: new Date(this.#now()),
        currency: invoice.currency,
        pricesIncludeTax: invoice.pricesIncludeTax,
        taxRounding: invoice.taxRounding,
        totalExTaxMinor: result.netMinor,
        totalTaxMinor: result.taxMinor,
        totalIncTaxMinor: result.grossMinor,
        taxes: result.byRate.map((g) => ({
          taxCode: g.taxCode,
          name: names.get(g.taxCode) ?? g.taxCode,
          ratePpm: g.ratePpm,
          netMinor: g.netMinor,
          taxMinor: g.taxMinor,
        })),
        serviceAddress: invoice.serviceAddress,
        notes: body?.notes ?? null,
        createdAt: new Date(this.#now()),
        updatedAt: new Date(this.#now()),
      })
      .returning();
    await db.insert(invoiceLines).values(
      picked.map(({ line, milli }, i) => ({
        ...line,
        id: newId(this.#now()),
        invoiceId: id,
        quantity: milli / 1000,
        unitAmountMinor: line.unitAmountMinor === null ? null : -line.unitAmountMinor,
        unitAmountExTaxMinor: -line.unitAmountExTaxMinor,
        amountExTaxMinor: result.lines[i]!.netMinor,
        taxMinor: result.lines[i]!.taxMinor,
        amountIncTaxMinor: result.lines[i]!.grossMinor,
      })),
    );
    await this.#event(db, 'invoice.credit_note_issued', row!, { creditedInvoiceId: invoice.id });
    await this.#settle(db, orgId, invoice);
    return (await this.views(db, orgId, [row!]))[0]!;
  }

  /** Moves an issued invoice's status to what its payments say. */
  async #settle(db: Db, orgId: string, invoice: InvoiceRow): Promise<void> {
    if (invoice.source === 'ascora' || invoice.kind !== 'invoice') return;
    const view = (await this.views(db, orgId, [invoice]))[0]!;
    if (view.balanceMinor === null || invoice.status === 'draft' || invoice.status === 'void') return;
    const status = statusFor(view.paidMinor, view.balanceMinor);
    if (status === invoice.status) return;
    const [settled] = await db
      .update(invoices)
      .set({ status, updatedAt: new Date(this.#now()) })
      .where(eq(invoices.id, invoice.id))
      .returning();
    if (status === 'paid') await this.#event(db, 'invoice.paid', settled!);
  }

  /**
   * A payment or refund. Local invoices refuse overpayment (unless the excess is kept as credit)
   * and refunds beyond what was paid, and their status follows. Invoices from Ascora take the
   * payment as before and, when the organization pushes payments, queue the push to Ascora in the
   * same transaction.
   */
  async recordPayment(
    db: Db,
    queue: JobQueue | undefined,
    orgId: string,
    invoiceId: string,
    body: Schemas['PaymentCreate'],
  ): Promise<PaymentRow> {
    const invoice = await this.#find(db, orgId, invoiceId, true);
    const kind = body.kind ?? 'payment';
    let creditMinor = 0;
    let pushQueue: JobQueue | undefined;
    if (invoice.source === 'ascora') {
      if (kind === 'refund')
        throw new ApiError('invoice_not_editable', {
          detail: 'Refunds of Ascora invoices are recorded in Ascora.',
        });
      // Checked before the payment is written: one recorded with a push nobody will make stays pending.
      pushQueue = await ascoraPaymentPushQueue(db, queue, orgId);
    } else {
      if (invoice.kind !== 'invoice' || invoice.status === 'draft' || invoice.status === 'void')
        throw new ApiError('invoice_not_editable', {
          detail:
            invoice.kind !== 'invoice'
              ? 'A credit note takes no payments.'
              : `A ${invoice.status} invoice takes no payments.`,
        });
      const view = (await this.views(db, orgId, [invoice]))[0]!;
      const balance = view.balanceMinor ?? 0;
      if (kind === 'refund' && body.amountMinor > view.paidMinor)
        throw new ApiError('overpayment', {
          detail: `A refund can give back at most what was paid (${view.paidMinor} minor units).`,
        });
      if (kind === 'payment' && body.amountMinor > balance) {
        if (!body.keepExcessAsCredit)
          throw new ApiError('overpayment', {
            detail: `The balance is ${balance} minor units; set keepExcessAsCredit to keep the excess as credit.`,
          });
        creditMinor = body.amountMinor - Math.max(balance, 0);
      }
    }
    const [row] = await db
      .insert(payments)
      .values({
        id: newId(this.#now()),
        orgId,
        invoiceId: invoice.id,
        kind,
        amountMinor: body.amountMinor,
        creditMinor,
        paidOn: body.paidOn,
        method: body.method,
        reference: body.reference ?? null,
        origin: 'local',
        pushState: pushQueue ? 'pending' : null,
        createdAt: new Date(this.#now()),
      })
      .returning();
    if (pushQueue) await enqueuePaymentPush(pushQueue, orgId, row!.id, db);
    await recordEvent(
      db,
      {
        orgId,
        type: 'payment.recorded',
        subject: row!.id,
        data: {
          invoiceId: invoice.id,
          kind,
          amountMinor: row!.amountMinor,
          creditMinor,
          paidOn: row!.paidOn,
        },
      },
      this.#now(),
    );
    await this.#settle(db, orgId, invoice);
    return row!;
  }
}
