import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { e2eServer } from '../../test-support/e2e.js';
import './define.js';
import type { CrewNotificationSettings } from './notification-settings.js';

/**
 * Against a real reference server with the demo organization: the element reads the real settings
 * and templates, the preview is the server's own rendering, and what the user saves is what the
 * server then holds. The demo organization is put back as it was at the end, for the other files.
 */
describe('<crew-notification-settings> against the reference server', () => {
  it('switches a reminder off and changes the French confirmation, and the server holds both', async function () {
    this.timeout(120_000);
    const server = await e2eServer();
    const { data: tokens } = await createCrewkit({ baseUrl: server.url }).auth.login(server.login);
    expect(tokens, 'the demo owner can sign in').to.exist;
    const getAccessToken = () => tokens!.accessToken;
    const client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });
    const path = { orgId: server.orgId };

    const el = await fixture<CrewNotificationSettings>(
      html`<crew-notification-settings api-base=${server.url} org=${server.orgId} .getAccessToken=${getAccessToken}
        locale="en"></crew-notification-settings>`,
    );
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('form[part="settings"]'), 'the settings never loaded', {
      timeout: 20_000,
    });
    await waitUntil(() => root.querySelector('.preview iframe'), 'no preview', { timeout: 20_000 });
    expect(root.querySelector<HTMLIFrameElement>('.preview iframe')!.srcdoc).to.contain('<html');

    try {
      root.querySelector<HTMLInputElement>('tr[data-message="reminder_2h"] input[name="enabled"]')!.click();
      const saved = nextEvent(el, 'crew-notification-settings-saved');
      root.querySelector<HTMLButtonElement>('form[part="settings"] button[type="submit"]')!.click();
      await saved;
      const { data: settings } = await client.GET('/api/v1/organizations/{orgId}/notification-settings', {
        params: { path },
      });
      expect(settings!.messages.reminder_2h.enabled).to.equal(false);
      expect(settings!.messages.reminder_24h.enabled, 'the other reminder is untouched').to.equal(true);

      const language = root.querySelector<HTMLSelectElement>('select[name="templateLanguage"]')!;
      language.value = 'fr';
      language.dispatchEvent(new Event('change'));
      await waitUntil(() =>
        root.querySelector<HTMLInputElement>('input[name="subject"]')!.value.includes('{{'),
      );
      const subject = root.querySelector<HTMLInputElement>('input[name="subject"]')!;
      subject.value = 'Rendez-vous confirmé : {{serviceName}}, le {{date}}';
      subject.dispatchEvent(new Event('input'));
      const templateSaved = nextEvent(el, 'crew-message-template-saved');
      root.querySelector<HTMLButtonElement>('.fields button[type="submit"]')!.click();
      expect((await templateSaved).template.customized).to.equal(true);

      const { data: templates } = await client.GET('/api/v1/organizations/{orgId}/message-templates', {
        params: { path },
      });
      const french = templates!.data.find((t) => t.type === 'confirmation' && t.language === 'fr')!;
      expect(french.subject).to.equal('Rendez-vous confirmé : {{serviceName}}, le {{date}}');
      const english = templates!.data.find((t) => t.type === 'confirmation' && t.language === 'en')!;
      expect(english.customized, 'the other languages are untouched').to.equal(false);
      await waitUntil(() => !root.querySelector('.preview[aria-busy="true"]'), 'the preview never settled');
      expect(root.querySelector('.preview')!.textContent).to.contain('Rendez-vous confirmé');
    } finally {
      await client.PATCH('/api/v1/organizations/{orgId}/notification-settings', {
        params: { path },
        body: { messages: { reminder_2h: { enabled: true, channels: ['email'] } } },
      });
      await client.PUT('/api/v1/organizations/{orgId}/message-templates/{messageType}/{language}', {
        params: { path: { ...path, messageType: 'confirmation', language: 'fr' } },
        body: { subject: null, html: null, text: null, sms: null },
      });
    }
  });
});
