import { ascoraConflictStrategies, ascoraDirections, type Crewkit, type components } from '@crewkit/sdk';
import { html, nothing } from 'lit';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { errorView, loadingView } from '../shared/states.js';
import { ascoraConnectStyles } from './ascora-connect.styles.js';
import {
  type AscoraSettings,
  type AscoraStatus,
  type AscoraSyncRun,
  CrewAscoraConnectedEvent,
  CrewAscoraDisconnectedEvent,
  CrewAscoraSettingsChangedEvent,
  CrewSyncCompletedEvent,
  CrewSyncQueuedEvent,
} from './events.js';
import { de } from './locales/de.js';
import { type AscoraConnectTerms, en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { runCounts, stageLabel } from './run.js';

type Direction = components['schemas']['AscoraDirection'];
type Strategy = components['schemas']['AscoraConflictStrategy'];

const directions: readonly Direction[] = ascoraDirections;
const strategies: readonly Strategy[] = ascoraConflictStrategies;
/** The Crewkit fields an Ascora custom field can hold (the server's `mappableFields`). */
const mappable = [
  ['customer', 'phone', 'customer.phone'],
  ['job', 'description', 'job.description'],
  ['job', 'workUndertaken', 'job.workUndertaken'],
] as const;
const minKeyLength = 8;
/** Ascora's production API, the server's default too. */
const defaultBaseUrl = 'https://api.ascora.com.au';
/** How long a queued sync may take to start before the element stops watching for it. */
const maxStartWaitMs = 60_000;

/** A message for one form, either from the server (by code) or from checking the input first. */
type FormMessage = { text: string; field?: 'apiKey' | 'interval' };

/**
 * Connects an organization to Ascora and runs its sync, for an admin page: enter and test an API key,
 * see the connection and the last sync with its counts, sync now with live progress, change what is
 * synced and how conflicts are settled, and disconnect after a confirmation.
 *
 * The key is a password field and is never shown again: the server stores it encrypted and never
 * returns it. While a sync runs, the element polls its progress (every `poll-interval` ms) and stops
 * when the sync ends or the element leaves the page.
 *
 * @tagname crew-ascora-connect
 * @summary The Ascora connection: key, status, sync now, settings, disconnect.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token (owner or admin to change anything); for tokens that expire, set `getAccessToken` instead.
 * @attr poll-interval - Milliseconds between progress checks while a sync runs (default 1000, at least 250).
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the user's setting.
 *
 * @event crew-ready - The connection status is shown.
 * @event crew-ascora-connected - A key was accepted by Ascora and saved; `event.status` is the connection.
 * @event crew-ascora-disconnected - The connection was removed after confirmation.
 * @event crew-ascora-settings-changed - Settings were saved; `event.settings`.
 * @event crew-sync-queued - "Sync now" queued a sync.
 * @event crew-sync-completed - A sync the element was watching ended; `event.run` has its status and counts.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart connect-form - The API key form.
 * @csspart status - The connection summary.
 * @csspart counts - The last sync's counts.
 * @csspart progress - The progress of a running sync.
 * @csspart settings - The settings form.
 * @csspart primary-button - The main button of each form.
 * @csspart danger-button - The disconnect buttons.
 * @csspart dialog - The disconnect confirmation.
 * @csspart state - The loading and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, progress bar, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Errors and the disconnect button.
 * @cssproperty [--crew-color-success=#067647] - The connected badge.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewAscoraConnect extends StaffElement {
  static override styles = [...StaffElement.styles, ascoraConnectStyles];

  static override properties = {
    ...StaffElement.properties,
    pollInterval: { attribute: 'poll-interval', type: Number },
    phase: { state: true },
    loadError: { state: true },
    status: { state: true },
    run: { state: true },
    watching: { state: true },
    busy: { state: true },
    keyMessage: { state: true },
    settingsMessage: { state: true },
    editingKey: { state: true },
    notice: { state: true },
  };

  /** Milliseconds between progress checks while a sync runs. */
  declare pollInterval: number;

  /** The polling timers' clock; tests pass a manual one. */
  clock: Clock = systemClock;

  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadError: ElementError | undefined;
  declare private status: AscoraStatus | undefined;
  declare private run: AscoraSyncRun | null;
  /** Polling for progress: a sync runs, or one was queued and has not started yet. */
  declare private watching: boolean;
  /** The call in flight, which disables the controls that would race it. */
  declare private busy: 'connect' | 'settings' | 'sync' | 'disconnect' | undefined;
  declare private keyMessage: FormMessage | undefined;
  declare private settingsMessage: FormMessage | undefined;
  declare private editingKey: boolean;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #load: AbortController | undefined;
  /** Bumped to stop a polling loop: a newer one replaces it, or the element left the page. */
  #watchGeneration = 0;
  #pollTimer: unknown;
  #announcedReady = false;

  constructor() {
    super();
    this.pollInterval = 1000;
    this.phase = 'loading';
    this.run = null;
    this.watching = false;
    this.editingKey = false;
  }

  /** Loads the connection and the last sync again. */
  async refresh(): Promise<void> {
    await this.#loadStatus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopWatching();
    this.#load?.abort();
  }

  get #interval(): number {
    const ms = Number(this.pollInterval);
    return Number.isFinite(ms) ? Math.max(ms, 250) : 1000;
  }

  protected override connect(client: Crewkit, orgId: string): void {
    this.#stopWatching();
    this.#client = client;
    this.#org = orgId;
    void this.#loadStatus();
  }

  protected override connectFailed(error: ElementError): void {
    this.#stopWatching();
    this.#client = undefined;
    this.#fail(error);
  }

  get #path() {
    return { params: { path: { orgId: this.#org } } };
  }

  async #loadStatus(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#load?.abort();
    const request = new AbortController();
    this.#load = request;
    if (this.phase !== 'ready') this.phase = 'loading';
    this.loadError = undefined;
    try {
      const [status, sync] = await Promise.all([
        unwrap(
          client.GET('/api/v1/organizations/{orgId}/ascora/status', {
            ...this.#path,
            signal: request.signal,
          }),
        ),
        unwrap(
          client.GET('/api/v1/organizations/{orgId}/ascora/sync/status', {
            ...this.#path,
            signal: request.signal,
          }),
        ),
      ]);
      this.status = status;
      this.run = sync.run;
      this.phase = 'ready';
      // A sync already running (scheduled, or started elsewhere) is followed like one started here.
      if (sync.run?.status === 'running' && !this.watching) this.#watch(sync.run.id);
      if (!this.#announcedReady) {
        this.#announcedReady = true;
        await this.updateComplete;
        this.dispatchEvent(new CrewReadyEvent());
      }
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      if (this.phase === 'ready') this.#showNotice(failure);
      else this.#fail(failure);
    }
  }

  #fail(error: ElementError): void {
    this.loadError = error;
    this.phase = 'error';
    this.reportError(error);
  }

  #showNotice(error: ElementError): void {
    this.notice = { text: this.localize.error(error.code), error: true };
    this.reportError(error);
  }

  #say(text: string): void {
    this.notice = { text, error: false };
  }

  /** The message for a failed connect: the connect-specific wording where there is one. */
  #connectMessage(error: ElementError): FormMessage {
    const specific = (this.localize.t.connectErrors as Partial<Record<string, string>>)[error.code];
    const field =
      error.code === 'ascora_rejected' || error.code === 'validation_failed' ? 'apiKey' : undefined;
    return { text: specific ?? this.localize.error(error.code), ...(field ? { field } : {}) };
  }

  async #connect(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client || this.busy) return;
    const { t } = this.localize;
    const form = event.target as HTMLFormElement;
    const keyInput = form.elements.namedItem('apiKey') as HTMLInputElement;
    const apiKey = keyInput.value.trim();
    const baseUrl = (form.elements.namedItem('baseUrl') as HTMLInputElement | null)?.value.trim() ?? '';
    if (apiKey.length < minKeyLength) {
      this.keyMessage = { text: apiKey ? t.keyTooShort : t.keyRequired, field: 'apiKey' };
      keyInput.focus();
      return;
    }
    this.keyMessage = undefined;
    this.notice = undefined;
    this.busy = 'connect';
    const previousRunId = this.run?.id ?? null;
    try {
      const status = await unwrap(
        client.PUT('/api/v1/organizations/{orgId}/ascora/connection', {
          ...this.#path,
          body: { apiKey, baseUrl: baseUrl || defaultBaseUrl },
        }),
      );
      // The key leaves the page as soon as the server has it: nothing to read back later.
      keyInput.value = '';
      this.status = status;
      this.editingKey = false;
      this.#say(t.justConnected);
      this.dispatchEvent(new CrewAscoraConnectedEvent(status));
      // Connecting queues the first sync; follow it like one started with "Sync now".
      this.#watch(previousRunId, true);
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.keyMessage = this.#connectMessage(failure);
      this.reportError(failure);
      // A disabled field cannot take focus: enable the form before moving focus back to the key.
      this.busy = undefined;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[name="apiKey"]')?.focus();
    } finally {
      this.busy = undefined;
    }
  }

  async #syncNow(): Promise<void> {
    const client = this.#client;
    if (!client || this.busy || this.watching) return;
    this.busy = 'sync';
    this.notice = undefined;
    const previousRunId = this.run?.id ?? null;
    try {
      await unwrap(client.POST('/api/v1/organizations/{orgId}/ascora/sync', this.#path));
      this.#say(this.localize.t.syncQueued);
      this.dispatchEvent(new CrewSyncQueuedEvent());
      this.#watch(previousRunId, true);
    } catch (error) {
      if (!isAbort(error)) this.#showNotice(toElementError(error));
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * Polls the sync's progress until it ends. `after` is the run that was current before a sync was
   * queued: until a different run shows up, the queued one has not started (the worker picks it up
   * within seconds), and a finished `after` is not the end of the new sync.
   */
  #watch(after: string | null, queued = false): void {
    this.#stopWatching();
    const generation = ++this.#watchGeneration;
    const client = this.#client;
    if (!client) return;
    this.watching = true;
    const startedWaiting = this.clock.now();
    const poll = async () => {
      if (generation !== this.#watchGeneration) return;
      try {
        const { run } = await unwrap(
          client.GET('/api/v1/organizations/{orgId}/ascora/sync/status', this.#path),
        );
        if (generation !== this.#watchGeneration) return;
        const isNew = run !== null && (run.id !== after || !queued);
        if (isNew || run?.status === 'running') this.run = run;
        if (run && isNew && run.status !== 'running') {
          this.watching = false;
          this.#say(run.status === 'completed' ? this.localize.t.syncDone : this.localize.t.syncFailed);
          this.dispatchEvent(new CrewSyncCompletedEvent(run));
          // The connection's lastSyncAt moved on with it.
          void this.#loadStatus();
          return;
        }
        if (!isNew && this.clock.now() - startedWaiting > maxStartWaitMs) {
          // The worker has not started it: the summary stays as it is, and a reload shows it later.
          this.watching = false;
          return;
        }
      } catch (error) {
        if (generation !== this.#watchGeneration || isAbort(error)) return;
        this.watching = false;
        this.#showNotice(toElementError(error));
        return;
      }
      this.#pollTimer = this.clock.setTimeout(() => void poll(), this.#interval);
    };
    this.#pollTimer = this.clock.setTimeout(() => void poll(), queued ? this.#interval : 0);
  }

  #stopWatching(): void {
    this.#watchGeneration += 1;
    this.clock.clearTimeout(this.#pollTimer);
    this.watching = false;
  }

  async #saveSettings(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client || this.busy) return;
    const { t } = this.localize;
    const form = event.target as HTMLFormElement;
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    const interval = Number(value('syncIntervalMinutes'));
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
      this.settingsMessage = { text: t.intervalInvalid, field: 'interval' };
      (form.elements.namedItem('syncIntervalMinutes') as HTMLInputElement).focus();
      return;
    }
    this.settingsMessage = undefined;
    this.notice = undefined;
    this.busy = 'settings';
    try {
      const status = await unwrap(
        client.PATCH('/api/v1/organizations/{orgId}/ascora/settings', {
          ...this.#path,
          body: {
            directions: {
              customers: value('customers') as Direction,
              jobs: value('jobs') as Direction,
              payments: value('payments') as Direction,
            },
            syncIntervalMinutes: interval,
            conflictStrategy: value('conflictStrategy') as Strategy,
            customFieldMappings: mappable.flatMap(([entity, crewkitField, key]) => {
              const ascoraField = value(`custom:${key}`).trim();
              return ascoraField ? [{ entity, crewkitField, ascoraField }] : [];
            }),
          },
        }),
      );
      this.status = status;
      this.#say(t.saved);
      if (status.settings) this.dispatchEvent(new CrewAscoraSettingsChangedEvent(status.settings));
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.settingsMessage = { text: this.localize.error(failure.code) };
      this.reportError(failure);
    } finally {
      this.busy = undefined;
    }
  }

  get #dialog() {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog');
  }

  #askDisconnect(): void {
    this.notice = undefined;
    this.#dialog?.showModal();
  }

  #onDialogClose(): void {
    // Back to where the user was, unless the connection (and with it that button) is gone.
    if (this.status?.connected) {
      this.renderRoot.querySelector<HTMLButtonElement>('button.disconnect')?.focus();
    }
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    if (!client || this.busy) return;
    this.busy = 'disconnect';
    try {
      await unwrap(client.DELETE('/api/v1/organizations/{orgId}/ascora/connection', this.#path));
      this.#stopWatching();
      this.status = this.status
        ? { ...this.status, connected: false, webhookUrl: null, disconnectedAt: new Date().toISOString() }
        : this.status;
      this.#dialog?.close();
      this.#say(this.localize.t.disconnected);
      this.dispatchEvent(new CrewAscoraDisconnectedEvent());
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[name="apiKey"]')?.focus();
      void this.#loadStatus();
    } catch (error) {
      if (isAbort(error)) return;
      this.#dialog?.close();
      this.#showNotice(toElementError(error));
    } finally {
      this.busy = undefined;
    }
  }

  override render() {
    return html`<section part="base" dir=${this.localize.dir} aria-busy=${this.phase === 'loading'}>
      <header class="header">
        <h2 id="title">${this.localize.t.title}</h2>
        ${
          this.status
            ? html`<span class="badge ${this.status.connected ? 'on' : 'off'}" part="badge">
                ${this.status.connected ? this.localize.t.connected : this.localize.t.notConnected}
              </span>`
            : nothing
        }
      </header>
      <div class="notice ${this.notice ? 'shown' : ''} ${this.notice?.error ? 'error' : ''}" role=${this.notice?.error ? 'alert' : 'status'}>
        ${this.notice?.text ?? nothing}
      </div>
      ${
        this.phase === 'loading'
          ? loadingView(this.localize)
          : this.phase === 'error' && this.loadError
            ? errorView(
                this.localize,
                this.loadError,
                this.#client ? () => void this.#loadStatus() : undefined,
              )
            : this.status?.connected
              ? this.#renderConnected(this.status)
              : this.#renderConnectForm()
      }
      ${this.#renderDialog()}
    </section>`;
  }

  #renderConnectForm(replacing = false) {
    const { t } = this.localize;
    const message = this.keyMessage;
    const keyInvalid = message?.field === 'apiKey';
    const connecting = this.busy === 'connect';
    return html`<form part="connect-form" class="card connect" novalidate @submit=${(e: SubmitEvent) => void this.#connect(e)}>
      ${replacing ? html`<p class="muted">${t.replaceKeyHint}</p>` : html`<p>${t.intro}</p>`}
      <label class="field">
        <span>${t.apiKey}</span>
        <input
          type="password"
          name="apiKey"
          autocomplete="off"
          spellcheck="false"
          required
          maxlength="500"
          aria-invalid=${keyInvalid}
          aria-describedby="key-hint ${message ? 'key-message' : ''}"
          ?disabled=${connecting}
        />
        <small id="key-hint" class="muted">${t.apiKeyHint}</small>
      </label>
      <details class="advanced">
        <summary>${t.advanced}</summary>
        <label class="field">
          <span>${t.baseUrl}</span>
          <input
            type="url"
            name="baseUrl"
            inputmode="url"
            placeholder=${defaultBaseUrl}
            .value=${this.status?.baseUrl ?? ''}
            maxlength="500"
            ?disabled=${connecting}
          />
        </label>
      </details>
      ${message ? html`<p id="key-message" class="message error" role="alert">${message.text}</p>` : nothing}
      <div class="actions">
        ${
          replacing
            ? html`<button type="button" ?disabled=${connecting} @click=${() => this.#closeKeyEditor()}>${t.cancel}</button>`
            : nothing
        }
        <button type="submit" class="primary" part="primary-button" ?disabled=${connecting}>
          ${connecting ? t.connecting : replacing ? t.saveKey : t.connect}
        </button>
      </div>
    </form>`;
  }

  #closeKeyEditor(): void {
    this.editingKey = false;
    this.keyMessage = undefined;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>('button.replace-key')?.focus(),
    );
  }

  #renderConnected(status: AscoraStatus) {
    const { t } = this.localize;
    const since = status.connectedAt
      ? this.localize.dateTime(status.connectedAt, { dateStyle: 'medium', timeStyle: 'short' })
      : undefined;
    return html`<div class="card status" part="status">
        <p>
          ${t.connectedTo(status.baseUrl ?? 'Ascora')}
          ${since ? html`<span class="muted">${t.connectedSince(since)}</span>` : nothing}
        </p>
        <div class="actions">
          <button type="button" class="replace-key" aria-expanded=${this.editingKey} ?disabled=${!!this.busy} @click=${() => {
            this.editingKey = !this.editingKey;
            this.keyMessage = undefined;
          }}>
            ${t.replaceKey}
          </button>
          <button type="button" class="disconnect danger" part="danger-button" ?disabled=${!!this.busy} @click=${() => this.#askDisconnect()}>
            ${t.disconnect}
          </button>
        </div>
      </div>
      ${this.editingKey ? this.#renderConnectForm(true) : nothing}
      ${this.#renderSync()}
      ${status.settings ? this.#renderSettings(status.settings) : nothing}`;
  }

  #renderSync() {
    const { t } = this.localize;
    const run = this.run;
    const running = run?.status === 'running';
    const finishedAt = run?.finishedAt ?? (run ? null : this.status?.lastSyncAt);
    return html`<div class="card sync">
      <div class="sync-head">
        <h3>${t.lastSync}</h3>
        <button
          type="button"
          class="primary sync-now"
          part="primary-button"
          ?disabled=${!!this.busy || this.watching}
          @click=${() => void this.#syncNow()}
        >
          ${this.watching ? t.syncing : t.syncNow}
        </button>
      </div>
      ${this.watching || running ? this.#renderProgress(running ? run : null) : nothing}
      ${
        run && !running
          ? html`<p>
              <span class="run-status" data-status=${run.status}>${t.runStatus[run.status]}</span>
              ${
                finishedAt
                  ? html`<time datetime=${finishedAt}>${this.localize.dateTime(finishedAt, { dateStyle: 'medium', timeStyle: 'short' })}</time>`
                  : nothing
              }
              <span class="muted">· ${t.trigger[run.trigger]}</span>
            </p>
            ${run.error ? html`<p class="message error">${t.runError(run.error)}</p>` : nothing}`
          : !run && !this.watching
            ? html`<p class="muted">${finishedAt ? this.localize.dateTime(finishedAt, { dateStyle: 'medium', timeStyle: 'short' }) : t.noRunYet}</p>`
            : nothing
      }
      ${run ? this.#renderCounts(run) : nothing}
    </div>`;
  }

  #renderProgress(run: AscoraSyncRun | null) {
    const { t } = this.localize;
    const label = run ? stageLabel(t, run.stage) : t.syncStarting;
    const total = run?.totalPages ?? null;
    // The checkpoint names the next page to fetch, so the pages done are one fewer.
    const done = total !== null && run?.page != null ? Math.min(Math.max(run.page - 1, 0), total) : null;
    const determinate = total !== null && total > 0 && done !== null;
    const text = determinate ? stageLabel(t, run!.stage, done!, total!) : label;
    return html`<div class="progress" part="progress">
      <div
        class="track ${determinate ? '' : 'indeterminate'}"
        role="progressbar"
        aria-label=${t.syncing}
        aria-valuemin="0"
        aria-valuemax=${determinate ? total! : nothing}
        aria-valuenow=${determinate ? done! : nothing}
        aria-valuetext=${text}
      >
        <div class="bar" style=${determinate ? `inline-size: ${(done! / total!) * 100}%` : ''}></div>
      </div>
      <p class="muted" aria-hidden="true">${text}</p>
      <p class="visually-hidden" aria-live="polite">${label}</p>
    </div>`;
  }

  #renderCounts(run: AscoraSyncRun) {
    const { t } = this.localize;
    return html`<dl class="counts" part="counts">
      ${runCounts(run).map(
        ([name, value]) => html`<div class="count" data-count=${name}>
          <dt>${t.counts[name]}</dt>
          <dd>${this.localize.number(value)}</dd>
        </div>`,
      )}
    </dl>`;
  }

  #renderSettings(settings: AscoraSettings) {
    const { t } = this.localize;
    const saving = this.busy === 'settings';
    const message = this.settingsMessage;
    const directionSelect = (name: 'customers' | 'jobs' | 'payments') => html`<label class="field">
      <span>${t.entities[name]}</span>
      <select name=${name} ?disabled=${saving}>
        ${directions.map((d) => html`<option value=${d} ?selected=${settings.directions[name] === d}>${t.direction[d]}</option>`)}
      </select>
    </label>`;
    return html`<form part="settings" class="card settings" novalidate @submit=${(e: SubmitEvent) => void this.#saveSettings(e)}>
      <h3>${t.settings}</h3>
      <fieldset>
        <legend>${t.directions}</legend>
        <div class="grid">
          ${directionSelect('customers')} ${directionSelect('jobs')}
          <div class="field">
            <span>${t.entities.invoices}</span>
            <span class="fixed">${t.invoicesPullOnly}</span>
          </div>
          ${directionSelect('payments')}
        </div>
      </fieldset>
      <div class="grid">
        <label class="field">
          <span>${t.interval}</span>
          <input
            type="number"
            name="syncIntervalMinutes"
            min="5"
            max="1440"
            step="1"
            required
            .value=${String(settings.syncIntervalMinutes)}
            aria-invalid=${message?.field === 'interval'}
            aria-describedby=${message?.field === 'interval' ? 'settings-message' : nothing}
            ?disabled=${saving}
          />
        </label>
        <label class="field">
          <span>${t.strategy}</span>
          <select name="conflictStrategy" ?disabled=${saving}>
            ${strategies.map((s) => html`<option value=${s} ?selected=${settings.conflictStrategy === s}>${t.strategies[s]}</option>`)}
          </select>
        </label>
      </div>
      <fieldset>
        <legend>${t.customFields}</legend>
        <p class="muted" id="custom-fields-hint">${t.customFieldsHint}</p>
        <div class="grid">
          ${mappable.map(([entity, crewkitField, key]) => {
            const mapped = settings.customFieldMappings?.find(
              (m) => m.entity === entity && m.crewkitField === crewkitField,
            );
            return html`<label class="field">
              <span>${t.mappable[key]}</span>
              <input
                name="custom:${key}"
                maxlength="100"
                autocomplete="off"
                aria-describedby="custom-fields-hint"
                .value=${mapped?.ascoraField ?? ''}
                ?disabled=${saving}
              />
            </label>`;
          })}
        </div>
      </fieldset>
      ${message ? html`<p id="settings-message" class="message error" role="alert">${message.text}</p>` : nothing}
      <div class="actions">
        <button type="submit" class="primary" part="primary-button" ?disabled=${saving}>
          ${saving ? t.saving : t.saveSettings}
        </button>
      </div>
    </form>`;
  }

  #renderDialog() {
    const { t } = this.localize;
    const disconnecting = this.busy === 'disconnect';
    return html`<dialog
      part="dialog"
      aria-labelledby="disconnect-title"
      aria-describedby="disconnect-question"
      @close=${() => this.#onDialogClose()}
    >
      <h2 id="disconnect-title">${t.disconnectTitle}</h2>
      <p id="disconnect-question">${t.disconnectQuestion}</p>
      <div class="actions">
        <button type="button" autofocus ?disabled=${disconnecting} @click=${() => this.#dialog?.close()}>${t.cancel}</button>
        <button type="button" class="danger confirm" part="danger-button" ?disabled=${disconnecting} @click=${() => void this.#disconnect()}>
          ${disconnecting ? t.saving : t.disconnectConfirm}
        </button>
      </div>
    </dialog>`;
  }
}

export type { AscoraConnectTerms };
