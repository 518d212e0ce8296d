import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { customer, link, recordsMock } from '../../test-support/ascora-records-mock.js';
import { nextEvent } from '../../test-support/dom.js';
import { api, apiBase, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import type { CrewAscoraCustomers } from './ascora-customers.js';
import './define.js';

async function mount(locale = 'en-AU') {
  const el = await fixture<CrewAscoraCustomers>(
    html`<crew-ascora-customers api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale}></crew-ascora-customers>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  return el;
}

const row = (el: CrewAscoraCustomers, id: string) =>
  el.shadowRoot!.querySelector<HTMLTableRowElement>(`tr[data-customer="${id}"]`)!;
const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ');

const linked = customer(1, link());
const changedHere = customer(2, link({ state: 'pending', ascoraId: 'C0FFEE00-0000-4000-8000-000000000002' }));
const inConflict = customer(3, link({ state: 'conflict', ascoraId: 'C0FFEE00-0000-4000-8000-000000000003' }));
const failed = customer(
  4,
  link({
    state: 'error',
    ascoraId: null,
    lastSyncedAt: null,
    lastError: 'Ascora refused the customer: VALIDATION-FAILED',
  }),
);
const notInAscora = customer(5, null);
const everyone = [linked, changedHere, inConflict, failed, notInAscora];

describe('<crew-ascora-customers>', () => {
  it('shows each customer’s link in words, with the reason of a failure and how many need attention', async () => {
    await mockApi(...recordsMock({ customers: everyone }).handlers);
    const el = await mount();
    expect(text(row(el, linked.id)))
      .to.contain('Linked')
      .and.contain('Synced');
    expect(text(row(el, changedHere.id))).to.contain('Changed here');
    expect(text(row(el, inConflict.id))).to.contain('Conflict');
    expect(text(row(el, failed.id)))
      .to.contain('Failed')
      .and.contain('VALIDATION-FAILED');
    expect(text(row(el, notInAscora.id))).to.contain('Not in Ascora');
    expect(row(el, notInAscora.id).querySelector('button.pull'), 'nothing to fetch without a link').to.equal(
      null,
    );
    expect(text(el.shadowRoot!.querySelector('h3')!)).to.contain('2 need attention');
    await expect(el).to.be.accessible();
  });

  it('sends a customer to Ascora and shows it linked, as the server now holds it', async () => {
    const mock = recordsMock({ customers: everyone });
    await mockApi(...mock.handlers);
    const el = await mount();
    const synced = nextEvent(el, 'crew-ascora-record-synced');
    row(el, notInAscora.id).querySelector<HTMLButtonElement>('button.push')!.click();
    const event = await synced;
    expect(event.way).to.equal('push');
    expect(mock.state.requests.at(-1)).to.deep.equal({
      method: 'POST',
      path: '/ascora/records/push',
      body: { recordType: 'customer', recordId: notInAscora.id },
    });
    expect(mock.state.customers.find((c) => c.id === notInAscora.id)!.ascora?.state).to.equal('linked');
    await waitUntil(() => text(row(el, notInAscora.id)).includes('Linked'));
    expect(text(el.shadowRoot!.querySelector('.notice')!)).to.contain('Customer 5 was sent to Ascora.');
    expect(row(el, notInAscora.id).querySelector('button.pull'), 'now it can be fetched').to.not.equal(null);
  });

  it('fetches Ascora’s version of a customer in conflict, which settles it', async () => {
    const mock = recordsMock({ customers: everyone, remoteNames: { [inConflict.id]: 'Renamed in Ascora' } });
    await mockApi(...mock.handlers);
    const el = await mount();
    row(el, inConflict.id).querySelector<HTMLButtonElement>('button.pull')!.click();
    await waitUntil(() => text(row(el, inConflict.id)).includes('Renamed in Ascora'));
    expect(text(row(el, inConflict.id))).to.contain('Linked');
    expect(mock.state.customers.find((c) => c.id === inConflict.id)).to.include({
      name: 'Renamed in Ascora',
    });
  });

  it('says in the row why Ascora refused a customer, and the customer stays as it was', async () => {
    const mock = recordsMock({
      customers: everyone,
      refusals: { [changedHere.id]: 'Ascora refused the customer: VALIDATION-FAILED' },
    });
    await mockApi(...mock.handlers);
    const el = await mount('de');
    const error = nextEvent(el, 'crew-error');
    row(el, changedHere.id).querySelector<HTMLButtonElement>('button.push')!.click();
    expect((await error).error.code).to.equal('ascora_rejected');
    await waitUntil(() => row(el, changedHere.id).querySelector('[role="alert"]'));
    expect(text(row(el, changedHere.id)))
      .to.contain('VALIDATION-FAILED')
      .and.contain('Hier geändert');
    expect(mock.state.customers.find((c) => c.id === changedHere.id)!.ascora?.state).to.equal('pending');
    await expect(el).to.be.accessible();
  });

  it('says why the customers could not be loaded, in the page’s language, and loads them on retry', async () => {
    const mock = recordsMock({ customers: everyone });
    let refusals = 1;
    await mockApi(
      http.get(api('/customers'), () => (refusals-- > 0 ? problem(403, 'forbidden') : undefined)),
      ...mock.handlers,
    );
    const el = await mount('es');
    const error = el.shadowRoot!.querySelector<HTMLElement>('.state.error')!;
    expect(error.getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
    error.querySelector('button')!.click();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('tr[data-customer]').length === everyone.length);
    expect(text(row(el, inConflict.id))).to.contain('Conflicto');
  });
});
