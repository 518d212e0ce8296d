import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId } from '../../test-support/msw.js';
import './define.js';
import { CrewAppointmentList } from './appointment-list.js';
import type { CrewJobList } from './job-list-alias.js';

const appointment = {
  id: '0190f3c4-4444-7000-8000-000000000001',
  reference: 'HK1-101',
  status: 'scheduled',
  serviceItemId: '0190f3c4-3333-7000-8000-000000000001',
  customerId: '0190f3c4-5555-7000-8000-000000000001',
  technicianId: null,
  start: '2031-03-03T22:00:00.000Z',
  end: '2031-03-03T23:00:00.000Z',
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  price: { amountMinor: 14900, currency: 'AUD' },
  notes: null,
  assignment: null,
  rescheduledFromId: null,
  rescheduledToId: null,
  rating: null,
  feedback: null,
  createdAt: '2031-03-01T00:00:00.000Z',
  updatedAt: '2031-03-01T00:00:00.000Z',
  customer: { id: '0190f3c4-5555-7000-8000-000000000001', name: 'Ada', email: 'ada@example.com' },
  allowedTransitions: ['cancelled'],
};

const handlers = [
  http.get(api('/technicians'), () => HttpResponse.json({ data: [], nextCursor: null })),
  http.get(api('/services/items'), () => HttpResponse.json({ data: [], nextCursor: null })),
  http.get(api('/appointments'), () => HttpResponse.json({ data: [appointment], nextCursor: null })),
];

async function mount(tag: 'crew-job-list' | 'crew-appointment-list') {
  const el =
    tag === 'crew-job-list'
      ? await fixture<CrewJobList>(
          html`<crew-job-list api-base=${apiBase} org=${orgId} access-token="at" locale="en"></crew-job-list>`,
        )
      : await fixture<CrewAppointmentList>(
          html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" locale="en"></crew-appointment-list>`,
        );
  await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'the list never showed its row');
  return el;
}

describe('<crew-job-list>, the deprecated name of <crew-appointment-list>', () => {
  const warnings: string[] = [];
  const realWarn = console.warn;
  before(() => {
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  });
  after(() => {
    console.warn = realWarn;
  });

  it('lists appointments under either tag, and only the old one warns — once per page', async () => {
    await mockApi(...handlers);
    const current = await mount('crew-appointment-list');
    expect(current.shadowRoot!.textContent).to.contain('HK1-101');
    expect(warnings.filter((w) => w.includes('crew-job-list'))).to.deep.equal([]);

    const first = await mount('crew-job-list');
    const second = await mount('crew-job-list');
    expect(first).to.be.instanceOf(CrewAppointmentList);
    expect(second.shadowRoot!.textContent).to.contain('HK1-101');
    const deprecations = warnings.filter((w) => w.includes('<crew-job-list> is deprecated'));
    expect(deprecations).to.have.length(1);
    expect(deprecations[0]).to.contain('<crew-appointment-list>');
  });

  it('fires both the new event and the old one when an appointment is opened', async () => {
    await mockApi(...handlers);
    const el = await mount('crew-job-list');
    const opened = nextEvent(el, 'crew-appointment-selected');
    const openedOldStyle = nextEvent(el, 'crew-job-selected');
    el.shadowRoot!.querySelector<HTMLTableRowElement>('tbody tr')!.click();
    expect((await opened).appointment.reference).to.equal('HK1-101');
    expect((await openedOldStyle).job.reference).to.equal('HK1-101');
  });

  it('is registered once even when the definitions are loaded again', async () => {
    await import('./define.js');
    expect(customElements.get('crew-appointment-list')).to.equal(CrewAppointmentList);
    expect(customElements.get('crew-job-list')).to.not.equal(CrewAppointmentList);
    expect(warnings.filter((w) => w.includes('already defined'))).to.deep.equal([]);
  });
});
