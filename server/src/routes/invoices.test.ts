import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../test-support/harness.js';
import { pdfText as readPdf } from '../../test-support/pdf-text.js';
import { queryRows } from '../db/index.js';
import { invoices } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { seedDemo } from '../seed/demo.js';
import { seedDemoAppointments } from '../seed/demo-live.js';

// One database and demo business for the file; each test drafts invoices of its own.
let t: TestContext;
let clock = Date.now();
let orgId: string;
let token: string;
let other: TestOrg;
let completed: {
  id: string;
  customerId: string;
  technicianId: string;
  serviceItemId: string;
  priceMinor: number;
}[];
const path = (rest = '') => `/api/v1/organizations/${orgId}${rest}`;
const api = (method: string, rest: string, body?: unknown) =>
  t.request(method, path(rest), { token, ...(body === undefined ? {} : { body }) });

const gst = {
  taxName: 'GST',
  taxId: '51 824 753 556',
  pricesIncludeTax: false,
  rounding: 'line',
  rates: [
    { code: 'GST', name: 'GST', ratePercent: '10' },
    { code: 'FRE', name: 'GST-free', ratePercent: '0' },
    { code: 'NZ', name: 'NZ GST', ratePercent: '15' },
  ],
  defaultTaxCode: 'GST',
  locationRules: [{ country: 'NZ', taxCode: 'NZ' }],
  paymentTermsDays: 14,
  paymentDetails: 'BSB 062-000, account 1234 5678',
  businessAddress: { line1: '1 Pipe St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
  invoicePrefix: 'INV-',
  creditNotePrefix: 'CN-',
};

async function draft(lines: unknown[], extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/invoices', { customerId: completed[0]!.customerId, lines, ...extra });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function issued(lines: unknown[]) {
  const made = await draft(lines);
  const response = await api('POST', `/invoices/${made.id}/issue`);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

beforeAll(async () => {
  t = await createTestContext({ http: true, now: () => clock });
  const demo = await seedDemo(t.database.db, { secret: t.config.secret, origins: [] });
  await seedDemoAppointments(t.baseUrl!, demo, t.services.now);
  orgId = demo.orgId;
  token = demo.secretKey;
  completed = await queryRows(
    t.database.db,
    sql`update appointments set status = 'completed'
        where id in (select id from appointments where org_id = ${orgId} order by id limit 3)
        returning id::text as id, customer_id::text as "customerId", technician_id::text as "technicianId",
                  service_item_id::text as "serviceItemId", price_minor as "priceMinor"`,
  );
  other = await t.createOrg();
  expect((await api('PUT', '/tax-settings', gst)).status).toBe(200);
}, 120_000);

afterAll(() => t?.close());

describe('Tax settings', () => {
  it('start as no tax for an organization that never set them', async () => {
    const response = await t.request('GET', `/api/v1/organizations/${other.orgId}/tax-settings`, {
      token: other.secretKey,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      rates: [{ code: 'NONE', ratePercent: '0' }],
      paymentTermsDays: 14,
    });
  });

  it('are read back as saved', async () => {
    const response = await api('GET', '/tax-settings');
    expect(response.body).toMatchObject({ taxName: 'GST', defaultTaxCode: 'GST', rates: gst.rates });
  });

  it('refuse a default rate that is not one of the rates, and change nothing', async () => {
    const before = await t.snapshot();
    const response = await api('PUT', '/tax-settings', { ...gst, defaultTaxCode: 'VAT' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'body.defaultTaxCode', message: 'is not one of the rates' },
    ]);
    expect(await t.snapshot()).toBe(before);
  });

  it('are another organization’s business: its key gets 404', async () => {
    const response = await t.request('GET', path('/tax-settings'), { token: other.secretKey });
    expect(response.status).toBe(404);
  });
});

describe('Drafting and issuing', () => {
  it('drafts from a completed visit: its service at the booked price, taxed, no number yet', async () => {
    const visit = completed[0]!;
    const response = await api('POST', '/invoices', {
      appointmentId: visit.id,
      lines: [{ description: 'Tempering valve', quantity: 2, unitAmountMinor: 4_550, lineType: 'material' }],
    });
    expect(response.status, response.text).toBe(201);
    const invoice = response.body;
    expect(invoice).toMatchObject({
      status: 'draft',
      number: null,
      customerId: visit.customerId,
      source: 'local',
    });
    expect(invoice.lines[0]).toMatchObject({
      lineType: 'labour',
      quantity: 1,
      unitAmountMinor: visit.priceMinor,
      technicianId: visit.technicianId,
      serviceItemId: visit.serviceItemId,
      taxCode: 'GST',
    });
    const net = visit.priceMinor + 9_100;
    const tax = Math.round(visit.priceMinor / 10) + 910;
    expect(invoice).toMatchObject({ totalExTaxMinor: net, totalTaxMinor: tax, totalIncTaxMinor: net + tax });
    expect(invoice.taxes).toEqual([
      { taxCode: 'GST', name: 'GST', ratePercent: '10', netMinor: net, taxMinor: tax },
    ]);
  });

  it('charges labour by time from the job sheet: work hours, travel on a line of its own, then the parts used', async () => {
    const visit = completed[1]!;
    // The technician's day as the status history recorded it: 30 minutes on the road, then 60
    // minutes of work, a 15-minute pause, and 30 more minutes of work.
    const start = Date.parse('2026-05-04T08:00:00Z');
    const steps: [string, number][] = [
      ['en_route', 0],
      ['in_progress', 30],
      ['paused', 90],
      ['in_progress', 105],
      ['completed', 135],
    ];
    for (const [status, minutes] of steps)
      await t.database.db.execute(sql`insert into appointment_history (id, org_id, appointment_id, to_status, actor, at)
        values (${newId()}, ${orgId}, ${visit.id}, ${status}, 'technician', ${new Date(start + minutes * 60_000).toISOString()})`);
    await t.database.db.execute(sql`insert into parts_used (id, org_id, appointment_id, sku, name, quantity, unit_price_minor, tax_code)
      values (${newId()}, ${orgId}, ${visit.id}, 'TV-15', 'Tempering valve 15mm', 2, 4550, 'FRE'),
             (${newId()}, ${orgId}, ${visit.id}, null, 'Sealing tape', 0.5, null, 'GONE')`);
    const response = await api('POST', '/invoices', {
      appointmentId: visit.id,
      labour: 'time',
      hourlyRateMinor: 12_000,
    });
    expect(response.status, response.text).toBe(201);
    expect(
      response.body.lines.map((l: Record<string, unknown>) => [
        l.description,
        l.quantity,
        l.unitAmountMinor,
        l.lineType,
        l.taxCode,
        l.amountExTaxMinor,
      ]),
    ).toEqual([
      [expect.any(String), 1.5, 12_000, 'labour', 'GST', 18_000],
      [expect.stringMatching(/^Travel: /), 0.5, 12_000, 'labour', 'GST', 6_000],
      ['Tempering valve 15mm', 2, 4_550, 'material', 'FRE', 9_100],
      // No price recorded: listed at nothing for the office to complete; an unknown tax code
      // falls back to the rate for the place.
      ['Sealing tape', 0.5, 0, 'material', 'GST', 0],
    ]);
    expect(response.body.lines[2].itemCode).toBe('TV-15');
    expect(response.body.lines[0].technicianId).toBe(visit.technicianId);
    // A correction by hand on the job sheet replaces the derived work time.
    await t.database.db.execute(sql`insert into job_sheets (appointment_id, org_id, work_minutes_override, correction_reason, corrected_by)
      values (${visit.id}, ${orgId}, 120, 'Forgot to pause over lunch', 'office')`);
    const corrected = await api('POST', '/invoices', {
      appointmentId: visit.id,
      labour: 'time',
      hourlyRateMinor: 12_000,
    });
    expect(corrected.body.lines.slice(0, 2).map((l: { quantity: number }) => l.quantity)).toEqual([2, 0.5]);
    // At the item's price, the labour is one line at the booked price, and the parts follow.
    const byItem = await api('POST', '/invoices', { appointmentId: visit.id });
    expect(
      byItem.body.lines.map((l: { quantity: number; unitAmountMinor: number }) => [
        l.quantity,
        l.unitAmountMinor,
      ]),
    ).toEqual([
      [1, visit.priceMinor],
      [2, 4_550],
      [0.5, 0],
    ]);
  });

  it('falls back to the item’s price when labour by time is asked for a visit with no labour time', async () => {
    const response = await api('POST', '/invoices', {
      appointmentId: completed[0]!.id,
      labour: 'time',
      hourlyRateMinor: 12_000,
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.lines[0]).toMatchObject({
      quantity: 1,
      unitAmountMinor: completed[0]!.priceMinor,
      lineType: 'labour',
    });
  });

  it('refuses to invoice a visit that is not completed', async () => {
    const [pending] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id::text as id from appointments where org_id = ${orgId} and status <> 'completed' limit 1`,
    );
    const response = await api('POST', '/invoices', { appointmentId: pending!.id });
    expect(response.status).toBe(409);
  });

  it('taxes work abroad at the rate for that country', async () => {
    const invoice = await draft([{ description: 'Call-out', quantity: 1, unitAmountMinor: 10_000 }], {
      serviceAddress: { city: 'Auckland', country: 'NZ' },
    });
    expect(invoice.lines[0]).toMatchObject({ taxCode: 'NZ', taxMinor: 1_500, amountIncTaxMinor: 11_500 });
  });

  it('numbers invoices in sequence when they are issued, with the due date from the terms', async () => {
    const first = await issued([{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }]);
    const second = await issued([{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }]);
    const n = (s: string) => Number(s.replace('INV-', ''));
    expect(first.number).toMatch(/^INV-\d{6}$/);
    expect(n(second.number)).toBe(n(first.number) + 1);
    expect(first.status).toBe('issued');
    const due = new Date(`${first.issuedOn}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 14);
    expect(first.dueOn).toBe(due.toISOString().slice(0, 10));
    expect(first.balanceMinor).toBe(10_890);
  });

  it('keeps an issued invoice as issued: changes and a second issue are refused', async () => {
    const invoice = await issued([{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }]);
    const change = await api('PATCH', `/invoices/${invoice.id}`, { notes: 'changed' });
    expect(change.status).toBe(409);
    expect(change.body.code).toBe('invoice_not_editable');
    expect((await api('POST', `/invoices/${invoice.id}/issue`)).status).toBe(409);
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toEqual(invoice);
  });

  it('recomputes a draft’s totals when its lines change', async () => {
    const invoice = await draft([{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }]);
    const response = await api('PATCH', `/invoices/${invoice.id}`, {
      lines: [
        { description: 'Hours', quantity: 1.5, unitAmountMinor: 8_995, lineType: 'labour' },
        { description: 'Loyalty discount', quantity: 1, unitAmountMinor: -1_000, lineType: 'discount' },
      ],
    });
    expect(response.status, response.text).toBe(200);
    // 1.5 × 89.95 = 134.925, rounded half up to 134.93; tax 13.49 and −1.00.
    expect(response.body).toMatchObject({
      totalExTaxMinor: 12_493,
      totalTaxMinor: 1_249,
      totalIncTaxMinor: 13_742,
    });
  });

  it('refuses a tax code the settings do not have', async () => {
    const response = await api('POST', '/invoices', {
      customerId: completed[0]!.customerId,
      lines: [{ description: 'x', quantity: 1, unitAmountMinor: 100, taxCode: 'VAT' }],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe('body.lines.0.taxCode');
  });

  it('finds the tax inside prices entered inclusive of tax', async () => {
    expect((await api('PUT', '/tax-settings', { ...gst, pricesIncludeTax: true })).status).toBe(200);
    try {
      const invoice = await draft([
        { description: 'Fixed-price service', quantity: 1, unitAmountMinor: 22_000 },
      ]);
      expect(invoice).toMatchObject({
        pricesIncludeTax: true,
        totalExTaxMinor: 20_000,
        totalTaxMinor: 2_000,
        totalIncTaxMinor: 22_000,
      });
    } finally {
      await api('PUT', '/tax-settings', gst);
    }
  });
});

describe('Payments', () => {
  it('move an invoice from issued to part paid to paid, and a refund back', async () => {
    const invoice = await issued([{ description: 'Service', quantity: 1, unitAmountMinor: 10_000 }]);
    const pay = (body: Record<string, unknown>) =>
      api('POST', `/invoices/${invoice.id}/payments`, { paidOn: invoice.issuedOn, method: 'card', ...body });
    expect((await pay({ amountMinor: 4_000, reference: 'r-1' })).status).toBe(201);
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toMatchObject({
      status: 'part_paid',
      balanceMinor: 7_000,
    });
    expect((await pay({ amountMinor: 7_000 })).status).toBe(201);
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toMatchObject({
      status: 'paid',
      balanceMinor: 0,
      paidMinor: 11_000,
    });
    expect((await pay({ kind: 'refund', amountMinor: 1_000 })).status).toBe(201);
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toMatchObject({
      status: 'part_paid',
      balanceMinor: 1_000,
    });
  });

  it('refuse one cent more than the balance unless the excess is kept as credit', async () => {
    const invoice = await issued([{ description: 'Service', quantity: 1, unitAmountMinor: 10_000 }]);
    const pay = (body: Record<string, unknown>) =>
      api('POST', `/invoices/${invoice.id}/payments`, { paidOn: invoice.issuedOn, method: 'cash', ...body });
    const refused = await pay({ amountMinor: 11_001 });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('overpayment');
    const kept = await pay({ amountMinor: 11_001, keepExcessAsCredit: true });
    expect(kept.status).toBe(201);
    expect(kept.body).toMatchObject({ amountMinor: 11_001, creditMinor: 1 });
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toMatchObject({
      status: 'paid',
      balanceMinor: 0,
    });
    expect((await pay({ kind: 'refund', amountMinor: 11_001 })).status).toBe(422);
  });

  it('are refused on drafts', async () => {
    const invoice = await draft([{ description: 'Service', quantity: 1, unitAmountMinor: 10_000 }]);
    const response = await api('POST', `/invoices/${invoice.id}/payments`, {
      amountMinor: 100,
      paidOn: '2026-01-01',
      method: 'card',
    });
    expect(response.status).toBe(409);
  });

  it('leave an unpaid invoice overdue once its due date has passed on the clock', async () => {
    const invoice = await issued([{ description: 'Service', quantity: 1, unitAmountMinor: 10_000 }]);
    expect(invoice.overdue).toBe(false);
    const saved = clock;
    clock += 15 * 86_400_000;
    try {
      expect((await api('GET', `/invoices/${invoice.id}`)).body.overdue).toBe(true);
      const page = await api('GET', '/invoices?overdue=true&limit=100');
      expect(page.body.data.map((i: { id: string }) => i.id)).toContain(invoice.id);
    } finally {
      clock = saved;
    }
  });
});

describe('Credit notes', () => {
  it('credit a whole invoice to exactly zero, with a number of their own', async () => {
    const invoice = await issued([
      { description: 'Three 5-cent washers', quantity: 3, unitAmountMinor: 5, lineType: 'material' },
      { description: 'Labour', quantity: 1.25, unitAmountMinor: 9_999, lineType: 'labour' },
      { description: 'GST-free part', quantity: 1, unitAmountMinor: 333, taxCode: 'FRE' },
    ]);
    const response = await api('POST', `/invoices/${invoice.id}/credit-notes`);
    expect(response.status, response.text).toBe(201);
    const note = response.body;
    expect(note).toMatchObject({ kind: 'credit_note', status: 'issued', creditedInvoiceId: invoice.id });
    expect(note.number).toMatch(/^CN-\d{6}$/);
    expect(note.totalIncTaxMinor).toBe(-invoice.totalIncTaxMinor);
    expect(note.totalTaxMinor).toBe(-invoice.totalTaxMinor);
    expect(note.taxes.map((x: { taxMinor: number }) => x.taxMinor)).toEqual(
      invoice.taxes.map((x: { taxMinor: number }) => 0 - x.taxMinor),
    );
    expect((await api('GET', `/invoices/${invoice.id}`)).body).toMatchObject({
      creditedMinor: invoice.totalIncTaxMinor,
      balanceMinor: 0,
    });
    expect((await api('POST', `/invoices/${invoice.id}/credit-notes`)).status).toBe(409);
  });

  it('credit part of a line, and never more than is left', async () => {
    const invoice = await issued([{ description: 'Hours', quantity: 3, unitAmountMinor: 10_000 }]);
    const part = await api('POST', `/invoices/${invoice.id}/credit-notes`, {
      lines: [{ position: 0, quantity: 1 }],
    });
    expect(part.status, part.text).toBe(201);
    expect(part.body.totalIncTaxMinor).toBe(-11_000);
    const tooMuch = await api('POST', `/invoices/${invoice.id}/credit-notes`, {
      lines: [{ position: 0, quantity: 2.001 }],
    });
    expect(tooMuch.status).toBe(400);
    const twice = await api('POST', `/invoices/${invoice.id}/credit-notes`, {
      lines: [
        { position: 0, quantity: 1 },
        { position: 0, quantity: 1 },
      ],
    });
    expect(twice.status).toBe(400);
    expect((await api('GET', `/invoices/${invoice.id}`)).body.balanceMinor).toBe(22_000);
  });

  it('are not made for drafts', async () => {
    const invoice = await draft([{ description: 'Hours', quantity: 1, unitAmountMinor: 10_000 }]);
    expect((await api('POST', `/invoices/${invoice.id}/credit-notes`)).status).toBe(409);
  });
});

describe('Voiding', () => {
  it('voids an unpaid invoice, which keeps its number, and refuses a paid one', async () => {
    const unpaid = await issued([{ description: 'Hours', quantity: 1, unitAmountMinor: 10_000 }]);
    const voided = await api('POST', `/invoices/${unpaid.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ status: 'void', number: unpaid.number, balanceMinor: null });
    const paid = await issued([{ description: 'Hours', quantity: 1, unitAmountMinor: 10_000 }]);
    await api('POST', `/invoices/${paid.id}/payments`, {
      amountMinor: 100,
      paidOn: paid.issuedOn,
      method: 'card',
    });
    expect((await api('POST', `/invoices/${paid.id}/void`)).status).toBe(409);
  });
});

describe('Invoices from Ascora', () => {
  it('are read-only here but still take payments', async () => {
    const id = newId();
    await t.database.db.insert(invoices).values({
      id,
      orgId,
      source: 'ascora',
      status: 'issued',
      number: 'A-100',
      issuedOn: '2026-11-01',
      currency: 'AUD',
      totalExTaxMinor: 45_000,
    });
    const shown = await api('GET', `/invoices/${id}`);
    expect(shown.body).toMatchObject({ source: 'ascora', totalIncTaxMinor: null, balanceMinor: null });
    for (const [method, rest, body] of [
      ['PATCH', `/invoices/${id}`, { notes: 'x' }],
      ['POST', `/invoices/${id}/issue`, undefined],
      ['POST', `/invoices/${id}/void`, undefined],
      ['POST', `/invoices/${id}/credit-notes`, undefined],
    ] as const) {
      const response = await api(method, rest, body);
      expect(response.status, `${method} ${rest}`).toBe(409);
      expect(response.body.code).toBe('invoice_not_editable');
    }
    const paid = await api('POST', `/invoices/${id}/payments`, {
      amountMinor: 45_000,
      paidOn: '2026-11-02',
      method: 'eft',
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ origin: 'local', pushState: null });
  });
});

describe('Domain events', () => {
  it('announce an invoice’s life in the outbox: created, issued, a payment, paid', async () => {
    const invoice = await issued([{ description: 'Service', quantity: 1, unitAmountMinor: 1_000 }]);
    const payment = await api('POST', `/invoices/${invoice.id}/payments`, {
      amountMinor: 1_100,
      paidOn: invoice.issuedOn,
      method: 'card',
    });
    const events = await queryRows<{ type: string; subject: string }>(
      t.database.db,
      sql`select type, subject from domain_events where org_id = ${orgId}
          and (subject = ${invoice.id} or subject = ${payment.body.id}) order by seq`,
    );
    expect(events).toEqual([
      { type: 'invoice.created', subject: invoice.id },
      { type: 'invoice.issued', subject: invoice.id },
      { type: 'payment.recorded', subject: payment.body.id },
      { type: 'invoice.paid', subject: invoice.id },
    ]);
  });
});

describe('Listing and isolation', () => {
  it('filters by status and customer', async () => {
    const made = await issued([{ description: 'Hours', quantity: 1, unitAmountMinor: 10_000 }]);
    const page = await api('GET', `/invoices?status=issued&customerId=${made.customerId}&limit=100`);
    expect(page.status).toBe(200);
    expect(page.body.data.every((i: { status: string }) => i.status === 'issued')).toBe(true);
    expect(page.body.data.map((i: { id: string }) => i.id)).toContain(made.id);
  });

  it('answers 404 to another organization’s key for an invoice and its PDF', async () => {
    const made = await draft([{ description: 'Hours', quantity: 1, unitAmountMinor: 10_000 }]);
    for (const rest of [`/invoices/${made.id}`, `/invoices/${made.id}/pdf`]) {
      expect((await t.request('GET', path(rest), { token: other.secretKey })).status).toBe(404);
    }
    const theirs = await t.request('GET', `/api/v1/organizations/${other.orgId}/invoices/${made.id}`, {
      token: other.secretKey,
    });
    expect(theirs.status).toBe(404);
  });
});

describe('The PDF', () => {
  async function pdfText(invoiceId: string): Promise<string> {
    const response = await t.app.request(path(`/invoices/${invoiceId}/pdf`), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    return readPdf(new Uint8Array(await response.arrayBuffer()));
  }

  it('shows the number, the lines, the tax per rate and the total, as an independent reader extracts them', async () => {
    const invoice = await issued([
      { description: 'Replace tempering valve', quantity: 1, unitAmountMinor: 18_500, lineType: 'labour' },
      { description: 'Tempering valve 15mm', quantity: 2, unitAmountMinor: 4_550, lineType: 'material' },
      { description: 'GST-free disposal levy', quantity: 1, unitAmountMinor: 1_200, taxCode: 'FRE' },
    ]);
    const text = await pdfText(invoice.id);
    expect(text).toContain(invoice.number);
    expect(text).toContain('Tax invoice');
    expect(text).toContain('Replace tempering valve');
    expect(text).toContain('Tempering valve 15mm');
    expect(text).toMatch(/GST 10 % on \$276\.00\s+\$27\.60/);
    expect(text).toMatch(/GST-free 0 % on \$12\.00\s+\$0\.00/);
    expect(text).toMatch(/Total\s+\$315\.60/);
    expect(text).toContain('51 824 753 556');
    expect(text).toContain('BSB 062-000');
  });

  it('speaks German with euro amounts for a German organization', async () => {
    await t.database.db.execute(
      sql`update organizations set locale = 'de-DE', currency = 'EUR' where id = ${orgId}`,
    );
    try {
      const invoice = await issued([{ description: 'Wartung', quantity: 1, unitAmountMinor: 123_456 }]);
      const text = await pdfText(invoice.id);
      expect(text).toContain('Rechnung');
      expect(text).toMatch(/Gesamt\s+1\.358,02 €/);
      expect(text).toContain('Zahlbar innerhalb von 14 Tagen');
    } finally {
      await t.database.db.execute(
        sql`update organizations set locale = 'en-AU', currency = 'AUD' where id = ${orgId}`,
      );
    }
  });
});

describe('The revenue report', () => {
  it('sums issued invoices less credit notes, with tax apart, by period, technician and as CSV', async () => {
    const fresh = await t.createOrg();
    const theirs = (method: string, rest: string, body?: unknown) =>
      t.request(method, `/api/v1/organizations/${fresh.orgId}${rest}`, {
        token: fresh.secretKey,
        ...(body ? { body } : {}),
      });
    await theirs('PUT', '/tax-settings', { ...gst, businessAddress: null });
    const customer = (await theirs('POST', '/customers', { name: 'Ann', email: 'ann@example.com' })).body;
    const make = async (unitAmountMinor: number) => {
      const d = (
        await theirs('POST', '/invoices', {
          customerId: customer.id,
          lines: [{ description: 'x', quantity: 1, unitAmountMinor }],
        })
      ).body;
      return (await theirs('POST', `/invoices/${d.id}/issue`)).body;
    };
    const a = await make(10_000);
    await make(5_000);
    await theirs('POST', '/invoices', {
      customerId: customer.id,
      lines: [{ description: 'draft', quantity: 1, unitAmountMinor: 99_999 }],
    });
    await theirs('POST', `/invoices/${a.id}/credit-notes`);
    const day = a.issuedOn;
    const report = await theirs('GET', `/reports/revenue?from=${day}&to=${day}&groupBy=period&period=day`);
    expect(report.status, report.text).toBe(200);
    expect(report.body.rows).toEqual([
      { key: day, label: day, netMinor: 5_000, taxMinor: 500, grossMinor: 5_500, lines: 3 },
    ]);
    const byTechnician = await theirs('GET', `/reports/revenue?from=${day}&to=${day}&groupBy=technician`);
    expect(byTechnician.body.rows).toEqual([
      { key: null, label: 'Unassigned', netMinor: 5_000, taxMinor: 500, grossMinor: 5_500, lines: 3 },
    ]);
    const csv = await t.request(
      'GET',
      `/api/v1/organizations/${fresh.orgId}/reports/revenue?from=${day}&to=${day}`,
      {
        token: fresh.secretKey,
        headers: { accept: 'text/csv' },
      },
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')).toEqual([
      'key,label,currency,net_minor,tax_minor,gross_minor,lines',
      `${day.slice(0, 7)},${day.slice(0, 7)},AUD,5000,500,5500,3`,
      'total,Total,AUD,5000,500,5500,3',
      '',
    ]);
  });

  it('groups the demo’s visits by technician and service item', async () => {
    await api('POST', '/invoices', { appointmentId: completed[2]!.id }).then((r) =>
      api('POST', `/invoices/${r.body.id}/issue`),
    );
    const today = (await api('GET', '/invoices?status=issued&limit=1')).body.data[0].issuedOn;
    const byItem = await api('GET', `/reports/revenue?from=${today}&to=${today}&groupBy=item`);
    expect(byItem.body.rows.some((r: { key: string | null }) => r.key === completed[2]!.serviceItemId)).toBe(
      true,
    );
    const byTechnician = await api('GET', `/reports/revenue?from=${today}&to=${today}&groupBy=technician`);
    expect(
      byTechnician.body.rows.some((r: { key: string | null }) => r.key === completed[2]!.technicianId),
    ).toBe(true);
  });
});
