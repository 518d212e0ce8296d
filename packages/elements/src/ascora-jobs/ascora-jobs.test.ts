import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { appointment, job, link, recordsMock } from '../../test-support/ascora-records-mock.js';
import { nextEvent } from '../../test-support/dom.js';
import { apiBase, mockApi, orgId } from '../../test-support/msw.js';
import type { CrewAscoraJobs } from './ascora-jobs.js';
import './define.js';

async function mount(appointmentId?: string, locale = 'en-AU') {
  const el = await fixture<CrewAscoraJobs>(
    html`<crew-ascora-jobs api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale} appointment=${appointmentId ?? ''}></crew-ascora-jobs>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  return el;
}

const text = (el: Element | ShadowRoot) => el.textContent!.replace(/\s+/g, ' ');
const $$ = (el: CrewAscoraJobs, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)];

const visited = job(1, {
  status: 'in_progress',
  visits: [
    {
      appointmentId: appointment(9).id,
      start: '2031-03-02T22:00:00Z',
      end: '2031-03-02T23:00:00Z',
      status: 'completed',
      technicianId: appointment(9).technicianId,
    },
    {
      appointmentId: appointment(10).id,
      start: '2031-03-09T22:00:00Z',
      end: '2031-03-09T23:00:00Z',
      status: 'scheduled',
      technicianId: appointment(10).technicianId,
    },
  ],
});
const conflicted = job(2, {
  status: 'completed',
  ascora: link({ ascoraNumber: 'J2202', state: 'conflict' }),
});

describe('<crew-ascora-jobs>', () => {
  it('lists the work orders with their number, status, visits and link', async () => {
    await mockApi(...recordsMock({ jobs: [visited, conflicted] }).handlers);
    const el = await mount();
    const rows = $$(el, 'tr[data-job]');
    expect(rows).to.have.length(2);
    expect(text(rows[0]!)).to.contain('J2201').and.contain('In progress').and.contain('Linked');
    expect(rows[0]!.querySelectorAll('ul.visits li')).to.have.length(2);
    expect(text(rows[1]!)).to.contain('Completed').and.contain('Conflict').and.contain('No visits');
    await expect(el).to.be.accessible();
  });

  it('creates an appointment’s work order in Ascora and lists it with the visit', async () => {
    const visit = appointment(1);
    const mock = recordsMock({ jobs: [visited], appointments: [visit] });
    await mockApi(...mock.handlers);
    const el = await mount(visit.id);
    expect(text(el.shadowRoot!.querySelector('[part="appointment"]')!))
      .to.contain('HK7-001')
      .and.contain('Not in Ascora');
    const synced = nextEvent(el, 'crew-ascora-record-synced');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="appointment"] button.push')!.click();
    const { record } = await synced;
    expect(record.ascora.ascoraNumber).to.equal('J2202');
    expect(mock.state.appointments[0]!.ascora?.state).to.equal('linked');
    expect(mock.state.jobs.map((j) => j.number)).to.deep.equal(['J2201', 'J2202']);
    await waitUntil(() => $$(el, 'tr[data-job]').length === 2);
    expect(text(el.shadowRoot!.querySelector('.notice')!)).to.contain('work order J2202');
    expect(text(el.shadowRoot!.querySelector('[part="appointment"]')!)).to.contain('Linked');
    const created = $$(el, 'tr[data-job]')[1]!;
    expect(created.querySelectorAll('ul.visits li')).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('shows why Ascora refused the appointment, in the page’s language, and creates nothing', async () => {
    const visit = appointment(2);
    const mock = recordsMock({
      jobs: [],
      appointments: [visit],
      refusals: { [visit.id]: 'the job has no site customer linked to Ascora' },
    });
    await mockApi(...mock.handlers);
    const el = await mount(visit.id, 'fr');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="appointment"] button.push')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('[part="appointment"] [role="alert"]'));
    expect(text(el.shadowRoot!.querySelector('[part="appointment"]')!)).to.contain('site customer');
    expect(text(el.shadowRoot!)).to.contain('Aucun ordre de travail');
    expect(mock.state.jobs).to.have.length(0);
    await expect(el).to.be.accessible();
  });
});
