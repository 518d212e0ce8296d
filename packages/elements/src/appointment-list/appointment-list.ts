import type { Crewkit, components } from '@crewkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { collectAll, ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LiveEventsController } from '../shared/live-events.js';
import { LocalizeController } from '../shared/localize.js';
import { isQualified } from '../shared/qualification.js';
import { refusalOf } from '../shared/refusal.js';
import { siteLine } from '../shared/site.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { isTimeZone, startOfDayIn } from '../shared/time-zone.js';
import { appointmentListStyles } from './appointment-list.styles.js';
import { type AppointmentListItem, CrewAppointmentSelectedEvent } from './events.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { type AppointmentStatus, appointmentStatuses, assignableStatuses, nextStatuses } from './workflow.js';

type Sort = 'start' | '-start' | 'created' | '-created';

interface Filters {
  q: string;
  status: AppointmentStatus | '';
  technicianId: string;
  /** `YYYY-MM-DD` in the list's zone (`timezone`, else the browser's), inclusive. */
  from: string;
  to: string;
}

const noFilters: Filters = { q: '', status: '', technicianId: '', from: '', to: '' };

/** A change waiting for the user to confirm it in the dialog. */
type PendingAction =
  | { kind: 'status'; appointment: AppointmentListItem; status: AppointmentStatus }
  | { kind: 'assign'; appointment: AppointmentListItem; technicianId: string };

type Technician = Pick<components['schemas']['Technician'], 'id' | 'name'> &
  Partial<Pick<components['schemas']['Technician'], 'skills' | 'certifications' | 'timeZone'>>;
type ServiceItem = Pick<components['schemas']['ServiceItem'], 'id' | 'name'> &
  Partial<Pick<components['schemas']['ServiceItem'], 'requiredSkills'>>;

const searchDelayMs = 300;
const maxPageSize = 100;

/**
 * The appointments of an organization for an ERP or back office: server-side filters, sort and cursor
 * pagination, status badges, and the row actions the workflow allows (change status, reassign),
 * each confirmed first, shown at once and rolled back if the server refuses.
 *
 * Keyboard: Tab reaches the current row; ↑/↓, Home/End and Page Up/Down move between rows;
 * Enter or Space opens the appointment; Tab from a row reaches its actions.
 *
 * @tagname crew-appointment-list
 * @summary A paginated, filterable list of appointments with workflow actions.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token; for tokens that expire, set `getAccessToken` instead.
 * @attr page-size - Appointments per page (1–100, default 25).
 * @attr timezone - IANA zone, e.g. `Australia/Sydney`, to show times in and to read the From/To
 *   dates in; defaults to the browser's. An unknown zone is ignored.
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the user's setting.
 *
 * It follows the organization's live event stream (`streamEvents`): appointments changed elsewhere
 * are refreshed in place.
 *
 * @event crew-ready - The first page is shown.
 * @event crew-appointment-selected - An appointment was opened; `event.appointment` is the row.
 * @event crew-error - A call failed; `event.error.code` says why. A refused change is rolled back.
 *
 * @csspart base - The element's frame.
 * @csspart toolbar - The filters and the refresh button.
 * @csspart scroller - The scrolling box around the table.
 * @csspart table - The table.
 * @csspart row - An appointment's row (`row selected` for the selected one).
 * @csspart site - The visit's site address under its customer.
 * @csspart badge - A status badge; also `badge-<status>`, e.g. `badge-cancelled`.
 * @csspart dialog - The confirmation dialog.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-appointment-list-max-height=32rem] - Height after which the table scrolls.
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, links, focus ring, sort marks.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewAppointmentList extends StaffElement {
  static override styles = [...StaffElement.styles, appointmentListStyles];

  static override properties = {
    ...StaffElement.properties,
    pageSize: { attribute: 'page-size', type: Number },
    timezone: {},
    appointments: { state: true },
    nextCursor: { state: true },
    phase: { state: true },
    loadingMore: { state: true },
    refreshing: { state: true },
    loadError: { state: true },
    filters: { state: true },
    sort: { state: true },
    technicians: { state: true },
    services: { state: true },
    activeIndex: { state: true },
    selectedId: { state: true },
    pendingAction: { state: true },
    savingIds: { state: true },
    notice: { state: true },
  };

  /** Appointments per page. */
  declare pageSize: number;
  /** IANA zone for times and the date filter; unset (or unknown) means the browser's. */
  declare timezone: string | undefined;

  /** The search box's typing pause is timed on this clock; tests pass a manual one. */
  clock: Clock = systemClock;

  declare private appointments: AppointmentListItem[];
  declare private nextCursor: string | null;
  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadingMore: boolean;
  declare private refreshing: boolean;
  declare private loadError: ElementError | undefined;
  declare private filters: Filters;
  declare private sort: Sort;
  declare private technicians: Technician[];
  declare private services: Map<string, ServiceItem>;
  declare private activeIndex: number;
  declare private selectedId: string | undefined;
  declare private pendingAction: PendingAction | undefined;
  declare private savingIds: ReadonlySet<string>;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });
  /** Changes made elsewhere (a colleague, the booking widget, the board) show without a click on Refresh. */
  readonly #live = new LiveEventsController(this, {
    prefixes: ['appointment.', 'customer.'],
    onChange: () => this.refresh(),
  });

  #client: Crewkit | undefined;
  #listRequest: AbortController | undefined;
  #searchTimer: unknown;
  #focusActiveRow = false;
  #announcedReady = false;

  constructor() {
    super();
    this.pageSize = 25;
    this.appointments = [];
    this.nextCursor = null;
    this.phase = 'loading';
    this.loadingMore = false;
    this.refreshing = false;
    this.filters = noFilters;
    this.sort = 'start';
    this.technicians = [];
    this.services = new Map();
    this.activeIndex = 0;
    this.savingIds = new Set();
  }

  /** Loads the appointments again, keeping as many rows as are shown and the scroll position. */
  async refresh(): Promise<void> {
    if (this.phase !== 'ready') return this.#loadFirstPage();
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroller');
    const scrollTop = scroller?.scrollTop ?? 0;
    this.refreshing = true;
    try {
      const wanted = Math.max(this.appointments.length, this.#pageSize);
      const { appointments, nextCursor } = await this.#fetchAppointments(wanted);
      this.appointments = appointments;
      this.nextCursor = nextCursor;
      this.activeIndex = Math.min(this.activeIndex, Math.max(0, appointments.length - 1));
      await this.updateComplete;
      if (scroller) scroller.scrollTop = scrollTop;
    } catch (error) {
      if (!isAbort(error)) this.#showNotice(toElementError(error));
    } finally {
      this.refreshing = false;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listRequest?.abort();
    this.clock.clearTimeout(this.#searchTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The same From/To days are other instants in another zone.
    if (changed.has('timezone') && (this.filters.from || this.filters.to)) void this.#loadFirstPage();
  }

  protected override updated(): void {
    if (this.#focusActiveRow) {
      this.#focusActiveRow = false;
      this.renderRoot.querySelector<HTMLElement>(`tbody tr[data-index="${this.activeIndex}"]`)?.focus();
    }
  }

  get #pageSize(): number {
    const size = Math.trunc(Number(this.pageSize));
    return Number.isFinite(size) ? Math.min(Math.max(size, 1), maxPageSize) : 25;
  }

  protected override connect(client: Crewkit): void {
    this.#client = client;
    this.#live.follow(client);
    void this.#loadLookups();
    void this.#loadFirstPage();
  }

  protected override connectFailed(error: ElementError): void {
    this.#client = undefined;
    this.#live.follow(undefined);
    this.#fail(error);
  }

  /**
   * Technicians and services for the rows, filters and the reassign menu: every page of them, as an
   * organization may well have more than one page. Optional: a technician may not list them.
   */
  async #loadLookups(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const [technicians, services] = await Promise.allSettled([
      collectAll<Technician>(client.technicians.list({ limit: maxPageSize, active: true })),
      collectAll<ServiceItem>(client.services.items.list({ limit: maxPageSize })),
    ]);
    if (client !== this.#client) return;
    if (technicians.status === 'fulfilled') {
      this.technicians = technicians.value.sort((a, b) => a.name.localeCompare(b.name, this.localize.lang));
    }
    if (services.status === 'fulfilled') {
      this.services = new Map(services.value.map((item) => [item.id, item]));
    }
  }

  async #loadFirstPage(): Promise<void> {
    if (!this.#client) return;
    this.phase = 'loading';
    this.loadError = undefined;
    try {
      const { appointments, nextCursor } = await this.#fetchAppointments(this.#pageSize);
      this.appointments = appointments;
      this.nextCursor = nextCursor;
      this.activeIndex = 0;
      this.phase = 'ready';
      if (!this.#announcedReady) {
        this.#announcedReady = true;
        await this.updateComplete;
        this.dispatchEvent(new CrewReadyEvent());
      }
    } catch (error) {
      if (!isAbort(error)) this.#fail(toElementError(error));
    }
  }

  async #loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const { appointments, nextCursor } = await this.#fetchAppointments(this.#pageSize, this.nextCursor);
      const known = new Set(this.appointments.map((appointment) => appointment.id));
      this.appointments = [
        ...this.appointments,
        ...appointments.filter((appointment) => !known.has(appointment.id)),
      ];
      this.nextCursor = nextCursor;
    } catch (error) {
      if (!isAbort(error)) this.#showNotice(toElementError(error));
    } finally {
      this.loadingMore = false;
    }
  }

  /** `count` appointments from the start (or after `cursor`), over several pages when more than one page is wanted. */
  async #fetchAppointments(
    count: number,
    cursor?: string,
  ): Promise<{ appointments: AppointmentListItem[]; nextCursor: string | null }> {
    const client = this.#client;
    if (!client) throw new ElementError('misconfigured');
    // A newer list request (a filter typed meanwhile) makes this one moot.
    this.#listRequest?.abort();
    const request = new AbortController();
    this.#listRequest = request;
    const appointments: AppointmentListItem[] = [];
    let next: string | null | undefined = cursor;
    do {
      const page: { data: AppointmentListItem[]; nextCursor: string | null } = await unwrap(
        client.appointments.list({
          ...this.#query(),
          limit: Math.min(maxPageSize, count - appointments.length),
          ...(next ? { cursor: next } : {}),
          signal: request.signal,
        }),
      );
      appointments.push(...page.data);
      next = page.nextCursor;
    } while (next && appointments.length < count);
    return { appointments, nextCursor: next ?? null };
  }

  #query() {
    const { q, status, technicianId, from, to } = this.filters;
    return {
      sort: this.sort,
      ...(q.trim() ? { q: q.trim() } : {}),
      ...(status ? { status: [status] } : {}),
      ...(technicianId ? { technicianId } : {}),
      ...(from ? { from: startOfDayIn(from, this.#zone).toISOString() } : {}),
      // The "to" day is included, so the range ends at the start of the day after it.
      ...(to ? { to: startOfDayIn(to, this.#zone, 1).toISOString() } : {}),
    };
  }

  #fail(error: ElementError): void {
    this.loadError = error;
    this.phase = 'error';
    this.reportError(error);
  }

  #showNotice(error: ElementError, prefix?: string): void {
    const message = this.localize.error(error.code);
    this.notice = { text: prefix ? `${prefix} ${message}` : message, error: true };
    this.reportError(error);
  }

  #setFilter(patch: Partial<Filters>, immediately = true): void {
    this.filters = { ...this.filters, ...patch };
    this.clock.clearTimeout(this.#searchTimer);
    if (immediately) void this.#loadFirstPage();
    else this.#searchTimer = this.clock.setTimeout(() => void this.#loadFirstPage(), searchDelayMs);
  }

  #toggleSort(column: 'start' | 'created'): void {
    this.sort = this.sort === column ? (`-${column}` as Sort) : column;
    void this.#loadFirstPage();
  }

  #select(appointment: AppointmentListItem, index: number): void {
    this.activeIndex = index;
    this.selectedId = appointment.id;
    this.dispatchEvent(new CrewAppointmentSelectedEvent(appointment));
  }

  #onRowClick(event: MouseEvent, appointment: AppointmentListItem, index: number): void {
    // Using a row's action controls is not opening the appointment.
    if ((event.target as Element).closest('.actions')) {
      this.activeIndex = index;
      return;
    }
    this.#select(appointment, index);
  }

  #onRowKeydown(event: KeyboardEvent, appointment: AppointmentListItem, index: number): void {
    // Arrow keys inside a select belong to the select.
    if (event.target !== event.currentTarget) return;
    const last = this.appointments.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: last,
      PageDown: index + 10,
      PageUp: index - 10,
    };
    if (event.key in moves) {
      event.preventDefault();
      this.activeIndex = Math.min(Math.max(moves[event.key]!, 0), last);
      this.#focusActiveRow = true;
      // Reaching the last row is the moment to fetch more, as a scrolling user would expect.
      if (this.activeIndex === last && event.key === 'ArrowDown') void this.#loadMore();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.#select(appointment, index);
    }
  }

  #ask(action: PendingAction): void {
    this.pendingAction = action;
    this.notice = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector('dialog')?.showModal());
  }

  #closeDialog(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  #onDialogClose(): void {
    this.pendingAction = undefined;
    this.#focusActiveRow = true;
    this.requestUpdate();
  }

  async #confirm(): Promise<void> {
    const action = this.pendingAction;
    this.#closeDialog();
    if (!action || !this.#client) return;
    const { appointment } = action;
    const optimistic: AppointmentListItem =
      action.kind === 'status'
        ? { ...appointment, status: action.status, allowedTransitions: [] }
        : { ...appointment, technicianId: action.technicianId };
    this.#replaceAppointment(appointment.id, optimistic);
    this.savingIds = new Set([...this.savingIds, appointment.id]);
    this.notice = { text: this.localize.t.saving, error: false };
    try {
      const updated =
        action.kind === 'status'
          ? await unwrap(this.#client.appointments.changeStatus(appointment.id, { status: action.status }))
          : await unwrap(
              this.#client.appointments.assignTechnician(appointment.id, {
                technicianId: action.technicianId,
              }),
            );
      this.#replaceAppointment(appointment.id, {
        ...appointment,
        ...updated,
        allowedTransitions: [...nextStatuses[updated.status]],
      });
      this.notice = { text: this.localize.t.saved(appointment.reference), error: false };
    } catch (error) {
      // Put back what the server still has; the message says why the change did not happen.
      this.#replaceAppointment(appointment.id, appointment);
      const failure = toElementError(error);
      const refusal = action.kind === 'assign' ? this.#refusalText(failure, action.technicianId) : undefined;
      if (refusal) {
        this.notice = { text: `${this.localize.t.undone(appointment.reference)} ${refusal}`, error: true };
        this.reportError(failure);
      } else {
        this.#showNotice(failure, this.localize.t.undone(appointment.reference));
      }
    } finally {
      const saving = new Set(this.savingIds);
      saving.delete(appointment.id);
      this.savingIds = saving;
    }
  }

  /**
   * The server's own reason for refusing a technician (and the nearest times it could take instead),
   * rather than the booking widget's "this time has just been taken", which is rarely why.
   */
  #refusalText(error: ElementError, technicianId: string): string | undefined {
    const refusal = refusalOf(error);
    if (!refusal) return undefined;
    const { t } = this.localize;
    const name = this.#technicianName(technicianId);
    const reason = t.refused[refusal.reason as keyof typeof t.refused] ?? t.refused.other;
    const times = refusal.alternatives.map((start) =>
      this.localize.dateTime(start, { dateStyle: 'medium', timeStyle: 'short', timeZone: this.#zone }),
    );
    return [reason(name), times.length > 0 ? t.alternatives(times.join(', ')) : ''].join(' ').trim();
  }

  /** The technicians the server would accept for an appointment: qualified for its service that day. */
  #qualifiedFor(appointment: AppointmentListItem): Technician[] {
    const required = this.services.get(appointment.serviceItemId)?.requiredSkills;
    return this.technicians.filter((tech) => {
      if (tech.id === appointment.technicianId) return false;
      const zone = tech.timeZone && isTimeZone(tech.timeZone) ? tech.timeZone : this.#zone;
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(appointment.start));
      return isQualified(tech, required, day);
    });
  }

  #replaceAppointment(id: string, appointment: AppointmentListItem): void {
    this.appointments = this.appointments.map((existing) => (existing.id === id ? appointment : existing));
  }

  override render() {
    const { t } = this.localize;
    return html`<section part="base" dir=${this.localize.dir} aria-busy=${this.phase === 'loading' || this.refreshing}>
      ${this.#renderToolbar()}
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
                this.#client ? () => void this.#loadFirstPage() : undefined,
              )
            : this.appointments.length === 0
              ? html`${emptyView(isFiltered(this.filters) ? t.empty : t.emptyAtAll)}
                ${
                  isFiltered(this.filters)
                    ? html`<p class="centered">
                        <button type="button" class="link" @click=${() => this.#setFilter(noFilters)}>
                          ${t.clearFilters}
                        </button>
                      </p>`
                    : nothing
                }`
              : this.#renderTable()
      }
      ${this.#renderDialog()}
    </section>`;
  }

  #renderToolbar() {
    const { t } = this.localize;
    const f = this.filters;
    return html`<form part="toolbar" class="toolbar" role="search" @submit=${(e: Event) => e.preventDefault()}>
      <label class="field search">
        <span>${t.search}</span>
        <input
          type="search"
          name="q"
          .value=${f.q}
          placeholder=${t.searchPlaceholder}
          maxlength="200"
          @input=${(e: Event) => this.#setFilter({ q: (e.target as HTMLInputElement).value }, false)}
        />
      </label>
      <label class="field">
        <span>${t.columns.status}</span>
        <select
          name="status"
          .value=${f.status}
          @change=${(e: Event) => this.#setFilter({ status: (e.target as HTMLSelectElement).value as AppointmentStatus | '' })}
        >
          <option value="" ?selected=${f.status === ''}>${t.anyStatus}</option>
          ${appointmentStatuses.map((status) => html`<option value=${status} ?selected=${f.status === status}>${t.status[status]}</option>`)}
        </select>
      </label>
      ${
        this.technicians.length > 0
          ? html`<label class="field">
              <span>${t.technician}</span>
              <select
                name="technicianId"
                .value=${f.technicianId}
                @change=${(e: Event) => this.#setFilter({ technicianId: (e.target as HTMLSelectElement).value })}
              >
                <option value="" ?selected=${f.technicianId === ''}>${t.anyTechnician}</option>
                ${this.technicians.map((tech) => html`<option value=${tech.id} ?selected=${f.technicianId === tech.id}>${tech.name}</option>`)}
              </select>
            </label>`
          : nothing
      }
      <label class="field">
        <span>${t.from}</span>
        <input
          type="date"
          name="from"
          .value=${f.from}
          @change=${(e: Event) => this.#setFilter({ from: (e.target as HTMLInputElement).value })}
        />
      </label>
      <label class="field">
        <span>${t.to}</span>
        <input
          type="date"
          name="to"
          .value=${f.to}
          min=${f.from || nothing}
          @change=${(e: Event) => this.#setFilter({ to: (e.target as HTMLInputElement).value })}
        />
      </label>
      <div class="toolbar-actions">
        ${
          isFiltered(f)
            ? html`<button type="button" class="link" @click=${() => this.#setFilter(noFilters)}>${t.clearFilters}</button>`
            : nothing
        }
        <button type="button" class="refresh" ?disabled=${this.refreshing || !this.#client} @click=${() => void this.refresh()}>
          ${t.refresh}
        </button>
      </div>
    </form>`;
  }

  #renderTable() {
    const { t } = this.localize;
    const sortedBy = (column: 'start' | 'created') =>
      this.sort === column ? 'ascending' : this.sort === `-${column}` ? 'descending' : 'none';
    const whenSort = sortedBy('start');
    return html`<div class="scroller" part="scroller">
        <table part="table" role="grid" aria-label=${t.title} aria-rowcount=${this.nextCursor ? -1 : this.appointments.length + 1}>
          <thead>
            <tr>
              <th scope="col" aria-sort=${whenSort}>
                <button type="button" class="sort" @click=${() => this.#toggleSort('start')}>
                  ${t.columns.when}
                  <span aria-hidden="true">${whenSort === 'ascending' ? '▲' : whenSort === 'descending' ? '▼' : ''}</span>
                  ${
                    whenSort === 'none'
                      ? nothing
                      : html`<span class="visually-hidden">, ${whenSort === 'ascending' ? t.sortedAscending : t.sortedDescending}</span>`
                  }
                </button>
              </th>
              <th scope="col">${t.columns.reference}</th>
              <th scope="col">${t.columns.customer}</th>
              <th scope="col">${t.columns.service}</th>
              <th scope="col">${t.columns.technician}</th>
              <th scope="col">${t.columns.status}</th>
              <th scope="col">${t.columns.actions}</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              this.appointments,
              (appointment) => appointment.id,
              (appointment, index) => this.#renderRow(appointment, index),
            )}
          </tbody>
        </table>
      </div>
      <div class="footer">
        <span role="status">${t.shown(this.appointments.length)}</span>
        ${
          this.nextCursor
            ? html`<button type="button" ?disabled=${this.loadingMore} @click=${() => void this.#loadMore()}>
                ${this.loadingMore ? this.localize.common.loading : t.loadMore}
              </button>`
            : nothing
        }
      </div>`;
  }

  #renderRow(appointment: AppointmentListItem, index: number) {
    const { t } = this.localize;
    const active = index === this.activeIndex;
    const selected = appointment.id === this.selectedId;
    const saving = this.savingIds.has(appointment.id);
    const technicianName = this.#technicianName(appointment.technicianId);
    const tabIndex = active ? 0 : -1;
    const candidates =
      assignableStatuses.includes(appointment.status) && !saving ? this.#qualifiedFor(appointment) : [];
    const canAssign = candidates.length > 0;
    return html`<tr
      part=${selected ? 'row selected' : 'row'}
      data-index=${index}
      tabindex=${tabIndex}
      aria-selected=${selected}
      aria-busy=${saving}
      aria-label=${t.rowLabel(appointment.reference, appointment.customer.name)}
      @click=${(e: MouseEvent) => this.#onRowClick(e, appointment, index)}
      @keydown=${(e: KeyboardEvent) => this.#onRowKeydown(e, appointment, index)}
      @focus=${() => {
        this.activeIndex = index;
      }}
    >
      <td class="when">
        <time datetime=${appointment.start}>${this.localize.dateTime(appointment.start, { dateStyle: 'medium', timeStyle: 'short', timeZone: this.#zone })}</time>
      </td>
      <td class="reference">${appointment.reference}</td>
      <td>
        <div class="customer">
          <span>${appointment.customer.name}</span>
          ${appointment.customer.email ? html`<small>${appointment.customer.email}</small>` : nothing}
          ${siteLine(appointment.siteAddress) ? html`<small part="site">${siteLine(appointment.siteAddress)}</small>` : nothing}
        </div>
      </td>
      <td>${this.services.get(appointment.serviceItemId)?.name ?? t.unknownService}</td>
      <td>${technicianName}</td>
      <td>
        <span class="badge" part="badge badge-${appointment.status}" data-status=${appointment.status}>${t.status[appointment.status]}</span>
      </td>
      <td class="actions">
        ${
          appointment.allowedTransitions.length > 0 && !saving
            ? html`<select
                tabindex=${tabIndex}
                aria-label=${t.changeStatusFor(appointment.reference)}
                @change=${(e: Event) => {
                  const select = e.target as HTMLSelectElement;
                  const status = select.value as AppointmentStatus;
                  select.value = '';
                  if (status) this.#ask({ kind: 'status', appointment, status });
                }}
              >
                <option value="" selected>${t.changeStatus}</option>
                ${appointment.allowedTransitions.map((status) => html`<option value=${status}>${t.status[status]}</option>`)}
              </select>`
            : html`<span class="muted">${saving ? t.saving : t.noActions}</span>`
        }
        ${
          canAssign
            ? html`<select
                tabindex=${tabIndex}
                aria-label=${t.assignFor(appointment.reference)}
                @change=${(e: Event) => {
                  const select = e.target as HTMLSelectElement;
                  const technicianId = select.value;
                  select.value = '';
                  if (technicianId) this.#ask({ kind: 'assign', appointment, technicianId });
                }}
              >
                <option value="" selected>${t.assign}</option>
                ${candidates.map((tech) => html`<option value=${tech.id}>${tech.name}</option>`)}
              </select>`
            : nothing
        }
      </td>
    </tr>`;
  }

  #renderDialog() {
    const { t } = this.localize;
    const action = this.pendingAction;
    let title = '';
    let question = '';
    if (action?.kind === 'status') {
      title = t.confirmStatusTitle;
      question = t.confirmStatus(
        action.appointment.reference,
        t.status[action.appointment.status],
        t.status[action.status],
      );
    } else if (action?.kind === 'assign') {
      title = t.confirmAssignTitle;
      question = t.confirmAssign(action.appointment.reference, this.#technicianName(action.technicianId));
    }
    return html`<dialog part="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-question" @close=${() => this.#onDialogClose()}>
      <h2 id="confirm-title">${title}</h2>
      <p id="confirm-question">${question}</p>
      <div class="dialog-actions">
        <button type="button" @click=${() => this.#closeDialog()}>${t.cancel}</button>
        <button type="button" class="primary" autofocus @click=${() => void this.#confirm()}>${t.confirm}</button>
      </div>
    </dialog>`;
  }

  /** The zone times are shown and dates read in: `timezone` when the browser knows it. */
  get #zone(): string {
    const zone = this.timezone;
    return zone && isTimeZone(zone) ? zone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  #technicianName(id: string | null | undefined): string {
    return this.technicians.find((tech) => tech.id === id)?.name ?? this.localize.t.unknownTechnician;
  }
}

function isFiltered(filters: Filters): boolean {
  return Object.values(filters).some((value) => value !== '');
}
