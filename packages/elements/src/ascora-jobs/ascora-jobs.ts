import type { Crewkit, components } from '@crewkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CrewAscoraRecordSyncedEvent } from '../ascora-customers/events.js';
import { describe, linkBadge, linkStyles, syncRecord } from '../ascora-customers/link.js';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Job = components['schemas']['Job'];
type Appointment = components['schemas']['Appointment'];
type Way = 'push' | 'pull';

const maxPageSize = 100;

/**
 * The organization's work orders as Ascora knows them — number, status, their visits and their
 * link (linked, changed here, conflict, failed) — and, given an `appointment`, the job creator:
 * "Send to Ascora" creates that appointment's work order in Ascora (or updates it), and "Fetch
 * from Ascora" takes Ascora's version of it back.
 *
 * @tagname crew-ascora-jobs
 * @summary Ascora work orders with their visits and link state; sends an appointment to Ascora.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token (owner, admin or dispatcher); for tokens that expire, set `getAccessToken` instead.
 * @attr appointment - An appointment id: shows that appointment's link with its send and fetch buttons.
 * @attr page-size - Work orders per page (1–100, default 25).
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the user's setting.
 *
 * @event crew-ready - The work orders are shown.
 * @event crew-ascora-record-synced - The appointment was sent or fetched; `event.record.ascora` is its new link.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart appointment - The appointment's section (with `appointment` set).
 * @csspart table - The work orders table.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Conflicts and failures.
 * @cssproperty [--crew-color-success=#067647] - Linked work orders.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewAscoraJobs extends StaffElement {
  static override styles = [...StaffElement.styles, linkStyles];

  static override properties = {
    ...StaffElement.properties,
    appointment: {},
    pageSize: { attribute: 'page-size', type: Number },
    phase: { state: true },
    jobs: { state: true },
    nextCursor: { state: true },
    visit: { state: true },
    busy: { state: true },
    message: { state: true },
    notice: { state: true },
    failure: { state: true },
  };

  /** The appointment to send to Ascora, if any. */
  declare appointment: string | undefined;
  /** Work orders per page. */
  declare pageSize: number;

  declare private phase: 'loading' | 'ready' | 'error';
  declare private jobs: Job[];
  declare private nextCursor: string | null;
  declare private visit: Appointment | undefined;
  declare private busy: Way | undefined;
  /** Why the last send or fetch failed. */
  declare private message: string | undefined;
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
    this.jobs = [];
    this.nextCursor = null;
  }

  /** Loads the work orders (and the appointment) again. */
  async refresh(): Promise<void> {
    await Promise.all([this.#load(), this.#loadVisit()]);
  }

  get #limit(): number {
    const size = Math.trunc(Number(this.pageSize));
    return Number.isFinite(size) ? Math.min(Math.max(size, 1), maxPageSize) : 25;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('appointment') && changed.get('appointment') !== undefined) void this.#loadVisit();
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
    void this.refresh().then(async () => {
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
        client.GET('/api/v1/organizations/{orgId}/jobs', {
          params: {
            path: { orgId: this.#org },
            query: { limit: this.#limit, ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      this.jobs = cursor ? [...this.jobs, ...page.data] : page.data;
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

  async #loadVisit(): Promise<void> {
    const client = this.#client;
    const appointmentId = this.appointment;
    this.visit = undefined;
    this.message = undefined;
    if (!client || !appointmentId) return;
    try {
      this.visit = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/appointments/{appointmentId}', {
          params: { path: { orgId: this.#org, appointmentId } },
        }),
      );
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.message = this.localize.error(failure.code);
      this.reportError(failure);
    }
  }

  async #sync(way: Way): Promise<void> {
    const client = this.#client;
    const visit = this.visit;
    if (!client || !visit || this.busy) return;
    const { t } = this.localize;
    this.busy = way;
    this.message = undefined;
    this.notice = undefined;
    try {
      const record = await syncRecord(client, this.#org, way, 'appointment', visit.id);
      this.visit = { ...visit, ascora: record.ascora };
      const number = record.ascora.ascoraNumber ?? '';
      this.notice = way === 'push' ? t.sent(number) : t.fetched(number);
      this.dispatchEvent(new CrewAscoraRecordSyncedEvent(way, record));
      await this.#load();
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.message = describe(this.localize.error(failure.code), failure);
      this.reportError(failure);
    } finally {
      this.busy = undefined;
    }
  }

  #when = (iso: string) => this.localize.dateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });

  override render() {
    const { t } = this.localize;
    return html`<div part="base" class="base" dir=${this.localize.dir} aria-busy=${this.phase === 'loading'}>
      ${this.appointment ? this.#renderVisit() : nothing}
      <header class="section-head">
        <h3 id="title">${t.title}</h3>
        <button type="button" ?disabled=${!this.#client || this.phase === 'loading'} @click=${() => void this.refresh()}>${t.refresh}</button>
      </header>
      <div class="notice ${this.notice ? 'shown' : ''}" role="status">${this.notice ?? nothing}</div>
      ${
        this.phase === 'loading'
          ? loadingView(this.localize)
          : this.phase === 'error' && this.failure
            ? errorView(this.localize, this.failure, this.#client ? () => void this.refresh() : undefined)
            : this.jobs.length === 0
              ? emptyView(t.noJobs)
              : this.#renderTable()
      }
    </div>`;
  }

  #renderVisit() {
    const { t } = this.localize;
    const visit = this.visit;
    return html`<section part="appointment" class="visit" aria-labelledby="visit-title" aria-busy=${!!this.busy}>
      <h3 id="visit-title">${t.sendTitle}</h3>
      ${
        visit
          ? html`<p>
                <span class="mono">${visit.reference}</span> · <time datetime=${visit.start}>${this.#when(visit.start)}</time>
              </p>
              <p>${linkBadge(t, visit.ascora, this.#when)}</p>
              <div class="actions">
                <button type="button" class="primary push" ?disabled=${!!this.busy} @click=${() => void this.#sync('push')}>
                  ${this.busy === 'push' ? t.pushing : t.push}
                </button>
                ${
                  visit.ascora?.ascoraNumber
                    ? html`<button type="button" class="pull" ?disabled=${!!this.busy} @click=${() => void this.#sync('pull')}>
                        ${this.busy === 'pull' ? t.pulling : t.pull}
                      </button>`
                    : nothing
                }
              </div>`
          : this.message
            ? nothing
            : loadingView(this.localize)
      }
      ${this.message ? html`<p class="row-message" role="alert">${this.message}</p>` : nothing}
    </section>`;
  }

  #renderTable() {
    const { t } = this.localize;
    return html`<div class="scroller">
        <table part="table" aria-labelledby="title">
          <thead>
            <tr>
              <th scope="col">${t.columns.job}</th>
              <th scope="col">${t.columns.status}</th>
              <th scope="col">${t.columns.visits}</th>
              <th scope="col">${t.columns.state}</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              this.jobs,
              (job) => job.id,
              (job) => html`<tr data-job=${job.id}>
                <th scope="row">
                  ${job.number ? html`<span class="mono">${job.number}</span> ` : nothing}${job.name}
                </th>
                <td>${t.jobStatus[job.status]}</td>
                <td>
                  ${
                    job.visits?.length
                      ? html`<ul class="visits">
                          ${job.visits.map(
                            (v) => html`<li><time datetime=${v.start}>${this.#when(v.start)}</time></li>`,
                          )}
                        </ul>`
                      : html`<span class="muted">${t.noVisits}</span>`
                  }
                </td>
                <td>${linkBadge(t, job.ascora, this.#when)}</td>
              </tr>`,
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
}
