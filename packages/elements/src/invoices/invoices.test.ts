import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { invoice, invoiceHistory } from '../../test-support/invoice-fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import type { CrewInvoices } from './invoices.js';
import { parseAmount } from './invoices.js';
import './define.js';

async function mount(locale = 'en-AU') {
  const el = await fixture<CrewInvoices>(
    html`<crew-invoices api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale}></crew-invoices>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewInvoices, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const $$ = (el: CrewInvoices, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(selector),
];
/** Invoices opened in tests that are not about the history have none. */
const noHistory = http.get(api('/invoices/:invoiceId/history'), () => HttpResponse.json({ data: [] }));
const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ');

describe('<crew-invoices>', () => {
  it('lists invoices with status, totals and balance, marking those from Ascora', async () => {
    await mockApi(
      http.get(api('/invoices'), () =>
        HttpResponse.json({
          data: [
            invoice(1),
            invoice(2, { source: 'ascora', number: 'A-77', totalIncTaxMinor: null, balanceMinor: null }),
            invoice(3, { status: 'part_paid', overdue: true, paidMinor: 5_000, balanceMinor: 6_000 }),
          ],
          nextCursor: null,
        }),
      ),
      noHistory,
    );
    const el = await mount();
    const rows = $$(el, 'tr.invoice');
    expect(rows).to.have.length(3);
    expect(text(rows[0]!)).to.contain('INV-000001').and.contain('Issued').and.contain('$110.00');
    expect(text(rows[1]!)).to.contain('A-77').and.contain('Ascora');
    expect(text(rows[2]!)).to.contain('Part paid').and.contain('Overdue').and.contain('$60.00');
    await expect(el).to.be.accessible();
  });

  it('opens an invoice and records a payment, then shows the new balance', async () => {
    let paid = false;
    const posted: unknown[] = [];
    await mockApi(
      http.get(api('/invoices'), () => HttpResponse.json({ data: [invoice(1)], nextCursor: null })),
      http.post(api(`/invoices/${invoice(1).id}/payments`), async ({ request }) => {
        posted.push(await request.json());
        paid = true;
        return HttpResponse.json(
          {
            id: '0190f3c4-3333-7000-8000-000000000001',
            invoiceId: invoice(1).id,
            kind: 'payment',
            amountMinor: 5_050,
            creditMinor: 0,
            paidOn: '2026-11-30',
            method: 'card',
            reference: null,
            origin: 'local',
            pushState: null,
            createdAt: '2026-11-30T00:00:00.000Z',
          },
          { status: 201 },
        );
      }),
      http.get(api(`/invoices/${invoice(1).id}`), () =>
        HttpResponse.json(
          paid ? invoice(1, { status: 'part_paid', paidMinor: 5_050, balanceMinor: 5_950 }) : invoice(1),
        ),
      ),
      noHistory,
    );
    const el = await mount();
    $<HTMLButtonElement>(el, 'tr.invoice button').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.detail'));
    expect(text($(el, '.detail')))
      .to.contain('Replace tempering valve')
      .and.contain('GST 10 %');
    await expect(el).to.be.accessible();
    $<HTMLInputElement>(el, 'input[name=amount]').value = '50.50';
    const recorded = nextEvent(el, 'crew-payment-recorded');
    $<HTMLButtonElement>(el, 'form button[type=submit]').click();
    const event = await recorded;
    expect(posted[0]).to.include({ amountMinor: 5_050, method: 'card' });
    expect(event.invoice.balanceMinor).to.equal(5_950);
    await waitUntil(() => text($(el, '.balance')).includes('$59.50'));
  });

  it('shows what happened to the open invoice: issued, emailed, paid, and a reminder that did not go, with why', async () => {
    await mockApi(
      http.get(api('/invoices'), () => HttpResponse.json({ data: [invoice(1)], nextCursor: null })),
      http.get(api(`/invoices/${invoice(1).id}/history`), () =>
        HttpResponse.json({ data: invoiceHistory(1) }),
      ),
      noHistory,
    );
    const el = await mount();
    $<HTMLButtonElement>(el, 'tr.invoice button').click();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.history li').length === 5);
    const lines = $$(el, '.history li').map(text);
    expect(lines[1]).to.contain('Issued as INV-000001').and.contain('Dana Office');
    expect(lines[2]).to.contain('Emailed to olivia@example.com');
    expect(lines[3]).to.contain('Payment of $50.00');
    expect(lines[4]).to.contain(
      'Payment reminder to olivia@example.com · not sent: the customer prefers sms',
    );
    await expect(el).to.be.accessible();
  });

  it('keeps the invoice usable when its history cannot be loaded, in French', async () => {
    await mockApi(
      http.get(api('/invoices'), () => HttpResponse.json({ data: [invoice(1)], nextCursor: null })),
      http.get(api(`/invoices/${invoice(1).id}/history`), () => problem(500, 'internal')),
      noHistory,
    );
    const el = await mount('fr-FR');
    $<HTMLButtonElement>(el, 'tr.invoice button').click();
    await waitUntil(() =>
      el.shadowRoot!.querySelector('.detail')?.textContent?.includes('L’historique n’a pas pu être chargé.'),
    );
    expect(el.shadowRoot!.querySelector('input[name=amount]')).to.exist;
  });

  it('says why a payment was refused, in German', async () => {
    await mockApi(
      http.get(api('/invoices'), () => HttpResponse.json({ data: [invoice(1)], nextCursor: null })),
      http.post(api(`/invoices/${invoice(1).id}/payments`), () => problem(422, 'overpayment')),
      noHistory,
    );
    const el = await mount('de-DE');
    expect(text($(el, 'tr.invoice'))).to.contain('Gestellt');
    $<HTMLButtonElement>(el, 'tr.invoice button').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.detail'));
    $<HTMLInputElement>(el, 'input[name=amount]').value = '500';
    $<HTMLButtonElement>(el, 'form button[type=submit]').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.notice[data-error]'));
    expect(text($(el, '.notice'))).to.contain('übersteigt den offenen Betrag');
  });

  it('asks only for the customer, dates and status it is filtered by', async () => {
    const queries: URLSearchParams[] = [];
    await mockApi(
      http.get(api('/invoices'), ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ data: [invoice(1)], nextCursor: null });
      }),
      noHistory,
    );
    const el = await fixture<CrewInvoices>(
      html`<crew-invoices api-base=${apiBase} org=${orgId} access-token="at_test" locale="en" customer-id="0190f3c4-5555-7000-8000-000000000001" issued-from="2026-11-01"></crew-invoices>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('tr.invoice'));
    expect(queries[0]!.get('customerId')).to.equal('0190f3c4-5555-7000-8000-000000000001');
    expect(queries[0]!.get('issuedFrom')).to.equal('2026-11-01');
    const select = $<HTMLSelectElement>(el, 'select');
    select.value = 'paid';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => queries.length === 2);
    expect(queries[1]!.get('status')).to.equal('paid');
    expect(queries[1]!.get('customerId')).to.equal('0190f3c4-5555-7000-8000-000000000001');
  });

  it('drafts an invoice from a completed visit and issues it', async () => {
    const visitId = '0190f3c4-4444-7000-8000-000000000001';
    const draft = invoice(9, {
      status: 'draft',
      number: null,
      issuedOn: null,
      dueOn: null,
      appointmentId: visitId,
    });
    const created: unknown[] = [];
    await mockApi(
      http.get(api('/invoices'), () => HttpResponse.json({ data: [], nextCursor: null })),
      http.get(api('/appointments'), ({ request }) => {
        expect(new URL(request.url).searchParams.getAll('status')).to.deep.equal(['completed']);
        return HttpResponse.json({
          data: [
            {
              id: visitId,
              reference: 'HK7-3PQ',
              status: 'completed',
              start: '2026-11-28T23:00:00.000Z',
              customer: { id: '0190f3c4-5555-7000-8000-000000000001', name: 'Olivia Hart', email: null },
            },
          ],
          nextCursor: null,
        });
      }),
      http.post(api('/invoices'), async ({ request }) => {
        created.push(await request.json());
        return HttpResponse.json(draft, { status: 201 });
      }),
      http.post(api(`/invoices/${draft.id}/issue`), () =>
        HttpResponse.json({ ...draft, status: 'issued', number: 'INV-000009' }),
      ),
      noHistory,
    );
    const el = await mount();
    $<HTMLButtonElement>(el, 'button.new').click();
    await waitUntil(() => el.shadowRoot!.querySelector('form.new-invoice'));
    expect(text($(el, 'form.new-invoice')))
      .to.contain('HK7-3PQ')
      .and.contain('Olivia Hart');
    await expect(el).to.be.accessible();
    $<HTMLButtonElement>(el, 'form.new-invoice button[type=submit]').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.detail button.issue'));
    expect(created).to.deep.equal([{ appointmentId: visitId }]);
    $<HTMLButtonElement>(el, '.detail button.issue').click();
    await waitUntil(() => text($(el, 'tr.invoice')).includes('INV-000009'));
    expect(text($(el, '.notice'))).to.contain('Issued as INV-000009');
  });

  it('reads amounts typed with a point or a comma, and nothing else', () => {
    expect(parseAmount('120.50', 2)).to.equal(12_050);
    expect(parseAmount('120,5', 2)).to.equal(12_050);
    expect(parseAmount('7', 2)).to.equal(700);
    expect(parseAmount('1.234', 2)).to.equal(undefined);
    expect(parseAmount('-5', 2)).to.equal(undefined);
    expect(parseAmount('0', 2)).to.equal(undefined);
    expect(parseAmount('1000', 0)).to.equal(1000);
  });
});
