import type { Crewkit } from '@crewkit/sdk';
import { webhookEventTypes } from '@crewkit/sdk/enums';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import {
  CrewWebhookEndpointCreatedEvent,
  CrewWebhookReplayedEvent,
  CrewWebhookSecretRotatedEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from './events.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { webhooksStyles } from './webhooks.styles.js';

type Listing<T> =
  | { phase: 'loading'; items: T[] }
  | { phase: 'ready'; items: T[]; nextCursor: string | null }
  | { phase: 'error'; items: T[]; error: ElementError };

/** A secret just made or rotated: shown until the user says it is stored, never again. */
interface Revealed {
  endpoint: WebhookEndpoint;
  secret: string;
  copied: boolean;
}

const stamp: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/**
 * Outbound webhooks for an ERP admin page: the organization's endpoints (URL, events, whether they
 * are sending), adding one, its signing secret shown once (with a copy button) when it is made or
 * rotated, switching it off and on, and each endpoint's delivery log — every event sent, its
 * attempts and the receiver's last answer — with "send again" for one delivery or for everything
 * since a time (after an outage on the receiver's side, say).
 *
 * @tagname crew-webhooks
 * @summary Webhook endpoints, secrets, and the delivery log with replay.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - An owner's or admin's access token; for tokens that expire, set `getAccessToken` instead.
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` or `dark` forces a scheme; unset follows the user's setting.
 *
 * @event crew-ready - The endpoints are shown.
 * @event crew-webhook-endpoint-created - An endpoint was added; `event.endpoint` is it.
 * @event crew-webhook-secret-rotated - A signing secret was replaced; `event.endpoint.previousSecretExpiresAt` ends the overlap.
 * @event crew-webhook-replayed - Deliveries were queued again; `event.replayed` says how many.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart endpoints - The list of endpoints.
 * @csspart endpoint - One endpoint.
 * @csspart add-form - The form adding an endpoint.
 * @csspart secret - The one-time secret panel.
 * @csspart deliveries - An endpoint's delivery log.
 * @csspart primary-button - The add button.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, the secret panel, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Failures and errors.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewWebhooks extends StaffElement {
  static override styles = [...StaffElement.styles, webhooksStyles];

  static override properties = {
    ...StaffElement.properties,
    endpoints: { state: true },
    deliveries: { state: true },
    openEndpoint: { state: true },
    revealed: { state: true },
    busy: { state: true },
    confirming: { state: true },
    formError: { state: true },
    notice: { state: true },
  };

  declare private endpoints: Listing<WebhookEndpoint>;
  declare private deliveries: Listing<WebhookDelivery>;
  /** The endpoint whose delivery log is open. */
  declare private openEndpoint: string | undefined;
  declare private revealed: Revealed | undefined;
  /** What is waiting on the API: `add`, or an endpoint or delivery id. */
  declare private busy: ReadonlySet<string>;
  /** The endpoint whose Delete button asks for confirmation. */
  declare private confirming: string | undefined;
  declare private formError: string | undefined;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #announcedReady = false;

  constructor() {
    super();
    this.endpoints = { phase: 'loading', items: [] };
    this.deliveries = { phase: 'loading', items: [] };
    this.busy = new Set();
  }

  get #path() {
    return { orgId: this.#org };
  }

  protected override connectFailed(failure: ElementError): void {
    this.#client = undefined;
    this.endpoints = { phase: 'error', items: [], error: failure };
    this.reportError(failure);
  }

  protected override connect(client: Crewkit, orgId: string): void {
    this.#client = client;
    this.#org = orgId;
    void this.refresh().then(async () => {
      if (this.#announcedReady) return;
      this.#announcedReady = true;
      await this.updateComplete;
      this.dispatchEvent(new CrewReadyEvent());
    });
  }

  /** Loads the endpoints again (and the open delivery log). */
  async refresh(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.endpoints = { phase: 'loading', items: this.endpoints.items };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/webhooks/endpoints', {
          params: { path: this.#path, query: { limit: 100 } },
        }),
      );
      this.endpoints = { phase: 'ready', items: page.data, nextCursor: page.nextCursor };
      if (this.openEndpoint) await this.#loadDeliveries(this.openEndpoint);
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.endpoints = { phase: 'error', items: [], error: failure };
      this.reportError(failure);
    }
  }

  #setBusy(key: string, on: boolean): void {
    const busy = new Set(this.busy);
    if (on) busy.add(key);
    else busy.delete(key);
    this.busy = busy;
  }

  #fail(error: unknown): void {
    if (isAbort(error)) return;
    const failure = toElementError(error);
    this.notice = { text: this.localize.error(failure.code), error: true };
    this.reportError(failure);
  }

  #replaceEndpoint(endpoint: WebhookEndpoint): void {
    const items = this.endpoints.items.map((e) => (e.id === endpoint.id ? endpoint : e));
    this.endpoints = { phase: 'ready', items, nextCursor: null };
  }

  async #add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client || this.busy.has('add')) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const events = data.getAll('events') as WebhookEventType[];
    if (events.length === 0) {
      this.formError = this.localize.t.chooseEvents;
      form.querySelector<HTMLInputElement>('input[name="events"]')?.focus();
      return;
    }
    this.formError = undefined;
    this.notice = undefined;
    this.#setBusy('add', true);
    try {
      const description = String(data.get('description') ?? '').trim();
      const made = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints', {
          params: { path: this.#path },
          body: {
            url: String(data.get('url') ?? '').trim(),
            events,
            enabled: true,
            ...(description ? { description } : {}),
          },
        }),
      );
      const { secret, ...endpoint } = made;
      this.endpoints = { phase: 'ready', items: [...this.endpoints.items, endpoint], nextCursor: null };
      form.reset();
      this.#reveal(endpoint, secret);
      this.dispatchEvent(new CrewWebhookEndpointCreatedEvent(endpoint));
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      // A refused URL is the user's to fix: say so by the field.
      const fieldError = failure.problem?.errors?.find((e) => e.path === 'body.url');
      this.formError = fieldError
        ? `${this.localize.t.url}: ${fieldError.message}`
        : this.localize.error(failure.code);
      this.reportError(failure);
    } finally {
      this.#setBusy('add', false);
    }
  }

  async #reveal(endpoint: WebhookEndpoint, secret: string): Promise<void> {
    this.revealed = { endpoint, secret, copied: false };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#secret-title')?.focus();
  }

  async #copySecret(): Promise<void> {
    if (!this.revealed) return;
    try {
      await navigator.clipboard.writeText(this.revealed.secret);
      this.revealed = { ...this.revealed, copied: true };
    } catch {
      // No clipboard permission: the field is selected for the user to copy by hand.
      this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.select();
    }
  }

  async #dismissSecret(): Promise<void> {
    const id = this.revealed?.endpoint.id;
    this.revealed = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-endpoint="${id}"] h4`)?.focus();
  }

  async #rotate(endpoint: WebhookEndpoint): Promise<void> {
    const client = this.#client;
    if (!client || this.busy.has(endpoint.id)) return;
    this.#setBusy(endpoint.id, true);
    try {
      const rotated = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/rotate-secret', {
          params: { path: { ...this.#path, endpointId: endpoint.id } },
          body: {},
        }),
      );
      const { secret, ...updated } = rotated;
      this.#replaceEndpoint(updated);
      void this.#reveal(updated, secret);
      this.dispatchEvent(new CrewWebhookSecretRotatedEvent(updated));
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#setBusy(endpoint.id, false);
    }
  }

  async #setEnabled(endpoint: WebhookEndpoint, enabled: boolean): Promise<void> {
    const client = this.#client;
    if (!client || this.busy.has(endpoint.id)) return;
    this.#setBusy(endpoint.id, true);
    try {
      const updated = await unwrap(
        client.PATCH('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { path: { ...this.#path, endpointId: endpoint.id } },
          body: { enabled },
        }),
      );
      this.#replaceEndpoint(updated);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#setBusy(endpoint.id, false);
    }
  }

  async #remove(endpoint: WebhookEndpoint): Promise<void> {
    const client = this.#client;
    if (!client || this.busy.has(endpoint.id)) return;
    if (this.confirming !== endpoint.id) {
      this.confirming = endpoint.id;
      return;
    }
    this.confirming = undefined;
    this.#setBusy(endpoint.id, true);
    try {
      await unwrap(
        client.DELETE('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { path: { ...this.#path, endpointId: endpoint.id } },
        }),
      );
      this.endpoints = {
        phase: 'ready',
        items: this.endpoints.items.filter((e) => e.id !== endpoint.id),
        nextCursor: null,
      };
      if (this.openEndpoint === endpoint.id) this.openEndpoint = undefined;
      this.notice = { text: this.localize.t.removed(endpoint.url), error: false };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#endpoints-title')?.focus();
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#setBusy(endpoint.id, false);
    }
  }

  async #toggleDeliveries(endpoint: WebhookEndpoint): Promise<void> {
    if (this.openEndpoint === endpoint.id) {
      this.openEndpoint = undefined;
      return;
    }
    this.openEndpoint = endpoint.id;
    await this.#loadDeliveries(endpoint.id);
  }

  async #loadDeliveries(endpointId: string, cursor?: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (!cursor) this.deliveries = { phase: 'loading', items: [] };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/deliveries', {
          params: {
            path: { ...this.#path, endpointId },
            query: { limit: 25, ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      if (this.openEndpoint !== endpointId) return;
      const items = cursor ? [...this.deliveries.items, ...page.data] : page.data;
      this.deliveries = { phase: 'ready', items, nextCursor: page.nextCursor };
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.deliveries = { phase: 'error', items: [], error: failure };
      this.reportError(failure);
    }
  }

  async #replay(
    endpointId: string,
    body: { deliveryId: string } | { since: string },
    key: string,
  ): Promise<void> {
    const client = this.#client;
    if (!client || this.busy.has(key)) return;
    this.#setBusy(key, true);
    try {
      const { replayed } = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/webhooks/endpoints/{endpointId}/replay', {
          params: { path: { ...this.#path, endpointId } },
          body,
        }),
      );
      this.notice = { text: this.localize.t.replayed(replayed), error: false };
      this.dispatchEvent(new CrewWebhookReplayedEvent(endpointId, replayed));
      await this.#loadDeliveries(endpointId);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#setBusy(key, false);
    }
  }

  #replaySince(event: SubmitEvent, endpointId: string): void {
    event.preventDefault();
    const local = String(new FormData(event.target as HTMLFormElement).get('since') ?? '');
    if (!local) return;
    // datetime-local is the user's wall time; the API wants an instant.
    void this.#replay(endpointId, { since: new Date(local).toISOString() }, `since:${endpointId}`);
  }

  override render() {
    return html`<div part="base" class="base" dir=${this.localize.dir} aria-busy=${this.endpoints.phase === 'loading'}>
      <div class="notice ${this.notice ? 'shown' : ''} ${this.notice?.error ? 'error' : ''}" role=${this.notice?.error ? 'alert' : 'status'}>
        ${this.notice?.text ?? nothing}
      </div>
      ${this.revealed ? this.#renderSecret(this.revealed) : nothing}
      ${this.#renderEndpoints()} ${this.#client ? this.#renderAddForm() : nothing}
    </div>`;
  }

  #renderSecret(revealed: Revealed) {
    const { t } = this.localize;
    const until = revealed.endpoint.previousSecretExpiresAt;
    return html`<section part="secret" class="secret" aria-labelledby="secret-title">
      <h3 id="secret-title" tabindex="-1">${t.secretTitle}: ${revealed.endpoint.url}</h3>
      <p>${t.secretOnce}</p>
      ${until ? html`<p>${t.secretOverlap(this.localize.dateTime(until, stamp))}</p>` : nothing}
      <label>
        <span class="visually-hidden">${t.secretTitle}</span>
        <input type="text" readonly .value=${revealed.secret} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
      </label>
      <div class="actions">
        <button type="button" @click=${() => void this.#copySecret()}>${t.copy}</button>
        <span role="status">${revealed.copied ? t.copied : nothing}</span>
        <button type="button" class="primary" @click=${() => void this.#dismissSecret()}>${t.done}</button>
      </div>
    </section>`;
  }

  #renderEndpoints() {
    const { t } = this.localize;
    const list = this.endpoints;
    return html`<section aria-labelledby="endpoints-title">
      <h3 id="endpoints-title" tabindex="-1">${t.endpointsTitle}</h3>
      ${
        list.phase === 'loading' && list.items.length === 0
          ? loadingView(this.localize)
          : list.phase === 'error'
            ? errorView(this.localize, list.error, this.#client ? () => void this.refresh() : undefined)
            : list.items.length === 0
              ? emptyView(t.noEndpoints)
              : html`<ul part="endpoints" class="endpoints">
                  ${repeat(
                    list.items,
                    (e) => e.id,
                    (e) => this.#renderEndpoint(e),
                  )}
                </ul>`
      }
    </section>`;
  }

  #renderEndpoint(endpoint: WebhookEndpoint) {
    const { t } = this.localize;
    const busy = this.busy.has(endpoint.id);
    const open = this.openEndpoint === endpoint.id;
    const logId = `deliveries-${endpoint.id}`;
    return html`<li part="endpoint" class="endpoint" data-endpoint=${endpoint.id}>
      <h4 class="endpoint-url" tabindex="-1">${endpoint.url}</h4>
      ${endpoint.description ? html`<p>${endpoint.description}</p>` : nothing}
      <p>
        <span class="badge ${endpoint.enabled ? '' : 'off'}">
          ${endpoint.enabled ? t.enabled : endpoint.disabledReason ? t.disabledBecause(endpoint.disabledReason) : t.disabled}
        </span>
        ${
          endpoint.failingSince
            ? html`<span class="muted bad">${t.failingSince(this.localize.dateTime(endpoint.failingSince, stamp))}</span>`
            : nothing
        }
      </p>
      <p class="muted">${endpoint.events.map((e) => t.eventNames[e] ?? e).join(', ')}</p>
      <div class="actions">
        <button type="button" class="toggle" aria-expanded=${open} aria-controls=${logId} @click=${() => void this.#toggleDeliveries(endpoint)}>
          ${t.deliveries}
        </button>
        <button type="button" class="rotate" ?disabled=${busy} aria-label=${t.rotateFor(endpoint.url)} @click=${() => void this.#rotate(endpoint)}>
          ${t.rotate}
        </button>
        <button type="button" class="switch" ?disabled=${busy} @click=${() => void this.#setEnabled(endpoint, !endpoint.enabled)}>
          ${endpoint.enabled ? t.disable : t.enable}
        </button>
        <button type="button" class="remove" ?disabled=${busy} aria-label=${this.confirming === endpoint.id ? t.confirmRemove(endpoint.url) : t.removeFor(endpoint.url)} @click=${() => void this.#remove(endpoint)}>
          ${this.confirming === endpoint.id ? t.confirmRemove(endpoint.url) : t.remove}
        </button>
      </div>
      ${open ? this.#renderDeliveries(endpoint, logId) : nothing}
    </li>`;
  }

  #renderDeliveries(endpoint: WebhookEndpoint, id: string) {
    const { t } = this.localize;
    const list = this.deliveries;
    const sinceKey = `since:${endpoint.id}`;
    return html`<div part="deliveries" class="deliveries" id=${id} role="region" aria-label=${t.deliveriesFor(endpoint.url)}>
      <form class="actions" @submit=${(e: SubmitEvent) => this.#replaySince(e, endpoint.id)}>
        <label>
          <span>${t.replaySince}</span>
          <input type="datetime-local" name="since" required />
        </label>
        <button type="submit" ?disabled=${this.busy.has(sinceKey)}>${t.replaySinceButton}</button>
      </form>
      ${
        list.phase === 'loading'
          ? loadingView(this.localize)
          : list.phase === 'error'
            ? errorView(this.localize, list.error, () => void this.#loadDeliveries(endpoint.id))
            : list.items.length === 0
              ? emptyView(t.noDeliveries)
              : html`<div class="table-wrap"><table>
                  <caption class="visually-hidden">${t.deliveriesFor(endpoint.url)}</caption>
                  <thead><tr>
                    <th scope="col">${t.columns.event}</th>
                    <th scope="col">${t.columns.status}</th>
                    <th scope="col">${t.columns.attempts}</th>
                    <th scope="col">${t.columns.response}</th>
                    <th scope="col">${t.columns.next}</th>
                    <th scope="col">${t.columns.action}</th>
                  </tr></thead>
                  <tbody>
                    ${repeat(
                      list.items,
                      (d) => d.id,
                      (d) => this.#renderDelivery(endpoint, d),
                    )}
                  </tbody>
                </table></div>
                ${
                  list.nextCursor
                    ? html`<p><button type="button" @click=${() => void this.#loadDeliveries(endpoint.id, list.nextCursor!)}>${t.loadMore}</button></p>`
                    : nothing
                }`
      }
    </div>`;
  }

  #renderDelivery(endpoint: WebhookEndpoint, delivery: WebhookDelivery) {
    const { t } = this.localize;
    const last = delivery.attemptLog.at(-1);
    const at = this.localize.dateTime(delivery.createdAt, stamp);
    const type = t.eventNames[delivery.eventType] ?? delivery.eventType;
    const answer = !last
      ? '—'
      : last.responseStatus !== null
        ? `${last.responseStatus}${last.responseExcerpt ? ` ${last.responseExcerpt.slice(0, 80)}` : ''}`
        : t.noAnswer(last.error ?? '');
    return html`<tr class="delivery" data-delivery=${delivery.id}>
      <td>${type}<br /><small class="muted">${at}</small></td>
      <td class=${delivery.status === 'failed' ? 'bad' : ''}>${t.statuses[delivery.status]}</td>
      <td class="num">${delivery.attempts}</td>
      <td>${answer}</td>
      <td>${delivery.nextAttemptAt ? this.localize.dateTime(delivery.nextAttemptAt, stamp) : '—'}</td>
      <td>
        <button type="button" class="replay" ?disabled=${this.busy.has(delivery.id)} aria-label=${t.replayFor(type, at)}
          @click=${() => void this.#replay(endpoint.id, { deliveryId: delivery.id }, delivery.id)}>
          ${t.replay}
        </button>
      </td>
    </tr>`;
  }

  #renderAddForm() {
    const { t } = this.localize;
    const adding = this.busy.has('add');
    return html`<section aria-labelledby="add-title">
      <h3 id="add-title">${t.addTitle}</h3>
      <form part="add-form" @submit=${(e: SubmitEvent) => void this.#add(e)} novalidate>
        <label>
          <span>${t.url}</span>
          <input type="url" name="url" required placeholder="https://erp.example.com/webhooks" aria-describedby="url-hint" />
          <small id="url-hint" class="muted">${t.urlHint}</small>
        </label>
        <label>
          <span>${t.description}</span>
          <input type="text" name="description" maxlength="500" />
        </label>
        <fieldset>
          <legend>${t.eventsLegend}</legend>
          ${webhookEventTypes.map(
            (type) =>
              html`<label><input type="checkbox" name="events" value=${type} /> ${t.eventNames[type]}</label>`,
          )}
        </fieldset>
        <p class="field-error" role="alert">${this.formError ?? nothing}</p>
        <div class="actions">
          <button type="submit" class="primary" part="primary-button" ?disabled=${adding}>${adding ? t.adding : t.add}</button>
        </div>
      </form>
    </section>`;
  }
}
