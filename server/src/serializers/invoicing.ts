import type { components } from '@crewkit/sdk/openapi';
import { iso } from '../lib/time.js';
import type { InvoiceView, PaymentRow } from '../services/invoicing/invoices.js';
import type { TaxSettingsRow } from '../services/invoicing/settings.js';
import { formatRatePercent } from '../services/invoicing/tax.js';

type Schemas = components['schemas'];

export function toPayment(row: PaymentRow): Schemas['Payment'] {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    kind: row.kind,
    amountMinor: row.amountMinor,
    creditMinor: row.creditMinor,
    paidOn: row.paidOn,
    method: row.method,
    reference: row.reference,
    origin: row.origin,
    pushState: row.pushState,
    createdAt: iso(row.createdAt),
  };
}

export function toInvoice(view: InvoiceView): Schemas['Invoice'] {
  const { row } = view;
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    status: row.status,
    number: row.number,
    jobId: row.jobId,
    customerId: row.customerId,
    appointmentId: row.appointmentId,
    creditedInvoiceId: row.creditedInvoiceId,
    issuedOn: row.issuedOn,
    dueOn: row.dueOn,
    currency: row.currency,
    pricesIncludeTax: row.pricesIncludeTax,
    taxRounding: row.taxRounding,
    totalExTaxMinor: row.totalExTaxMinor,
    totalTaxMinor: row.totalTaxMinor,
    totalIncTaxMinor: row.totalIncTaxMinor,
    paidMinor: view.paidMinor,
    creditedMinor: view.creditedMinor,
    balanceMinor: view.balanceMinor,
    overdue: view.overdue,
    taxes: row.taxes.map((t) => ({
      taxCode: t.taxCode,
      name: t.name,
      ratePercent: formatRatePercent(t.ratePpm),
      netMinor: t.netMinor,
      taxMinor: t.taxMinor,
    })),
    serviceAddress: row.serviceAddress,
    notes: row.notes,
    lines: view.lines.map((l) => ({
      position: l.position,
      itemCode: l.itemCode,
      description: l.description,
      quantity: l.quantity,
      unitAmountExTaxMinor: l.unitAmountExTaxMinor,
      amountExTaxMinor: l.amountExTaxMinor,
      lineType: l.lineType,
      unitAmountMinor: l.unitAmountMinor,
      taxCode: l.taxCode,
      taxRatePercent: l.taxRatePpm === null ? null : formatRatePercent(l.taxRatePpm),
      taxMinor: l.taxMinor,
      amountIncTaxMinor: l.amountIncTaxMinor,
      serviceItemId: l.serviceItemId,
      technicianId: l.technicianId,
    })),
    payments: view.payments.map(toPayment),
    ascoraId: view.ascoraId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toTaxSettings(row: TaxSettingsRow): Schemas['TaxSettings'] {
  return {
    taxName: row.taxName,
    taxId: row.taxId,
    pricesIncludeTax: row.pricesIncludeTax,
    rounding: row.rounding,
    rates: row.rates,
    defaultTaxCode: row.defaultTaxCode,
    locationRules: row.locationRules.map((r) => ({
      country: r.country,
      region: r.region ?? null,
      taxCode: r.taxCode,
    })),
    paymentTermsDays: row.paymentTermsDays,
    paymentDetails: row.paymentDetails,
    businessAddress: row.businessAddress,
    logoDataUrl: row.logoDataUrl,
    invoicePrefix: row.invoicePrefix,
    creditNotePrefix: row.creditNotePrefix,
  };
}
