import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/ascora-connect/define.js';
import {
  ascoraMock,
  connectedStatus,
  notConnected,
  syncRun,
} from '../packages/elements/test-support/ascora-mock-api.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  style: string;
}

/**
 * Each story has its own stateful mocked API, so a sync or a disconnection in one story does not
 * leak into another (reload the page to start over). Keys starting with `good` are accepted.
 */
const connected = () =>
  ascoraMock({
    runs: [syncRun(1, { counts: { created: 12, updated: 48, skipped: 1940, conflicts: 2, failed: 1 } })],
    pagesPerStage: 5,
    latencyMs: 150,
  }).handlers;

const meta: Meta<Args> = {
  title: 'Elements/crew-ascora-connect',
  component: 'crew-ascora-connect',
  args: { locale: 'en', theme: '', style: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de', 'de-AT'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme, style }) => html`<crew-ascora-connect
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
    style=${style || nothing}
  ></crew-ascora-connect>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Connected, with the last sync's counts: press "Sync now" to watch the live progress. */
export const Success: Story = { parameters: { msw: { handlers: connected() } } };

/** Not connected yet: enter a key (`good-…` is accepted, anything else is refused by "Ascora"). */
export const NotConnected: Story = {
  parameters: {
    msw: { handlers: ascoraMock({ status: notConnected, pagesPerStage: 2, latencyMs: 400 }).handlers },
  },
};

/** A sync is running: the progress bar moves page by page. */
export const Syncing: Story = {
  parameters: {
    msw: {
      handlers: ascoraMock({
        runs: [
          syncRun(1, {
            status: 'running',
            stage: 'customers:pull',
            page: 1,
            totalPages: 12,
            finishedAt: null,
          }),
        ],
        pagesPerStage: 12,
      }).handlers,
    },
  },
};

/** The status never arrives. */
export const Loading: Story = {
  parameters: {
    msw: { handlers: [http.get(api('/ascora/status'), () => delay('infinite')), ...connected()] },
  },
};

/** Connected, but no sync has run yet. */
export const Empty: Story = {
  parameters: {
    msw: { handlers: ascoraMock({ status: connectedStatus({ lastSyncAt: null }) }).handlers },
  },
};

/** A dispatcher may look but not change the connection: the load fails with `forbidden`. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: { handlers: [http.get(api('/ascora/status'), () => problem(403, 'forbidden')), ...connected()] },
  },
};

/** The last sync stopped with an error. */
export const SyncFailed: Story = {
  parameters: {
    msw: {
      handlers: [
        http.get(api('/ascora/sync/status'), () =>
          HttpResponse.json({
            run: syncRun(1, { status: 'failed', error: 'Ascora answered 503 three times on jobs page 4.' }),
          }),
        ),
        ...connected(),
      ],
    },
  },
};

/** The host's brand, through `--crew-*` custom properties. */
export const Themed: Story = {
  parameters: { msw: { handlers: connected() } },
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
  parameters: { msw: { handlers: connected() }, backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

/** German. */
export const German: Story = { args: { locale: 'de' }, parameters: { msw: { handlers: connected() } } };
