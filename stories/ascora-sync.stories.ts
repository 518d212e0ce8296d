import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, http } from 'msw';
import '../packages/elements/src/ascora-sync/define.js';
import { ascoraMock, conflict, failure, syncRun } from '../packages/elements/test-support/ascora-mock-api.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  style: string;
}

const failedRun = syncRun(1, {
  trigger: 'webhook',
  counts: { created: 2, updated: 31, skipped: 1877, conflicts: 2, failed: 3 },
});
const runs = [
  syncRun(0, { status: 'running', stage: 'jobs:pull', page: 3, totalPages: 8, finishedAt: null }),
  failedRun,
  syncRun(2, {
    status: 'failed',
    error: 'Ascora rejected the key (401).',
    counts: { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 0 },
  }),
  ...Array.from({ length: 9 }, (_, i) => syncRun(i + 3)),
];
const failures = {
  [failedRun.id]: [
    failure(1),
    failure(2, {
      entity: 'job',
      ascoraId: 'J-20931',
      reason: 'The site customer of this job is not synced yet.',
    }),
    failure(3, {
      entity: 'payment',
      ascoraId: null,
      localId: '0190f3c4-9999-7000-8000-000000000003',
      reason: 'Invoice INV-1042 is unknown to Ascora.',
    }),
  ],
};
const jobConflict = conflict(2, {
  entity: 'job',
  fields: ['description', 'status', 'totalIncTaxMinor'],
  local: {
    name: 'Hot water system replacement',
    description: 'Replace 250 L electric unit',
    status: 'completed',
    totalIncTaxMinor: 189000,
  },
  remote: {
    name: 'Hot water system replacement',
    description: 'Replace 250 L electric unit with heat pump',
    status: 'in_progress',
    totalIncTaxMinor: 214500,
  },
});

/** A fresh stateful mock per story: resolving or retrying in one story does not leak into another. */
const full = () =>
  ascoraMock({
    runs,
    failures,
    conflicts: [conflict(1), jobConflict],
    latencyMs: 150,
    // Retrying shows each outcome: the customer syncs, the job fails again, the payment queues a sync.
    retryOutcomes: {
      [failure(2).id]: { outcome: 'failed', reason: 'Customer C-1042 is not synced to Crewkit.' },
      [failure(3).id]: { outcome: 'queued', reason: 'Ascora hands over payments only in its queue.' },
    },
  }).handlers;

const meta: Meta<Args> = {
  title: 'Elements/crew-ascora-sync',
  component: 'crew-ascora-sync',
  args: { locale: 'en', theme: '', style: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de', 'de-AT'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme, style }) => html`<crew-ascora-sync
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    page-size="8"
    locale=${locale}
    theme=${theme || nothing}
    style=${style || nothing}
  ></crew-ascora-sync>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Two conflicts to settle field by field, and a history whose second run has failures to open. */
export const Success: Story = { parameters: { msw: { handlers: full() } } };

/** Nothing has arrived yet. */
export const Loading: Story = {
  parameters: {
    msw: {
      handlers: [
        http.get(api('/ascora/logs'), () => delay('infinite')),
        http.get(api('/ascora/conflicts'), () => delay('infinite')),
      ],
    },
  },
};

/** Never synced, nothing to settle. */
export const Empty: Story = { parameters: { msw: { handlers: ascoraMock().handlers } } };

/** The history cannot be loaded (the conflicts can). */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: { handlers: [http.get(api('/ascora/logs'), () => problem(503, 'unavailable')), ...full()] },
  },
};

/** The host's brand, through `--crew-*` custom properties. */
export const Themed: Story = {
  parameters: { msw: { handlers: full() } },
  args: {
    style: [
      '--crew-color-primary: #0f766e',
      '--crew-color-surface-raised: #f0fdfa',
      '--crew-color-border: #99d5cc',
      '--crew-font-family: Georgia, serif',
      '--crew-radius: 0',
    ].join(';'),
  },
};

/** The dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { msw: { handlers: full() }, backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

/** German. */
export const German: Story = { args: { locale: 'de' }, parameters: { msw: { handlers: full() } } };
