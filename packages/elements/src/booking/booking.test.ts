import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nextEvent, nextTask, spyOnFetch } from '../../test-support/dom.js';
import {
  appointmentFor,
  availabilityFor,
  catalogHandlers,
  holdFor,
  items,
  profile,
  technicians,
} from '../../test-support/fixtures.js';
import {
  api,
  apiBase,
  HttpResponse,
  http,
  mockApi,
  orgId,
  problem,
  publishableKey,
} from '../../test-support/msw.js';
import type { CrewErrorEvent } from '../shared/events.js';
import './define.js';
import type { CrewBooking } from './booking.js';

const mount = (attributes: { locale?: string; service?: string; technician?: string } = {}) =>
  fixture<CrewBooking>(html`<crew-booking
    api-base=${apiBase}
    org=${orgId}
    publishable-key=${publishableKey}
    timezone="UTC"
    locale=${attributes.locale ?? 'en'}
    service=${attributes.service ?? ''}
    technician=${attributes.technician ?? ''}
  ></crew-booking>`);

const $ = <E extends Element = HTMLElement>(el: CrewBooking, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector) as E;
const $$ = <E extends Element = HTMLElement>(el: CrewBooking, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<E>(selector),
];
const text = (el: CrewBooking) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const heading = (el: CrewBooking) => $(el, 'h2')?.textContent?.trim();
const until = (el: CrewBooking, what: string, check: () => unknown) =>
  waitUntil(check, `waited for ${what}; the widget shows: ${text(el).slice(0, 300)}`, { timeout: 4000 });
const button = (el: CrewBooking, label: string) =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.includes(label))!;

/** `+11:00`: the UTC offset of `zone` at `instant`, as in an ISO timestamp. */
function offsetOf(zone: string, instant: Date): string {
  const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')!.value;
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

let holds = 0;
/**
 * Every hold its own id: a widget removed at the end of one test releases its hold into the next
 * test's mocks, and a test about releasing must tell its own hold from that one.
 */
const nextHoldId = () => `0190f3c4-0000-7000-8000-${String(1000 + ++holds).padStart(12, '0')}`;

/** Requests the widget made, by method and path, with their JSON bodies. */
function recorder() {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const record = async (request: Request) => {
    const body = request.method === 'POST' ? await request.clone().json() : undefined;
    calls.push({ method: request.method, path: new URL(request.url).pathname.split(orgId)[1]!, body });
  };
  return { calls, record };
}

/** Where the visitor's visit is, as typed into the details step. */
const site = { line1: '8 Quay St', city: 'Sydney', postalCode: '2000' };

function bookingHandlers(record: (request: Request) => Promise<void>, answer: Record<string, unknown> = {}) {
  return [
    ...catalogHandlers,
    http.get(api('/technicians/availability'), async ({ request }) => {
      await record(request);
      return HttpResponse.json(availabilityFor(new URL(request.url)));
    }),
    http.post(api('/holds'), async ({ request }) => {
      await record(request);
      const body = (await request.json()) as { start: string; technicianId: string | null };
      const hold = holdFor(body.start, body.technicianId ?? technicians[0]!.id);
      return HttpResponse.json({ ...hold, id: nextHoldId() }, { status: 201 });
    }),
    http.delete(api('/holds/:holdId'), async ({ request }) => {
      await record(request);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(api('/appointments'), async ({ request }) => {
      await record(request);
      const body = (await request.json()) as { start: string };
      return HttpResponse.json({ ...appointmentFor(holdFor(body.start)), ...answer }, { status: 201 });
    }),
  ];
}

/** Service → any technician → first bookable day → first time: the widget is on the details step. */
async function goToDetails(el: CrewBooking) {
  await until(el, 'the services', () => heading(el) === 'Choose a service');
  button(el, 'Leaking tap repair').click();
  await until(el, 'the technician step', () => heading(el) === 'Who should come?');
  button(el, 'Any available technician').click();
  await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
  $(el, '.day[aria-disabled="false"]').click();
  await until(el, 'the times', () => $(el, '.slot'));
  $(el, '.slot').click();
  await until(el, 'the details step', () => heading(el) === 'Your details');
}

async function fillDetails(el: CrewBooking, values: Record<string, string>) {
  for (const [field, value] of Object.entries(values)) {
    const input = $<HTMLInputElement>(el, `#${field}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
  await el.updateComplete;
}

describe('<crew-booking>', () => {
  it('shows a loading view, then the services grouped by category with duration and price', async () => {
    await mockApi(...catalogHandlers);
    const el = await mount();
    expect($(el, '[part~="state-loading"]')).to.exist;
    await expect(el).to.be.accessible();
    await until(el, 'the services', () => heading(el) === 'Choose a service');
    expect($$(el, '.group h3').map((h) => h.textContent)).to.deep.equal(['General plumbing', 'Drains']);
    const tap = button(el, 'Leaking tap repair').textContent!.replace(/\s+/g, ' ');
    expect(tap).to.contain('1 hr').and.to.contain('$149.00');
    await expect(el).to.be.accessible();
  });

  it('announces crew-ready once the catalog has loaded', async () => {
    await mockApi(...catalogHandlers);
    const el = document.createElement('crew-booking');
    const ready = nextEvent(el, 'crew-ready');
    Object.assign(el, { apiBase, org: orgId, publishableKey });
    document.body.append(el);
    await ready;
    expect(heading(el)).to.equal('Choose a service');
    el.remove();
  });

  it('shows an error from its code in the visitor’s language and retries on request', async () => {
    let fail = true;
    await mockApi(
      http.get(api('/booking-profile'), () =>
        fail ? problem(403, 'origin_not_allowed') : HttpResponse.json(profile),
      ),
      ...catalogHandlers.slice(1),
    );
    const errors: CrewErrorEvent[] = [];
    document.addEventListener('crew-error', (e) => errors.push(e), { once: true });
    const el = await mount({ locale: 'de' });
    await until(el, 'the error', () => $(el, '[part~="state-error"]'));
    expect(text(el)).to.contain('Die Online-Buchung ist für diese Website nicht freigeschaltet.');
    expect(text(el)).to.contain('Referenz: req_test');
    expect(errors[0]?.error.code).to.equal('origin_not_allowed');
    await expect(el).to.be.accessible();
    fail = false;
    button(el, 'Erneut versuchen').click();
    await until(el, 'the services', () => heading(el) === 'Leistung wählen');
  });

  for (const [status, code, message] of [
    [403, 'origin_not_allowed', 'Online booking is not enabled for this website.'],
    [401, 'invalid_publishable_key', 'This booking page is not set up correctly.'],
  ] as const) {
    it(`says “${message}” for a ${status} ${code}, and raises crew-error with that code`, async () => {
      await mockApi(
        http.get(api('/booking-profile'), () => problem(status, code)),
        ...catalogHandlers.slice(1),
      );
      const errors: CrewErrorEvent[] = [];
      document.addEventListener('crew-error', (e) => errors.push(e), { once: true });
      const el = await mount();
      await until(el, 'the error', () => $(el, '[part~="state-error"]'));
      expect(text(el)).to.contain(message);
      expect(errors[0]?.error.code).to.equal(code);
      expect(errors[0]?.error.status).to.equal(status);
    });
  }

  it('says so when nothing can be booked online', async () => {
    await mockApi(
      ...catalogHandlers.slice(0, 2),
      http.get(api('/services/items'), () => HttpResponse.json({ data: [], nextCursor: null })),
    );
    const el = await mount();
    await until(el, 'the empty view', () => $(el, '[part~="state-empty"]'));
    expect(text(el)).to.contain('No services can be booked online at the moment.');
    await expect(el).to.be.accessible();
  });

  it('says what is wrong when the host page forgets an attribute', async () => {
    await mockApi(...catalogHandlers);
    const el = await fixture<CrewBooking>(
      html`<crew-booking locale="en" api-base=${apiBase}></crew-booking>`,
    );
    await until(el, 'the error', () => $(el, '[part~="state-error"]'));
    expect(text(el)).to.contain('This widget is not set up correctly.');
  });

  it('books an appointment from service to confirmation, holding the time while the visitor types', async () => {
    const { calls, record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount();
    const selected = nextEvent(el, 'crew-service-selected');
    await until(el, 'the services', () => heading(el) === 'Choose a service');
    button(el, 'Leaking tap repair').click();
    expect((await selected).service.id).to.equal(items[0]!.id);

    await until(el, 'the technician step', () => heading(el) === 'Who should come?');
    expect($$(el, '.option').map((b) => b.querySelector('.option-name')!.textContent)).to.deep.equal([
      'Any available technician',
      'Priya Raman',
      'Sam Okafor',
    ]);
    await expect(el).to.be.accessible();
    button(el, 'Sam Okafor').click();

    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    const availability = calls.find((c) => c.path === '/technicians/availability')!;
    expect(availability).to.exist;
    await expect(el).to.be.accessible();
    const firstFree = $(el, '.day[aria-disabled="false"]');
    expect(firstFree.getAttribute('aria-label')).to.match(/^\w+day, \w+ \d{1,2}, \d{4}$/);
    firstFree.click();

    await until(el, 'the times', () => $(el, '.slot'));
    expect($$(el, '.slot').map((b) => b.textContent!.trim())).to.deep.equal(['9:00 AM', '1:30 PM']);
    await expect(el).to.be.accessible();
    const slotSelected = nextEvent(el, 'crew-slot-selected');
    $$(el, '.slot')[1]!.click();
    const { hold } = await slotSelected;
    const holdCall = calls.find((c) => c.method === 'POST' && c.path === '/holds')!;
    expect(holdCall.body).to.deep.include({ serviceItemId: items[0]!.id, technicianId: technicians[1]!.id });
    expect(hold.start).to.match(/T13:30:00/);

    await until(el, 'the details step', () => heading(el) === 'Your details');
    expect(text(el)).to.contain('We are holding this time for you until');
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await el.updateComplete;
    expect($(el, '#name-error').textContent).to.equal('Please fill this in.');
    expect($(el, '#name').getAttribute('aria-invalid')).to.equal('true');
    await until(el, 'focus on the first invalid field', () => el.shadowRoot!.activeElement?.id === 'name');
    await expect(el).to.be.accessible();

    await fillDetails(el, { name: 'Bea Visitor', email: 'not-an-email' });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await el.updateComplete;
    expect($(el, '#email-error').textContent).to.contain('name@example.com');
    await fillDetails(el, { email: 'bea@example.com', phone: '+61 400 000 000', ...site });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();

    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    expect(text(el)).to.contain('Sam Okafor').and.to.contain('bea@example.com').and.to.contain('$149.00');
    expect(text(el)).to.contain('8 Quay St, 2000 Sydney, AU');
    await expect(el).to.be.accessible();
    const confirmed = nextEvent(el, 'crew-booking-confirmed');
    button(el, 'Confirm booking').click();
    const { appointment } = await confirmed;
    const booked = calls.find((c) => c.method === 'POST' && c.path === '/appointments')!;
    expect(booked.body).to.deep.equal({
      serviceItemId: items[0]!.id,
      start: hold.start,
      holdId: hold.id,
      technicianId: technicians[1]!.id,
      customer: { name: 'Bea Visitor', email: 'bea@example.com', phone: '+61 400 000 000' },
      notes: null,
      siteAddress: { ...site, country: 'AU' },
    });

    await until(el, 'the confirmation', () => heading(el) === 'You are booked in');
    expect($(el, '[part="reference"]').textContent).to.equal(appointment.reference);
    const ics = $<HTMLAnchorElement>(el, '[part~="add-to-calendar"][part~="ics"]');
    expect(ics.download).to.equal('HK7-3PQ.ics');
    const file = await (await fetch(ics.href)).text();
    expect(file)
      .to.contain('BEGIN:VEVENT')
      .and.to.contain('SUMMARY:Leaking tap repair — Harbour City Plumbing')
      .and.to.contain('LOCATION:12 Harbour St\\, 2000 Sydney\\, NSW\\, AU');
    expect(text(el)).to.contain('What happens next');
    // This answer names no message: the widget promises none.
    expect(text(el)).not.to.match(/confirmation to|email you/i);
    await expect(el).to.be.accessible();
  });

  it('moves through the month grid with the arrow keys and picks a day with Enter', async () => {
    const { record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount({ service: items[0]!.id, technician: technicians[0]!.id });
    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    expect(heading(el)).to.equal('Choose a date');
    const start = $(el, '.day[tabindex="0"]');
    expect(start.getAttribute('aria-disabled')).to.equal('false');
    // Read before the key: a week down may be next month, and the grid re-renders in place.
    const startDate = start.dataset.date!;
    start.focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    const focused = () => el.shadowRoot!.activeElement as HTMLElement;
    const afterWeek = focused().dataset.date!;
    const expected = new Date(`${startDate}T00:00:00Z`);
    expected.setUTCDate(expected.getUTCDate() + 7);
    expect(afterWeek).to.equal(expected.toISOString().slice(0, 10));
    expect(focused().getAttribute('tabindex')).to.equal('0');
    // Weekdays 7 days apart are both bookable in the fixture; Enter selects like a click — once
    // the day is known to be free (a week down may be next month, still loading).
    await until(el, 'the next day to be bookable', () => focused().getAttribute('aria-disabled') === 'false');
    await sendKeys({ press: 'Enter' });
    // The day's times are beside (or under) the calendar; focus goes to their heading.
    await until(el, 'the times', () => focused()?.id === 'times-heading');
    expect(focused().textContent).to.contain(String(Number(afterWeek.slice(8))));
    expect($(el, `[data-date="${afterWeek}"]`).closest('td')!.getAttribute('aria-selected')).to.equal('true');
  });

  // The zones furthest ahead of and behind the visitor: at most instants one of them is in another
  // day than the machine, and near a month's end in another month.
  for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    it(`opens on this month in the business’s zone (${zone}), whatever day it is for the visitor`, async () => {
      const asked: URL[] = [];
      await mockApi(
        ...catalogHandlers,
        http.get(api('/technicians/availability'), ({ request }) => {
          asked.push(new URL(request.url));
          return HttpResponse.json(availabilityFor(new URL(request.url)));
        }),
      );
      const el = await fixture<CrewBooking>(html`<crew-booking
        api-base=${apiBase}
        org=${orgId}
        publishable-key=${publishableKey}
        timezone=${zone}
        locale="en"
        service=${items[0]!.id}
        technician=${technicians[0]!.id}
      ></crew-booking>`);
      await until(el, 'the month', () => asked.length > 0 && $(el, '#month'));
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
      expect(asked[0]!.searchParams.get('from')).to.equal(today);
      const month = new Intl.DateTimeFormat('en', { timeZone: zone, month: 'long', year: 'numeric' });
      expect($(el, '#month').textContent).to.equal(month.format(new Date()));
    });
  }

  it('shows the server’s reason when a month has no free day', async () => {
    await mockApi(
      ...catalogHandlers,
      http.get(api('/technicians/availability'), ({ request }) =>
        HttpResponse.json(availabilityFor(new URL(request.url), { empty: true })),
      ),
    );
    const el = await mount({ service: items[0]!.id, technician: technicians[0]!.id });
    await until(el, 'the empty view', () => $(el, '[part~="state-empty"]'));
    expect(text(el)).to.contain('No free days this month. Fully booked.');
    expect($$(el, '.day[aria-disabled="false"]')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('says the time was taken and offers the alternatives from the 409', async () => {
    const { calls, record } = recorder();
    const alternative = '2030-03-04T10:00:00+00:00';
    await mockApi(
      http.post(api('/holds'), async ({ request }) => {
        await record(request);
        const body = (await request.json()) as { start: string };
        return body.start === alternative
          ? HttpResponse.json(holdFor(alternative), { status: 201 })
          : problem(409, 'slot_unavailable', { slotReason: 'taken', alternatives: [alternative] });
      }),
      ...bookingHandlers(record),
    );
    const el = await mount();
    await until(el, 'the services', () => heading(el) === 'Choose a service');
    button(el, 'Leaking tap repair').click();
    await until(el, 'the technician step', () => heading(el) === 'Who should come?');
    button(el, 'Any available technician').click();
    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    $(el, '.day[aria-disabled="false"]').click();
    await until(el, 'the times', () => $(el, '.slot'));
    $(el, '.slot').click();

    await until(el, 'the lost-slot notice', () => $(el, '.lost'));
    expect(text(el)).to.contain('Sorry, this time has just been taken.');
    const offered = $(el, '.lost .slot');
    expect(offered.textContent).to.contain('March').and.to.contain('10:00');
    await expect(el).to.be.accessible();
    offered.click();
    await until(el, 'the details step', () => heading(el) === 'Your details');
    expect(
      calls.filter((c) => c.path === '/holds').map((c) => (c.body as { start: string }).start),
    ).to.include(alternative);
  });

  it('offers alternatives when the time is lost at the moment of booking', async () => {
    const { record } = recorder();
    const alternative = '2030-03-05T14:00:00+00:00';
    await mockApi(
      http.post(api('/appointments'), () =>
        problem(409, 'slot_unavailable', { slotReason: 'taken', alternatives: [alternative] }),
      ),
      ...bookingHandlers(record),
    );
    const errors: string[] = [];
    const el = await mount();
    el.addEventListener('crew-error', (e) => errors.push(e.error.code));
    await goToDetails(el);
    await fillDetails(el, { name: 'Bea', email: 'bea@example.com', ...site });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    button(el, 'Confirm booking').click();
    await until(el, 'the lost-slot notice', () => $(el, '.lost'));
    expect(errors).to.deep.equal(['slot_unavailable']);
    expect(button(el, 'Confirm booking').disabled).to.equal(true);
    $(el, '.lost .slot').click();
    await until(el, 'the new hold', () => !button(el, 'Confirm booking').disabled);
    expect(text(el)).to.contain('March');
  });

  it('releases its hold with a keepalive request when the visitor leaves the page', async () => {
    const { calls, record } = recorder();
    const releases: Request[] = [];
    await mockApi(
      http.delete(api('/holds/:holdId'), ({ request }) => {
        releases.push(request);
        return new HttpResponse(null, { status: 204 });
      }),
      ...bookingHandlers(record),
    );
    const fetches = spyOnFetch();
    const el = await mount().finally(fetches.restore);
    const held = nextEvent(el, 'crew-slot-selected');
    await goToDetails(el);
    const { hold } = await held;
    const ours = () => releases.filter((r) => r.url.endsWith(`/holds/${hold.id}`));
    const sent = () => fetches.sent.filter((r) => r.method === 'DELETE');
    await nextTask();
    expect(sent(), 'nothing released while the visitor stays').to.have.length(0);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await until(el, 'the release', () => ours().length > 0);
    // Leaving the page and then being removed from it must not release the same hold twice.
    el.remove();
    await nextTask();
    expect(sent()).to.have.length(1);
    expect(ours()).to.have.length(1);
    const [release] = ours();
    expect(new URL(release!.url).pathname).to.equal(`/api/v1/organizations/${orgId}/holds/${hold.id}`);
    expect(release!.keepalive).to.equal(true);
    expect(release!.headers.get('Authorization')).to.equal(`Bearer ${publishableKey}`);
    expect(calls.filter((c) => c.method === 'POST' && c.path === '/holds')).to.have.length(1);
  });

  it('releases its hold when the host page removes it', async () => {
    const releases: Request[] = [];
    await mockApi(
      http.delete(api('/holds/:holdId'), ({ request }) => {
        releases.push(request);
        return new HttpResponse(null, { status: 204 });
      }),
      ...bookingHandlers(recorder().record),
    );
    const fetches = spyOnFetch();
    const el = await mount().finally(fetches.restore);
    const held = nextEvent(el, 'crew-slot-selected');
    await goToDetails(el);
    const { hold } = await held;
    const ours = () => releases.filter((r) => r.url.endsWith(`/holds/${hold.id}`));
    el.remove();
    await nextTask();
    expect(fetches.sent.filter((r) => r.method === 'DELETE')).to.have.length(1);
    await waitUntil(() => ours().length > 0, 'the hold was never released', { timeout: 4000 });
    expect(ours()).to.have.length(1);
    expect(ours()[0]!.keepalive).to.equal(true);
  });

  it('takes the hold again when the page comes back from the back/forward cache', async () => {
    const { calls, record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount();
    const held = nextEvent(el, 'crew-slot-selected');
    await goToDetails(el);
    const { hold } = await held;
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await until(el, 'the release', () =>
      calls.some((c) => c.method === 'DELETE' && c.path.endsWith(hold.id)),
    );
    await until(el, 'Continue disabled without a hold', () => button(el, 'Continue').disabled);
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await until(el, 'the hold again', () => !button(el, 'Continue').disabled);
    const holds = calls.filter((c) => c.method === 'POST' && c.path === '/holds');
    expect(holds).to.have.length(2);
    expect(holds[1]!.body).to.deep.equal(holds[0]!.body);
    expect(heading(el)).to.equal('Your details');
  });

  it('fetches the times again in the zone the visitor switches to, and shows them in it', async () => {
    const zones: string[] = [];
    await mockApi(
      http.get(api('/technicians/availability'), ({ request }) => {
        const url = new URL(request.url);
        const zone = url.searchParams.get('timeZone')!;
        zones.push(zone);
        // Like the server: the same wall-clock hours, as instants with that zone's offset.
        const availability = availabilityFor(url);
        for (const day of availability.days) {
          for (const slot of day.slots) {
            const offset = offsetOf(zone, new Date(`${day.date}T12:00:00Z`));
            slot.start = slot.start.replace('+00:00', offset);
          }
        }
        return HttpResponse.json(availability);
      }),
      ...bookingHandlers(recorder().record),
    );
    const el = await mount({ service: items[0]!.id, technician: technicians[0]!.id });
    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    // Next month: today in UTC may already be tomorrow in Sydney, leaving no times on that day.
    $(el, '[aria-label="Next month"]').click();
    await until(el, 'next month', () => zones.length === 2 && $(el, '.day[aria-disabled="false"]'));
    $(el, '.day[aria-disabled="false"]').click();
    await until(el, 'the times', () => $(el, '.slot'));
    expect(zones).to.deep.equal(['UTC', 'UTC']);
    const requestsBefore = zones.length;

    const select = $<HTMLSelectElement>(el, '.zone select');
    select.value = 'Australia/Sydney';
    select.dispatchEvent(new Event('change'));
    await until(el, 'the times in Sydney', () => zones.length > requestsBefore && $(el, '.slot'));
    expect(zones.slice(requestsBefore)).to.deep.equal(['Australia/Sydney']);
    // 09:00 and 13:30 in Sydney; shown in UTC they would read 10 or 11 hours earlier.
    expect($$(el, '.slot').map((b) => b.textContent!.trim())).to.deep.equal(['9:00 AM', '1:30 PM']);
    expect($<HTMLSelectElement>(el, '.zone select').value).to.equal('Australia/Sydney');
    await expect(el).to.be.accessible();
  });

  it('takes a lapsed hold again by itself while the visitor is still typing', async () => {
    const { calls, record } = recorder();
    let taken = 0;
    await mockApi(
      http.post(api('/holds'), async ({ request }) => {
        await record(request);
        const body = (await request.json()) as { start: string };
        taken += 1;
        // The first hold lapses after a second; the renewed one lasts.
        const hold = holdFor(body.start);
        const expiresAt = new Date(Date.now() + (taken === 1 ? 1000 : 5 * 60_000)).toISOString();
        return HttpResponse.json(
          { ...hold, id: hold.id.replace(/\d$/, String(taken)), expiresAt },
          { status: 201 },
        );
      }),
      ...bookingHandlers(record),
    );
    const el = await mount();
    await goToDetails(el);
    const first = calls.filter((c) => c.method === 'POST' && c.path === '/holds');
    expect(first).to.have.length(1);
    await fillDetails(el, { name: 'Bea Visitor' });
    await until(el, 'the renewed hold', () => taken === 2);
    await until(el, 'Continue enabled again', () => !button(el, 'Continue').disabled);
    const renewed = calls.filter((c) => c.method === 'POST' && c.path === '/holds');
    expect(renewed[1]!.body).to.deep.equal(renewed[0]!.body);
    // A lapsed hold is gone on the server: nothing to release.
    expect(calls.filter((c) => c.method === 'DELETE' && /\/holds\/.*90[12]$/.test(c.path))).to.have.length(0);
    expect(heading(el)).to.equal('Your details');
    expect($<HTMLInputElement>(el, '#name').value).to.equal('Bea Visitor');
    expect(el.shadowRoot!.querySelector('.lost')).to.equal(null);

    await fillDetails(el, { email: 'bea@example.com', ...site });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    const confirmed = nextEvent(el, 'crew-booking-confirmed');
    button(el, 'Confirm booking').click();
    await confirmed;
    const booked = calls.find((c) => c.method === 'POST' && c.path === '/appointments')!;
    expect((booked.body as { holdId: string }).holdId).to.match(/2$/);
  });

  it('prefills the visitor’s details from properties', async () => {
    const { record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount();
    Object.assign(el, { name: 'Bea Visitor', email: 'bea@example.com', phone: '0400 000 000' });
    await goToDetails(el);
    expect($<HTMLInputElement>(el, '#name').value).to.equal('Bea Visitor');
    expect($<HTMLInputElement>(el, '#email').value).to.equal('bea@example.com');
    expect($<HTMLInputElement>(el, '#phone').value).to.equal('0400 000 000');
  });

  it('asks where the visit is, with the autocomplete browsers fill addresses by, and says what is missing', async () => {
    const { record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount();
    await goToDetails(el);
    const autocomplete = Object.fromEntries(
      ['line1', 'line2', 'postalCode', 'city', 'region', 'country'].map((id) => [
        $(el, `label[for="${id}"]`).textContent,
        $(el, `#${id}`).getAttribute('autocomplete'),
      ]),
    );
    expect(autocomplete).to.deep.equal({
      'Street address': 'address-line1',
      'Apartment, unit or floor (optional)': 'address-line2',
      Postcode: 'postal-code',
      'Suburb or city': 'address-level2',
      'State or region (optional)': 'address-level1',
      Country: 'country',
    });
    // The business is in Australia (its locale is en-AU): visits are there unless the visitor says otherwise.
    expect($<HTMLSelectElement>(el, '#country').value).to.equal('AU');
    expect($(el, '#country option').textContent).to.equal('Australia');
    expect($(el, 'fieldset legend').textContent).to.equal('Where is the visit?');
    await fillDetails(el, { name: 'Bea', email: 'bea@example.com' });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await el.updateComplete;
    expect($(el, '#line1-error').textContent).to.equal('Please fill this in.');
    expect($(el, '#city-error').textContent).to.equal('Please fill this in.');
    expect($(el, '#postalCode-error')).to.equal(null);
    await until(el, 'focus on the street', () => el.shadowRoot!.activeElement?.id === 'line1');
    await expect(el).to.be.accessible();
  });

  it('offers the saved address the host passes in, and books the visit there with the access notes typed', async () => {
    const { calls, record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount();
    const saved = { line1: '3 Ferry Rd', city: 'Balmain', region: 'NSW', postalCode: '2041', country: 'AU' };
    el.address = saved;
    Object.assign(el, { name: 'Bea Visitor', email: 'bea@example.com' });
    await goToDetails(el);
    const [keep, other] = $$<HTMLInputElement>(el, 'input[name="site"]');
    expect(keep!.checked).to.equal(true);
    expect(keep!.parentElement!.textContent).to.contain('3 Ferry Rd, 2041 Balmain, NSW, AU');
    expect($(el, '#line1')).to.equal(null);
    await expect(el).to.be.accessible();

    other!.click();
    await until(el, 'the address fields', () => $(el, '#line1'));
    keep!.click();
    await until(el, 'the saved address again', () => !$(el, '#line1'));
    await fillDetails(el, { accessNotes: 'Side gate, code 1234' });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    button(el, 'Confirm booking').click();
    await until(el, 'the confirmation', () => heading(el) === 'You are booked in');
    const booked = calls.find((c) => c.method === 'POST' && c.path === '/appointments')!;
    expect((booked.body as { siteAddress: unknown }).siteAddress).to.deep.equal({
      ...saved,
      accessNotes: 'Side gate, code 1234',
    });
  });

  for (const [channel, to, says] of [
    ['email', 'b***@example.com', 'We’ll email a confirmation to b***@example.com.'],
    ['sms', '***000', 'We’ll text a confirmation to ***000.'],
  ] as const) {
    it(`says on the done step that a confirmation goes by ${channel} only when the server says so`, async () => {
      const { record } = recorder();
      await mockApi(...bookingHandlers(record, { notifications: [{ channel, type: 'confirmation', to }] }));
      const el = await mount();
      await goToDetails(el);
      await fillDetails(el, { name: 'Bea', email: 'bea@example.com', ...site });
      $<HTMLButtonElement>(el, 'button[type="submit"]').click();
      await until(el, 'the review step', () => heading(el) === 'Check and confirm');
      button(el, 'Confirm booking').click();
      await until(el, 'the confirmation', () => heading(el) === 'You are booked in');
      expect($(el, '[part="sent"]').textContent).to.equal(says);
      await expect(el).to.be.accessible();
    });
  }

  it('promises no message when the organization sends no confirmation', async () => {
    const { record } = recorder();
    await mockApi(...bookingHandlers(record, { notifications: [] }));
    const el = await mount();
    await goToDetails(el);
    await fillDetails(el, { name: 'Bea', email: 'bea@example.com', ...site });
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    button(el, 'Confirm booking').click();
    await until(el, 'the confirmation', () => heading(el) === 'You are booked in');
    expect($(el, '[part="sent"]')).to.equal(null);
    expect(text(el)).not.to.match(/confirmation to|email you|text you/i);
  });

  it('speaks German throughout when locale="de"', async () => {
    const { record } = recorder();
    await mockApi(...bookingHandlers(record));
    const el = await mount({ locale: 'de', service: items[0]!.id, technician: technicians[0]!.id });
    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    expect(heading(el)).to.equal('Datum wählen');
    expect($(el, '.day[aria-disabled="false"]').getAttribute('aria-label')).to.match(
      /^\w+tag|^Mittwoch|^Freitag/,
    );
    expect($(el, '[aria-label="Nächster Monat"]')).to.exist;
    await expect(el).to.be.accessible();
  });
});
