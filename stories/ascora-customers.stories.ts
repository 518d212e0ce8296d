import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, http } from 'msw';
import '../packages/elements/src/ascora-customers/define.js';
import { customer, link, recordsMock } from '../packages/elements/test-support/ascora-records-mock.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

const customers = [
  customer(1, link(), { name: 'Harbour View Apartments' }),
  customer(2, link({ state: 'pending' }), { name: 'Nguyen Plumbing Supplies' }),
  customer(3, link({ state: 'conflict' }), { name: 'St Kilda Dental' }),
  customer(
    4,
    link({
      state: 'error',
      ascoraId: null,
      lastSyncedAt: null,
      lastError: 'Ascora refused the customer: VALIDATION-FAILED',
    }),
    {
      name: 'Bayside Cafe',
    },
  ),
  customer(5, null, { name: 'Walk-in customer', email: null }),
];

/** A fresh stateful mock per story: pushing in one story does not leak into another. */
const full = () =>
  recordsMock({
    customers,
    latencyMs: 200,
    remoteNames: { [customers[2]!.id]: 'St Kilda Dental Group' },
    refusals: { [customers[3]!.id]: 'Ascora refused the customer: VALIDATION-FAILED' },
  }).handlers;

const meta: Meta<Args> = {
  title: 'Elements/crew-ascora-customers',
  component: 'crew-ascora-customers',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'de', 'fr', 'es'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme }) => html`<crew-ascora-customers
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
  ></crew-ascora-customers>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Every link state: linked, changed here, in conflict, failed, and not in Ascora. */
export const Success: Story = { parameters: { msw: { handlers: full() } } };

export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/customers'), () => delay('infinite'))] } },
};

export const Empty: Story = { parameters: { msw: { handlers: recordsMock().handlers } } };

export const ErrorState: Story = {
  name: 'Error',
  parameters: { msw: { handlers: [http.get(api('/customers'), () => problem(503, 'unavailable'))] } },
};

export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { msw: { handlers: full() }, backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

export const German: Story = { args: { locale: 'de' }, parameters: { msw: { handlers: full() } } };
