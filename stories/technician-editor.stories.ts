import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/technician-editor/define.js';
import { api, apiBase, orgId } from '../packages/elements/test-support/msw.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const stamp = '2026-01-01T00:00:00Z';
const base = {
  userId: null,
  email: null,
  phone: null,
  timeZone: 'Australia/Sydney',
  active: true,
  createdAt: stamp,
  updatedAt: stamp,
};
const sam = {
  ...base,
  id: '0190f3c4-2222-7000-8000-000000000001',
  name: 'Sam Okafor',
  email: 'sam@example.com',
  skills: [
    { skill: 'plumbing', proficiency: 4 },
    { skill: 'gas', proficiency: 3 },
  ],
  certifications: [
    { name: 'Gas', expiresOn: day(12) },
    { name: 'Backflow', expiresOn: day(-3) },
  ],
};
const priya = {
  ...base,
  id: '0190f3c4-2222-7000-8000-000000000002',
  name: 'Priya Raman',
  skills: [],
  certifications: [],
};
const visit = {
  id: '0190f3c4-4444-7000-8000-000000000001',
  reference: 'HCP-1040',
  status: 'scheduled',
  serviceItemId: '0190f3c4-0000-7000-8000-000000000011',
  customerId: '0190f3c4-5555-7000-8000-000000000001',
  technicianId: sam.id,
  start: `${day(3)}T00:00:00.000Z`,
  end: `${day(3)}T01:00:00.000Z`,
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
const schedule = {
  technicianId: sam.id,
  timeZone: 'Australia/Sydney',
  weeklyHours: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [
      d,
      [{ start: '08:00', end: '17:00' }],
    ]),
  ),
  overrides: [{ date: '2031-12-24', hours: [{ start: '08:00', end: '12:00' }] }],
  timeOff: [],
};

const technicianApi = [
  http.get(api('/technicians'), () => HttpResponse.json({ data: [sam, priya], nextCursor: null })),
  http.get(api('/technicians/:id'), ({ params }) => HttpResponse.json(params.id === sam.id ? sam : priya)),
  http.get(api('/technicians/:id/schedule'), () => HttpResponse.json(schedule)),
  http.put(api('/technicians/:id/schedule'), async ({ request }) =>
    HttpResponse.json({ ...schedule, ...((await request.json()) as object) }),
  ),
  http.put(api('/technicians/:id/skills'), async ({ request }) => HttpResponse.json(await request.json())),
  http.patch(api('/technicians/:id'), async ({ request }) =>
    HttpResponse.json({ ...sam, ...((await request.json()) as object) }),
  ),
  http.post(api('/technicians/:id/time-off'), async ({ request }) =>
    HttpResponse.json(
      {
        id: '0190f3c4-7777-7000-8000-000000000001',
        technicianId: sam.id,
        createdAt: stamp,
        reason: null,
        ...((await request.json()) as object),
      },
      { status: 201 },
    ),
  ),
  // Every period asked about holds one booked visit: adding time off or deactivating shows the warning.
  http.get(api('/appointments'), () => HttpResponse.json({ data: [visit], nextCursor: null })),
  http.post(api('/appointments/:id/assign-technician'), async ({ request }) =>
    HttpResponse.json({ ...visit, ...((await request.json()) as object) }),
  ),
];

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

const meta: Meta<Args> = {
  title: 'Elements/crew-technician-editor',
  component: 'crew-technician-editor',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'de'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme }) => html`<crew-technician-editor
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    technician-id=${sam.id}
    locale=${locale}
    theme=${theme || nothing}
  ></crew-technician-editor>`,
  parameters: { msw: { handlers: technicianApi } },
};
export default meta;

type Story = StoryObj<Args>;

/** A technician with an expiring and an expired certification; add time off to see the collision warning. */
export const Success: Story = {};

/** The technicians never arrive. */
export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/technicians'), () => delay('infinite'))] } },
};

/** German. */
export const German: Story = { args: { locale: 'de' } };
