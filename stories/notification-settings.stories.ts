import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, http } from 'msw';
import '../packages/elements/src/notification-settings/define.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';
import {
  notificationSettings,
  notificationSettingsMock,
} from '../packages/elements/test-support/notification-settings-mock-api.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

/** A fresh stateful mock per story: saving in one story does not leak into another. */
const configured = () => {
  const mock = notificationSettingsMock({
    settings: notificationSettings({ quietHours: { start: '21:00', end: '07:00' }, language: 'de' }),
  });
  mock.state.settings.messages.reminder_2h = { enabled: true, channels: ['sms'] };
  mock.state.settings.messages.on_my_way = { enabled: false, channels: ['sms'] };
  return mock.handlers;
};

const meta: Meta<Args> = {
  title: 'Elements/crew-notification-settings',
  component: 'crew-notification-settings',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'de', 'fr', 'es'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme }) => html`<crew-notification-settings
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
  ></crew-notification-settings>`,
};
export default meta;

type Story = StoryObj<Args>;

/** The element once it shows its forms (its ready event may come before a play function starts). */
async function loaded(canvas: HTMLElement) {
  const el = canvas.querySelector('crew-notification-settings')!;
  while (!el.shadowRoot?.querySelector('form[part="settings"]')) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return el;
}

/** Every message with its channels, quiet hours at night, and the confirmation's template with its preview. */
export const Settings: Story = { parameters: { msw: { handlers: configured() } } };

/** Nothing has arrived yet. */
export const Loading: Story = {
  parameters: {
    msw: {
      handlers: [
        http.get(api('/notification-settings'), () => delay('infinite')),
        http.get(api('/message-templates'), () => delay('infinite')),
      ],
    },
  },
};

/**
 * Editing the German day-before reminder: the preview follows the draft once typing pauses. Change
 * the HTML field and wait a moment to see it rendered again.
 */
export const TemplateEditing: Story = {
  name: 'Template editing with preview',
  parameters: { msw: { handlers: configured() } },
  play: async ({ canvasElement }) => {
    const el = await loaded(canvasElement);
    const root = el.shadowRoot!;
    const choose = (name: string, value: string) => {
      const select = root.querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
      select.value = value;
      select.dispatchEvent(new Event('change'));
    };
    choose('messageType', 'reminder_24h');
    choose('templateLanguage', 'de');
    await el.updateComplete;
    const body = root.querySelector<HTMLTextAreaElement>('textarea[name="html"]')!;
    body.value = '<p>Guten Tag {{customerName}},</p><p>bis morgen um {{time}}!</p>';
    body.dispatchEvent(new Event('input'));
  },
};

/** The server refuses the settings (a dispatcher may look but not save): the reason is shown by the form. */
export const SaveRefused: Story = {
  name: 'Save refused',
  parameters: {
    msw: {
      handlers: [http.patch(api('/notification-settings'), () => problem(403, 'forbidden')), ...configured()],
    },
  },
  play: async ({ canvasElement }) => {
    const el = await loaded(canvasElement);
    el.shadowRoot!.querySelector<HTMLButtonElement>('form[part="settings"] button[type="submit"]')!.click();
  },
};

/** The settings cannot be loaded. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: {
      handlers: [http.get(api('/notification-settings'), () => problem(503, 'unavailable')), ...configured()],
    },
  },
};

/** The dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { msw: { handlers: configured() }, backgrounds: { default: 'dark' } },
};
