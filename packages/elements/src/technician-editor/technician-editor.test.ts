import type { components } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { api, apiBase, HttpResponse, http, mockApi, orgId } from '../../test-support/msw.js';
import './define.js';
import type { CrewTechnicianEditor } from './technician-editor.js';

type Technician = components['schemas']['Technician'];
type Appointment = components['schemas']['Appointment'];

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const stamp = '2026-01-01T00:00:00Z';

const sam: Technician = {
  id: '0190f3c4-2222-7000-8000-000000000001',
  userId: null,
  name: 'Sam Okafor',
  email: 'sam@example.com',
  phone: null,
  timeZone: 'UTC',
  active: true,
  skills: [{ skill: 'plumbing', proficiency: 4 }],
  certifications: [
    { name: 'Gas', expiresOn: day(10) },
    { name: 'Backflow', expiresOn: day(-2) },
    { name: 'First aid', expiresOn: day(200) },
  ],
  createdAt: stamp,
  updatedAt: stamp,
};
const priya: Technician = {
  ...sam,
  id: '0190f3c4-2222-7000-8000-000000000002',
  name: 'Priya Raman',
  certifications: [],
};

const visit: Appointment = {
  id: '0190f3c4-4444-7000-8000-000000000001',
  reference: 'HK1-101',
  status: 'scheduled',
  serviceItemId: '0190f3c4-3333-7000-8000-000000000001',
  customerId: '0190f3c4-5555-7000-8000-000000000001',
  technicianId: sam.id,
  start: `${day(5)}T10:00:00.000Z`,
  end: `${day(5)}T11:00:00.000Z`,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  price: { amountMinor: 14900, currency: 'AUD' },
  notes: null,
  assignment: { technicianId: sam.id, reason: 'only_available' },
  rescheduledFromId: null,
  rescheduledToId: null,
  rating: null,
  feedback: null,
  createdAt: stamp,
  updatedAt: stamp,
};

function technicianApi(bookedVisits: Appointment[] = []) {
  const sent: Array<{ method: string; path: string; body: unknown; query?: URLSearchParams }> = [];
  const record = async (request: Request) => {
    const body = request.method === 'GET' ? undefined : await request.json();
    const url = new URL(request.url);
    sent.push({
      method: request.method,
      path: url.pathname.split(`/organizations/${orgId}`)[1]!,
      body,
      query: url.searchParams,
    });
    return body as Record<string, unknown>;
  };
  const schedule = {
    technicianId: sam.id,
    timeZone: 'UTC',
    weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] },
    overrides: [],
    timeOff: [],
  };
  const handlers = [
    http.get(api('/technicians'), () => HttpResponse.json({ data: [sam, priya], nextCursor: null })),
    http.get(api('/technicians/:id'), ({ params }) => HttpResponse.json(params.id === sam.id ? sam : priya)),
    http.get(api('/technicians/:id/schedule'), () => HttpResponse.json(schedule)),
    http.put(api('/technicians/:id/schedule'), async ({ request }) =>
      HttpResponse.json({ ...schedule, ...(await record(request)) }),
    ),
    http.put(api('/technicians/:id/skills'), async ({ request }) => HttpResponse.json(await record(request))),
    http.patch(api('/technicians/:id'), async ({ request }) =>
      HttpResponse.json({ ...sam, ...(await record(request)) }),
    ),
    http.post(api('/technicians/:id/time-off'), async ({ request }) => {
      const body = await record(request);
      return HttpResponse.json(
        {
          id: '0190f3c4-7777-7000-8000-000000000001',
          technicianId: sam.id,
          createdAt: stamp,
          reason: null,
          ...body,
        },
        { status: 201 },
      );
    }),
    http.get(api('/appointments'), async ({ request }) => {
      await record(request);
      return HttpResponse.json({ data: bookedVisits, nextCursor: null });
    }),
    http.post(api('/appointments/:id/assign-technician'), async ({ request }) => {
      const body = await record(request);
      bookedVisits.splice(0);
      return HttpResponse.json({ ...visit, technicianId: body.technicianId });
    }),
  ];
  return { handlers, sent };
}

async function mount() {
  const el = await fixture<CrewTechnicianEditor>(
    html`<crew-technician-editor api-base=${apiBase} org=${orgId} access-token="at_test" locale="en" technician-id=${sam.id}></crew-technician-editor>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('form'), 'the technician never loaded');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewTechnicianEditor, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const button = (el: CrewTechnicianEditor, text: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent!.trim() === text,
  )!;
const writes = <T extends { method: string }>(sent: T[]) => sent.filter((s) => s.method !== 'GET');

describe('<crew-technician-editor>', () => {
  it('shows the profile, skills and certifications, warning of those expiring or expired', async () => {
    await mockApi(...technicianApi().handlers);
    const el = await mount();
    expect($<HTMLInputElement>(el, 'input[name="name"]').value).to.equal('Sam Okafor');
    expect($(el, '[data-certification="Gas"]').textContent).to.equal('Expires in 10 days');
    expect($(el, '[data-certification="Backflow"]').textContent).to.equal('Expired');
    expect($(el, '[data-certification="First aid"]').textContent).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('saves the skills matrix with proficiencies', async () => {
    const server = technicianApi();
    await mockApi(...server.handlers);
    const el = await mount();
    button(el, 'Add skill').click();
    await el.updateComplete;
    const inputs = el.shadowRoot!.querySelectorAll<HTMLInputElement>('fieldset .row input:not([type])');
    const added = inputs[1]!;
    added.value = 'gas';
    added.dispatchEvent(new Event('input'));
    const level = added.closest('.row')!.querySelector('select')!;
    level.value = '5';
    level.dispatchEvent(new Event('change'));
    button(el, 'Save skills').click();
    await waitUntil(() => writes(server.sent).length === 1);
    expect(writes(server.sent)[0]!.body).to.deep.include({
      skills: [
        { skill: 'plumbing', proficiency: 4 },
        { skill: 'gas', proficiency: 5 },
      ],
    });
  });

  it('saves weekly hours and date overrides, and names a range it cannot read', async () => {
    const server = technicianApi();
    await mockApi(...server.handlers);
    const el = await mount();
    $<HTMLInputElement>(el, 'input[name="tuesday"]').value = '07:30-12:00, 13:00-16:00';
    $<HTMLTextAreaElement>(el, 'textarea[name="overrides"]').value = '2031-12-24 08:00-12:00\n2031-12-25';
    button(el, 'Save hours').click();
    await waitUntil(() => writes(server.sent).length === 1);
    const body = writes(server.sent)[0]!.body as { weeklyHours: Record<string, unknown>; overrides: unknown };
    expect(body.weeklyHours.tuesday).to.deep.equal([
      { start: '07:30', end: '12:00' },
      { start: '13:00', end: '16:00' },
    ]);
    expect(body.weeklyHours.monday).to.deep.equal([{ start: '08:00', end: '17:00' }]);
    expect(body.overrides).to.deep.equal([
      { date: '2031-12-24', hours: [{ start: '08:00', end: '12:00' }] },
      { date: '2031-12-25', hours: [] },
    ]);
    await waitUntil(() => $(el, '.notice').textContent!.includes('Saved.'));
    $<HTMLInputElement>(el, 'input[name="friday"]').value = 'all day';
    button(el, 'Save hours').click();
    await waitUntil(
      () => $(el, '.notice').textContent!.includes('“all day” is not a list of ranges'),
      $(el, '.notice').outerHTML,
    );
    expect($(el, '.notice').getAttribute('role')).to.equal('alert');
    expect(writes(server.sent)).to.have.length(1);
  });

  it('warns that new time off collides with a booked visit, reassigns it, then adds the time off', async () => {
    const server = technicianApi([visit]);
    await mockApi(...server.handlers);
    const el = await mount();
    $<HTMLInputElement>(el, 'input[name="startsAt"]').value = `${day(5)}T09:00`;
    $<HTMLInputElement>(el, 'input[name="endsAt"]').value = `${day(5)}T17:00`;
    button(el, 'Add time off').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.collision'), 'no warning of the booked visit');
    expect($(el, '.collision').textContent)
      .to.contain('1 booked visit falls in this time')
      .and.contain('HK1-101');
    const lookup = server.sent.find((s) => s.path === '/appointments')!;
    expect(lookup.query!.get('technicianId')).to.equal(sam.id);
    expect(lookup.query!.get('from')).to.equal(`${day(5)}T09:00:00.000Z`);
    expect(writes(server.sent)).to.deep.equal([]);
    await expect(el).to.be.accessible();

    $<HTMLSelectElement>(el, '.collision select').value = priya.id;
    button(el, 'Reassign').click();
    await waitUntil(
      () => writes(server.sent).length === 2,
      'the visit was not reassigned and the time off added',
    );
    expect(writes(server.sent)[0]).to.deep.include({
      path: `/appointments/${visit.id}/assign-technician`,
      body: { technicianId: priya.id },
    });
    expect(writes(server.sent)[1]).to.deep.include({
      path: `/technicians/${sam.id}/time-off`,
      body: { startsAt: `${day(5)}T09:00:00.000Z`, endsAt: `${day(5)}T17:00:00.000Z`, reason: null },
    });
  });

  it('warns before deactivating a technician with visits ahead, and deactivates on “Go ahead anyway”', async () => {
    const server = technicianApi([visit]);
    await mockApi(...server.handlers);
    const el = await mount();
    $<HTMLInputElement>(el, 'input[name="active"]').checked = false;
    button(el, 'Save profile').click();
    await waitUntil(() => el.shadowRoot!.querySelector('.collision'));
    expect($(el, '.collision').textContent).to.contain('1 booked visit is still ahead');
    expect(writes(server.sent)).to.deep.equal([]);
    button(el, 'Go ahead anyway').click();
    await waitUntil(() => writes(server.sent).length === 1);
    expect(writes(server.sent)[0]).to.deep.include({ method: 'PATCH', path: `/technicians/${sam.id}` });
    expect((writes(server.sent)[0]!.body as { active: boolean }).active).to.equal(false);
  });
});
