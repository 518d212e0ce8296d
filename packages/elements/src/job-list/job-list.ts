import type { Crewkit } from '@crewkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { isTimeZone, startOfDayIn } from '../shared/time-zone.js';
import { CrewJobSelectedEvent, type Job } from './events.js';
import { jobListStyles } from './job-list.styles.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { assignableStatuses, type JobStatus, jobStatuses, nextStatuses } from './workflow.js';

type Sort = 'start' | '-start' | 'created' | '-created';

interface Filters {
  q: string;
  status: JobStatus | '';
  technicianId: string;
  /** `YYYY-MM-DD` in the list's zone (`timezone`, else the browser's), inclusive. */
  from: string;
  to: string;
}

const noFilters: Filters = { q: '', status: '', technicianId: '', from: '', to: '' };

/** A change waiting for the user to confirm it in the dialog. */
type PendingAction =
  | { kind: 'status'; job: Job; status: JobStatus }
  | { kind: 'assign'; job: Job; technicianId: string };

const searchDelayMs = 300;
const maxPageSize = 100;

/**
 * The jobs of an organization for an ERP or back office: server-side filters, sort and cursor
 * pagination, status badges, and the row actions the workflow allows (change status, reassign),
 * each confirmed first, shown at once and rolled back if the server refuses.
 *
 * Keyboard: Tab reaches the current row; ↑/↓, Home/End and Page Up/Down move between rows;
 * Enter or Space opens the job; Tab from a row reaches its actions.
 *
 * @tagname crew-job-list
 * @summary A paginated, filterable list of jobs with workflow actions.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token; for tokens that expire, set `getAccessToken` instead.
 * @attr page-size - Jobs per page (1–100, default 25).
 * @attr timezone - IANA zone, e.g. `Australia/Sydney`, to show times in and to read the From/To
 *   dates in; defaults to the browser's. An unknown zone is ignored.
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` or `dark` forces a scheme; unset follows the user's setting.
 *
 * @event crew-ready - The first page is shown.
 * @event crew-job-selected - A job was opened; `event.job` is the row.
 * @event crew-error - A call failed; `event.error.code` says why. A refused change is rolled back.
 *
 * @csspart base - The element's frame.
 * @csspart toolbar - The filters and the refresh button.
 * @csspart scroller - The scrolling box around the table.
 * @csspart table - The table.
 * @csspart row - A job's row (`row selected` for the selected one).
 * @csspart badge - A status badge; also `badge-<status>`, e.g. `badge-cancelled`.
 * @csspart dialog - The confirmation dialog.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-job-list-max-height=32rem] - Height after which the table scrolls.
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, links, focus ring, sort marks.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewJobList extends StaffElement {
  static override styles = [...StaffElement.styles, jobListStyles];

  static override properties = {
    ...StaffElement.properties,
    pageSize: { attribute: 'page-size', type: Number },
    timezone: {},
    jobs: { state: true },
    nextCursor: { state: true },
    phase: { state: true },
    loadingMore: { state: true },
    refreshing: { state: true },
    loadError: { state: true },
    filters: { state: true },
    sort: { state: true },
    technicians: { state: true },
    serviceNames: { state: true },
    activeIndex: { state: true },
    selectedId: { state: true },
    pendingAction: { state: true },
    savingIds: { state: true },
    notice: { state: true },
  };

  /** Jobs per page. */
  declare pageSize: number;
  /** IANA zone for times and the date filter; unset (or unknown) means the browser's. */
  declare timezone: string | undefined;

  /** The search box's typing pause is timed on this clock; tests pass a manual one. */
  clock: Clock = systemClock;

  declare private jobs: Job[];
  declare private nextCursor: string | null;
  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadingMore: boolean;
  declare private refreshing: boolean;
  declare private loadError: ElementError | undefined;
  declare private filters: Filters;
  declare private sort: Sort;
  declare private technicians: Array<{ id: string; name: string }>;
  declare private serviceNames: Map<string, string>;
  declare private activeIndex: number;
  declare private selectedId: string | undefined;
  declare private pendingAction: PendingAction | undefined;
  declare private savingIds: ReadonlySet<string>;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de });

  #client: Crewkit | undefined;
  #listRequest: AbortController | undefined;
  #searchTimer: unknown;
  #focusActiveRow = false;
  #announcedReady = false;

  constructor() {
    super();
    this.pageSize = 25;
    this.jobs = [];
    this.nextCursor = null;
    this.phase = 'loading';
    this.loadingMore = false;
    this.refreshing = false;
    this.filters = noFilters;
    this.sort = 'start';
    this.technicians = [];
    this.serviceNames = new Map();
    this.activeIndex = 0;
    this.savingIds = new Set();
  }

  /** Loads the jobs again, keeping as many rows as are shown and the scroll position. */
  async refresh(): Promise<void> {
    if (this.phase !== 'ready') return this.#loadFirstPage();
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroller');
    const scrollTop = scroller?.scrollTop ?? 0;
    this.refreshing = true;
    try {
      const wanted = Math.max(this.jobs.length, this.#pageSize);
      const { jobs, nextCursor } = await this.#fetchJobs(wanted);
      this.jobs = jobs;
      this.nextCursor = nextCursor;
      this.activeIndex = Math.min(this.activeIndex, Math.max(0, jobs.length - 1));
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
    void this.#loadLookups();
    void this.#loadFirstPage();
  }

  protected override connectFailed(error: ElementError): void {
    this.#client = undefined;
    this.#fail(error);
  }

  /** Technician and service names for the rows and filters. Optional: a technician may not list them. */
  async #loadLookups(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const [technicians, services] = await Promise.allSettled([
      unwrap(client.technicians.list({ limit: maxPageSize, active: true })),
      unwrap(client.services.items.list({ limit: maxPageSize })),
    ]);
    if (client !== this.#client) return;
    if (technicians.status === 'fulfilled') {
      this.technicians = technicians.value.data
        .map(({ id, name }) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name, this.localize.lang));
    }
    if (services.status === 'fulfilled') {
      this.serviceNames = new Map(services.value.data.map((item) => [item.id, item.name]));
    }
  }

  async #loadFirstPage(): Promise<void> {
    if (!this.#client) return;
    this.phase = 'loading';
    this.loadError = undefined;
    try {
      const { jobs, nextCursor } = await this.#fetchJobs(this.#pageSize);
      this.jobs = jobs;
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
      const { jobs, nextCursor } = await this.#fetchJobs(this.#pageSize, this.nextCursor);
      const known = new Set(this.jobs.map((job) => job.id));
      this.jobs = [...this.jobs, ...jobs.filter((job) => !known.has(job.id))];
      this.nextCursor = nextCursor;
    } catch (error) {
      if (!isAbort(error)) this.#showNotice(toElementError(error));
    } finally {
      this.loadingMore = false;
    }
  }

  /** `count` jobs from the start (or after `cursor`), over several pages when more than one page is wanted. */
  async #fetchJobs(count: number, cursor?: string): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const client = this.#client;
    if (!client) throw new ElementError('misconfigured');
    // A newer list request (a filter typed meanwhile) makes this one moot.
    this.#listRequest?.abort();
    const request = new AbortController();
    this.#listRequest = request;
    const jobs: Job[] = [];
    let next: string | null | undefined = cursor;
    do {
      const page: { data: Job[]; nextCursor: string | null } = await unwrap(
        client.appointments.list({
          ...this.#query(),
          limit: Math.min(maxPageSize, count - jobs.length),
          ...(next ? { cursor: next } : {}),
          signal: request.signal,
        }),
      );
      jobs.push(...page.data);
      next = page.nextCursor;
    } while (next && jobs.length < count);
    return { jobs, nextCursor: next ?? null };
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

  #select(job: Job, index: number): void {
    this.activeIndex = index;
    this.selectedId = job.id;
    this.dispatchEvent(new CrewJobSelectedEvent(job));
  }

  #onRowClick(event: MouseEvent, job: Job, index: number): void {
    // Using a row's action controls is not opening the job.
    if ((event.target as Element).closest('.actions')) {
      this.activeIndex = index;
      return;
    }
    this.#select(job, index);
  }

  #onRowKeydown(event: KeyboardEvent, job: Job, index: number): void {
    // Arrow keys inside a select belong to the select.
    if (event.target !== event.currentTarget) return;
    const last = this.jobs.length - 1;
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
      this.#select(job, index);
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
    const { job } = action;
    const optimistic: Job =
      action.kind === 'status'
        ? { ...job, status: action.status, allowedTransitions: [] }
        : { ...job, technicianId: action.technicianId };
    this.#replaceJob(job.id, optimistic);
    this.savingIds = new Set([...this.savingIds, job.id]);
    this.notice = { text: this.localize.t.saving, error: false };
    try {
      const updated =
        action.kind === 'status'
          ? await unwrap(this.#client.appointments.changeStatus(job.id, { status: action.status }))
          : await unwrap(
              this.#client.appointments.assignTechnician(job.id, { technicianId: action.technicianId }),
            );
      this.#replaceJob(job.id, {
        ...job,
        ...updated,
        allowedTransitions: [...nextStatuses[updated.status]],
      });
      this.notice = { text: this.localize.t.saved(job.reference), error: false };
    } catch (error) {
      // Put back what the server still has; the message says why the change did not happen.
      this.#replaceJob(job.id, job);
      this.#showNotice(toElementError(error), this.localize.t.undone(job.reference));
    } finally {
      const saving = new Set(this.savingIds);
      saving.delete(job.id);
      this.savingIds = saving;
    }
  }

  #replaceJob(id: string, job: Job): void {
    this.jobs = this.jobs.map((existing) => (existing.id === id ? job : existing));
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
            : this.jobs.length === 0
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
          @change=${(e: Event) => this.#setFilter({ status: (e.target as HTMLSelectElement).value as JobStatus | '' })}
        >
          <option value="" ?selected=${f.status === ''}>${t.anyStatus}</option>
          ${jobStatuses.map((status) => html`<option value=${status} ?selected=${f.status === status}>${t.status[status]}</option>`)}
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
        <table part="table" role="grid" aria-label=${t.title} aria-rowcount=${this.nextCursor ? -1 : this.jobs.length + 1}>
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
              this.jobs,
              (job) => job.id,
              (job, index) => this.#renderRow(job, index),
            )}
          </tbody>
        </table>
      </div>
      <div class="footer">
        <span role="status">${t.shown(this.jobs.length)}</span>
        ${
          this.nextCursor
            ? html`<button type="button" ?disabled=${this.loadingMore} @click=${() => void this.#loadMore()}>
                ${this.loadingMore ? this.localize.common.loading : t.loadMore}
              </button>`
            : nothing
        }
      </div>`;
  }

  #renderRow(job: Job, index: number) {
    const { t } = this.localize;
    const active = index === this.activeIndex;
    const selected = job.id === this.selectedId;
    const saving = this.savingIds.has(job.id);
    const technicianName = this.#technicianName(job.technicianId);
    const tabIndex = active ? 0 : -1;
    const canAssign = this.technicians.length > 0 && assignableStatuses.includes(job.status) && !saving;
    return html`<tr
      part=${selected ? 'row selected' : 'row'}
      data-index=${index}
      tabindex=${tabIndex}
      aria-selected=${selected}
      aria-busy=${saving}
      aria-label=${t.rowLabel(job.reference, job.customer.name)}
      @click=${(e: MouseEvent) => this.#onRowClick(e, job, index)}
      @keydown=${(e: KeyboardEvent) => this.#onRowKeydown(e, job, index)}
      @focus=${() => {
        this.activeIndex = index;
      }}
    >
      <td class="when">
        <time datetime=${job.start}>${this.localize.dateTime(job.start, { dateStyle: 'medium', timeStyle: 'short', timeZone: this.#zone })}</time>
      </td>
      <td class="reference">${job.reference}</td>
      <td>
        <div class="customer">
          <span>${job.customer.name}</span>
          ${job.customer.email ? html`<small>${job.customer.email}</small>` : nothing}
        </div>
      </td>
      <td>${this.serviceNames.get(job.serviceItemId) ?? t.unknownService}</td>
      <td>${technicianName}</td>
      <td>
        <span class="badge" part="badge badge-${job.status}" data-status=${job.status}>${t.status[job.status]}</span>
      </td>
      <td class="actions">
        ${
          job.allowedTransitions.length > 0 && !saving
            ? html`<select
                tabindex=${tabIndex}
                aria-label=${t.changeStatusFor(job.reference)}
                @change=${(e: Event) => {
                  const select = e.target as HTMLSelectElement;
                  const status = select.value as JobStatus;
                  select.value = '';
                  if (status) this.#ask({ kind: 'status', job, status });
                }}
              >
                <option value="" selected>${t.changeStatus}</option>
                ${job.allowedTransitions.map((status) => html`<option value=${status}>${t.status[status]}</option>`)}
              </select>`
            : html`<span class="muted">${saving ? t.saving : t.noActions}</span>`
        }
        ${
          canAssign
            ? html`<select
                tabindex=${tabIndex}
                aria-label=${t.assignFor(job.reference)}
                @change=${(e: Event) => {
                  const select = e.target as HTMLSelectElement;
                  const technicianId = select.value;
                  select.value = '';
                  if (technicianId) this.#ask({ kind: 'assign', job, technicianId });
                }}
              >
                <option value="" selected>${t.assign}</option>
                ${this.technicians
                  .filter((tech) => tech.id !== job.technicianId)
                  .map((tech) => html`<option value=${tech.id}>${tech.name}</option>`)}
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
      question = t.confirmStatus(action.job.reference, t.status[action.job.status], t.status[action.status]);
    } else if (action?.kind === 'assign') {
      title = t.confirmAssignTitle;
      question = t.confirmAssign(action.job.reference, this.#technicianName(action.technicianId));
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
