import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, http } from 'msw';
import '../packages/elements/src/ascora-jobs/define.js';
import {
  appointment,
  job,
  link,
  recordsMock,
} from '../packages/elements/test-support/ascora-records-mock.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  appointment: string;
}

const visit = appointment(1);
const jobs = [
  job(1, {
    status: 'in_progress',
    visits: [
      {
        appointmentId: appointment(8).id,
        start: '2031-03-02T22:00:00Z',
        end: '2031-03-02T23:00:00Z',
        status: 'completed',
        technicianId: visit.technicianId,
      },
      {
        appointmentId: appointment(9).id,
        start: '2031-03-09T22:00:00Z',
        end: '2031-03-09T23:00:00Z',
        status: 'scheduled',
        technicianId: visit.technicianId,
      },
    ],
  }),
  job(2, {
    status: 'completed',
    name: 'Blocked drain',
    ascora: link({ ascoraNumber: 'J2202', state: 'pending' }),
  }),
  job(3, {
    status: 'booked',
    name: 'Gas heater service',
    ascora: link({
      ascoraNumber: 'J2203',
      state: 'error',
      lastError: 'Ascora refused the job: VALIDATION-FAILED',
    }),
  }),
];

const full = () => recordsMock({ jobs, appointments: [visit], latencyMs: 200 }).handlers;

const meta: Meta<Args> = {
  title: 'Elements/crew-ascora-jobs',
  component: 'crew-ascora-jobs',
  args: { locale: 'en', theme: '', appointment: visit.id },
  argTypes: {
    locale: { control: 'select', options: ['en', 'de', 'fr', 'es'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme, appointment: appointmentId }) => html`<crew-ascora-jobs
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    appointment=${appointmentId || nothing}
    locale=${locale}
    theme=${theme || nothing}
  ></crew-ascora-jobs>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Work orders with visits and their links; the appointment above can be sent to Ascora. */
export const Success: Story = { parameters: { msw: { handlers: full() } } };

/** The list alone, without an appointment to send. */
export const ListOnly: Story = { args: { appointment: '' }, parameters: { msw: { handlers: full() } } };

export const Loading: Story = {
  args: { appointment: '' },
  parameters: { msw: { handlers: [http.get(api('/jobs'), () => delay('infinite'))] } },
};

export const Empty: Story = {
  parameters: { msw: { handlers: recordsMock({ appointments: [visit] }).handlers } },
};

export const ErrorState: Story = {
  name: 'Error',
  args: { appointment: '' },
  parameters: { msw: { handlers: [http.get(api('/jobs'), () => problem(503, 'unavailable'))] } },
};

/** Ascora refuses the appointment: the reason shows under the buttons. */
export const Refused: Story = {
  parameters: {
    msw: {
      handlers: recordsMock({
        jobs,
        appointments: [visit],
        refusals: { [visit.id]: 'the job has no site customer linked to Ascora' },
      }).handlers,
    },
  },
};

export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { msw: { handlers: full() }, backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

export const French: Story = { args: { locale: 'fr' }, parameters: { msw: { handlers: full() } } };
