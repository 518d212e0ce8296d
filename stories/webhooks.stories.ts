import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, http } from 'msw';
import '../packages/elements/src/webhooks/define.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';
import {
  webhookDelivery,
  webhookEndpoint,
  webhooksMock,
} from '../packages/elements/test-support/webhooks-mock-api.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  style: string;
}

const erp = webhookEndpoint(1, {
  events: ['appointment.created', 'appointment.rescheduled', 'appointment.cancelled'],
});
const broken = webhookEndpoint(2, {
  url: 'https://old-crm.example.net/hooks',
  enabled: false,
  disabledReason: 'Every delivery failed for 5 days.',
  disabledAt: '2031-03-02T08:00:00Z',
  failingSince: '2031-02-25T08:00:00Z',
});

/** A fresh stateful mock per story: adding or replaying in one story does not leak into another. */
const full = () =>
  webhooksMock({
    endpoints: [erp, broken],
    deliveries: {
      [erp.id]: [
        webhookDelivery(erp, 1),
        webhookDelivery(erp, 2, {
          eventType: 'appointment.cancelled',
          status: 'pending',
          attempts: 3,
          nextAttemptAt: '2031-03-05T01:30:00Z',
          attemptLog: [
            {
              at: '2031-03-04T22:00:00Z',
              responseStatus: 502,
              durationMs: 80,
              error: 'answered 502',
              responseExcerpt: 'Bad gateway',
            },
            {
              at: '2031-03-04T22:00:05Z',
              responseStatus: 502,
              durationMs: 75,
              error: 'answered 502',
              responseExcerpt: 'Bad gateway',
            },
            {
              at: '2031-03-04T22:05:05Z',
              responseStatus: null,
              durationMs: 15000,
              error: 'timed out',
              responseExcerpt: null,
            },
          ],
        }),
        webhookDelivery(erp, 3, { eventType: 'appointment.rescheduled' }),
      ],
    },
  }).handlers;

const meta: Meta<Args> = {
  title: 'Elements/crew-webhooks',
  component: 'crew-webhooks',
  args: { locale: 'en', theme: '', style: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de', 'de-AT'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme, style }) => html`<crew-webhooks
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
    style=${style || nothing}
  ></crew-webhooks>`,
};
export default meta;

type Story = StoryObj<Args>;

/** An ERP endpoint with a delivery being retried, and one the server switched off after days of failures. */
export const Success: Story = { parameters: { msw: { handlers: full() } } };

/** Nothing has arrived yet. */
export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/webhooks/endpoints'), () => delay('infinite'))] } },
};

/** No endpoint yet: the form to add the first. */
export const Empty: Story = { parameters: { msw: { handlers: webhooksMock().handlers } } };

/** The endpoints cannot be loaded. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: { handlers: [http.get(api('/webhooks/endpoints'), () => problem(503, 'unavailable')), ...full()] },
  },
};

/** The dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { msw: { handlers: full() }, backgrounds: { default: 'dark' } },
};
