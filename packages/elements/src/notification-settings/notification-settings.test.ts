import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { delay } from 'msw';
import { nextEvent } from '../../test-support/dom.js';
import { manualClock } from '../../test-support/manual-clock.js';
import { api, apiBase, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import {
  notificationSettings,
  notificationSettingsMock,
} from '../../test-support/notification-settings-mock-api.js';
import './define.js';
import type { CrewNotificationSettings } from './notification-settings.js';

async function mount(locale = 'en-AU') {
  const clock = manualClock();
  const el = await fixture<CrewNotificationSettings>(
    html`<crew-notification-settings api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale}
      .clock=${clock}></crew-notification-settings>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  await waitUntil(() => el.shadowRoot!.querySelector('iframe'), 'the first preview never arrived');
  return { el, clock };
}

const $ = <T extends Element = HTMLElement>(el: CrewNotificationSettings, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const text = (el: Element | ShadowRoot) => el.textContent!.replace(/\s+/g, ' ');
const type = (field: HTMLInputElement | HTMLTextAreaElement, value: string) => {
  field.value = value;
  field.dispatchEvent(new Event('input'));
};

describe('<crew-notification-settings>', () => {
  it('shows every message with its channels, and the confirmation’s template with its rendered preview', async () => {
    const mock = notificationSettingsMock({
      settings: notificationSettings({ quietHours: { start: '21:00', end: '07:00' } }),
    });
    mock.state.settings.messages.on_my_way = { enabled: false, channels: ['sms'] };
    await mockApi(...mock.handlers);
    const { el } = await mount();
    const row = (type: string) => $(el, `tr[data-message="${type}"]`);
    expect(text(row('reminder_24h'))).to.contain('Reminder a day before');
    expect(row('confirmation').querySelector<HTMLInputElement>('input[name="enabled"]')!.checked).to.equal(
      true,
    );
    expect(row('on_my_way').querySelector<HTMLInputElement>('input[name="enabled"]')!.checked).to.equal(
      false,
    );
    expect(row('on_my_way').querySelector<HTMLInputElement>('input[name="channel-sms"]')!.checked).to.equal(
      true,
    );
    expect($<HTMLInputElement>(el, 'input[name="quietStart"]').value).to.equal('21:00');

    expect($<HTMLInputElement>(el, 'input[name="subject"]').value).to.equal(
      '[en] Your {{serviceName}} on {{date}}',
    );
    const frame = $<HTMLIFrameElement>(el, '.preview iframe');
    expect(frame.getAttribute('sandbox'), 'the template’s HTML runs nothing').to.equal('');
    expect(frame.srcdoc).to.contain('Hello Alex Example');
    expect(text($(el, '.preview'))).to.contain('Your Blocked drain on Tuesday, 4 March 2031');
    await expect(el).to.be.accessible();
  });

  it('switches a message off, adds SMS to another, sets quiet hours, and saves them', async () => {
    const mock = notificationSettingsMock();
    await mockApi(...mock.handlers);
    const { el } = await mount();
    $<HTMLInputElement>(el, 'tr[data-message="reminder_2h"] input[name="enabled"]').click();
    $<HTMLInputElement>(el, 'tr[data-message="on_my_way"] input[name="channel-sms"]').click();
    $<HTMLInputElement>(el, 'input[name="quiet"]').click();
    await el.updateComplete;
    const end = $<HTMLInputElement>(el, 'input[name="quietEnd"]');
    end.value = '06:30';
    end.dispatchEvent(new Event('change'));
    const saved = nextEvent(el, 'crew-notification-settings-saved');
    $<HTMLButtonElement>(el, 'form[part="settings"] button[type="submit"]').click();
    expect((await saved).settings.updatedAt).to.equal('2031-03-04T23:00:00Z');

    expect(mock.state.settings.messages.reminder_2h.enabled).to.equal(false);
    expect(mock.state.settings.messages.on_my_way.channels).to.deep.equal(['email', 'sms']);
    expect(mock.state.settings.messages.confirmation).to.deep.equal({ enabled: true, channels: ['email'] });
    expect(mock.state.settings.quietHours).to.deep.equal({ start: '21:00', end: '06:30' });
    await waitUntil(() => text($(el, 'form[part="settings"] .notice')).includes('Settings saved.'));
  });

  it('says why the server refused the settings, and keeps what the user set', async () => {
    const mock = notificationSettingsMock({
      settings: notificationSettings({ quietHours: { start: '21:00', end: '07:00' } }),
    });
    await mockApi(...mock.handlers);
    const { el } = await mount();
    const end = $<HTMLInputElement>(el, 'input[name="quietEnd"]');
    end.value = '21:00';
    end.dispatchEvent(new Event('change'));
    const refused = nextEvent(el, 'crew-error');
    $<HTMLButtonElement>(el, 'form[part="settings"] button[type="submit"]').click();
    expect((await refused).error.code).to.equal('validation_failed');
    await waitUntil(() => $(el, 'form[part="settings"] .notice.error').textContent!.trim());
    expect(text($(el, 'form[part="settings"] .notice'))).to.contain(
      'quiet hours must not start when they end',
    );
    expect($(el, 'form[part="settings"] .notice').getAttribute('role')).to.equal('alert');
    expect($<HTMLInputElement>(el, 'input[name="quietEnd"]').value).to.equal('21:00');
    expect(mock.state.settings.quietHours).to.deep.equal({ start: '21:00', end: '07:00' });
    await expect(el).to.be.accessible();
  });

  it('previews a draft after typing pauses, saves the German reminder’s template, and resets it to the default', async () => {
    const mock = notificationSettingsMock();
    await mockApi(...mock.handlers);
    const { el, clock } = await mount();
    const select = (name: string, value: string) => {
      const field = $<HTMLSelectElement>(el, `select[name="${name}"]`);
      field.value = value;
      field.dispatchEvent(new Event('change'));
    };
    select('messageType', 'reminder_24h');
    select('templateLanguage', 'de');
    await waitUntil(() => $<HTMLInputElement>(el, 'input[name="subject"]').value.startsWith('[de]'));
    await waitUntil(() => $<HTMLIFrameElement>(el, '.preview iframe').srcdoc.includes('Guten Tag'));

    const previews = () => mock.state.requests.filter((r) => r.path.endsWith('/preview')).length;
    const before = previews();
    type($<HTMLTextAreaElement>(el, 'textarea[name="html"]'), '<p>Bis morgen, {{customerName}}!');
    type($<HTMLTextAreaElement>(el, 'textarea[name="html"]'), '<p>Bis morgen, {{customerName}}!</p>');
    expect(previews(), 'nothing is rendered while the user types').to.equal(before);
    clock.advance(400);
    await waitUntil(() =>
      $<HTMLIFrameElement>(el, '.preview iframe').srcdoc.includes('Bis morgen, Alex Example!'),
    );
    expect(previews()).to.equal(before + 1);
    expect(mock.state.requests.at(-1)).to.deep.include({
      path: '/message-templates/reminder_24h/de/preview',
      body: { html: '<p>Bis morgen, {{customerName}}!</p>' },
    });
    await expect(el).to.be.accessible();

    const saved = nextEvent(el, 'crew-message-template-saved');
    $<HTMLButtonElement>(el, '.fields button[type="submit"]').click();
    expect((await saved).template.customized).to.equal(true);
    const stored = () => mock.state.templates.find((t) => t.type === 'reminder_24h' && t.language === 'de')!;
    expect(stored().html).to.equal('<p>Bis morgen, {{customerName}}!</p>');
    expect(stored().subject, 'fields left alone stay as they were').to.equal(
      '[de] Your {{serviceName}} on {{date}}',
    );
    await waitUntil(() => text($(el, '.fields')).includes('Changed by you'));

    $<HTMLButtonElement>(el, 'button.reset').click();
    await waitUntil(() => text($(el, '.fields')).includes('Crewkit’s default'));
    expect(stored().customized).to.equal(false);
    expect($<HTMLTextAreaElement>(el, 'textarea[name="html"]').value).to.contain('Guten Tag');
  });

  it('refuses a template with a variable the message does not have, and saves nothing', async () => {
    const mock = notificationSettingsMock();
    await mockApi(...mock.handlers);
    const { el, clock } = await mount();
    type($<HTMLInputElement>(el, 'input[name="subject"]'), 'Hi {{firstName}}');
    clock.advance(400);
    await waitUntil(() => el.shadowRoot!.querySelector('.fields .notice.error'));
    expect(text($(el, '.fields .notice'))).to.contain('{{firstName}} is not a variable of this message');
    const refused = nextEvent(el, 'crew-error');
    $<HTMLButtonElement>(el, '.fields button[type="submit"]').click();
    expect((await refused).error.code).to.equal('validation_failed');
    expect(
      mock.state.templates.find((t) => t.type === 'confirmation' && t.language === 'en')!.customized,
    ).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('says it is loading until the settings and templates arrive', async () => {
    await mockApi(
      http.get(api('/notification-settings'), () => delay('infinite')),
      http.get(api('/message-templates'), () => delay('infinite')),
    );
    const el = await fixture<CrewNotificationSettings>(
      html`<crew-notification-settings api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"></crew-notification-settings>`,
    );
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('.state.loading')).to.have.length(2);
    expect(el.shadowRoot!.querySelector('.base')!.getAttribute('aria-busy')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('shows an error with a retry when the settings cannot be loaded', async () => {
    const mock = notificationSettingsMock();
    await mockApi(
      http.get(api('/notification-settings'), () => problem(503, 'unavailable')),
      ...mock.handlers,
    );
    const clock = manualClock();
    const el = await fixture<CrewNotificationSettings>(
      html`<crew-notification-settings api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"
        .clock=${clock}></crew-notification-settings>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
    expect(el.shadowRoot!.querySelector('.state.error button')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('speaks German', async () => {
    await mockApi(...notificationSettingsMock().handlers);
    const { el } = await mount('de-DE');
    expect(text(el.shadowRoot!))
      .to.contain('Ruhezeiten')
      .and.contain('Buchungsbestätigung')
      .and.contain('Vorschau');
  });
});
