import { and, eq } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import type { Db } from '../../db/index.js';
import type { CustomerAddress } from '../../db/schema/customers.js';
import { appointments, customers, organizations, serviceItems, technicians } from '../../db/schema.js';
import type { InvoiceView, InvoicingService } from './invoices.js';
import { getTaxSettings, type TaxSettingsRow } from './settings.js';
import { formatRatePercent } from './tax.js';

/*
 * The invoice as a PDF, drawn with pdfkit's built-in Helvetica (its WinAnsi encoding covers the
 * accents of German and French and the euro sign), in the organization's language and currency.
 */

export type InvoiceLanguage = 'en' | 'de' | 'fr';

const words = {
  en: {
    invoice: 'Tax invoice',
    creditNote: 'Credit note',
    draft: 'DRAFT',
    void: 'VOID',
    number: 'Number',
    issued: 'Date',
    due: 'Due',
    billTo: 'Bill to',
    visit: 'Visit',
    credits: 'Credits invoice',
    description: 'Description',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    tax: 'Tax',
    amount: 'Amount',
    subtotal: 'Subtotal (excl. tax)',
    total: 'Total',
    paid: 'Paid',
    balance: 'Balance due',
    taxId: 'Tax ID',
    onAmount: 'on',
    terms: (days: number, date: string | null) =>
      date ? `Payment due within ${days} days, by ${date}.` : `Payment due within ${days} days of issue.`,
    technician: 'Technician',
    pricesInclude: 'Prices include tax.',
    page: 'Page',
  },
  de: {
    invoice: 'Rechnung',
    creditNote: 'Gutschrift',
    draft: 'ENTWURF',
    void: 'STORNIERT',
    number: 'Nummer',
    issued: 'Datum',
    due: 'Fällig',
    billTo: 'Rechnung an',
    visit: 'Einsatz',
    credits: 'Gutschrift zu Rechnung',
    description: 'Beschreibung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    tax: 'Steuer',
    amount: 'Betrag',
    subtotal: 'Zwischensumme (netto)',
    total: 'Gesamt',
    paid: 'Bezahlt',
    balance: 'Offener Betrag',
    taxId: 'USt-IdNr.',
    onAmount: 'auf',
    terms: (days: number, date: string | null) =>
      date
        ? `Zahlbar innerhalb von ${days} Tagen, bis ${date}.`
        : `Zahlbar innerhalb von ${days} Tagen nach Rechnungsdatum.`,
    technician: 'Techniker',
    pricesInclude: 'Preise inklusive Steuer.',
    page: 'Seite',
  },
  fr: {
    invoice: 'Facture',
    creditNote: 'Avoir',
    draft: 'BROUILLON',
    void: 'ANNULÉE',
    number: 'Numéro',
    issued: 'Date',
    due: 'Échéance',
    billTo: 'Facturé à',
    visit: 'Intervention',
    credits: 'Avoir sur la facture',
    description: 'Désignation',
    quantity: 'Qté',
    unitPrice: 'Prix unitaire',
    tax: 'Taxe',
    amount: 'Montant',
    subtotal: 'Total HT',
    total: 'Total TTC',
    paid: 'Payé',
    balance: 'Reste à payer',
    taxId: 'N° TVA',
    onAmount: 'sur',
    terms: (days: number, date: string | null) =>
      date
        ? `Paiement à ${days} jours, au plus tard le ${date}.`
        : `Paiement à ${days} jours à compter de la date de facture.`,
    technician: 'Technicien',
    pricesInclude: 'Prix toutes taxes comprises.',
    page: 'Page',
  },
} as const;

export function languageOf(locale: string): InvoiceLanguage {
  const lang = locale.slice(0, 2).toLowerCase();
  return lang === 'de' || lang === 'fr' ? lang : 'en';
}

/** Standard PDF fonts have no narrow no-break space; Intl puts one in French amounts. */
function printable(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, ' ');
}

/** Formats minor units in the currency's format, from a decimal string: the amount is never a float. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const decimal = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  // Intl formats decimal strings exactly (ECMA-402 NumberFormat v3).
  return printable(format.format(`${sign}${decimal}` as unknown as number));
}

function formatDate(date: string | null, locale: string): string {
  if (!date) return '';
  return printable(
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${date}T00:00:00Z`),
    ),
  );
}

function formatQuantity(quantity: number, locale: string): string {
  return printable(new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(quantity));
}

function addressLines(address: CustomerAddress | null | undefined): string[] {
  if (!address) return [];
  const cityLine = [address.city, address.region, address.postalCode].filter(Boolean).join(' ');
  return [address.line1, address.line2, cityLine, address.country].filter((x): x is string => !!x);
}

export interface InvoiceDocument {
  view: InvoiceView;
  org: { name: string; locale: string; timeZone: string };
  settings: TaxSettingsRow;
  customer: { name: string; email: string | null; address: CustomerAddress | null } | null;
  visit: { startsAt: Date; serviceName: string; technicianName: string } | null;
  creditedNumber: string | null;
}

/** Everything the PDF shows, read in a handful of queries. */
export async function loadInvoiceDocument(
  db: Db,
  invoicing: InvoicingService,
  orgId: string,
  invoiceId: string,
): Promise<InvoiceDocument> {
  const view = await invoicing.get(db, orgId, invoiceId);
  const [[org], settings, [customer], [visit], credited] = await Promise.all([
    db
      .select({ name: organizations.name, locale: organizations.locale, timeZone: organizations.timeZone })
      .from(organizations)
      .where(eq(organizations.id, orgId)),
    getTaxSettings(db, orgId),
    view.row.customerId
      ? db
          .select({ name: customers.name, email: customers.email, address: customers.address })
          .from(customers)
          .where(and(eq(customers.orgId, orgId), eq(customers.id, view.row.customerId)))
      : Promise.resolve([]),
    view.row.appointmentId
      ? db
          .select({
            startsAt: appointments.startsAt,
            serviceName: serviceItems.name,
            technicianName: technicians.name,
          })
          .from(appointments)
          .innerJoin(serviceItems, eq(serviceItems.id, appointments.serviceItemId))
          .innerJoin(technicians, eq(technicians.id, appointments.technicianId))
          .where(and(eq(appointments.orgId, orgId), eq(appointments.id, view.row.appointmentId)))
      : Promise.resolve([]),
    view.row.creditedInvoiceId ? invoicing.get(db, orgId, view.row.creditedInvoiceId) : Promise.resolve(null),
  ]);
  return {
    view,
    org: org!,
    settings,
    customer: customer ? { ...customer, address: customer.address ?? null } : null,
    visit: visit ?? null,
    creditedNumber: credited?.row.number ?? null,
  };
}

function logoBuffer(dataUrl: string | null): Buffer | undefined {
  const match = dataUrl ? /^data:image\/(png|jpeg);base64,(.+)$/.exec(dataUrl) : null;
  return match ? Buffer.from(match[2]!, 'base64') : undefined;
}

const ink = '#1f2933';
const muted = '#616e7c';
const accent = '#0b6e99';
const rule = '#d9e2ec';

/** Draws the document; resolves with the PDF's bytes. */
export function drawInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const { view, org, settings } = doc;
  const { row } = view;
  const lang = languageOf(org.locale);
  const t = words[lang];
  const money = (minor: number) => formatMoney(minor, row.currency, org.locale);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 48, bottom: 56, left: 48, right: 48 },
    info: {
      Title: `${row.kind === 'credit_note' ? t.creditNote : t.invoice} ${row.number ?? t.draft}`,
      Author: org.name,
    },
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = 48;
  const right = pdf.page.width - 48;
  const width = right - left;

  // Business: logo, name, address, tax id.
  let y = 48;
  const logo = logoBuffer(settings.logoDataUrl);
  let textLeft = left;
  if (logo) {
    try {
      pdf.image(logo, left, y, { fit: [64, 64] });
      textLeft = left + 76;
    } catch {
      // An unreadable logo leaves the header without one rather than failing the invoice.
    }
  }
  pdf.fillColor(ink).font('Helvetica-Bold').fontSize(16).text(org.name, textLeft, y, { width: 260 });
  pdf.font('Helvetica').fontSize(9).fillColor(muted);
  for (const line of addressLines(settings.businessAddress))
    pdf.text(line, textLeft, undefined, { width: 260 });
  if (settings.taxId) pdf.text(`${t.taxId}: ${settings.taxId}`, textLeft, undefined, { width: 260 });
  const leftBottom = Math.max(pdf.y, logo ? y + 64 : 0);

  // Title and numbers, on the right.
  const title = row.kind === 'credit_note' ? t.creditNote : t.invoice;
  pdf
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor(accent)
    .text(title, left + 280, y, { width: width - 280, align: 'right' });
  const facts: [string, string][] = [
    [t.number, row.number ?? t.draft],
    [t.issued, formatDate(row.issuedOn, org.locale)],
  ];
  if (row.dueOn) facts.push([t.due, formatDate(row.dueOn, org.locale)]);
  if (doc.creditedNumber) facts.push([t.credits, doc.creditedNumber]);
  pdf.fontSize(9);
  for (const [label, value] of facts) {
    if (!value) continue;
    const lineY = pdf.y + 2;
    pdf
      .font('Helvetica')
      .fillColor(muted)
      .text(label, left + 280, lineY, { width: 110, align: 'right' });
    pdf
      .font('Helvetica-Bold')
      .fillColor(ink)
      .text(value, left + 395, lineY, { width: width - 395, align: 'right' });
  }
  y = Math.max(leftBottom, pdf.y) + 24;

  // Customer and visit.
  const blockTop = y;
  pdf
    .font('Helvetica-Bold')
    .fontSize(8)
    .fillColor(muted)
    .text(t.billTo.toUpperCase(), left, blockTop, { width: 240 });
  pdf.font('Helvetica').fontSize(10).fillColor(ink);
  if (doc.customer) {
    pdf.font('Helvetica-Bold').text(doc.customer.name, left, undefined, { width: 240 }).font('Helvetica');
    for (const line of addressLines(doc.customer.address)) pdf.text(line, { width: 240 });
    if (doc.customer.email) pdf.fillColor(muted).text(doc.customer.email, { width: 240 }).fillColor(ink);
  }
  const customerBottom = pdf.y;
  if (doc.visit || row.serviceAddress) {
    pdf
      .font('Helvetica-Bold')
      .fontSize(8)
      .fillColor(muted)
      .text(t.visit.toUpperCase(), left + 280, blockTop, { width: width - 280 });
    pdf.font('Helvetica').fontSize(10).fillColor(ink);
    if (doc.visit) {
      const when = printable(
        new Intl.DateTimeFormat(org.locale, {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: org.timeZone,
        }).format(doc.visit.startsAt),
      );
      pdf
        .font('Helvetica-Bold')
        .text(doc.visit.serviceName, left + 280, undefined, { width: width - 280 })
        .font('Helvetica');
      pdf.text(when, { width: width - 280 });
      pdf
        .fillColor(muted)
        .text(`${t.technician}: ${doc.visit.technicianName}`, { width: width - 280 })
        .fillColor(ink);
    }
    for (const line of addressLines(row.serviceAddress))
      pdf.text(line, left + 280, undefined, { width: width - 280 });
  }
  y = Math.max(customerBottom, pdf.y) + 24;

  // Lines.
  const columns = [
    { key: 'description', x: left, w: 220, align: 'left' as const, label: t.description },
    { key: 'quantity', x: left + 224, w: 44, align: 'right' as const, label: t.quantity },
    { key: 'unit', x: left + 272, w: 80, align: 'right' as const, label: t.unitPrice },
    { key: 'tax', x: left + 356, w: 60, align: 'right' as const, label: t.tax },
    { key: 'amount', x: left + 420, w: width - 420, align: 'right' as const, label: t.amount },
  ];
  const header = () => {
    pdf.rect(left, y, width, 20).fill('#f0f4f8');
    pdf.font('Helvetica-Bold').fontSize(8).fillColor(muted);
    for (const c of columns)
      pdf.text(c.label.toUpperCase(), c.x + 4, y + 6, { width: c.w - 8, align: c.align });
    y += 24;
  };
  header();
  const inclusive = row.pricesIncludeTax;
  pdf.font('Helvetica').fontSize(9).fillColor(ink);
  for (const line of view.lines) {
    const description = line.itemCode ? `${line.description} (${line.itemCode})` : line.description;
    const height = pdf.heightOfString(description, { width: columns[0]!.w - 8 }) + 8;
    if (y + height > pdf.page.height - 160) {
      pdf.addPage();
      y = 48;
      header();
      pdf.font('Helvetica').fontSize(9).fillColor(ink);
    }
    const cells: Record<string, string> = {
      description,
      quantity: formatQuantity(line.quantity, org.locale),
      unit: money(line.unitAmountMinor ?? line.unitAmountExTaxMinor),
      tax: line.taxRatePpm === null ? '' : `${formatRatePercent(line.taxRatePpm)} %`,
      amount: money(inclusive ? (line.amountIncTaxMinor ?? line.amountExTaxMinor) : line.amountExTaxMinor),
    };
    for (const c of columns) pdf.text(cells[c.key]!, c.x + 4, y, { width: c.w - 8, align: c.align });
    y += height;
    pdf
      .moveTo(left, y - 4)
      .lineTo(right, y - 4)
      .lineWidth(0.5)
      .strokeColor(rule)
      .stroke();
  }

  // Tax per rate, then totals, on the right.
  y += 8;
  if (y > pdf.page.height - 220) {
    pdf.addPage();
    y = 48;
  }
  const labelX = left + 240;
  const labelW = 180;
  const valueX = left + 420;
  const valueW = width - 420;
  const total = (label: string, value: string, bold = false) => {
    pdf
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(bold ? 11 : 9)
      .fillColor(ink);
    pdf.text(label, labelX, y, { width: labelW, align: 'right' });
    pdf.text(value, valueX + 4, y, { width: valueW - 8, align: 'right' });
    y += bold ? 18 : 14;
  };
  total(t.subtotal, money(row.totalExTaxMinor));
  for (const tax of row.taxes)
    total(
      `${tax.name} ${formatRatePercent(tax.ratePpm)} % ${t.onAmount} ${money(tax.netMinor)}`,
      money(tax.taxMinor),
    );
  pdf.moveTo(labelX, y).lineTo(right, y).lineWidth(0.8).strokeColor(ink).stroke();
  y += 6;
  total(t.total, money(row.totalIncTaxMinor ?? row.totalExTaxMinor), true);
  if (
    row.kind === 'invoice' &&
    row.status !== 'draft' &&
    row.status !== 'void' &&
    view.balanceMinor !== null
  ) {
    if (view.paidMinor !== 0) total(t.paid, money(view.paidMinor));
    total(t.balance, money(view.balanceMinor), true);
  }

  // Terms and how to pay.
  y += 16;
  pdf.font('Helvetica').fontSize(9).fillColor(muted);
  if (row.kind === 'invoice')
    pdf.text(t.terms(settings.paymentTermsDays, formatDate(row.dueOn, org.locale) || null), left, y, {
      width,
    });
  if (inclusive) pdf.text(t.pricesInclude, left, undefined, { width });
  if (settings.paymentDetails && row.kind === 'invoice')
    pdf.moveDown(0.5).fillColor(ink).text(settings.paymentDetails, left, undefined, { width });
  if (row.notes) pdf.moveDown(0.5).fillColor(ink).text(row.notes, left, undefined, { width });

  // Draft and void marks, and page numbers, on every page.
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const mark = row.status === 'draft' ? t.draft : row.status === 'void' ? t.void : null;
    if (mark) {
      pdf.save();
      pdf.rotate(-30, { origin: [pdf.page.width / 2, pdf.page.height / 2] });
      pdf.font('Helvetica-Bold').fontSize(96).fillColor('#c81e1e').fillOpacity(0.12);
      pdf.text(mark, 0, pdf.page.height / 2 - 48, {
        width: pdf.page.width,
        align: 'center',
        lineBreak: false,
      });
      pdf.restore();
    }
    if (range.count > 1) {
      pdf.font('Helvetica').fontSize(8).fillColor(muted).fillOpacity(1);
      pdf.text(`${t.page} ${i + 1} / ${range.count}`, left, pdf.page.height - 40, {
        width,
        align: 'right',
        lineBreak: false,
      });
    }
  }
  pdf.end();
  return done;
}

export async function renderInvoicePdf(
  db: Db,
  invoicing: InvoicingService,
  orgId: string,
  invoiceId: string,
): Promise<{ pdf: Buffer; fileName: string }> {
  const doc = await loadInvoiceDocument(db, invoicing, orgId, invoiceId);
  const pdf = await drawInvoicePdf(doc);
  const name = (doc.view.row.number ?? `draft-${doc.view.row.id.slice(0, 8)}`).replace(
    /[^A-Za-z0-9_-]/g,
    '_',
  );
  return { pdf, fileName: `${name}.pdf` };
}
