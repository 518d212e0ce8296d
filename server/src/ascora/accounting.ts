import { type AscoraClient, AscoraError } from '@crewkit/ascora';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { ascoraMappings, invoiceLines, invoices, organizations, payments } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { toMinor } from './canonical.js';
import { type ApplyOutcome, emptyCounts, writeMappings } from './records.js';

function tomorrow(now: () => number): string {
  return new Date(now() + 86_400_000).toISOString().slice(0, 10);
}

async function mapped(db: Db, orgId: string, entity: 'invoice' | 'payment' | 'job', ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ ascoraId: ascoraMappings.ascoraId, localId: ascoraMappings.localId })
    .from(ascoraMappings)
    .where(
      and(
        eq(ascoraMappings.orgId, orgId),
        eq(ascoraMappings.entity, entity),
        inArray(ascoraMappings.ascoraId, ids),
      ),
    );
  return new Map(rows.map((r) => [r.ascoraId, r.localId]));
}

/**
 * Ascora's invoice queue: fetch, apply in one transaction keyed on the Ascora id, then mark as sent.
 * A crash between applying and marking only re-applies the same invoices next time, which the
 * upserts make harmless. Invoices that could not be applied are not marked, so they come back.
 */
export async function pullInvoices(
  db: Db,
  client: AscoraClient,
  orgId: string,
  now: () => number,
): Promise<ApplyOutcome> {
  const counts = emptyCounts();
  const failures: ApplyOutcome['failures'] = [];
  const { invoices: queue, invalid } = await client.getInvoicesToSend(tomorrow(now));
  for (const bad of invalid)
    failures.push({
      entity: 'invoice',
      ascoraId: bad.id,
      localId: null,
      reason: `invalid record: ${bad.issues}`,
    });
  const applied: string[] = [];
  const writes: { ascoraId: string; localId: string; ascoraNumber: string; syncedHash: string }[] = [];
  await db.transaction(async (tx) => {
    const [org] = await tx
      .select({ currency: organizations.currency })
      .from(organizations)
      .where(eq(organizations.id, orgId));
    const known = await mapped(
      tx,
      orgId,
      'invoice',
      queue.map((i) => i.id),
    );
    const jobIds = await mapped(
      tx,
      orgId,
      'job',
      queue.map((i) => i.jobId).filter((x): x is string => !!x),
    );
    for (const invoice of queue) {
      const existing = known.get(invoice.id);
      const id = existing ?? newId();
      const lines = invoice.lines.map((line, position) => ({
        id: newId(),
        orgId,
        invoiceId: id,
        position,
        itemCode: line.itemCode,
        description: line.description ?? '',
        quantity: line.quantity,
        unitAmountExTaxMinor: toMinor(line.unitAmountExTax),
        amountExTaxMinor: toMinor(line.amountExTax),
        lineType: line.invoiceLineType,
      }));
      const values = {
        number: invoice.invoiceNumber,
        jobId: invoice.jobId ? (jobIds.get(invoice.jobId) ?? null) : null,
        issuedOn: invoice.invoiceDate.slice(0, 10),
        currency: org?.currency ?? 'AUD',
        totalExTaxMinor: lines.reduce((sum, line) => sum + line.amountExTaxMinor, 0),
      };
      await tx
        .insert(invoices)
        .values({ id, orgId, source: 'ascora', status: 'issued', ...values })
        .onConflictDoUpdate({ target: invoices.id, set: { ...values, updatedAt: sql`now()` } });
      await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, id));
      if (lines.length > 0) await tx.insert(invoiceLines).values(lines);
      counts[existing ? 'updated' : 'created'] += 1;
      applied.push(invoice.id);
      writes.push({ ascoraId: invoice.id, localId: id, ascoraNumber: invoice.invoiceNumber, syncedHash: '' });
    }
    await writeMappings(tx, orgId, 'invoice', writes);
  });
  counts.failed += failures.length;
  if (applied.length > 0) await client.markInvoicesAsSent(applied);
  return { counts, failures };
}

/**
 * Ascora's payment queue, like the invoice queue. A payment whose receipt number is the id of a
 * payment recorded here is our own CreatePayment coming back: it is linked, not recorded twice.
 */
export async function pullPayments(
  db: Db,
  client: AscoraClient,
  orgId: string,
  now: () => number,
): Promise<ApplyOutcome> {
  const counts = emptyCounts();
  const failures: ApplyOutcome['failures'] = [];
  const { payments: queue, invalid } = await client.getPaymentsToSend(tomorrow(now));
  for (const bad of invalid)
    failures.push({
      entity: 'payment',
      ascoraId: bad.id,
      localId: null,
      reason: `invalid record: ${bad.issues}`,
    });
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    const known = await mapped(
      tx,
      orgId,
      'payment',
      queue.map((p) => p.id),
    );
    const invoiceIds = await mapped(
      tx,
      orgId,
      'invoice',
      queue.map((p) => p.invoiceId).filter((x): x is string => !!x),
    );
    const numbers = [...new Set(queue.map((p) => p.invoiceNumber))];
    const byNumber = new Map(
      numbers.length
        ? (
            await tx
              .select({ id: invoices.id, number: invoices.number })
              .from(invoices)
              .where(and(eq(invoices.orgId, orgId), inArray(invoices.number, numbers)))
          ).map((r) => [r.number, r.id])
        : [],
    );
    const receipts = queue
      .map((p) => p.receiptNumber)
      .filter((r): r is string => !!r && /^[0-9a-f-]{36}$/.test(r));
    const ours = new Set(
      receipts.length
        ? (
            await tx
              .select({ id: payments.id })
              .from(payments)
              .where(and(eq(payments.orgId, orgId), inArray(payments.id, receipts)))
          ).map((r) => r.id)
        : [],
    );
    const writes: { ascoraId: string; localId: string; syncedHash: string }[] = [];
    for (const payment of queue) {
      const existing =
        known.get(payment.id) ??
        (payment.receiptNumber && ours.has(payment.receiptNumber) ? payment.receiptNumber : undefined);
      if (existing) {
        counts.skipped += 1;
      } else {
        const invoiceId =
          (payment.invoiceId && invoiceIds.get(payment.invoiceId)) || byNumber.get(payment.invoiceNumber);
        if (!invoiceId) {
          counts.failed += 1;
          failures.push({
            entity: 'payment',
            ascoraId: payment.id,
            localId: null,
            reason: `invoice ${payment.invoiceNumber} is not synced to Crewkit yet`,
          });
          continue;
        }
        const id = newId();
        await tx.insert(payments).values({
          id,
          orgId,
          invoiceId,
          amountMinor: toMinor(payment.paymentAmount),
          paidOn: payment.paymentDate.slice(0, 10),
          method: payment.paymentMethod ?? 'unknown',
          reference: payment.receiptNumber,
          origin: 'ascora',
        });
        counts.created += 1;
        writes.push({ ascoraId: payment.id, localId: id, syncedHash: '' });
      }
      if (existing && !known.has(payment.id))
        writes.push({ ascoraId: payment.id, localId: existing, syncedHash: '' });
      applied.push(payment.id);
    }
    await writeMappings(tx, orgId, 'payment', writes);
  });
  counts.failed += invalid.length;
  if (applied.length > 0) await client.markPaymentsAsSent(applied);
  return { counts, failures };
}

/**
 * The CreatePayment outbox. Ascora's CreatePayment has no idempotency key, so each payment is sent
 * by one worker at a time (the row is claimed first) and marked pushed right after; our payment id
 * travels as the receipt number, so a payment that comes back through the payment queue is linked
 * to its origin instead of recorded twice.
 */
export async function pushPayments(
  db: Db,
  client: AscoraClient,
  orgId: string,
  now: () => number,
  onlyId?: string,
): Promise<ApplyOutcome> {
  const counts = emptyCounts();
  const failures: ApplyOutcome['failures'] = [];
  const pending = await db
    .select({ payment: payments, invoiceNumber: invoices.number })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(
      and(
        eq(payments.orgId, orgId),
        eq(payments.pushState, 'pending'),
        onlyId ? eq(payments.id, onlyId) : undefined,
      ),
    );
  for (const { payment, invoiceNumber } of pending) {
    // Only invoices from Ascora have payments pushed, and those always carry Ascora's number.
    if (invoiceNumber === null) continue;
    // Claim: while pending, pushed_at holds the claim time. Only the worker whose update matched
    // calls Ascora; a claim older than five minutes belongs to a worker that died mid-call.
    const claimed = await db
      .update(payments)
      .set({ pushAttempts: sql`${payments.pushAttempts} + 1`, pushedAt: sql`now()` })
      .where(
        and(
          eq(payments.id, payment.id),
          eq(payments.pushState, 'pending'),
          sql`(${payments.pushedAt} is null or ${payments.pushedAt} < now() - interval '5 minutes')`,
        ),
      )
      .returning({ id: payments.id });
    if (claimed.length === 0) continue;
    try {
      await client.createPayment({
        invoiceNumber,
        paymentAmount: payment.amountMinor / 100,
        paymentDate: payment.paidOn,
        paymentMethod: payment.method,
        receiptNumber: payment.id,
        ...(payment.reference ? { comment: payment.reference } : {}),
      });
      await db
        .update(payments)
        .set({ pushState: 'pushed', pushedAt: new Date(now()), pushError: null })
        .where(eq(payments.id, payment.id));
      counts.created += 1;
    } catch (error) {
      if (error instanceof AscoraError && !error.retryable) {
        await db
          .update(payments)
          .set({ pushState: 'failed', pushError: error.message })
          .where(eq(payments.id, payment.id));
        counts.failed += 1;
        failures.push({
          entity: 'payment',
          ascoraId: null,
          localId: payment.id,
          reason: `Ascora refused the payment: ${error.message}`,
        });
      } else {
        await db.update(payments).set({ pushedAt: null }).where(eq(payments.id, payment.id));
        throw error;
      }
    }
  }
  return { counts, failures };
}
