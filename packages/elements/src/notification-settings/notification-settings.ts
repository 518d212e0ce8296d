import type { Crewkit, components } from '@crewkit/sdk';
import { messageLanguages, messageTypes, notificationChannels } from '@crewkit/sdk/enums';
import { html, nothing } from 'lit';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { errorView, loadingView } from '../shared/states.js';
import {
  CrewMessageTemplateSavedEvent,
  CrewNotificationSettingsSavedEvent,
  type MessageLanguage,
  type MessageTemplate,
  type MessageType,
  type NotificationChannel,
  type NotificationSettings,
} from './events.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { notificationSettingsStyles } from './notification-settings.styles.js';

type Rendered = components['schemas']['RenderedMessage'];
type Fields = Pick<MessageTemplate, 'subject' | 'html' | 'text' | 'sms'>;
type Loaded<T> =
  | { phase: 'loading' }
  | { phase: 'ready'; value: T }
  | { phase: 'error'; error: ElementError };

const fieldNames = ['subject', 'html', 'text', 'sms'] as const;
/** Typing pauses this long before the preview is rendered again: one request per pause, not per key. */
const previewDelayMs = 400;

/**
 * The organization's customer and staff messages for an admin page: which messages are sent and on
 * which channels, the quiet hours, and each message's template per language (subject, HTML and
 * plain-text email, SMS) with a preview rendered by the server exactly as it would be sent. The
 * HTML preview runs in a sandboxed frame, so nothing in a template can reach the page.
 *
 * @tagname crew-notification-settings
 * @summary Which messages are sent, quiet hours, and the template editor with preview.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - An owner's or admin's access token (a dispatcher may look, not save); for tokens that expire, set `getAccessToken` instead.
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` or `dark` forces a scheme; unset follows the user's setting.
 *
 * @event crew-ready - The settings and templates are shown.
 * @event crew-notification-settings-saved - The settings were saved; `event.settings` is what is in force.
 * @event crew-message-template-saved - A template was saved or reset; `event.template` is it.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart settings - The form with messages, channels, quiet hours and language.
 * @csspart templates - The template editor.
 * @csspart preview - The rendered preview.
 * @csspart primary-button - The save buttons.
 * @csspart state - The loading and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Errors.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewNotificationSettings extends StaffElement {
  static override styles = [...StaffElement.styles, notificationSettingsStyles];

  static override properties = {
    ...StaffElement.properties,
    settings: { state: true },
    draft: { state: true },
    templates: { state: true },
    selected: { state: true },
    fields: { state: true },
    preview: { state: true },
    busy: { state: true },
    notice: { state: true },
  };

  declare private settings: Loaded<NotificationSettings>;
  /** The settings form as the user has left it, saved only on submit. */
  declare private draft: NotificationSettings | undefined;
  declare private templates: Loaded<MessageTemplate[]>;
  declare private selected: { type: MessageType; language: MessageLanguage };
  /** The template being edited, as typed. */
  declare private fields: Fields | undefined;
  declare private preview: { phase: 'loading' | 'ready'; message?: Rendered } | undefined;
  /** What is waiting on the API: `settings`, `template`. */
  declare private busy: ReadonlySet<string>;
  declare private notice: { text: string; error: boolean; where: 'settings' | 'template' } | undefined;

  /** Timers for the preview's pause; a test passes a manual clock. */
  clock: Clock = systemClock;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #announcedReady = false;
  #previewTimer: unknown;
  /** Which preview request is the latest: an older answer arriving late is dropped. */
  #previewRun = 0;

  constructor() {
    super();
    this.settings = { phase: 'loading' };
    this.templates = { phase: 'loading' };
    this.selected = { type: 'confirmation', language: 'en' };
    this.busy = new Set();
  }

  get #path() {
    return { orgId: this.#org };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.clock.clearTimeout(this.#previewTimer);
  }

  protected override connectFailed(failure: ElementError): void {
    this.#client = undefined;
    this.settings = { phase: 'error', error: failure };
    this.templates = { phase: 'error', error: failure };
    this.reportError(failure);
  }

  protected override connect(client: Crewkit, orgId: string): void {
    this.#client = client;
    this.#org = orgId;
    void this.refresh().then(async () => {
      if (this.#announcedReady || this.settings.phase !== 'ready') return;
      this.#announcedReady = true;
      await this.updateComplete;
      this.dispatchEvent(new CrewReadyEvent());
    });
  }

  /** Loads the settings and templates again (unsaved changes are dropped). */
  async refresh(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.settings = { phase: 'loading' };
    this.templates = { phase: 'loading' };
    const params = { params: { path: this.#path } };
    const [settings, templates] = await Promise.allSettled([
      unwrap(client.GET('/api/v1/organizations/{orgId}/notification-settings', params)),
      unwrap(client.GET('/api/v1/organizations/{orgId}/message-templates', params)),
    ]);
    if (settings.status === 'fulfilled') {
      this.settings = { phase: 'ready', value: settings.value };
      this.draft = structuredClone(settings.value);
    } else this.settings = this.#failed(settings.reason);
    if (templates.status === 'fulfilled') {
      this.templates = { phase: 'ready', value: templates.value.data };
      this.#select(this.selected);
    } else this.templates = this.#failed(templates.reason);
  }

  #failed(error: unknown): { phase: 'error'; error: ElementError } {
    const failure = toElementError(error);
    if (!isAbort(error)) this.reportError(failure);
    return { phase: 'error', error: failure };
  }

  #setBusy(key: string, on: boolean): void {
    const busy = new Set(this.busy);
    if (on) busy.add(key);
    else busy.delete(key);
    this.busy = busy;
  }

  /** Says why the server refused, with its reasons per field when it gave them. */
  #refused(error: unknown, where: 'settings' | 'template'): void {
    if (isAbort(error)) return;
    const failure = toElementError(error);
    const reasons = failure.problem?.errors?.map((e) => e.message).join('; ');
    const text = this.localize.error(failure.code);
    this.notice = { text: reasons ? `${text} ${reasons}` : text, error: true, where };
    this.reportError(failure);
  }

  // ── Settings ──

  #setMessage(type: MessageType, change: { enabled?: boolean; channel?: NotificationChannel; on?: boolean }) {
    if (!this.draft) return;
    const current = this.draft.messages[type];
    const channels = change.channel
      ? notificationChannels.filter((c) => (c === change.channel ? change.on : current.channels.includes(c)))
      : current.channels;
    this.draft = {
      ...this.draft,
      messages: { ...this.draft.messages, [type]: { enabled: change.enabled ?? current.enabled, channels } },
    };
  }

  async #saveSettings(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    const draft = this.draft;
    if (!client || !draft || this.busy.has('settings')) return;
    this.notice = undefined;
    this.#setBusy('settings', true);
    try {
      const saved = await unwrap(
        client.PATCH('/api/v1/organizations/{orgId}/notification-settings', {
          params: { path: this.#path },
          body: { messages: draft.messages, quietHours: draft.quietHours, language: draft.language },
        }),
      );
      this.settings = { phase: 'ready', value: saved };
      this.draft = structuredClone(saved);
      this.notice = { text: this.localize.t.saved, error: false, where: 'settings' };
      this.dispatchEvent(new CrewNotificationSettingsSavedEvent(saved));
    } catch (error) {
      this.#refused(error, 'settings');
    } finally {
      this.#setBusy('settings', false);
    }
  }

  // ── Templates ──

  #template(): MessageTemplate | undefined {
    if (this.templates.phase !== 'ready') return undefined;
    const { type, language } = this.selected;
    return this.templates.value.find((t) => t.type === type && t.language === language);
  }

  #select(selected: { type: MessageType; language: MessageLanguage }): void {
    this.selected = selected;
    const template = this.#template();
    this.fields = template && {
      subject: template.subject,
      html: template.html,
      text: template.text,
      sms: template.sms,
    };
    if (this.notice?.where === 'template') this.notice = undefined;
    void this.#loadPreview();
  }

  #edit(name: keyof Fields, value: string): void {
    if (!this.fields) return;
    this.fields = { ...this.fields, [name]: value };
    this.clock.clearTimeout(this.#previewTimer);
    this.#previewTimer = this.clock.setTimeout(() => void this.#loadPreview(), previewDelayMs);
  }

  /** The fields the user changed from the template in force: what a preview or save sends. */
  #changes(): Partial<Fields> {
    const template = this.#template();
    const fields = this.fields;
    if (!template || !fields) return {};
    return Object.fromEntries(fieldNames.filter((n) => fields[n] !== template[n]).map((n) => [n, fields[n]]));
  }

  async #loadPreview(): Promise<void> {
    const client = this.#client;
    if (!client || !this.fields) return;
    const run = ++this.#previewRun;
    const { type, language } = this.selected;
    this.preview = { phase: 'loading', ...(this.preview?.message ? { message: this.preview.message } : {}) };
    try {
      const message = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/message-templates/{messageType}/{language}/preview', {
          params: { path: { ...this.#path, messageType: type, language } },
          body: this.#changes(),
        }),
      );
      if (run !== this.#previewRun) return;
      this.preview = { phase: 'ready', message };
      if (this.notice?.where === 'template' && this.notice.error) this.notice = undefined;
    } catch (error) {
      if (run !== this.#previewRun) return;
      this.preview = undefined;
      this.#refused(error, 'template');
    }
  }

  async #saveTemplate(reset: boolean): Promise<void> {
    const client = this.#client;
    if (!client || !this.fields || this.busy.has('template')) return;
    const { type, language } = this.selected;
    this.notice = undefined;
    this.#setBusy('template', true);
    try {
      const saved = await unwrap(
        client.PUT('/api/v1/organizations/{orgId}/message-templates/{messageType}/{language}', {
          params: { path: { ...this.#path, messageType: type, language } },
          body: reset ? { subject: null, html: null, text: null, sms: null } : this.#changes(),
        }),
      );
      if (this.templates.phase === 'ready') {
        const list = this.templates.value.map((t) =>
          t.type === type && t.language === language ? saved : t,
        );
        this.templates = { phase: 'ready', value: list };
      }
      this.#select({ type, language });
      this.notice = {
        text: reset ? this.localize.t.templateReset : this.localize.t.templateSaved,
        error: false,
        where: 'template',
      };
      this.dispatchEvent(new CrewMessageTemplateSavedEvent(saved));
    } catch (error) {
      this.#refused(error, 'template');
    } finally {
      this.#setBusy('template', false);
    }
  }

  // ── Rendering ──

  override render() {
    const loading = this.settings.phase === 'loading' || this.templates.phase === 'loading';
    return html`<div part="base" class="base" dir=${this.localize.dir} aria-busy=${loading}>
      ${this.#renderSettings()} ${this.#renderTemplates()}
    </div>`;
  }

  #renderNotice(where: 'settings' | 'template') {
    const notice = this.notice?.where === where ? this.notice : undefined;
    return html`<p class="notice ${notice ? 'shown' : ''} ${notice?.error ? 'error' : ''}" role=${notice?.error ? 'alert' : 'status'}>
      ${notice?.text ?? nothing}
    </p>`;
  }

  #renderSettings() {
    const { t } = this.localize;
    const draft = this.draft;
    const state = this.settings;
    return html`<section aria-labelledby="messages-title">
      <h3 id="messages-title">${t.messagesTitle}</h3>
      ${
        state.phase === 'loading'
          ? loadingView(this.localize)
          : state.phase === 'error' || !draft
            ? errorView(this.localize, (state as { error: ElementError }).error, this.#retry())
            : html`<form part="settings" @submit=${(e: SubmitEvent) => void this.#saveSettings(e)}>
                <p class="muted">${t.messagesHint}</p>
                <div class="table-wrap"><table>
                  <thead><tr>
                    <th scope="col">${t.columns.message}</th>
                    <th scope="col">${t.columns.on}</th>
                    <th scope="col">${t.columns.channels}</th>
                  </tr></thead>
                  <tbody>${messageTypes.map((type) => this.#renderMessageRow(draft, type))}</tbody>
                </table></div>
                ${this.#renderQuietHours(draft)}
                <label>
                  <span>${t.language}</span>
                  <select name="language" @change=${(e: Event) => {
                    if (!this.draft) return;
                    this.draft = {
                      ...this.draft,
                      language: (e.target as HTMLSelectElement).value as MessageLanguage,
                    };
                  }}>
                    ${messageLanguages.map(
                      (l) =>
                        html`<option value=${l} ?selected=${draft.language === l}>${t.languageNames[l]}</option>`,
                    )}
                  </select>
                </label>
                ${this.#renderNotice('settings')}
                <div class="actions">
                  <button type="submit" class="primary" part="primary-button" ?disabled=${this.busy.has('settings')}>
                    ${this.busy.has('settings') ? t.saving : t.save}
                  </button>
                </div>
              </form>`
      }
    </section>`;
  }

  #retry() {
    return this.#client ? () => void this.refresh() : undefined;
  }

  #renderMessageRow(draft: NotificationSettings, type: MessageType) {
    const { t } = this.localize;
    const setting = draft.messages[type];
    const name = t.messageNames[type];
    return html`<tr data-message=${type}>
      <th scope="row">${name}</th>
      <td>
        <input type="checkbox" name="enabled" aria-label=${t.sendFor(name)} .checked=${setting.enabled}
          @change=${(e: Event) => this.#setMessage(type, { enabled: (e.target as HTMLInputElement).checked })} />
      </td>
      <td class="channels">
        ${notificationChannels.map(
          (channel) => html`<label>
            <input type="checkbox" name=${`channel-${channel}`} .checked=${setting.channels.includes(channel)}
              ?disabled=${!setting.enabled} aria-label=${t.channelFor(t.channels[channel], name)}
              @change=${(e: Event) => this.#setMessage(type, { channel, on: (e.target as HTMLInputElement).checked })} />
            <span aria-hidden="true">${t.channels[channel]}</span>
          </label>`,
        )}
      </td>
    </tr>`;
  }

  #renderQuietHours(draft: NotificationSettings) {
    const { t } = this.localize;
    const quiet = draft.quietHours;
    // From this.draft, not the rendered one: several changes can come before the next render.
    const set = (hours: NotificationSettings['quietHours']) => {
      if (this.draft) this.draft = { ...this.draft, quietHours: hours };
    };
    return html`<fieldset class="quiet">
      <legend>${t.quietTitle}</legend>
      <p class="muted" id="quiet-hint">${t.quietHint}</p>
      <label class="inline">
        <input type="checkbox" name="quiet" .checked=${quiet !== null} aria-describedby="quiet-hint"
          @change=${(e: Event) => set((e.target as HTMLInputElement).checked ? { start: '21:00', end: '07:00' } : null)} />
        ${t.quietOn}
      </label>
      ${
        quiet
          ? html`<div class="actions">
              <label><span>${t.quietStart}</span>
                <input type="time" name="quietStart" required .value=${quiet.start}
                  @change=${(e: Event) => set({ ...quiet, start: (e.target as HTMLInputElement).value })} />
              </label>
              <label><span>${t.quietEnd}</span>
                <input type="time" name="quietEnd" required .value=${quiet.end}
                  @change=${(e: Event) => set({ ...quiet, end: (e.target as HTMLInputElement).value })} />
              </label>
            </div>`
          : nothing
      }
    </fieldset>`;
  }

  #renderTemplates() {
    const { t } = this.localize;
    const state = this.templates;
    const template = this.#template();
    const fields = this.fields;
    const saving = this.busy.has('template');
    return html`<section part="templates" aria-labelledby="templates-title">
      <h3 id="templates-title">${t.templatesTitle}</h3>
      ${
        state.phase === 'loading'
          ? loadingView(this.localize)
          : state.phase === 'error'
            ? errorView(this.localize, state.error, this.#retry())
            : html`<div class="actions">
                  <label><span>${t.templateMessage}</span>
                    <select name="messageType" @change=${(e: Event) =>
                      this.#select({
                        ...this.selected,
                        type: (e.target as HTMLSelectElement).value as MessageType,
                      })}>
                      ${messageTypes.map(
                        (m) =>
                          html`<option value=${m} ?selected=${this.selected.type === m}>${t.messageNames[m]}</option>`,
                      )}
                    </select>
                  </label>
                  <label><span>${t.templateLanguage}</span>
                    <select name="templateLanguage" @change=${(e: Event) =>
                      this.#select({
                        ...this.selected,
                        language: (e.target as HTMLSelectElement).value as MessageLanguage,
                      })}>
                      ${messageLanguages.map(
                        (l) =>
                          html`<option value=${l} ?selected=${this.selected.language === l}>${t.languageNames[l]}</option>`,
                      )}
                    </select>
                  </label>
                </div>
                ${
                  template && fields
                    ? html`<div class="editor">
                        <form class="fields" @submit=${(e: SubmitEvent) => {
                          e.preventDefault();
                          void this.#saveTemplate(false);
                        }}>
                          <p class="muted">
                            <span class="badge">${template.customized ? t.customized : t.standard}</span>
                            <span id="variables">${t.variables(template.variables.map((v) => `{{${v}}}`).join(' '))}</span>
                          </p>
                          ${fieldNames.map((name) => this.#renderField(name, fields[name]))}
                          ${this.#renderNotice('template')}
                          <div class="actions">
                            <button type="submit" class="primary" part="primary-button" ?disabled=${saving}>${t.saveTemplate}</button>
                            <button type="button" class="reset" ?disabled=${saving || !template.customized}
                              @click=${() => void this.#saveTemplate(true)}>${t.resetTemplate}</button>
                          </div>
                        </form>
                        ${this.#renderPreview()}
                      </div>`
                    : nothing
                }`
      }
    </section>`;
  }

  #renderField(name: keyof Fields, value: string) {
    const { t } = this.localize;
    const onInput = (e: Event) => this.#edit(name, (e.target as HTMLInputElement).value);
    return html`<label>
      <span>${t[name]}</span>
      ${
        name === 'subject'
          ? html`<input type="text" name="subject" required maxlength="300" .value=${value} @input=${onInput} aria-describedby="variables" />`
          : html`<textarea name=${name} required rows=${name === 'sms' ? 3 : 8} maxlength=${name === 'sms' ? 640 : 50000}
              .value=${value} @input=${onInput} aria-describedby="variables"></textarea>`
      }
    </label>`;
  }

  #renderPreview() {
    const { t } = this.localize;
    const preview = this.preview;
    const message = preview?.message;
    return html`<section part="preview" class="preview" aria-labelledby="preview-title" aria-busy=${preview?.phase === 'loading'}>
      <h4 id="preview-title">${t.previewTitle}</h4>
      <p class="muted">${preview?.phase === 'loading' ? t.previewing : t.previewHint}</p>
      ${
        message
          ? html`<p class="subject"><strong>${t.subject}:</strong> ${message.subject}</p>
              <iframe sandbox="" title=${t.previewFrame} srcdoc=${message.html}></iframe>
              <h5>${t.text}</h5>
              <pre class="text">${message.text}</pre>
              <h5>${t.sms}</h5>
              <pre class="sms">${message.sms}</pre>`
          : nothing
      }
    </section>`;
  }
}
