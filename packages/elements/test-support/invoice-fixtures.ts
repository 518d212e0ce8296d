import type { Invoice } from '../src/invoices/events.js';

/** An issued invoice of $110.00 (GST 10 %), numbered `INV-00000n`; tests and stories override fields. */
export function invoice(n: number, overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: `0190f3c4-2222-7000-8000-${String(n).padStart(12, '0')}`,
    kind: 'invoice',
    source: 'local',
    status: 'issued',
    number: `INV-${String(n).padStart(6, '0')}`,
    jobId: null,
    customerId: null,
    appointmentId: null,
    creditedInvoiceId: null,
    issuedOn: '2026-11-30',
    dueOn: '2026-12-14',
    currency: 'AUD',
    pricesIncludeTax: false,
    taxRounding: 'line',
    totalExTaxMinor: 10_000,
    totalTaxMinor: 1_000,
    totalIncTaxMinor: 11_000,
    paidMinor: 0,
    creditedMinor: 0,
    balanceMinor: 11_000,
    overdue: false,
    taxes: [{ taxCode: 'GST', name: 'GST', ratePercent: '10', netMinor: 10_000, taxMinor: 1_000 }],
    serviceAddress: null,
    notes: null,
    lines: [
      {
        position: 0,
        itemCode: null,
        description: 'Replace tempering valve',
        quantity: 1,
        unitAmountExTaxMinor: 10_000,
        amountExTaxMinor: 10_000,
        lineType: 'labour',
        unitAmountMinor: 10_000,
        taxCode: 'GST',
        taxRatePercent: '10',
        taxMinor: 1_000,
        amountIncTaxMinor: 11_000,
        serviceItemId: null,
        technicianId: null,
      },
    ],
    payments: [],
    ascoraId: null,
    createdAt: '2026-11-30T00:00:00.000Z',
    updatedAt: '2026-11-30T00:00:00.000Z',
    ...overrides,
  };
}

type HistoryEntry = import('../src/invoices/events.js').InvoiceHistoryEntry;

/** An invoice's history: drafted, issued, emailed, a part payment and a reminder that was not sent. */
export function invoiceHistory(n: number): HistoryEntry[] {
  const blank = {
    actor: null,
    amountMinor: null,
    number: null,
    channel: null,
    recipient: null,
    status: null,
    reason: null,
  } as const;
  const number = `INV-${String(n).padStart(6, '0')}`;
  return [
    { ...blank, at: '2026-11-30T01:00:00.000Z', kind: 'created', actor: 'Dana Office' },
    { ...blank, at: '2026-11-30T01:05:00.000Z', kind: 'issued', number, actor: 'Dana Office' },
    {
      ...blank,
      at: '2026-11-30T01:06:00.000Z',
      kind: 'emailed',
      channel: 'email',
      recipient: 'olivia@example.com',
      status: 'sent',
    },
    { ...blank, at: '2026-12-02T03:00:00.000Z', kind: 'payment', amountMinor: 5_000, actor: 'Dana Office' },
    {
      ...blank,
      at: '2026-12-15T22:00:00.000Z',
      kind: 'reminded',
      channel: 'email',
      recipient: 'olivia@example.com',
      status: 'skipped',
      reason: 'the customer prefers sms',
    },
  ];
}
