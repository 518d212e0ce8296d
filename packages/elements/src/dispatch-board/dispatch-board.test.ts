import type { components } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import './define.js';
import type { CrewDispatchBoard } from './dispatch-board.js';

type Appointment = components['schemas']['Appointment'];
type Lane = components['schemas']['CalendarLane'];

const zone = 'Australia/Sydney';
const day = '2031-03-04'; // a Tuesday; Sydney is at UTC+11 then
/** An instant at a wall-clock time of the test day in Sydney. */
const at = (hh: number, mm = 0) => new Date(Date.UTC(2031, 2, 4, hh - 11, mm)).toISOString();

const sam = { id: '0190f3c4-2222-7000-8000-000000000001', name: 'Sam Okafor', timeZone: zone };
const priya = { id: '0190f3c4-2222-7000-8000-000000000002', name: 'Priya Raman', timeZone: zone };
const luis = { id: '0190f3c4-2222-7000-8000-000000000003', name: 'Luis Moreno', timeZone: zone };
const tapRepair = { id: '0190f3c4-3333-7000-8000-000000000001', name: 'Leaking tap repair' };

function visit(n: number, overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: `0190f3c4-4444-7000-8000-${String(n).padStart(12, '0')}`,
    reference: `HK${n}-10${n}`,
    status: 'scheduled',
    serviceItemId: tapRepair.id,
    customerId: `0190f3c4-5555-7000-8000-${String(n).padStart(12, '0')}`,
    technicianId: sam.id,
    start: at(10),
    end: at(11),
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    price: { amountMinor: 14900, currency: 'AUD' },
    notes: null,
    assignment: { technicianId: sam.id, reason: 'only_available' },
    rescheduledFromId: null,
    rescheduledToId: null,
    rating: null,
    feedback: null,
    createdAt: at(8),
    updatedAt: at(8),
    ...overrides,
  };
}

const workday = [{ start: at(8), end: at(17) }];
const lane = (
  technician: typeof sam,
  appointments: Appointment[] = [],
  timeOff: Lane['timeOff'] = [],
): Lane => ({
  technician,
  workingHours: workday,
  timeOff,
  appointments,
});

/**
 * A small server: the board's lanes, with the moves it is sent applied to them, so what the board
 * shows after a move is what the server answered.
 */
function boardServer(
  initial: Lane[],
  options: { refuse?: Record<string, unknown>; queue?: Appointment[] } = {},
) {
  let lanes = initial;
  const moves: Array<{ op: 'assign' | 'reschedule'; id: string; body: Record<string, unknown> }> = [];
  const calendarLoads: URLSearchParams[] = [];
  const place = (moved: Appointment, fromId: string) => {
    lanes = lanes.map((l) => ({
      ...l,
      appointments: [
        ...l.appointments.filter((a) => a.id !== fromId),
        ...(l.technician.id === moved.technicianId ? [moved] : []),
      ],
    }));
  };
  const find = (id: string) =>
    lanes.flatMap((l) => l.appointments).find((a) => a.id === id) ?? options.queue?.find((a) => a.id === id);
  const handlers = [
    http.get(api('/appointments/calendar-view'), ({ request }) => {
      calendarLoads.push(new URL(request.url).searchParams);
      return HttpResponse.json({ timeZone: zone, from: day, to: day, lanes });
    }),
    http.get(api('/appointments'), () => HttpResponse.json({ data: options.queue ?? [], nextCursor: null })),
    http.get(api('/services/items'), () => HttpResponse.json({ data: [tapRepair], nextCursor: null })),
    http.get(api('/technicians/availability'), () =>
      HttpResponse.json({
        serviceItemId: tapRepair.id,
        technicianId: null,
        timeZone: zone,
        durationMinutes: 60,
        price: { amountMinor: 14900, currency: 'AUD', tierId: null },
        days: [
          {
            date: day,
            slots: [
              { start: at(10), available: 1, technicianIds: [priya.id] },
              { start: at(10, 30), available: 2, technicianIds: [priya.id, luis.id] },
            ],
          },
        ],
      }),
    ),
    http.post(api('/appointments/:id/assign-technician'), async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      moves.push({ op: 'assign', id: String(params.id), body });
      if (options.refuse) return problem(409, 'slot_unavailable', options.refuse);
      const moved = { ...find(String(params.id))!, technicianId: String(body.technicianId) };
      place(moved, moved.id);
      return HttpResponse.json(moved);
    }),
    http.post(api('/appointments/:id/reschedule'), async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      moves.push({ op: 'reschedule', id: String(params.id), body });
      const refusal = options.refuse;
      if (refusal) {
        // Refuses once: the alternative it offers is accepted.
        options.refuse = undefined;
        return problem(409, 'slot_unavailable', refusal);
      }
      const old = find(String(params.id))!;
      const length = Date.parse(old.end) - Date.parse(old.start);
      const start = String(body.start);
      const moved: Appointment = {
        ...old,
        id: `${old.id.slice(0, -4)}9${String(moves.length).padStart(3, '0')}`,
        reference: `${old.reference}R`,
        status: 'scheduled',
        start,
        end: new Date(Date.parse(start) + length).toISOString(),
        technicianId: String(body.technicianId ?? old.technicianId),
        rescheduledFromId: old.id,
      };
      place(moved, old.id);
      if (options.queue) options.queue = options.queue.filter((a) => a.id !== old.id);
      return HttpResponse.json(moved, { status: 201 });
    }),
  ];
  return { handlers, moves, calendarLoads, lanes: () => lanes };
}

async function mount(attributes = html``) {
  await setViewport({ width: 1280, height: 900 });
  const el = await fixture<CrewDispatchBoard>(
    html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU" view="day" date=${day} timezone=${zone}>${attributes}</crew-dispatch-board>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('.lane'), 'the board never showed its lanes');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewDispatchBoard, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const laneOf = (el: CrewDispatchBoard, name: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('.lane')].find((l) =>
    l.querySelector('.lane-name')!.textContent!.includes(name),
  )!;
const announced = (el: CrewDispatchBoard) => $(el, '[role="status"][aria-live]').textContent!;

/** The centre of an element, in the page's CSS pixels (where sendMouse points). */
function centre(element: Element): [number, number] {
  const box = element.getBoundingClientRect();
  return [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)];
}

/** The point on a lane's track at a wall-clock time of the test day. */
function pointAt(el: CrewDispatchBoard, name: string, hh: number, mm = 0): [number, number] {
  const track = laneOf(el, name).querySelector('.track')!.getBoundingClientRect();
  // The day view spans the working hours' window, 08:00–18:00 here.
  const fraction = (hh * 60 + mm - 8 * 60) / (10 * 60);
  return [Math.round(track.left + track.width * fraction + 2), Math.round(track.top + track.height / 2)];
}

async function drag(from: [number, number], to: [number, number]) {
  await sendMouse({ type: 'move', position: from });
  await sendMouse({ type: 'down' });
  await sendMouse({ type: 'move', position: [from[0] + 10, from[1] + 10] });
  await sendMouse({ type: 'move', position: to });
  await sendMouse({ type: 'up' });
}

describe('<crew-dispatch-board>', () => {
  afterEach(async () => {
    await sendMouse({ type: 'up' }).catch(() => {});
  });

  it('shows a lane per technician with hours, time off and visits, and the requested work', async () => {
    const requested = visit(7, { status: 'requested', technicianId: luis.id, start: at(14), end: at(15) });
    const server = boardServer(
      [
        lane(sam, [visit(1)]),
        lane(priya, [], [{ start: at(12), end: at(14), reason: 'Dentist' }]),
        lane(luis),
      ],
      { queue: [requested] },
    );
    await mockApi(...server.handlers);
    const el = await mount();
    expect([...el.shadowRoot!.querySelectorAll('.lane-name')].map((n) => n.textContent)).to.deep.equal([
      'Sam Okafor',
      'Priya Raman',
      'Luis Moreno',
    ]);
    await waitUntil(
      () => laneOf(el, 'Sam').querySelector('.visit .service')?.textContent === 'Leaking tap repair',
    );
    const chip = laneOf(el, 'Sam').querySelector<HTMLElement>('.visit')!;
    expect(chip.getAttribute('aria-label'))
      .to.contain('HK1-101')
      .and.contain('10:00')
      .and.contain('scheduled');
    expect(laneOf(el, 'Priya').querySelector('.time-off')!.getAttribute('title')).to.equal('Dentist');
    expect($(el, '.queue').textContent).to.contain('HK7-107');
    expect(server.calendarLoads[0]!.get('from')).to.equal(day);
    await expect(el).to.be.accessible();
  });

  it('asks for the board at once, and again without a time zone the browser turns out not to know', async () => {
    const server = boardServer([lane(sam, [visit(1)])]);
    await mockApi(...server.handlers);
    await setViewport({ width: 1280, height: 900 });
    const el = await fixture<CrewDispatchBoard>(
      html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU" view="day" date=${day} timezone="Mars/Olympus"></crew-dispatch-board>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.lane'), 'the board never showed its lanes');
    expect(server.calendarLoads.at(-1)!.has('timeZone')).to.equal(false);
    expect(laneOf(el, 'Sam').querySelector('.visit')).to.not.equal(null);
  });

  it('gives a visit dragged to another lane at the same time to that technician, and undoes it', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya), lane(luis)]);
    await mockApi(...server.handlers);
    const el = await mount();
    const chip = laneOf(el, 'Sam').querySelector('.visit')!;
    await drag(centre(chip), pointAt(el, 'Priya', 10));
    await waitUntil(() => server.moves.length === 1, 'no move was sent');
    expect(server.moves[0]).to.deep.include({ op: 'assign', body: { technicianId: priya.id } });
    await waitUntil(() => announced(el).includes('HK1-101 is now with Priya Raman'), announced(el));
    await waitUntil(() => server.calendarLoads.length === 2, 'the board did not reload after the move');
    expect(laneOf(el, 'Priya').querySelector('[data-visit]')).to.not.equal(null);
    expect(laneOf(el, 'Sam').querySelector('[data-visit]')).to.equal(null);

    $<HTMLButtonElement>(el, '.undo').click();
    await waitUntil(() => server.moves.length === 2);
    expect(server.moves[1]).to.deep.include({ op: 'assign', body: { technicianId: sam.id } });
    await waitUntil(() => laneOf(el, 'Sam').querySelector('[data-visit]'), 'undo did not put it back');
    expect(announced(el)).to.contain('Move of HK1-101 undone');
  });

  it('reschedules a visit dragged to another time and technician', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya), lane(luis)]);
    await mockApi(...server.handlers);
    const el = await mount();
    await drag(centre(laneOf(el, 'Sam').querySelector('.visit')!), pointAt(el, 'Luis', 13, 30));
    await waitUntil(() => server.moves.length === 1, 'no move was sent');
    expect(server.moves[0]).to.deep.include({
      op: 'reschedule',
      body: { start: at(13, 30), technicianId: luis.id },
    });
    await waitUntil(() => laneOf(el, 'Luis').querySelector('[data-visit]'));
  });

  it('moves a visit from the keyboard, announcing where it would go and whether that technician is free', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya), lane(luis)]);
    await mockApi(...server.handlers);
    const el = await mount();
    laneOf(el, 'Sam').querySelector<HTMLElement>('.visit')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => announced(el).includes('Picked up HK1-101'));
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => /Priya Raman, .*10:00.*: qualified and free/.test(announced(el)), announced(el));
    expect(laneOf(el, 'Priya').classList.contains('fits')).to.equal(true);
    expect(laneOf(el, 'Luis').classList.contains('fits')).to.equal(false);
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(
      () => /Luis Moreno, .*10:00.*: not free or not qualified/.test(announced(el)),
      announced(el),
    );
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await waitUntil(() => /Luis Moreno, .*10:30.*: qualified and free/.test(announced(el)), announced(el));
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => server.moves.length === 1);
    expect(server.moves[0]).to.deep.include({
      op: 'reschedule',
      body: { start: at(10, 30), technicianId: luis.id },
    });
    await waitUntil(() => announced(el).includes('is now with Luis Moreno'));
    // The focus follows the visit to its new place.
    await waitUntil(() => el.shadowRoot!.activeElement?.closest('.lane') === laneOf(el, 'Luis'));
  });

  it('puts a visit back with Escape, sending nothing', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya)]);
    await mockApi(...server.handlers);
    const el = await mount();
    laneOf(el, 'Sam').querySelector<HTMLElement>('.visit')!.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => announced(el).includes('HK1-101 put back'));
    expect(server.moves).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('.ghost')).to.equal(null);
  });

  it('shows a refused move’s reason and the server’s alternatives in place, and takes one', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya), lane(luis)], {
      refuse: { slotReason: 'taken', alternatives: [at(11), at(11, 30)] },
    });
    await mockApi(...server.handlers);
    const el = await mount();
    const errors: string[] = [];
    el.addEventListener('crew-error', (e) => errors.push(e.error.code));
    await drag(centre(laneOf(el, 'Sam').querySelector('.visit')!), pointAt(el, 'Priya', 13));
    await waitUntil(() => laneOf(el, 'Priya').querySelector('.refusal'), 'no refusal shown in Priya’s lane');
    const refusal = laneOf(el, 'Priya').querySelector<HTMLElement>('.refusal')!;
    expect(refusal.getAttribute('role')).to.equal('alert');
    expect(refusal.textContent)
      .to.contain('HK1-101 was not moved')
      .and.contain('Priya Raman is busy at that time.');
    expect(errors).to.deep.equal(['slot_unavailable']);
    // Put back where the server still has it.
    expect(laneOf(el, 'Sam').querySelector('[data-visit]')).to.not.equal(null);
    await expect(el).to.be.accessible();
    const alternatives = [...refusal.querySelectorAll<HTMLButtonElement>('button.alternative')];
    expect(alternatives.map((b) => b.textContent!.trim())).to.have.length(2);
    alternatives[0]!.click();
    await waitUntil(() => server.moves.length === 2);
    expect(server.moves[1]).to.deep.include({
      op: 'reschedule',
      body: { start: at(11), technicianId: priya.id },
    });
    await waitUntil(() => laneOf(el, 'Priya').querySelector('[data-visit]'));
    expect(laneOf(el, 'Priya').querySelector('.refusal')).to.equal(null);
  });

  it('books requested work dragged from the queue onto a lane', async () => {
    const requested = visit(7, { status: 'requested', technicianId: luis.id, start: at(14), end: at(15) });
    const server = boardServer([lane(sam), lane(priya), lane(luis)], { queue: [requested] });
    await mockApi(...server.handlers);
    const el = await mount();
    await drag(centre($(el, '.queue .visit')), pointAt(el, 'Sam', 9));
    await waitUntil(() => server.moves.length === 1);
    expect(server.moves[0]).to.deep.include({
      op: 'reschedule',
      body: { start: at(9), technicianId: sam.id },
    });
    await waitUntil(
      () => laneOf(el, 'Sam').querySelector('[data-visit]') && !el.shadowRoot!.querySelector('.queue .visit'),
    );
  });

  it('renders only the lanes on screen of a large crew, and the others as they scroll in', async () => {
    const crew = Array.from({ length: 50 }, (_, i) =>
      lane({
        id: `0190f3c4-2222-7000-8000-${String(100 + i).padStart(12, '0')}`,
        name: `Tech ${String(i).padStart(2, '0')}`,
        timeZone: zone,
      }),
    );
    await mockApi(...boardServer(crew).handlers);
    const el = await mount();
    const rendered = () => [...el.shadowRoot!.querySelectorAll('.lane-name')].map((n) => n.textContent);
    expect(rendered().length).to.be.lessThan(30);
    expect(rendered()).to.include('Tech 00').and.not.include('Tech 49');
    // The first render builds what is on screen; a few lanes below the edge follow once the page
    // is idle, so a quick scroll does not show blanks.
    const onScreen = Math.ceil($(el, '.lanes').clientHeight / 56);
    await waitUntil(() => rendered().length >= onScreen + 4, 'no lanes were rendered beyond the edge');
    const scroller = $(el, '.lanes');
    scroller.scrollTop = scroller.scrollHeight;
    await waitUntil(() => rendered().includes('Tech 49'), 'the last lane never rendered');
    expect(rendered()).to.not.include('Tech 00');
  });

  it('shows the day’s visits as a list below 1024 px', async () => {
    await mockApi(...boardServer([lane(sam, [visit(1)]), lane(priya)]).handlers);
    const el = await mount();
    await setViewport({ width: 800, height: 900 });
    await waitUntil(() => el.shadowRoot!.querySelector('.day-list'), 'no day list at 800 px');
    const text = $(el, '.day-list').textContent!.replace(/\s+/g, ' ');
    expect(text)
      .to.contain('Sam Okafor')
      .and.contain('HK1-101')
      .and.contain('Priya Raman')
      .and.contain('No visits.');
    await expect(el).to.be.accessible();
    await setViewport({ width: 1280, height: 900 });
  });

  it('reloads when the live stream reports a change made elsewhere', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya)]);
    let streams = 0;
    await mockApi(
      ...server.handlers,
      http.get(api('/events/stream'), () => {
        streams += 1;
        const event = {
          id: 'evt_1',
          type: 'appointment.technician_assigned',
          subject: visit(1).id,
          occurredAt: at(9),
          data: {},
        };
        const body =
          streams === 1
            ? `retry: 60000\nid: 1-1\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
            : 'retry: 60000\n\n';
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    await mount();
    await waitUntil(() => server.calendarLoads.length >= 2, 'the board did not reload on the event');
    expect(streams).to.be.greaterThan(0);
  });

  it('speaks German when asked to', async () => {
    await mockApi(...boardServer([lane(sam, [visit(1)])]).handlers);
    const el = await mount();
    el.locale = 'de';
    await el.updateComplete;
    expect($(el, '.toolbar').textContent).to.contain('Heute').and.contain('Woche');
  });

  it('shows the week around its date, Monday to Sunday, and moves by a week', async () => {
    const thursday = visit(3, {
      start: new Date(Date.UTC(2031, 2, 6, 3)).toISOString(),
      end: new Date(Date.UTC(2031, 2, 6, 4)).toISOString(),
    });
    const server = boardServer([lane(sam, [thursday]), lane(priya)]);
    await mockApi(...server.handlers);
    await setViewport({ width: 1280, height: 900 });
    const el = await fixture<CrewDispatchBoard>(
      html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU" date=${day} timezone=${zone}></crew-dispatch-board>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.lane'));
    expect([server.calendarLoads[0]!.get('from'), server.calendarLoads[0]!.get('to')]).to.deep.equal([
      '2031-03-03',
      '2031-03-09',
    ]);
    expect([...el.shadowRoot!.querySelectorAll('.day-name')].map((d) => d.textContent)).to.have.length(7);
    // Thursday 14:00 in Sydney sits in the fourth of seven day columns.
    const chip = laneOf(el, 'Sam').querySelector<HTMLElement>('.visit')!;
    const left = Number.parseFloat(chip.style.left);
    expect(left)
      .to.be.greaterThan((3 / 7) * 100)
      .and.lessThan((4 / 7) * 100);
    $<HTMLButtonElement>(el, '.period button[aria-label="Next"]').click();
    await waitUntil(() => server.calendarLoads.length === 2);
    expect(server.calendarLoads[1]!.get('from')).to.equal('2031-03-10');
    await waitUntil(() => $(el, '.period h2').textContent!.includes('10 Mar'));
  });

  it('undoes a reschedule by moving the new visit back to the old time and technician', async () => {
    const server = boardServer([lane(sam, [visit(1)]), lane(priya), lane(luis)]);
    await mockApi(...server.handlers);
    const el = await mount();
    await drag(centre(laneOf(el, 'Sam').querySelector('.visit')!), pointAt(el, 'Luis', 13, 30));
    await waitUntil(() => announced(el).includes('is now with Luis Moreno'), announced(el));
    $<HTMLButtonElement>(el, '.undo').click();
    await waitUntil(() => server.moves.length === 2);
    expect(server.moves[1]).to.deep.include({
      op: 'reschedule',
      body: { start: at(10), technicianId: sam.id },
    });
    expect(server.moves[1]!.id).to.not.equal(visit(1).id);
    await waitUntil(
      () =>
        laneOf(el, 'Sam').querySelector('[data-visit]') && !laneOf(el, 'Luis').querySelector('[data-visit]'),
    );
  });

  it('is accessible while loading, with no technicians, and when the board cannot load', async () => {
    // The calendar handler given first wins; the rest of the board's API answers as usual.
    await mockApi(
      http.get(api('/appointments/calendar-view'), () => new Promise(() => {})),
      ...boardServer([]).handlers,
    );
    const loading = await fixture<CrewDispatchBoard>(
      html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"></crew-dispatch-board>`,
    );
    expect(loading.shadowRoot!.querySelector('.state.loading')).to.not.equal(null);
    await expect(loading).to.be.accessible();

    await mockApi(...boardServer([]).handlers);
    const empty = await fixture<CrewDispatchBoard>(
      html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"></crew-dispatch-board>`,
    );
    await waitUntil(() => empty.shadowRoot!.querySelector('.state.empty'));
    expect(empty.shadowRoot!.textContent).to.contain('No active technicians.');
    await expect(empty).to.be.accessible();

    await mockApi(
      http.get(api('/appointments/calendar-view'), () => problem(401, 'unauthorized')),
      ...boardServer([]).handlers,
    );
    const failed = await fixture<CrewDispatchBoard>(
      html`<crew-dispatch-board api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"></crew-dispatch-board>`,
    );
    await waitUntil(() => failed.shadowRoot!.querySelector('.state.error'));
    expect(failed.shadowRoot!.textContent).to.contain('You need to sign in again.');
    await expect(failed).to.be.accessible();
  });
});
