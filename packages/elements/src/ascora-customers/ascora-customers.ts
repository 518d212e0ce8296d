import type { Crewkit, components } from '@crewkit/sdk';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { CrewAscoraRecordSyncedEvent } from './events.js';
import { describe, linkBadge, linkStyles, syncRecord } from './link.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Customer = components['schemas']['Customer'];
type Way = 'push' | 'pull';

const maxPageSize = 100;

/**
 * Each customer's link to Ascora, for an admin page: linked, changed here and not sent yet, in
 * conflict (both sides changed), or failed with the reason — and a button per customer to send it
 * to Ascora now or fetch Ascora's version now. Sending keeps Crewkit's side, fetching takes
 * Ascora's: either settles the customer's open conflict that way (to settle field by field, use
 * `<crew-ascora-sync>`).
 *
 * @tagname crew-ascora-customers
 * @summary Customers' Ascora link state, with push and pull per customer.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token (owner, admin or dispatcher); for tokens that expire, set `getAccessToken` instead.
 * @attr page-size - Customers per page (1–100, default 25).
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the user's setting.
 *
 * @event crew-ready - The customers are shown.
 * @event crew-ascora-record-synced - A customer was sent or fetched; `event.record.ascora` is its new link.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart table - The customers table.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Conflicts and failures.
 * @cssproperty [--crew-color-success=#067647] - Linked customers.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewAscoraCustomers extends StaffElement {
  static override styles = [...StaffElement.styles, linkStyles];

  static override properties = {
    ...StaffElement.properties,
    pageSize: { attribute: 'page-size', type: Number },
    phase: { state: true },
    customers: { state: true },
    nextCursor: { state: true },
    busy: { state: true },
    rowMessages: { state: true },
    notice: { state: true },
    failure: { state: true },
  };

  /** Customers per page. */
  declare pageSize: number;

  declare private phase: 'loading' | 'ready' | 'error';
  declare private customers: Customer[];
  declare private nextCursor: string | null;
  /** Customers being pushed or pulled, by id. */
  declare private busy: ReadonlyMap<string, Way>;
  declare private rowMessages: ReadonlyMap<string, string>;
  declare private notice: string | undefined;
  declare private failure: ElementError | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #announcedReady = false;

  constructor() {
    super();
    this.pageSize = 25;
    this.phase = 'loading';
    this.customers = [];
    this.nextCursor = null;
    this.busy = new Map();
    this.rowMessages = new Map();
  }

  /** Loads the customers again from the first page. */
  refresh(): Promise<void> {
    return this.#load();
  }

  get #limit(): number {
    const size = Math.trunc(Number(this.pageSize));
    return Number.isFinite(size) ? Math.min(Math.max(size, 1), maxPageSize) : 25;
  }

  protected override connectFailed(failure: ElementError): void {
    this.#client = undefined;
    this.phase = 'error';
    this.failure = failure;
    this.reportError(failure);
  }

  protected override connect(client: Crewkit, orgId: string): void {
    this.#client = client;
    this.#org = orgId;
    void this.#load().then(async () => {
      if (this.#announcedReady || this.phase !== 'ready') return;
      this.#announcedReady = true;
      await this.updateComplete;
      this.dispatchEvent(new CrewReadyEvent());
    });
  }

  async #load(cursor?: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (!cursor) this.phase = 'loading';
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/customers', {
          params: {
            path: { orgId: this.#org },
            query: { limit: this.#limit, ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      this.customers = cursor ? [...this.customers, ...page.data] : page.data;
      this.nextCursor = page.nextCursor;
      this.phase = 'ready';
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      if (cursor) this.notice = this.localize.error(failure.code);
      else {
        this.phase = 'error';
        this.failure = failure;
      }
      this.reportError(failure);
    }
  }

  async #sync(customer: Customer, way: Way): Promise<void> {
    const client = this.#client;
    if (!client || this.busy.has(customer.id)) return;
    const { t } = this.localize;
    this.busy = new Map(this.busy).set(customer.id, way);
    this.#setRowMessage(customer.id, undefined);
    this.notice = undefined;
    try {
      const record = await syncRecord(client, this.#org, way, 'customer', customer.id);
      let current: Customer = { ...customer, ascora: record.ascora };
      if (way === 'pull') {
        // Fetching may have changed the name or the email shown: read the customer as it is now.
        current = await unwrap(
          client.GET('/api/v1/organizations/{orgId}/customers/{customerId}', {
            params: { path: { orgId: this.#org, customerId: customer.id } },
          }),
        );
      }
      this.customers = this.customers.map((c) => (c.id === customer.id ? current : c));
      this.notice = way === 'push' ? t.pushed(current.name) : t.pulled(current.name);
      this.dispatchEvent(new CrewAscoraRecordSyncedEvent(way, record));
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.#setRowMessage(customer.id, describe(this.localize.error(failure.code), failure));
      this.reportError(failure);
    } finally {
      const busy = new Map(this.busy);
      busy.delete(customer.id);
      this.busy = busy;
    }
  }

  #setRowMessage(id: string, message: string | undefined): void {
    const messages = new Map(this.rowMessages);
    if (message) messages.set(id, message);
    else messages.delete(id);
    this.rowMessages = messages;
  }

  #when = (iso: string) => this.localize.dateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });

  override render() {
    const { t } = this.localize;
    const attention = this.customers.filter(
      (c) => c.ascora?.state === 'conflict' || c.ascora?.state === 'error',
    ).length;
    return html`<div part="base" class="base" dir=${this.localize.dir} aria-busy=${this.phase === 'loading'}>
      <header class="section-head">
        <h3 id="title">${t.title}${attention > 0 ? html` <small class="link-error">(${t.attention(attention)})</small>` : nothing}</h3>
        <button type="button" ?disabled=${!this.#client || this.phase === 'loading'} @click=${() => void this.refresh()}>${t.refresh}</button>
      </header>
      <div class="notice ${this.notice ? 'shown' : ''}" role="status">${this.notice ?? nothing}</div>
      ${
        this.phase === 'loading'
          ? loadingView(this.localize)
          : this.phase === 'error' && this.failure
            ? errorView(this.localize, this.failure, this.#client ? () => void this.refresh() : undefined)
            : this.customers.length === 0
              ? emptyView(t.noCustomers)
              : this.#renderTable()
      }
    </div>`;
  }

  #renderTable() {
    const { t } = this.localize;
    return html`<div class="scroller">
        <table part="table" aria-labelledby="title">
          <thead>
            <tr>
              <th scope="col">${t.columns.customer}</th>
              <th scope="col">${t.columns.state}</th>
              <th scope="col">${t.columns.actions}</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              this.customers,
              (c) => c.id,
              (c) => this.#renderRow(c),
            )}
          </tbody>
        </table>
      </div>
      ${
        this.nextCursor
          ? html`<p><button type="button" @click=${() => void this.#load(this.nextCursor!)}>${t.loadMore}</button></p>`
          : nothing
      }`;
  }

  #renderRow(customer: Customer) {
    const { t } = this.localize;
    const busy = this.busy.get(customer.id);
    const message = this.rowMessages.get(customer.id);
    return html`<tr data-customer=${customer.id} aria-busy=${!!busy}>
      <th scope="row">
        ${customer.name}
        ${customer.email ? html`<small class="muted">${customer.email}</small>` : nothing}
      </th>
      <td>${linkBadge(t, customer.ascora, this.#when)}</td>
      <td>
        <div class="actions">
          <button type="button" class="push" ?disabled=${!!busy} @click=${() => void this.#sync(customer, 'push')}>
            ${busy === 'push' ? t.pushing : t.push}<span class="visually-hidden"> (${customer.name})</span>
          </button>
          ${
            customer.ascora?.ascoraId
              ? html`<button type="button" class="pull" ?disabled=${!!busy} @click=${() => void this.#sync(customer, 'pull')}>
                  ${busy === 'pull' ? t.pulling : t.pull}<span class="visually-hidden"> (${customer.name})</span>
                </button>`
              : nothing
          }
        </div>
        ${message ? html`<small class="row-message" role="alert">${message}</small>` : nothing}
      </td>
    </tr>`;
  }
}
