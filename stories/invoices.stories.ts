import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/invoices/define.js';
import { invoice, invoiceHistory } from '../packages/elements/test-support/invoice-fixtures.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

const invoices = [
  invoice(41),
  invoice(42, { status: 'part_paid', paidMinor: 5_000, balanceMinor: 6_000, overdue: true }),
  invoice(43, { status: 'paid', paidMinor: 11_000, balanceMinor: 0 }),
  invoice(44, { status: 'draft', number: null, issuedOn: null, dueOn: null }),
  invoice(45, { source: 'ascora', number: 'A-1042', totalIncTaxMinor: null, balanceMinor: null, taxes: [] }),
];

const handlers = [
  http.get(api('/invoices'), () => HttpResponse.json({ data: invoices, nextCursor: null })),
  ...invoices.map((i) => http.get(api(`/invoices/${i.id}`), () => HttpResponse.json(i))),
  // Each invoice's history: issued, emailed, a part payment and a reminder the customer's
  // preference held back (the open invoice shows it below its payments).
  http.get(api('/invoices/:invoiceId/history'), ({ params }) =>
    HttpResponse.json({ data: invoiceHistory(Number(String(params.invoiceId).slice(-2))) }),
  ),
  http.post(api('/invoices/:invoiceId/payments'), () => problem(422, 'overpayment')),
  // Drafting from a visit: one completed visit, and the draft it makes.
  http.get(api('/appointments'), () =>
    HttpResponse.json({
      data: [
        {
          id: '0190f3c4-4444-7000-8000-000000000001',
          reference: 'HK7-3PQ',
          status: 'completed',
          start: '2026-11-28T23:00:00.000Z',
          customer: { id: '0190f3c4-5555-7000-8000-000000000001', name: 'Olivia Hart', email: null },
        },
      ],
      nextCursor: null,
    }),
  ),
  http.post(api('/invoices'), () =>
    HttpResponse.json(invoice(46, { status: 'draft', number: null, issuedOn: null, dueOn: null }), {
      status: 201,
    }),
  ),
];

const meta: Meta<Args> = {
  title: 'Elements/crew-invoices',
  component: 'crew-invoices',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de', 'de-AT'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme }) => html`<crew-invoices
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
  ></crew-invoices>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Issued, part-paid and overdue, paid, a draft, and one pulled from Ascora. */
export const Success: Story = { parameters: { msw: { handlers } } };

export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/invoices'), () => delay('infinite'))] } },
};

export const Empty: Story = {
  parameters: {
    msw: { handlers: [http.get(api('/invoices'), () => HttpResponse.json({ data: [], nextCursor: null }))] },
  },
};

export const ErrorState: Story = {
  name: 'Error',
  parameters: { msw: { handlers: [http.get(api('/invoices'), () => problem(503, 'unavailable'))] } },
};

export const German: Story = { args: { locale: 'de' }, parameters: { msw: { handlers } } };
