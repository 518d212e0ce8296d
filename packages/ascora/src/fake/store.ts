import {
  ASCORA_JOB_STATUS,
  type AscoraContact,
  type AscoraCustomer,
  type AscoraInvoice,
  type AscoraInvoiceLine,
  type AscoraJob,
  type AscoraPayment,
  type AscoraPaymentInput,
  type AscoraWebhookEvent,
} from '../schemas.js';
import { parseAscoraTimestamp } from '../timestamps.js';
import type { Random } from './random.js';

// Records are kept in their wire form: what Ascora would send, zoneless timestamps included. Their
// TypeScript types are the client's parsed types; the strings are the same, only their zone differs.

export interface FakeWebhook {
  subscriptionId: string;
  hookUrl: string;
  systemName: string;
  hookEvent: AscoraWebhookEvent;
}

export interface CreatedPayment extends AscoraPaymentInput {
  id: string;
  receivedAt: string;
}

export interface SeedCounts {
  customers?: number;
  jobs?: number;
  invoices?: number;
  payments?: number;
  /** How many of EACH kind seeded by this call are deliberately malformed (ids stay valid). */
  malformed?: number;
}

type Emit = (event: AscoraWebhookEvent, payload: unknown) => void;

const DAY = 86_400_000;
const FIRST_NAMES = [
  'Olivia',
  'Jack',
  'Charlotte',
  'Noah',
  'Amelia',
  'William',
  'Isla',
  'Oliver',
  'Mia',
  'Leo',
];
const LAST_NAMES = [
  'Smith',
  'Jones',
  'Williams',
  'Brown',
  'Wilson',
  'Taylor',
  'Nguyen',
  'Anderson',
  'Kelly',
  'Lee',
];
const STREETS = [
  'George',
  'Ann',
  'Queen',
  'Brunswick',
  'Boundary',
  'Logan',
  'Gympie',
  'Waterworks',
  'Sandgate',
];
const PLACES = [
  { suburb: 'Paddington', state: 'QLD', postcode: '4064', lat: -27.46, lng: 153.0 },
  { suburb: 'Fortitude Valley', state: 'QLD', postcode: '4006', lat: -27.457, lng: 153.034 },
  { suburb: 'Surry Hills', state: 'NSW', postcode: '2010', lat: -33.886, lng: 151.212 },
  { suburb: 'Fitzroy', state: 'VIC', postcode: '3065', lat: -37.8, lng: 144.978 },
  { suburb: 'Subiaco', state: 'WA', postcode: '6008', lat: -31.949, lng: 115.827 },
] as const;
const LEAD_SOURCES = ['Website', 'Referral', 'Google', 'Repeat customer'];
const JOB_NAMES = ['Blocked drain', 'Hot water service', 'Water damage', 'Roof leak', 'Mould remediation'];
const PAYMENT_METHODS = ['Credit Card', 'EFT', 'Cash', 'Cheque'];
const LINE_TYPES = ['material', 'labour', 'discount', 'none'] as const;

/** The in-memory Ascora behind the fake. Tests use it directly to act as a person editing Ascora. */
export class FakeAscoraStore {
  readonly customers = new Map<string, AscoraCustomer>();
  readonly contacts = new Map<string, AscoraContact>();
  readonly jobs = new Map<string, AscoraJob>();
  /** Every invoice; `invoiceQueue` holds the ids not yet marked as sent. */
  readonly invoices = new Map<string, AscoraInvoice>();
  readonly invoiceQueue = new Set<string>();
  readonly payments = new Map<string, AscoraPayment>();
  readonly paymentQueue = new Set<string>();
  /** What `POST /Accounting/CreatePayment` received, in order. */
  readonly createdPayments: CreatedPayment[] = [];
  readonly webhooks = new Map<string, FakeWebhook>();
  /** Every id ever passed to MarkInvoicesAsSent / MarkPaymentsAsSent, repeats included. */
  readonly markedInvoiceIds: string[] = [];
  readonly markedPaymentIds: string[] = [];
  /** Ids of the records seeded malformed on purpose. */
  readonly malformedIds = new Set<string>();

  readonly #jobIdsByNumber = new Map<string, string>();
  readonly #random: Random;
  readonly #now: () => Date;
  readonly #emit: Emit;
  #nextCustomerNumber = 1001;
  #nextJobNumber = 1;
  #nextInvoiceNumber = 1;
  #nextReceiptNumber = 1;
  // Lists are served in creation order from arrays rebuilt only after a change, so paging through
  // 10,000 records costs a slice per request rather than a copy of the map.
  #customerList: AscoraCustomer[] | undefined;
  #jobList: AscoraJob[] | undefined;

  constructor(options: { random: Random; now: () => Date; emit: Emit }) {
    this.#random = options.random;
    this.#now = options.now;
    this.#emit = options.emit;
  }

  customerList(): AscoraCustomer[] {
    this.#customerList ??= [...this.customers.values()];
    return this.#customerList;
  }

  jobList(): AscoraJob[] {
    this.#jobList ??= [...this.jobs.values()];
    return this.#jobList;
  }

  findJobByNumber(jobNumber: string): AscoraJob | undefined {
    const id = this.#jobIdsByNumber.get(jobNumber.toLowerCase());
    return id === undefined ? undefined : this.jobs.get(id);
  }

  // ── Customers ──────────────────────────────────────────────────────────────────────────────────

  /** Adds a customer as someone typing it into Ascora would; fires CustomerModified. */
  createCustomer(fields: Partial<AscoraCustomer> = {}): AscoraCustomer {
    const customer = { ...this.#generateCustomer(), ...fields };
    this.#putCustomer(customer);
    this.#emit('CustomerModified', customer);
    return customer;
  }

  /** Edits a customer as a person in Ascora would; fires CustomerModified. */
  updateCustomer(customerId: string, patch: Partial<AscoraCustomer>): AscoraCustomer {
    const current = this.customers.get(customerId.toLowerCase());
    if (!current) throw new Error(`No customer ${customerId} in the fake Ascora`);
    const customer = { ...current, ...patch, customerId: current.customerId };
    this.customers.set(customer.customerId, customer);
    this.#customerList = undefined;
    this.#emit('CustomerModified', customer);
    return customer;
  }

  deleteCustomer(customerId: string): void {
    this.customers.delete(customerId.toLowerCase());
    this.#customerList = undefined;
  }

  // ── Contacts ───────────────────────────────────────────────────────────────────────────────────

  saveContact(fields: Partial<AscoraContact> & { customerId: string }): AscoraContact {
    const existing = fields.contactId ? this.contacts.get(fields.contactId.toLowerCase()) : undefined;
    const contact: AscoraContact = {
      contactId: existing?.contactId ?? this.#random.guid(),
      firstName: null,
      lastName: null,
      emailAddress: null,
      phoneNumber: null,
      mobileNumber: null,
      defaultContact: false,
      contactRole: null,
      ...existing,
      ...fields,
    };
    this.contacts.set(contact.contactId, contact);
    return contact;
  }

  // ── Jobs ───────────────────────────────────────────────────────────────────────────────────────

  /** Adds a job for a site customer (a new one when none is given); fires JobCreated. */
  createJob(fields: Partial<AscoraJob> = {}): AscoraJob {
    const site = fields.siteCustomer?.id
      ? this.customers.get(fields.siteCustomer.id.toLowerCase())
      : this.#anyCustomer();
    if (!site) throw new Error(`No customer ${fields.siteCustomer?.id} in the fake Ascora`);
    const job = { ...this.#generateJob(site, this.#now()), ...fields };
    job.jobStatusText = statusText(job.jobStatus);
    this.#putJob(job);
    this.#emit('JobCreated', job);
    return job;
  }

  /** Edits a job as a person in Ascora would; fires JobStatusChanged when the status changes. */
  updateJob(jobId: string, patch: Partial<AscoraJob>): AscoraJob {
    const current = this.jobs.get(jobId.toLowerCase());
    if (!current) throw new Error(`No job ${jobId} in the fake Ascora`);
    const job = { ...current, ...patch, jobId: current.jobId, jobNumber: current.jobNumber };
    const statusChanged = job.jobStatus !== current.jobStatus;
    if (statusChanged) {
      job.jobStatusText = statusText(job.jobStatus);
      if (job.jobStatus === 2 && !patch.completedDate) job.completedDate = wireTimestamp(this.#now(), false);
    }
    this.jobs.set(job.jobId, job);
    this.#jobList = undefined;
    if (statusChanged) this.#emit('JobStatusChanged', job);
    return job;
  }

  // ── Accounting ─────────────────────────────────────────────────────────────────────────────────

  /** Raises an invoice on a job (a new one when none is given) and queues it; fires InvoiceCreated. */
  addInvoice(fields: Partial<AscoraInvoice> = {}): AscoraInvoice {
    const job = fields.jobId ? this.jobs.get(fields.jobId.toLowerCase()) : this.#anyJob();
    if (!job) throw new Error(`No job ${fields.jobId} in the fake Ascora`);
    const invoice = { ...this.#generateInvoice(job), ...fields };
    this.#putInvoice(invoice);
    this.#emit('InvoiceCreated', invoice);
    return invoice;
  }

  /**
   * Edits an invoice; fires InvoiceModified. It is not queued again: whether Ascora re-sends a
   * modified invoice through GetInvoicesToSend is not known, so the fake does not pretend it does.
   */
  updateInvoice(invoiceId: string, patch: Partial<AscoraInvoice>): AscoraInvoice {
    const current = this.invoices.get(invoiceId.toLowerCase());
    if (!current) throw new Error(`No invoice ${invoiceId} in the fake Ascora`);
    const invoice = { ...current, ...patch, id: current.id };
    this.invoices.set(invoice.id, invoice);
    this.#emit('InvoiceModified', invoice);
    return invoice;
  }

  /** Records a payment on an invoice (a new one when none is given) and queues it. */
  addPayment(fields: Partial<AscoraPayment> = {}): AscoraPayment {
    const invoice = fields.invoiceId ? this.invoices.get(fields.invoiceId.toLowerCase()) : this.#anyInvoice();
    if (!invoice) throw new Error(`No invoice ${fields.invoiceId} in the fake Ascora`);
    const payment = { ...this.#generatePayment(invoice), ...fields };
    this.#putPayment(payment);
    return payment;
  }

  invoicesToSend(priorTo: Date): AscoraInvoice[] {
    return queued(this.invoiceQueue, this.invoices, priorTo, (invoice) => invoice.invoiceDate);
  }

  paymentsToSend(priorTo: Date): AscoraPayment[] {
    return queued(this.paymentQueue, this.payments, priorTo, (payment) => payment.paymentDate);
  }

  markInvoicesAsSent(ids: string[]): void {
    for (const id of ids) {
      this.markedInvoiceIds.push(id);
      this.invoiceQueue.delete(id.toLowerCase());
    }
  }

  markPaymentsAsSent(ids: string[]): void {
    for (const id of ids) {
      this.markedPaymentIds.push(id);
      this.paymentQueue.delete(id.toLowerCase());
    }
  }

  recordCreatedPayment(input: AscoraPaymentInput): CreatedPayment {
    const created = { ...input, id: this.#random.guid(), receivedAt: this.#now().toISOString() };
    this.createdPayments.push(created);
    return created;
  }

  findInvoiceByNumber(invoiceNumber: string): AscoraInvoice | undefined {
    const wanted = invoiceNumber.toLowerCase();
    for (const invoice of this.invoices.values()) {
      if (invoice.invoiceNumber.toLowerCase() === wanted) return invoice;
    }
    return undefined;
  }

  // ── Seeding ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds generated records, deterministically for a given seed and sequence of calls. Jobs go to the
   * customers there are (one is made when there are none), invoices to jobs, payments to invoices.
   * Seeding is the state Ascora starts in, so it fires no webhooks.
   */
  seed(counts: SeedCounts): void {
    const malformed = counts.malformed ?? 0;
    const now = this.#now();
    const customers: AscoraCustomer[] = [];
    for (let i = 0; i < (counts.customers ?? 0); i++) {
      const customer = this.#generateCustomer(customers);
      customers.push(customer);
      this.#putCustomer(customer);
    }
    const jobs: AscoraJob[] = [];
    for (let i = 0; i < (counts.jobs ?? 0); i++) {
      // Spread over the past year, oldest first, so created-date windows select real slices.
      const created = new Date(now.getTime() - (((counts.jobs ?? 0) - i) / (counts.jobs ?? 1)) * 365 * DAY);
      const job = this.#generateJob(this.#anyCustomer()!, created);
      jobs.push(job);
      this.#putJob(job);
    }
    const invoices = times(counts.invoices ?? 0, () => {
      const invoice = this.#generateInvoice(this.#anyJob() ?? this.#seedOneJob());
      this.#putInvoice(invoice);
      return invoice;
    });
    const payments = times(counts.payments ?? 0, () => {
      const payment = this.#generatePayment(this.#anyInvoice() ?? this.#seedOneInvoice());
      this.#putPayment(payment);
      return payment;
    });
    this.#corrupt(customers, malformed, (customer, i) =>
      i % 2 === 0
        ? { ...customer, customerName: undefined }
        : { ...customer, emailAddress: { address: 'x' } },
    );
    this.#corrupt(jobs, malformed, (job, i) =>
      i % 2 === 0 ? { ...job, jobStatus: 'Completed' } : { ...job, dateCreated: 'last Tuesday' },
    );
    this.#corrupt(invoices, malformed, (invoice, i) => ({
      ...invoice,
      lines: invoice.lines.map((line, n) =>
        n > 0 ? line : i % 2 === 0 ? { ...line, quantity: 'two' } : { ...line, invoiceLineType: 'freight' },
      ),
    }));
    this.#corrupt(payments, malformed, (payment) => ({
      ...payment,
      paymentAmount: String(payment.paymentAmount),
    }));
  }

  /** Replaces `count` records, spread over the list, with broken copies that keep their id. */
  #corrupt<T extends AscoraCustomer | AscoraJob | AscoraInvoice | AscoraPayment>(
    records: T[],
    count: number,
    breakIt: (record: T, index: number) => Record<string, unknown>,
  ): void {
    const n = Math.min(count, records.length);
    for (let i = 0; i < n; i++) {
      const record = records[Math.floor((i * records.length) / n)] as T;
      const broken = breakIt(record, i) as unknown as T;
      const id = idOf(record);
      this.malformedIds.add(id);
      if ('customerId' in record) this.customers.set(id, broken as AscoraCustomer);
      else if ('jobNumber' in record) this.jobs.set(id, broken as AscoraJob);
      else if ('lines' in record) this.invoices.set(id, broken as AscoraInvoice);
      else this.payments.set(id, broken as AscoraPayment);
    }
    this.#customerList = undefined;
    this.#jobList = undefined;
  }

  #seedOneJob(): AscoraJob {
    const job = this.#generateJob(this.#anyCustomer() ?? this.#seedOneCustomer(), this.#now());
    this.#putJob(job);
    return job;
  }

  #seedOneCustomer(): AscoraCustomer {
    const customer = this.#generateCustomer();
    this.#putCustomer(customer);
    return customer;
  }

  #seedOneInvoice(): AscoraInvoice {
    const invoice = this.#generateInvoice(this.#anyJob() ?? this.#seedOneJob());
    this.#putInvoice(invoice);
    return invoice;
  }

  #putCustomer(customer: AscoraCustomer): void {
    this.customers.set(customer.customerId, customer);
    this.#customerList = undefined;
  }

  #putJob(job: AscoraJob): void {
    this.jobs.set(job.jobId, job);
    this.#jobIdsByNumber.set(job.jobNumber.toLowerCase(), job.jobId);
    this.#jobList = undefined;
  }

  #putInvoice(invoice: AscoraInvoice): void {
    this.invoices.set(invoice.id, invoice);
    this.invoiceQueue.add(invoice.id);
  }

  #putPayment(payment: AscoraPayment): void {
    this.payments.set(payment.id, payment);
    this.paymentQueue.add(payment.id);
  }

  #anyCustomer(): AscoraCustomer | undefined {
    const list = this.customerList();
    return list.length === 0 ? this.#seedOneCustomer() : this.#random.pick(list);
  }

  #anyJob(): AscoraJob | undefined {
    const list = this.jobList();
    return list.length === 0 ? undefined : this.#random.pick(list);
  }

  #anyInvoice(): AscoraInvoice | undefined {
    if (this.invoices.size === 0) return undefined;
    return this.#random.pick([...this.invoices.values()]);
  }

  /** `billables`: customers a commercial site may be billed to (some sites bill to a head office). */
  #generateCustomer(billables: AscoraCustomer[] = []): AscoraCustomer {
    const r = this.#random;
    const firstName = r.pick(FIRST_NAMES);
    const lastName = r.pick(LAST_NAMES);
    const place = r.pick(PLACES);
    const number = this.#nextCustomerNumber++;
    const commercial = r.chance(0.3);
    const companyName = commercial ? `${lastName} ${r.pick(['Holdings', 'Property Group', 'Cafe'])}` : null;
    const street = `${r.int(1, 400)} ${r.pick(STREETS)} St`;
    const billing = commercial && billables.length > 0 && r.chance(0.3) ? r.pick(billables) : undefined;
    return {
      customerId: r.guid(),
      customerNumber: String(number),
      customerName: companyName ?? `${firstName} ${lastName}`,
      companyName,
      contactFirstName: firstName,
      contactLastName: lastName,
      emailAddress: `${firstName}.${lastName}${number}@example.com.au`.toLowerCase(),
      phoneNumber: `07 3${r.int(100, 999)} ${r.int(1000, 9999)}`,
      mobileNumber: r.chance(0.8) ? `04${r.int(10, 99)} ${r.int(100, 999)} ${r.int(100, 999)}` : null,
      onHold: r.chance(0.05),
      streetLine1: street,
      streetLine2: null,
      streetSuburb: place.suburb,
      streetPostcode: place.postcode,
      streetState: place.state,
      streetCountry: 'Australia',
      postalLine1: street,
      postalLine2: null,
      postalSuburb: place.suburb,
      postalPostcode: place.postcode,
      postalState: place.state,
      postalCountry: 'Australia',
      customerType: commercial
        ? { id: '8d6f3c1e-2a4b-4c5d-9e7f-1a2b3c4d5e01', name: 'Commercial' }
        : { id: '8d6f3c1e-2a4b-4c5d-9e7f-1a2b3c4d5e02', name: 'Residential' },
      leadSource: this.namedReference('leadSource', r.pick(LEAD_SOURCES)),
      billingCustomer: billing ? { id: billing.customerId, name: billing.customerName } : null,
      assignedUser: null,
      customFields: null,
    };
  }

  #generateJob(site: AscoraCustomer, created: Date): AscoraJob {
    const r = this.#random;
    const number = this.#nextJobNumber++;
    const jobStatus = r.pick([0, 0, 1, 1, 2, 2, 2, 3, 4]);
    const totalExTax = r.int(100_00, 5_000_00) / 100;
    const place = PLACES.find((p) => p.suburb === site.streetSuburb) ?? PLACES[0];
    return {
      jobId: r.guid(),
      jobNumber: `J${number}`,
      jobName: r.pick(JOB_NAMES),
      jobDescription: `${r.pick(JOB_NAMES)} reported by ${site.contactFirstName ?? 'the customer'}`,
      workUndertaken: jobStatus === 2 ? 'Inspected, repaired and tested.' : null,
      jobStatus,
      jobStatusText: statusText(jobStatus),
      // Ascora sends some timestamps with `Z` and some without a zone; so does the fake.
      dateCreated: wireTimestamp(created, number % 2 === 0),
      pricingMethod: r.pick(['FIXED-PRICE', 'TIME-AND-MATERIALS']),
      totalExTax,
      totalIncTax: Math.round(totalExTax * 110) / 100,
      addressLine1: site.streetLine1,
      addressLine2: null,
      suburb: site.streetSuburb,
      state: site.streetState,
      postcode: site.streetPostcode,
      country: 'Australia',
      latitude: Math.round((place.lat + (r.next() - 0.5) / 50) * 1e6) / 1e6,
      longitude: Math.round((place.lng + (r.next() - 0.5) / 50) * 1e6) / 1e6,
      jobType: { id: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b01', name: 'Standard Job' },
      siteCustomer: { id: site.customerId, name: site.customerName },
      billingCustomer: site.billingCustomer ?? { id: site.customerId, name: site.customerName },
      completedDate:
        jobStatus === 2
          ? wireTimestamp(new Date(created.getTime() + r.int(1, 72) * 3_600_000), number % 3 === 0)
          : null,
      customFields: null,
    };
  }

  #generateInvoice(job: AscoraJob): AscoraInvoice {
    const r = this.#random;
    const lines: AscoraInvoiceLine[] = times(r.int(1, 4), () => {
      const invoiceLineType = r.pick(LINE_TYPES);
      const quantity = invoiceLineType === 'labour' ? r.int(1, 8) : r.int(1, 5);
      const unitAmountExTax = (invoiceLineType === 'discount' ? -1 : 1) * (r.int(10_00, 300_00) / 100);
      return {
        itemCode: invoiceLineType === 'labour' ? 'LAB-STD' : `MAT-${r.int(100, 999)}`,
        description: invoiceLineType === 'labour' ? 'Labour (per hour)' : 'Parts and materials',
        quantity,
        unitAmountExTax,
        amountExTax: Math.round(quantity * unitAmountExTax * 100) / 100,
        invoiceLineType,
      };
    });
    const issued = new Date(this.#now().getTime() - r.int(0, 60) * DAY - r.int(0, 86_399) * 1000);
    return {
      id: r.guid(),
      invoiceNumber: `INV-${String(this.#nextInvoiceNumber++).padStart(5, '0')}`,
      invoiceDate: wireTimestamp(issued, false),
      jobId: job.jobId,
      lines,
    };
  }

  #generatePayment(invoice: AscoraInvoice): AscoraPayment {
    const r = this.#random;
    const total = invoice.lines.reduce((sum, line) => sum + (Number(line.amountExTax) || 0), 0);
    const invoiced = parseAscoraTimestamp(invoice.invoiceDate).getTime();
    const paid = Math.min(this.#now().getTime(), invoiced + r.int(0, 14) * DAY);
    return {
      id: r.guid(),
      invoiceId: invoice.id,
      invoiceNumber: invoice.invoiceNumber,
      paymentAmount: Math.max(1, Math.round(total * 110) / 100),
      paymentDate: wireTimestamp(new Date(paid), r.chance(0.5)),
      paymentMethod: r.pick(PAYMENT_METHODS),
      receiptNumber: `R${String(this.#nextReceiptNumber++).padStart(6, '0')}`,
      surchargeAmount: r.chance(0.2) ? 1.5 : null,
      comment: null,
    };
  }

  readonly #references = new Map<string, { id: string; name: string }>();

  /**
   * A lead source, customer type or job type as Ascora serves it, `{ id, name }`, from however a
   * client named it; one id per name, as Ascora's lists of them have.
   */
  namedReference(
    kind: 'leadSource' | 'customerType' | 'jobType',
    named: string | { id?: string | undefined; name?: string | undefined; Name?: string | undefined } | null,
  ): { id: string; name: string } | null {
    if (named === null) return null;
    const name = typeof named === 'string' ? named : (named.name ?? named.Name ?? '');
    if (typeof named === 'object' && named.id) return { id: named.id, name };
    const key = `${kind}:${name.toLowerCase()}`;
    let reference = this.#references.get(key);
    if (!reference) {
      reference = { id: this.#random.guid(), name };
      this.#references.set(key, reference);
    }
    return { ...reference };
  }

  /** Next customer number, for customers created through the API. */
  nextCustomerNumber(): string {
    return String(this.#nextCustomerNumber++);
  }

  /** Next job number, for jobs created through the API. */
  nextJobNumber(): string {
    return `J${this.#nextJobNumber++}`;
  }

  /** A fresh GUID from the store's seeded generator. */
  newId(): string {
    return this.#random.guid();
  }

  /** Stores a job made by the API routes (which build it themselves) and fires JobCreated. */
  insertJob(job: AscoraJob): void {
    this.#putJob(job);
    this.#emit('JobCreated', job);
  }

  /** Stores a customer made by the API routes and fires CustomerModified. */
  insertCustomer(customer: AscoraCustomer): void {
    this.#putCustomer(customer);
    this.#emit('CustomerModified', customer);
  }
}

export function statusText(status: number): string | null {
  return ASCORA_JOB_STATUS[status as keyof typeof ASCORA_JOB_STATUS] ?? null;
}

/** `2026-02-17T20:50:55.943Z`, or the same instant with no zone, as Ascora sometimes writes it. */
export function wireTimestamp(date: Date, withZone: boolean): string {
  const iso = date.toISOString();
  return withZone ? iso : iso.slice(0, -1);
}

function idOf(record: AscoraCustomer | AscoraJob | AscoraInvoice | AscoraPayment): string {
  if ('customerId' in record) return record.customerId;
  if ('jobId' in record && 'jobNumber' in record) return record.jobId;
  return (record as AscoraInvoice | AscoraPayment).id;
}

function times<T>(count: number, make: (index: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(make(i));
  return out;
}

/**
 * A queue's records dated up to and including `priorTo`'s day. ASSUMED inclusive: "prior to" is not
 * documented either way, and including the day can only deliver a record earlier, never lose one.
 */
function queued<T>(
  queue: Set<string>,
  records: Map<string, T>,
  priorTo: Date,
  dateOf: (record: T) => unknown,
): T[] {
  const end = priorTo.getTime() + DAY;
  const out: T[] = [];
  for (const id of queue) {
    const record = records.get(id);
    if (record === undefined) continue;
    const date = dateOf(record);
    let time: number;
    try {
      time = typeof date === 'string' ? parseAscoraTimestamp(date).getTime() : Number.NaN;
    } catch {
      time = Number.NaN;
    }
    // A record whose date cannot be read is still served: the client must see malformed data.
    if (Number.isNaN(time) || time < end) out.push(record);
  }
  return out;
}
