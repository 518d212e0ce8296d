import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent, nextTask, spyOnFetch } from '../../test-support/dom.js';
import { manualClock } from '../../test-support/manual-clock.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import './define.js';
import type { CrewAppointmentList } from './appointment-list.js';
import type { AppointmentListItem } from './events.js';

const sam = { id: '0190f3c4-2222-7000-8000-000000000001', name: 'Sam Okafor' };
const priya = { id: '0190f3c4-2222-7000-8000-000000000002', name: 'Priya Raman' };
const tapRepair = { id: '0190f3c4-3333-7000-8000-000000000001', name: 'Leaking tap repair' };

function listed(n: number, overrides: Partial<AppointmentListItem> = {}): AppointmentListItem {
  const start = new Date(Date.UTC(2031, 2, 3, 22 + n)).toISOString();
  return {
    id: `0190f3c4-4444-7000-8000-${String(n).padStart(12, '0')}`,
    reference: `HK${n % 10}-${String(100 + n).slice(-3)}`,
    status: 'scheduled',
    serviceItemId: tapRepair.id,
    customerId: `0190f3c4-5555-7000-8000-${String(n).padStart(12, '0')}`,
    technicianId: sam.id,
    start,
    end: start,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    price: { amountMinor: 14900, currency: 'AUD' },
    notes: null,
    assignment: { technicianId: sam.id, reason: 'only_available' },
    rescheduledFromId: null,
    rescheduledToId: null,
    rating: null,
    feedback: null,
    createdAt: start,
    updatedAt: start,
    customer: {
      id: `0190f3c4-5555-7000-8000-${String(n).padStart(12, '0')}`,
      name: `Customer ${n}`,
      email: `c${n}@example.com`,
    },
    allowedTransitions: ['en_route', 'in_progress', 'cancelled', 'no_show'],
    ...overrides,
  } as AppointmentListItem;
}

const lookups = [
  http.get(api('/technicians'), () => HttpResponse.json({ data: [sam, priya], nextCursor: null })),
  http.get(api('/services/items'), () => HttpResponse.json({ data: [tapRepair], nextCursor: null })),
];

/** Pages over `appointments` like the server (limit + cursor = index), recording each query. */
function listOf(appointments: AppointmentListItem[], seen: URLSearchParams[] = []) {
  return http.get(api('/appointments'), ({ request }) => {
    const query = new URL(request.url).searchParams;
    seen.push(query);
    const limit = Number(query.get('limit') ?? 25);
    const offset = Number(query.get('cursor') ?? 0);
    const data = appointments.slice(offset, offset + limit);
    const more = offset + limit < appointments.length;
    return HttpResponse.json({ data, nextCursor: more ? String(offset + limit) : null });
  });
}

async function mount(
  template = html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU"></crew-appointment-list>`,
) {
  const el = await fixture<CrewAppointmentList>(template);
  await waitUntil(() => !el.shadowRoot!.querySelector('.state.loading'), 'the list never finished loading');
  return el;
}

const rows = (el: CrewAppointmentList) => [
  ...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr'),
];
const text = (el: CrewAppointmentList) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const $ = <T extends Element>(el: CrewAppointmentList, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;

function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

function setDates(el: CrewAppointmentList, from: string, to: string) {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const input = $<HTMLInputElement>(el, `input[name="${name}"]`);
    input.value = value;
    input.dispatchEvent(new Event('change'));
  }
}

describe('<crew-appointment-list>', () => {
  it('shows each appointment with its customer, service, technician and a status badge', async () => {
    await mockApi(
      ...lookups,
      listOf([
        listed(1, {
          siteAddress: {
            line1: '3 Rental Rd',
            city: 'Marrickville',
            country: 'AU',
            mapsUrl: 'https://www.google.com/maps/search/?api=1&query=3%20Rental%20Rd',
          },
        }),
        listed(2, { status: 'completed', allowedTransitions: [] }),
      ]),
    );
    const el = await mount();
    await waitUntil(() => text(el).includes('Sam Okafor'));
    expect(rows(el)).to.have.length(2);
    const first = text(el);
    expect(first).to.contain('Customer 1').and.contain('c1@example.com').and.contain('Leaking tap repair');
    expect($(el, 'tr[data-index="0"] [part="site"]').textContent).to.equal('3 Rental Rd, Marrickville, AU');
    expect($(el, 'tr[data-index="1"] .badge').textContent).to.equal('Completed');
    expect($(el, 'tr[data-index="1"]').textContent).to.contain('No further steps');
    await expect(el).to.be.accessible();
  });

  it('sends its access token, or asks the host for a fresh one before every request', async () => {
    const tokens: Array<string | null> = [];
    await mockApi(
      ...lookups,
      http.get(api('/appointments'), ({ request }) => {
        tokens.push(request.headers.get('authorization'));
        return HttpResponse.json({ data: [], nextCursor: null });
      }),
    );
    let calls = 0;
    const el = document.createElement('crew-appointment-list');
    el.setAttribute('api-base', apiBase);
    el.setAttribute('org', orgId);
    el.getAccessToken = async () => `at_fresh_${++calls}`;
    document.body.append(el);
    try {
      await waitUntil(() => tokens.length === 1);
      expect(tokens[0]).to.match(/^Bearer at_fresh_\d$/);
    } finally {
      el.remove();
    }
  });

  it('shows a loading state that a screen reader announces', async () => {
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await mockApi(
      ...lookups,
      http.get(api('/appointments'), async () => {
        await answered;
        return HttpResponse.json({ data: [], nextCursor: null });
      }),
    );
    const el = await fixture<CrewAppointmentList>(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" locale="en"></crew-appointment-list>`,
    );
    try {
      await waitUntil(() => el.shadowRoot!.querySelector('.state.loading'));
      expect($(el, '.state.loading').getAttribute('role')).to.equal('status');
      await expect(el).to.be.accessible();
    } finally {
      answer();
    }
  });

  it('says when there are no appointments, and offers to clear filters that hide them', async () => {
    await mockApi(...lookups, listOf([]));
    const el = await mount();
    expect(text(el)).to.contain('No appointments yet.');
    await expect(el).to.be.accessible();
    choose($(el, 'select[name="status"]'), 'paused');
    await waitUntil(() => text(el).includes('No appointments match these filters.'));
    const clear = [...el.shadowRoot!.querySelectorAll('button')].find((b) =>
      b.textContent!.includes('Clear filters'),
    )!;
    clear.click();
    await waitUntil(() => text(el).includes('No appointments yet.'));
    expect($<HTMLSelectElement>(el, 'select[name="status"]').value).to.equal('');
  });

  it('shows a failed load by its code, reports it, and retries', async () => {
    let fail = true;
    await mockApi(
      ...lookups,
      http.get(api('/appointments'), () =>
        fail ? problem(503, 'unavailable') : HttpResponse.json({ data: [listed(1)], nextCursor: null }),
      ),
    );
    const el = document.createElement('crew-appointment-list');
    Object.assign(el, { apiBase, org: orgId, accessToken: 'at', locale: 'de' });
    const reported = nextEvent(el, 'crew-error');
    document.body.append(el);
    try {
      expect((await reported).error.code).to.equal('unavailable');
      await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
      expect($(el, '.state.error').textContent).to.contain('Der Buchungsdienst ist gerade ausgelastet');
      await expect(el).to.be.accessible();
      fail = false;
      $<HTMLButtonElement>(el, '.state.error button').click();
      await waitUntil(() => rows(el).length === 1);
    } finally {
      el.remove();
    }
  });

  it('filters and searches on the server, waiting for the user to stop typing', async () => {
    const seen: URLSearchParams[] = [];
    await mockApi(...lookups, listOf([listed(1)], seen));
    const clock = manualClock();
    const el = await mount(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU" .clock=${clock}></crew-appointment-list>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('select[name="technicianId"]'));
    choose($(el, 'select[name="status"]'), 'cancelled');
    await waitUntil(() => seen.at(-1)?.get('status') === 'cancelled');
    choose($(el, 'select[name="technicianId"]'), priya.id);
    await waitUntil(() => seen.at(-1)?.get('technicianId') === priya.id);

    const from = $<HTMLInputElement>(el, 'input[name="from"]');
    from.value = '2031-03-04';
    from.dispatchEvent(new Event('change'));
    const to = $<HTMLInputElement>(el, 'input[name="to"]');
    to.value = '2031-03-04';
    to.dispatchEvent(new Event('change'));
    await waitUntil(() => seen.at(-1)?.has('to'));
    // A one-day range: from that day's local midnight to the next.
    expect(seen.at(-1)!.get('from')).to.equal(new Date(2031, 2, 4).toISOString());
    expect(seen.at(-1)!.get('to')).to.equal(new Date(2031, 2, 5).toISOString());

    const requestsBefore = seen.length;
    const search = $<HTMLInputElement>(el, 'input[name="q"]');
    for (const partial of ['o', 'ol', 'oli']) {
      search.value = partial;
      search.dispatchEvent(new Event('input'));
      clock.advance(100);
    }
    expect(seen.length, 'nothing sent while the user types').to.equal(requestsBefore);
    expect(clock.pending, 'one search waits for the pause').to.equal(1);
    clock.advance(300);
    await waitUntil(() => seen.at(-1)?.get('q') === 'oli');
    expect(seen.length, 'one request for the whole word').to.equal(requestsBefore + 1);
    expect(clock.pending).to.equal(0);
    expect(seen.at(-1)!.get('status')).to.equal('cancelled');
  });

  it('sorts by start time on the server and says which way', async () => {
    const seen: URLSearchParams[] = [];
    await mockApi(...lookups, listOf([listed(1), listed(2)], seen));
    const el = await mount();
    expect(seen.at(-1)!.get('sort')).to.equal('start');
    expect($(el, 'th[aria-sort]').getAttribute('aria-sort')).to.equal('ascending');
    $<HTMLButtonElement>(el, 'button.sort').click();
    await waitUntil(() => seen.at(-1)?.get('sort') === '-start');
    await waitUntil(() => $(el, 'th[aria-sort]')?.getAttribute('aria-sort') === 'descending');
  });

  it('loads the next page from the server’s cursor', async () => {
    const appointments = Array.from({ length: 7 }, (_, i) => listed(i + 1));
    await mockApi(...lookups, listOf(appointments));
    const el = await mount(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" page-size="5" locale="en"></crew-appointment-list>`,
    );
    expect(rows(el)).to.have.length(5);
    expect(text(el)).to.contain('5 appointments shown');
    const more = [...el.shadowRoot!.querySelectorAll('button')].find((b) =>
      b.textContent!.includes('Load more'),
    )!;
    more.click();
    await waitUntil(() => rows(el).length === 7);
    expect(
      [...el.shadowRoot!.querySelectorAll('button')].some((b) => b.textContent!.includes('Load more')),
    ).to.equal(false);
  });

  it('moves between rows with the arrow keys and opens an appointment with Enter', async () => {
    await mockApi(...lookups, listOf([listed(1), listed(2), listed(3)]));
    const el = await mount();
    const [first] = rows(el);
    expect(rows(el).map((row) => row.tabIndex)).to.deep.equal([0, -1, -1]);
    first!.focus();
    first!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
    await waitUntil(() => el.shadowRoot!.activeElement === rows(el)[1]);
    rows(el)[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await waitUntil(() => el.shadowRoot!.activeElement === rows(el)[2]);
    expect(rows(el).map((row) => row.tabIndex)).to.deep.equal([-1, -1, 0]);
    const selected = nextEvent(el, 'crew-appointment-selected');
    rows(el)[2]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    expect((await selected).appointment.reference).to.equal(listed(3).reference);
    await el.updateComplete;
    expect(rows(el)[2]!.getAttribute('aria-selected')).to.equal('true');
  });

  it('changes a status only after confirmation, showing it before the server answers', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const bodies: unknown[] = [];
    await mockApi(
      ...lookups,
      listOf([listed(1)]),
      http.put(api(`/appointments/${listed(1).id}/status`), async ({ request }) => {
        bodies.push(await request.json());
        await answered;
        const { customer: _c, allowedTransitions: _a, ...plain } = listed(1, { status: 'en_route' });
        return HttpResponse.json(plain);
      }),
    );
    const el = await mount();
    choose($(el, 'td.actions select'), 'en_route');
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog').open);
    expect($(el, 'dialog').textContent).to.contain(`Move ${listed(1).reference} from Scheduled to En route?`);
    await expect(el).to.be.accessible();
    const confirm = [...el.shadowRoot!.querySelectorAll('dialog button')].find((b) =>
      b.textContent!.includes('Confirm'),
    );
    (confirm as HTMLButtonElement).click();
    await waitUntil(() => $(el, '.badge').textContent === 'En route', 'not shown before the server answered');
    expect(bodies).to.deep.equal([{ status: 'en_route' }]);
    answer();
    await waitUntil(() => text(el).includes(`${listed(1).reference} updated.`));
    const options = [...el.shadowRoot!.querySelectorAll('td.actions select option')].map(
      (o) => o.textContent,
    );
    expect(options).to.include('In progress').and.include('No-show').and.not.include('En route');
  });

  it('puts the row back and says why when the server refuses the change', async () => {
    await mockApi(
      ...lookups,
      listOf([listed(1)]),
      http.put(api(`/appointments/${listed(1).id}/status`), () =>
        problem(409, 'conflict', { allowed: ['completed'] }),
      ),
    );
    const el = await mount();
    const reported = nextEvent(el, 'crew-error');
    choose($(el, 'td.actions select'), 'cancelled');
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog').open);
    ($(el, 'dialog button.primary') as HTMLButtonElement).click();
    expect((await reported).error.code).to.equal('conflict');
    await waitUntil(() => el.shadowRoot!.querySelector('.notice[role="alert"]'));
    expect($(el, '.badge').textContent).to.equal('Scheduled');
    expect($(el, '.notice').textContent).to.contain(`${listed(1).reference} was not changed`);
    expect($(el, '.notice').textContent).to.contain('Something changed in the meantime');
    await expect(el).to.be.accessible();
  });

  it('does nothing when the confirmation is cancelled', async () => {
    let requests = 0;
    await mockApi(
      ...lookups,
      listOf([listed(1)]),
      http.put(api(`/appointments/${listed(1).id}/status`), () => {
        requests += 1;
        return problem(500, 'internal');
      }),
    );
    const el = await mount();
    choose($(el, 'td.actions select'), 'cancelled');
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog').open);
    ($(el, 'dialog button:not(.primary)') as HTMLButtonElement).click();
    await waitUntil(() => !$<HTMLDialogElement>(el, 'dialog').open);
    await el.updateComplete;
    // A confirmed change shows at once (optimistically), before its request is answered.
    expect($(el, '.badge').textContent).to.equal('Scheduled');
    expect(el.shadowRoot!.textContent).not.to.contain('Saving');
    expect(requests).to.equal(0);
  });

  it('reassigns an appointment to another technician', async () => {
    const bodies: unknown[] = [];
    await mockApi(
      ...lookups,
      listOf([listed(1)]),
      http.post(api(`/appointments/${listed(1).id}/assign-technician`), async ({ request }) => {
        bodies.push(await request.json());
        const { customer: _c, allowedTransitions: _a, ...plain } = listed(1, { technicianId: priya.id });
        return HttpResponse.json(plain);
      }),
    );
    const el = await mount();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('td.actions select').length === 2);
    const assign = el.shadowRoot!.querySelectorAll<HTMLSelectElement>('td.actions select')[1]!;
    expect([...assign.options].map((o) => o.textContent)).to.deep.equal(['Assign', 'Priya Raman']);
    choose(assign, priya.id);
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog').open);
    expect($(el, 'dialog').textContent).to.contain(`Give ${listed(1).reference} to Priya Raman?`);
    ($(el, 'dialog button.primary') as HTMLButtonElement).click();
    await waitUntil(() => text(el).includes(`${listed(1).reference} updated.`));
    expect(bodies).to.deep.equal([{ technicianId: priya.id }]);
    expect(rows(el)[0]!.textContent).to.contain('Priya Raman');
  });

  it('refreshes in place, keeping the rows shown and the scroll position', async () => {
    const appointments = Array.from({ length: 12 }, (_, i) => listed(i + 1));
    const seen: URLSearchParams[] = [];
    await mockApi(...lookups, listOf(appointments, seen));
    const el = await mount(
      html`<crew-appointment-list
        api-base=${apiBase}
        org=${orgId}
        access-token="at"
        page-size="5"
        locale="en"
        style="--crew-appointment-list-max-height: 10rem"
      ></crew-appointment-list>`,
    );
    const more = () =>
      [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Load more'))!;
    more().click();
    await waitUntil(() => rows(el).length === 10);
    const scroller = $<HTMLElement>(el, '.scroller');
    scroller.scrollTop = 120;
    const firstRow = rows(el)[0];
    appointments[0] = listed(1, { status: 'cancelled', allowedTransitions: [] });
    await el.refresh();
    expect(seen.at(-1)!.get('limit')).to.equal('10');
    expect(rows(el)).to.have.length(10);
    expect(scroller.scrollTop).to.equal(120);
    expect(rows(el)[0], 'the row element is kept, not rebuilt').to.equal(firstRow);
    expect($(el, 'tr[data-index="0"] .badge').textContent).to.equal('Cancelled');
  });

  it('shows times and reads the From/To dates in the browser’s zone by default', async () => {
    const seen: URLSearchParams[] = [];
    await mockApi(...lookups, listOf([listed(1)], seen));
    const el = await mount();
    const shown = $(el, 'tr[data-index="0"] time').textContent;
    const local = new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeStyle: 'short' });
    expect(shown).to.equal(local.format(new Date(listed(1).start)));
    setDates(el, '2031-03-04', '2031-03-04');
    await waitUntil(() => seen.at(-1)?.has('to'));
    expect(seen.at(-1)!.get('from')).to.equal(new Date(2031, 2, 4).toISOString());
    expect(seen.at(-1)!.get('to')).to.equal(new Date(2031, 2, 5).toISOString());
  });

  it('shows times and reads the From/To dates in the zone set by its timezone attribute', async () => {
    const seen: URLSearchParams[] = [];
    await mockApi(...lookups, listOf([listed(1)], seen));
    const el = await mount(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" locale="en-AU"
        timezone="America/Los_Angeles"></crew-appointment-list>`,
    );
    // 2031-03-03T23:00Z is 3 pm the same day in Los Angeles (PST, UTC−8).
    const shown = $(el, 'tr[data-index="0"] time').textContent!.replace(/\s+/g, ' ');
    expect(shown).to.match(/^3 Mar 2031, 3:00 pm$/i);
    // The range ends at the start of the day after "to", here after the switch to PDT (UTC−7).
    setDates(el, '2031-03-04', '2031-03-09');
    await waitUntil(() => seen.at(-1)?.get('to') === '2031-03-10T07:00:00.000Z', 'no request for the range');
    expect(seen.at(-1)!.get('from')).to.equal('2031-03-04T08:00:00.000Z');

    // Another zone: the same days are other instants, so the list is asked for again.
    el.timezone = 'Australia/Sydney';
    await waitUntil(() => seen.at(-1)?.get('from') === '2031-03-03T13:00:00.000Z', 'no request in Sydney');
    expect(seen.at(-1)!.get('to')).to.equal('2031-03-09T13:00:00.000Z');
    // The rows are re-rendered for the new request: the cell may be missing for a moment.
    await waitUntil(() => /4 Mar 2031, 10:00 am/i.test($(el, 'tr[data-index="0"] time')?.textContent ?? ''));
  });

  it('ignores a timezone attribute the browser does not know', async () => {
    await mockApi(...lookups, listOf([listed(1)]));
    const el = await mount(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" locale="en-AU"
        timezone="Mars/Olympus_Mons"></crew-appointment-list>`,
    );
    const local = new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeStyle: 'short' });
    expect($(el, 'tr[data-index="0"] time').textContent).to.equal(local.format(new Date(listed(1).start)));
  });

  it('speaks German when asked to', async () => {
    await mockApi(...lookups, listOf([listed(1)]));
    const el = await mount(
      html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at" locale="de-DE"></crew-appointment-list>`,
    );
    expect(text(el)).to.contain('Kunde').and.contain('Geplant').and.contain('Aktualisieren');
    await expect(el).to.be.accessible();
  });

  it('says it is misconfigured when the host forgot the organization', async () => {
    const el = await fixture<CrewAppointmentList>(
      html`<crew-appointment-list api-base=${apiBase} access-token="at" locale="en"></crew-appointment-list>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
    expect(text(el)).to.contain('This widget is not set up correctly.');
  });

  describe('defects found in use (issue #15)', () => {
    const luis = { id: '0190f3c4-2222-7000-8000-000000000003', name: 'Luis Moreno' };
    const gasFitting = {
      id: '0190f3c4-3333-7000-8000-000000000002',
      name: 'Gas heater service',
      requiredSkills: [{ skill: 'gas', minProficiency: 3 }],
    };
    const skilled = (
      tech: { id: string; name: string },
      gas: number | null,
      certificateExpiresOn?: string,
    ) => ({
      ...tech,
      timeZone: 'Australia/Sydney',
      skills: gas === null ? [] : [{ skill: 'gas', proficiency: gas }],
      certifications: certificateExpiresOn ? [{ name: 'Gas', expiresOn: certificateExpiresOn }] : [],
    });

    it('sends nothing until the host hands over a credential, then loads with it', async () => {
      const authorizations: Array<string | null> = [];
      const record = (request: Request) => authorizations.push(request.headers.get('authorization'));
      await mockApi(
        http.get(api('/technicians'), ({ request }) => {
          record(request);
          return HttpResponse.json({ data: [sam], nextCursor: null });
        }),
        http.get(api('/services/items'), ({ request }) => {
          record(request);
          return HttpResponse.json({ data: [tapRepair], nextCursor: null });
        }),
        http.get(api('/appointments'), ({ request }) => {
          record(request);
          return HttpResponse.json({ data: [listed(1)], nextCursor: null });
        }),
      );
      const spy = spyOnFetch();
      const errors: string[] = [];
      const el = document.createElement('crew-appointment-list');
      el.addEventListener('crew-error', (event) => errors.push(event.error.code));
      el.setAttribute('api-base', apiBase);
      el.setAttribute('org', orgId);
      el.setAttribute('locale', 'en');
      document.body.append(el);
      try {
        await el.updateComplete;
        await nextTask();
        expect(spy.sent, 'requests before the host signed in').to.have.length(0);
        el.getAccessToken = () => 'at_signed_in';
        await waitUntil(() => el.shadowRoot!.querySelectorAll('tbody tr').length === 1);
        await waitUntil(() => authorizations.length === 3);
        expect(authorizations).to.deep.equal(Array(3).fill('Bearer at_signed_in'));
        expect(errors).to.deep.equal([]);
      } finally {
        spy.restore();
        el.remove();
      }
    });

    it('offers for reassignment only the technicians qualified for the service on that day', async () => {
      const visit = listed(1, { serviceItemId: gasFitting.id, technicianId: sam.id });
      await mockApi(
        http.get(api('/technicians'), () =>
          HttpResponse.json({
            data: [
              skilled(sam, 4),
              skilled(priya, 2),
              // Skilled enough, but the gas certificate lapsed the day before the visit.
              skilled(luis, 5, '2031-03-03'),
              skilled({ id: '0190f3c4-2222-7000-8000-000000000004', name: 'Ada Brown' }, 3, '2031-12-31'),
            ],
            nextCursor: null,
          }),
        ),
        http.get(api('/services/items'), () => HttpResponse.json({ data: [gasFitting], nextCursor: null })),
        listOf([visit]),
      );
      const el = await mount();
      await waitUntil(() => el.shadowRoot!.querySelectorAll('td.actions select').length === 2);
      const assign = el.shadowRoot!.querySelectorAll<HTMLSelectElement>('td.actions select')[1]!;
      expect([...assign.options].map((o) => o.textContent)).to.deep.equal(['Assign', 'Ada Brown']);
    });

    it('says why the server refused a reassignment, with the times it offers instead', async () => {
      await mockApi(
        ...lookups,
        listOf([listed(1)]),
        http.post(api(`/appointments/${listed(1).id}/assign-technician`), () =>
          problem(409, 'slot_unavailable', {
            slotReason: 'outside_working_hours',
            alternatives: ['2031-03-04T01:00:00.000Z'],
          }),
        ),
      );
      const el = await mount(
        html`<crew-appointment-list api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU" timezone="Australia/Sydney"></crew-appointment-list>`,
      );
      const reported = nextEvent(el, 'crew-error');
      await waitUntil(() => el.shadowRoot!.querySelectorAll('td.actions select').length === 2);
      choose(el.shadowRoot!.querySelectorAll<HTMLSelectElement>('td.actions select')[1]!, priya.id);
      await waitUntil(() => $<HTMLDialogElement>(el, 'dialog').open);
      $<HTMLButtonElement>(el, 'dialog button.primary').click();
      expect((await reported).error.code).to.equal('slot_unavailable');
      await waitUntil(() => $(el, '.notice.error').textContent!.trim() !== '');
      const notice = $(el, '.notice.error').textContent!.replace(/\s+/g, ' ');
      expect(notice).to.contain('Priya Raman does not work at that time.');
      expect(notice).to.contain('Free instead: 4 Mar 2031, 12:00');
      expect(notice).not.to.contain('just been taken');
      expect($(el, 'tr[data-index="0"]').textContent).to.contain('Sam Okafor');
      await expect(el).to.be.accessible();
    });

    it('lists every technician in its pickers, past the first page of a hundred', async () => {
      const crew = Array.from({ length: 150 }, (_, i) => ({
        id: `0190f3c4-2222-7000-8000-${String(100 + i).padStart(12, '0')}`,
        name: `Tech ${String(i).padStart(3, '0')}`,
      }));
      await mockApi(
        http.get(api('/technicians'), ({ request }) => {
          const query = new URL(request.url).searchParams;
          const offset = Number(query.get('cursor') ?? 0);
          const limit = Number(query.get('limit'));
          const more = offset + limit < crew.length;
          return HttpResponse.json({
            data: crew.slice(offset, offset + limit),
            nextCursor: more ? String(offset + limit) : null,
          });
        }),
        http.get(api('/services/items'), () => HttpResponse.json({ data: [tapRepair], nextCursor: null })),
        listOf([listed(1, { technicianId: crew[0]!.id })]),
      );
      const el = await mount();
      await waitUntil(() => el.shadowRoot!.querySelector('select[name="technicianId"]'));
      const filter = $<HTMLSelectElement>(el, 'select[name="technicianId"]');
      await waitUntil(
        () => filter.options.length === 151,
        `${filter.options.length - 1} technicians offered`,
      );
      expect(filter.options[150]!.textContent).to.equal('Tech 149');
      const assign = el.shadowRoot!.querySelectorAll<HTMLSelectElement>('td.actions select')[1]!;
      expect(assign.options).to.have.length(150);
    });
  });
});
