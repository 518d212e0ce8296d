import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import type { AppointmentListItem } from '../packages/elements/src/appointment-list/events.js';
import '../packages/elements/src/appointment-list/define.js';
import { items, technicians } from '../packages/elements/test-support/fixtures.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

const customers = [
  'Wilhelmina Park',
  'Tomás Herrera',
  'Aiyana Brooks',
  'Jun Watanabe',
  'Grace Oduya',
  'Luca Moretti',
];
const statuses: Array<[AppointmentListItem['status'], AppointmentListItem['allowedTransitions']]> = [
  ['scheduled', ['en_route', 'in_progress', 'cancelled', 'no_show']],
  ['en_route', ['in_progress', 'cancelled', 'no_show']],
  ['in_progress', ['paused', 'completed', 'cancelled']],
  ['completed', []],
  ['requested', ['scheduled', 'cancelled']],
  ['cancelled', []],
];

/** A week of appointments for a small plumbing business, starting tomorrow at 08:00 UTC. */
const appointments: AppointmentListItem[] = Array.from({ length: 18 }, (_, i) => {
  const start = new Date(Date.UTC(2031, 2, 3 + Math.floor(i / 3), 8 + (i % 3) * 3)).toISOString();
  const end = new Date(Date.parse(start) + 90 * 60_000).toISOString();
  const [status, allowedTransitions] = statuses[i % statuses.length]!;
  const item = items[i % items.length]!;
  const technician = technicians[i % technicians.length]!;
  const name = customers[i % customers.length]!;
  const n = String(i + 1).padStart(12, '0');
  return {
    id: `0190f3c4-4444-7000-8000-${n}`,
    reference: `HCP-${String(1040 + i)}`,
    status,
    serviceItemId: item.id,
    customerId: `0190f3c4-5555-7000-8000-${n}`,
    technicianId: technician.id,
    start,
    end,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    price: item.basePrice,
    notes: null,
    assignment: { technicianId: technician.id, reason: 'only_available' },
    rescheduledFromId: null,
    rescheduledToId: null,
    rating: null,
    feedback: null,
    createdAt: start,
    updatedAt: start,
    customer: {
      id: `0190f3c4-5555-7000-8000-${n}`,
      name,
      email: `${name
        .split(' ')[0]!
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()}@example.com`,
    },
    allowedTransitions,
  } as AppointmentListItem;
});

const lookups = [
  http.get(api('/technicians'), () => HttpResponse.json({ data: technicians, nextCursor: null })),
  http.get(api('/services/items'), () => HttpResponse.json({ data: items, nextCursor: null })),
];

/** Pages and filters by status like the server (cursor = offset), after a short delay. */
function listOf(all: AppointmentListItem[]) {
  return http.get(api('/appointments'), async ({ request }) => {
    await delay(250);
    const query = new URL(request.url).searchParams;
    const status = query.getAll('status');
    const q = query.get('q')?.toLowerCase();
    const matching = all.filter(
      (appointment) =>
        (status.length === 0 || status.includes(appointment.status)) &&
        (!q ||
          `${appointment.reference} ${appointment.customer.name} ${appointment.customer.email}`
            .toLowerCase()
            .includes(q)),
    );
    const limit = Number(query.get('limit') ?? 25);
    const offset = Number(query.get('cursor') ?? 0);
    const more = offset + limit < matching.length;
    return HttpResponse.json({
      data: matching.slice(offset, offset + limit),
      nextCursor: more ? String(offset + limit) : null,
    });
  });
}

const appointmentListApi = [
  ...lookups,
  listOf(appointments),
  http.put(api('/appointments/:id/status'), async ({ request, params }) => {
    const { status } = (await request.json()) as { status: AppointmentListItem['status'] };
    const {
      customer: _c,
      allowedTransitions: _a,
      ...appointment
    } = appointments.find((j) => j.id === params.id)!;
    await delay(400);
    return HttpResponse.json({ ...appointment, status });
  }),
  http.post(api('/appointments/:id/assign-technician'), async ({ request, params }) => {
    const { technicianId } = (await request.json()) as { technicianId: string };
    const {
      customer: _c,
      allowedTransitions: _a,
      ...appointment
    } = appointments.find((j) => j.id === params.id)!;
    return HttpResponse.json({ ...appointment, technicianId });
  }),
];

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  pageSize: number;
  style: string;
}

const meta: Meta<Args> = {
  title: 'Elements/crew-appointment-list',
  component: 'crew-appointment-list',
  args: { locale: 'en', theme: '', pageSize: 10, style: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'en-US', 'de', 'de-AT'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
    pageSize: { control: { type: 'number', min: 1, max: 100 } },
  },
  render: ({ locale, theme, pageSize, style }) => html`<crew-appointment-list
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    page-size=${pageSize}
    locale=${locale}
    theme=${theme || nothing}
    style=${style || nothing}
  ></crew-appointment-list>`,
  parameters: { msw: { handlers: appointmentListApi } },
};
export default meta;

type Story = StoryObj<Args>;

/** A week of appointments: filter, sort, page, open a appointment, change a status or reassign (confirmed first). */
export const Success: Story = {};

/** The first page never arrives. */
export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/appointments'), () => delay('infinite')), ...lookups] } },
};

/** An organization without appointments yet. */
export const Empty: Story = {
  parameters: { msw: { handlers: [...lookups, listOf([])] } },
};

/** The user's token has expired: the error is shown from its code, with a retry. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: { handlers: [http.get(api('/appointments'), () => problem(401, 'unauthorized')), ...lookups] },
  },
};

/** The host's brand, through `--crew-*` custom properties. */
export const Themed: Story = {
  args: {
    style: [
      '--crew-color-primary: #0f766e',
      '--crew-color-surface-raised: #f0fdfa',
      '--crew-color-border: #99d5cc',
      '--crew-font-family: Georgia, serif',
      '--crew-radius: 0',
      '--crew-appointment-list-max-height: 24rem',
    ].join(';'),
  },
};

/** The dark scheme (what users with `prefers-color-scheme: dark` see). */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

/** German, with German dates. */
export const German: Story = { args: { locale: 'de' } };
