import type { Crewkit } from '@crewkit/sdk';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AscoraSyncRun } from '../ascora-connect/events.js';
import { CrewSyncQueuedEvent } from '../ascora-connect/events.js';
import { runCounts, stageLabel } from '../ascora-connect/run.js';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { ascoraSyncStyles } from './ascora-sync.styles.js';
import {
  type AscoraConflict,
  type AscoraFailureRetry,
  type AscoraSyncFailure,
  type AscoraSyncRunDetail,
  CrewConflictResolvedEvent,
  CrewFailureRetriedEvent,
} from './events.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Side = 'local' | 'remote';
type Phase = 'loading' | 'ready' | 'error';

/** A list the element pages through: runs or conflicts. */
interface Listing<T> {
  phase: Phase;
  items: T[];
  nextCursor: string | null;
  error?: ElementError;
  loadingMore?: boolean;
}

/** How the last retry of one failure went, shown in its row. */
type RetryOutcome = { kind: AscoraFailureRetry['outcome'] | 'error'; text: string };

/** The failures of one run, loaded when the user opens them. */
type RunDetail =
  | { phase: 'loading' }
  | { phase: 'ready'; detail: AscoraSyncRunDetail }
  | { phase: 'error'; error: ElementError };

const maxPageSize = 100;
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * The Ascora sync's history and the conflicts waiting for a person, for an admin page: every run
 * with its counts, the records a run could not sync and why (with a retry), and the conflict queue,
 * where each differing field is shown side by side (Crewkit | Ascora) with a choice per field.
 *
 * Each open failure has a Retry button that syncs that one record now. The row then says how it
 * went: synced (the failure is resolved), failed again (with the new reason), or — for records
 * Ascora only hands over in a full sync — that a full sync was queued.
 *
 * @tagname crew-ascora-sync
 * @summary Ascora sync history, per-record failures and the conflict queue.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token (owner or admin to resolve); for tokens that expire, set `getAccessToken` instead.
 * @attr page-size - Runs and conflicts per page (1–100, default 10).
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the user's setting.
 *
 * @event crew-ready - The history and the conflicts are shown.
 * @event crew-conflict-resolved - A conflict was settled; `event.conflict.resolution` has the choice per field.
 * @event crew-failure-retried - One failed record was retried; `event.result.outcome` is `synced`, `failed` or `queued`.
 * @event crew-sync-queued - A retry queued a full sync, because the record cannot be retried on its own.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart conflicts - The conflicts section.
 * @csspart conflict - One conflict.
 * @csspart conflict-table - A conflict's side-by-side table.
 * @csspart history - The sync history section.
 * @csspart runs-table - The table of runs.
 * @csspart failures - A run's failures.
 * @csspart primary-button - The resolve buttons.
 * @csspart retry-button - A failure's Retry button.
 * @csspart state - The loading, empty and error views.
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, chosen values, focus ring.
 * @cssproperty [--crew-color-danger=#b42318] - Failures and errors.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing.
 */
export class CrewAscoraSync extends StaffElement {
  static override styles = [...StaffElement.styles, ascoraSyncStyles];

  static override properties = {
    ...StaffElement.properties,
    pageSize: { attribute: 'page-size', type: Number },
    runs: { state: true },
    conflicts: { state: true },
    details: { state: true },
    choices: { state: true },
    resolving: { state: true },
    conflictMessages: { state: true },
    retrying: { state: true },
    retryOutcomes: { state: true },
    notice: { state: true },
  };

  /** Runs and conflicts per page. */
  declare pageSize: number;

  declare private runs: Listing<AscoraSyncRun>;
  declare private conflicts: Listing<AscoraConflict>;
  /** Opened runs, by id. */
  declare private details: ReadonlyMap<string, RunDetail>;
  /** The user's choice per field, by conflict id. */
  declare private choices: ReadonlyMap<string, Readonly<Record<string, Side>>>;
  declare private resolving: ReadonlySet<string>;
  declare private conflictMessages: ReadonlyMap<string, string>;
  /** Failures being retried, by id. */
  declare private retrying: ReadonlySet<string>;
  declare private retryOutcomes: ReadonlyMap<string, RetryOutcome>;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #announcedReady = false;

  constructor() {
    super();
    this.pageSize = 10;
    this.runs = { phase: 'loading', items: [], nextCursor: null };
    this.conflicts = { phase: 'loading', items: [], nextCursor: null };
    this.details = new Map();
    this.choices = new Map();
    this.resolving = new Set();
    this.conflictMessages = new Map();
    this.retrying = new Set();
    this.retryOutcomes = new Map();
  }

  /** Loads the history and the conflicts again from the first page. */
  async refresh(): Promise<void> {
    await Promise.all([this.#loadRuns(), this.#loadConflicts()]);
  }

  get #pageSize(): number {
    const size = Math.trunc(Number(this.pageSize));
    return Number.isFinite(size) ? Math.min(Math.max(size, 1), maxPageSize) : 10;
  }

  get #path() {
    return { orgId: this.#org };
  }

  protected override connectFailed(failure: ElementError): void {
    this.#client = undefined;
    this.runs = { phase: 'error', items: [], nextCursor: null, error: failure };
    this.conflicts = { phase: 'error', items: [], nextCursor: null, error: failure };
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

  async #loadRuns(cursor?: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.runs = cursor
      ? { ...this.runs, loadingMore: true }
      : { phase: 'loading', items: [], nextCursor: null };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/ascora/logs', {
          params: { path: this.#path, query: { limit: this.#pageSize, ...(cursor ? { cursor } : {}) } },
        }),
      );
      const items = cursor ? [...this.runs.items, ...page.data] : page.data;
      this.runs = { phase: 'ready', items, nextCursor: page.nextCursor };
      if (!cursor) this.details = new Map();
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      if (cursor) {
        this.runs = { ...this.runs, loadingMore: false };
        this.#showNotice(failure);
      } else {
        this.runs = { phase: 'error', items: [], nextCursor: null, error: failure };
        this.reportError(failure);
      }
    }
  }

  async #loadConflicts(cursor?: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.conflicts = cursor
      ? { ...this.conflicts, loadingMore: true }
      : { phase: 'loading', items: [], nextCursor: null };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/ascora/conflicts', {
          params: {
            path: this.#path,
            query: { status: 'open', limit: this.#pageSize, ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      const known = new Set(cursor ? this.conflicts.items.map((c) => c.id) : []);
      const items = cursor
        ? [...this.conflicts.items, ...page.data.filter((c) => !known.has(c.id))]
        : page.data;
      this.conflicts = { phase: 'ready', items, nextCursor: page.nextCursor };
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      if (cursor) {
        this.conflicts = { ...this.conflicts, loadingMore: false };
        this.#showNotice(failure);
      } else {
        this.conflicts = { phase: 'error', items: [], nextCursor: null, error: failure };
        this.reportError(failure);
      }
    }
  }

  #showNotice(error: ElementError): void {
    this.notice = { text: this.localize.error(error.code), error: true };
    this.reportError(error);
  }

  #setDetail(runId: string, detail: RunDetail | undefined): void {
    const details = new Map(this.details);
    if (detail) details.set(runId, detail);
    else details.delete(runId);
    this.details = details;
  }

  async #toggleRun(run: AscoraSyncRun): Promise<void> {
    if (this.details.has(run.id)) return this.#setDetail(run.id, undefined);
    await this.#loadRun(run.id);
  }

  async #loadRun(runId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#setDetail(runId, { phase: 'loading' });
    try {
      const detail = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/ascora/logs/{runId}', {
          params: { path: { ...this.#path, runId } },
        }),
      );
      if (this.details.has(runId)) this.#setDetail(runId, { phase: 'ready', detail });
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      if (this.details.has(runId)) this.#setDetail(runId, { phase: 'error', error: failure });
      this.reportError(failure);
    }
  }

  /** Syncs one failed record now and shows in its row how that went. */
  async #retry(runId: string, failure: AscoraSyncFailure): Promise<void> {
    const client = this.#client;
    if (!client || this.retrying.has(failure.id)) return;
    const { t } = this.localize;
    const name = `${t.entity[failure.entity]} ${failure.ascoraId ?? failure.localId ?? ''}`.trim();
    this.retrying = new Set([...this.retrying, failure.id]);
    this.notice = undefined;
    let outcome: RetryOutcome;
    try {
      const result = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/ascora/logs/{runId}/failures/{failureId}/retry', {
          params: { path: { ...this.#path, runId, failureId: failure.id } },
        }),
      );
      this.#replaceFailure(runId, result.failure);
      outcome =
        result.outcome === 'synced'
          ? { kind: 'synced', text: t.retrySynced }
          : result.outcome === 'failed'
            ? { kind: 'failed', text: t.retryFailed }
            : { kind: 'queued', text: t.retryQueued };
      this.notice = {
        text:
          result.outcome === 'synced'
            ? t.retrySyncedNotice(name)
            : result.outcome === 'failed'
              ? t.retryFailedNotice(name, result.failure.reason)
              : t.retryQueued,
        error: result.outcome === 'failed',
      };
      this.dispatchEvent(new CrewFailureRetriedEvent(result));
      if (result.outcome === 'queued') this.dispatchEvent(new CrewSyncQueuedEvent());
    } catch (error) {
      if (isAbort(error)) return;
      const failed = toElementError(error);
      outcome = { kind: 'error', text: this.localize.error(failed.code) };
      this.reportError(failed);
    } finally {
      const retrying = new Set(this.retrying);
      retrying.delete(failure.id);
      this.retrying = retrying;
    }
    this.retryOutcomes = new Map(this.retryOutcomes).set(failure.id, outcome);
    // A resolved row loses its button: its outcome takes the focus, so the user is not dropped.
    await this.updateComplete;
    const row = this.renderRoot.querySelector(`tr[data-failure="${failure.id}"]`);
    const target =
      row?.querySelector<HTMLElement>('button.retry') ?? row?.querySelector<HTMLElement>('.outcome');
    // The button was disabled while waiting, which dropped its focus; give it back unless the user moved on.
    if (!(this.renderRoot as ShadowRoot).activeElement) target?.focus();
  }

  #replaceFailure(runId: string, updated: AscoraSyncFailure): void {
    const current = this.details.get(runId);
    if (current?.phase !== 'ready') return;
    const failures = current.detail.failures.map((f) => (f.id === updated.id ? updated : f));
    this.#setDetail(runId, { phase: 'ready', detail: { ...current.detail, failures } });
  }

  #choose(conflict: AscoraConflict, field: string, side: Side): void {
    const choices = new Map(this.choices);
    choices.set(conflict.id, { ...choices.get(conflict.id), [field]: side });
    this.choices = choices;
    this.#setConflictMessage(conflict.id, undefined);
  }

  #chooseAll(conflict: AscoraConflict, side: Side): void {
    const choices = new Map(this.choices);
    choices.set(conflict.id, Object.fromEntries(conflict.fields.map((field) => [field, side])));
    this.choices = choices;
    this.#setConflictMessage(conflict.id, undefined);
  }

  #setConflictMessage(id: string, message: string | undefined): void {
    if (this.conflictMessages.get(id) === message) return;
    const messages = new Map(this.conflictMessages);
    if (message) messages.set(id, message);
    else messages.delete(id);
    this.conflictMessages = messages;
  }

  async #resolve(conflict: AscoraConflict): Promise<void> {
    const client = this.#client;
    if (!client || this.resolving.has(conflict.id)) return;
    const { t } = this.localize;
    const chosen = this.choices.get(conflict.id) ?? {};
    const missing = conflict.fields.filter((field) => !chosen[field]);
    if (missing.length > 0) {
      // Leaving a field out would silently keep Ascora's value; the user decides every field.
      this.#setConflictMessage(conflict.id, t.chooseEveryField(missing.length));
      this.#radio(conflict.id, missing[0]!)?.focus();
      return;
    }
    this.resolving = new Set([...this.resolving, conflict.id]);
    this.#setConflictMessage(conflict.id, undefined);
    try {
      const resolved = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/ascora/conflicts/{conflictId}/resolve', {
          params: { path: { ...this.#path, conflictId: conflict.id } },
          body: { choices: { ...chosen } },
        }),
      );
      const index = this.conflicts.items.findIndex((c) => c.id === conflict.id);
      this.conflicts = { ...this.conflicts, items: this.conflicts.items.filter((c) => c.id !== conflict.id) };
      const choices = new Map(this.choices);
      choices.delete(conflict.id);
      this.choices = choices;
      this.notice = { text: t.resolved(this.#conflictName(conflict)), error: false };
      this.dispatchEvent(new CrewConflictResolvedEvent(resolved));
      // Focus would be lost with the removed card: the next conflict (or the section) takes it.
      await this.updateComplete;
      const next = this.conflicts.items[Math.min(index, this.conflicts.items.length - 1)];
      const target = next
        ? this.renderRoot.querySelector<HTMLElement>(`[data-conflict="${next.id}"] h4`)
        : this.renderRoot.querySelector<HTMLElement>('#conflicts-title');
      target?.focus();
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.#setConflictMessage(conflict.id, this.localize.error(failure.code));
      this.reportError(failure);
    } finally {
      const resolving = new Set(this.resolving);
      resolving.delete(conflict.id);
      this.resolving = resolving;
    }
  }

  #radio(conflictId: string, field: string): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(
      `[data-conflict="${conflictId}"] tr[data-field="${CSS.escape(field)}"] input`,
    );
  }

  #conflictName(conflict: AscoraConflict): string {
    const name = conflict.local.name ?? conflict.remote.name;
    return typeof name === 'string' && name ? name : conflict.ascoraId;
  }

  #fieldLabel(field: string): string {
    return this.localize.t.fields[field] ?? field;
  }

  /**
   * A field's value as text: addresses as one line, instants in the user's format, amounts in minor
   * units as decimals, job statuses in words, nothing as "(empty)".
   */
  #formatValue(field: string, value: unknown): string {
    const { t } = this.localize;
    if (value === null || value === undefined || value === '') return t.empty;
    if (field.endsWith('Minor') && typeof value === 'number') {
      return this.localize.number(value / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    if (field === 'status' && typeof value === 'string' && value in t.jobStatus) {
      return t.jobStatus[value as keyof typeof t.jobStatus];
    }
    if (typeof value === 'string') {
      return isoInstant.test(value) && !Number.isNaN(Date.parse(value))
        ? this.localize.dateTime(value, { dateStyle: 'medium', timeStyle: 'short' })
        : value;
    }
    if (typeof value === 'number') return this.localize.number(value);
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'object' && !Array.isArray(value)) {
      const parts = Object.values(value as Record<string, unknown>).filter(
        (part) => part !== null && part !== undefined && part !== '',
      );
      return parts.length > 0 ? parts.map(String).join(', ') : this.localize.t.empty;
    }
    return JSON.stringify(value);
  }

  #date(value: string): string {
    return this.localize.dateTime(value, { dateStyle: 'medium', timeStyle: 'short' });
  }

  override render() {
    const loading = this.runs.phase === 'loading' || this.conflicts.phase === 'loading';
    return html`<div part="base" class="base" dir=${this.localize.dir} aria-busy=${loading}>
      <div class="notice ${this.notice ? 'shown' : ''} ${this.notice?.error ? 'error' : ''}" role=${this.notice?.error ? 'alert' : 'status'}>
        ${this.notice?.text ?? nothing}
      </div>
      ${this.#renderConflicts()} ${this.#renderHistory()}
    </div>`;
  }

  #renderConflicts() {
    const { t } = this.localize;
    const list = this.conflicts;
    return html`<section part="conflicts" aria-labelledby="conflicts-title">
      <header class="section-head">
        <h3 id="conflicts-title" tabindex="-1">
          ${t.conflictsTitle}
          ${list.phase === 'ready' && list.items.length > 0 ? html`<span class="count-badge">${t.conflictsWaiting(list.items.length)}</span>` : nothing}
        </h3>
      </header>
      ${
        list.phase === 'loading'
          ? loadingView(this.localize)
          : list.phase === 'error' && list.error
            ? errorView(
                this.localize,
                list.error,
                this.#client ? () => void this.#loadConflicts() : undefined,
              )
            : list.items.length === 0
              ? emptyView(t.noConflicts)
              : html`${repeat(
                  list.items,
                  (c) => c.id,
                  (c) => this.#renderConflict(c),
                )}
                ${
                  list.nextCursor
                    ? html`<p class="more"><button type="button" ?disabled=${list.loadingMore} @click=${() => void this.#loadConflicts(list.nextCursor!)}>
                        ${list.loadingMore ? this.localize.common.loading : t.loadMore}
                      </button></p>`
                    : nothing
                }`
      }
    </section>`;
  }

  #renderConflict(conflict: AscoraConflict) {
    const { t } = this.localize;
    const chosen = this.choices.get(conflict.id) ?? {};
    const resolving = this.resolving.has(conflict.id);
    const message = this.conflictMessages.get(conflict.id);
    const titleId = `conflict-${conflict.id}`;
    const entity = t.entity[conflict.entity];
    const cell = (field: string, side: Side) => {
      const value = this.#formatValue(field, (side === 'local' ? conflict.local : conflict.remote)[field]);
      const sideName = side === 'local' ? t.ours : t.theirs;
      return html`<td class="choice ${chosen[field] === side ? 'chosen' : ''}">
        <label>
          <input
            type="radio"
            name="${conflict.id}:${field}"
            value=${side}
            .checked=${chosen[field] === side}
            ?disabled=${resolving}
            aria-label="${t.keep(sideName, this.#fieldLabel(field))}: ${value}"
            @change=${() => this.#choose(conflict, field, side)}
          />
          <span class="value">${value}</span>
        </label>
      </td>`;
    };
    return html`<article class="conflict" part="conflict" data-conflict=${conflict.id} aria-labelledby=${titleId} aria-busy=${resolving}>
      <h4 id=${titleId} tabindex="-1">${t.conflictTitle(entity, this.#conflictName(conflict))}</h4>
      <p class="muted">${t.conflictSince(this.#date(conflict.createdAt))} · ${t.ascoraId(conflict.ascoraId)}</p>
      <div class="scroller">
        <table part="conflict-table" aria-labelledby=${titleId}>
          <thead>
            <tr>
              <th scope="col">${t.field}</th>
              <th scope="col">${t.ours}</th>
              <th scope="col">${t.theirs}</th>
            </tr>
          </thead>
          <tbody>
            ${conflict.fields.map(
              (field) => html`<tr data-field=${field} class=${message && !chosen[field] ? 'missing' : ''}>
                <th scope="row">${this.#fieldLabel(field)}</th>
                ${cell(field, 'local')} ${cell(field, 'remote')}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${message ? html`<p class="message error" role="alert">${message}</p>` : nothing}
      <div class="actions">
        <button type="button" class="link" ?disabled=${resolving} @click=${() => this.#chooseAll(conflict, 'local')}>${t.keepAllOurs}</button>
        <button type="button" class="link" ?disabled=${resolving} @click=${() => this.#chooseAll(conflict, 'remote')}>${t.keepAllTheirs}</button>
        <button type="button" class="primary resolve" part="primary-button" ?disabled=${resolving} @click=${() => void this.#resolve(conflict)}>
          ${resolving ? t.resolving : t.resolve}
        </button>
      </div>
    </article>`;
  }

  #renderHistory() {
    const { t } = this.localize;
    const list = this.runs;
    return html`<section part="history" aria-labelledby="history-title">
      <header class="section-head">
        <h3 id="history-title">${t.historyTitle}</h3>
        <button type="button" class="refresh" ?disabled=${!this.#client || list.phase === 'loading'} @click=${() => void this.refresh()}>
          ${t.refresh}
        </button>
      </header>
      ${
        list.phase === 'loading'
          ? loadingView(this.localize)
          : list.phase === 'error' && list.error
            ? errorView(this.localize, list.error, this.#client ? () => void this.#loadRuns() : undefined)
            : list.items.length === 0
              ? emptyView(t.noRuns)
              : this.#renderRuns(list)
      }
    </section>`;
  }

  #renderRuns(list: Listing<AscoraSyncRun>) {
    const { t } = this.localize;
    return html`<div class="scroller">
        <table part="runs-table" class="runs" aria-labelledby="history-title">
          <thead>
            <tr>
              <th scope="col">${t.columns.started}</th>
              <th scope="col">${t.columns.trigger}</th>
              <th scope="col">${t.columns.status}</th>
              ${runCounts(list.items[0]!).map(([name]) => html`<th scope="col" class="num">${t.counts[name]}</th>`)}
              <th scope="col"><span class="visually-hidden">${t.columns.details}</span></th>
            </tr>
          </thead>
          ${repeat(
            list.items,
            (run) => run.id,
            (run) => this.#renderRun(run),
          )}
        </table>
      </div>
      ${
        list.nextCursor
          ? html`<p class="more"><button type="button" ?disabled=${list.loadingMore} @click=${() => void this.#loadRuns(list.nextCursor!)}>
              ${list.loadingMore ? this.localize.common.loading : t.loadMore}
            </button></p>`
          : nothing
      }`;
  }

  #renderRun(run: AscoraSyncRun) {
    const { t } = this.localize;
    const detail = this.details.get(run.id);
    const hasFailures = run.counts.failed > 0 || run.error !== null;
    const detailsId = `run-${run.id}`;
    // Records done of expected for the stage under way, once Ascora has said how many there are.
    const progress = run.progress?.find((p) => p.stage === run.stage);
    const stage =
      progress && progress.expected !== null
        ? t.stageRecords(stageLabel(t, run.stage), progress.done, progress.expected)
        : stageLabel(t, run.stage);
    const status = run.status === 'running' ? `${t.runStatus.running}: ${stage}` : t.runStatus[run.status];
    // One tbody per run keeps a run's row and its failures together for assistive technology.
    return html`<tbody>
      <tr class="run" data-run=${run.id}>
        <td class="when"><time datetime=${run.startedAt}>${this.#date(run.startedAt)}</time></td>
        <td>${t.trigger[run.trigger]}</td>
        <td><span class="run-status" data-status=${run.status}>${status}</span></td>
        ${runCounts(run).map(
          ([name, value]) =>
            html`<td class="num ${name === 'failed' && value > 0 ? 'bad' : ''}">${this.localize.number(value)}</td>`,
        )}
        <td class="details">
          ${
            hasFailures
              ? html`<button
                  type="button"
                  class="toggle"
                  aria-expanded=${!!detail}
                  aria-controls=${detailsId}
                  aria-label=${t.failuresFor(this.#date(run.startedAt))}
                  @click=${() => void this.#toggleRun(run)}
                >
                  ${t.showFailures} <span aria-hidden="true">${detail ? '▴' : '▾'}</span>
                </button>`
              : nothing
          }
        </td>
      </tr>
      ${
        detail
          ? html`<tr class="failures-row">
              <td colspan="9" id=${detailsId}>${this.#renderDetail(run, detail)}</td>
            </tr>`
          : nothing
      }
    </tbody>`;
  }

  #renderDetail(run: AscoraSyncRun, detail: RunDetail) {
    const { t } = this.localize;
    if (detail.phase === 'loading') return loadingView(this.localize);
    if (detail.phase === 'error')
      return errorView(this.localize, detail.error, () => void this.#loadRun(run.id));
    const { failures, error } = detail.detail;
    return html`<div class="failures" part="failures">
      ${error ? html`<p class="message error">${t.runError(error)}</p>` : nothing}
      ${
        failures.length === 0
          ? error
            ? nothing
            : html`<p class="muted">${t.noFailures}</p>`
          : html`<table aria-label=${t.failuresFor(this.#date(run.startedAt))}>
              <thead>
                <tr>
                  <th scope="col">${t.failureColumns.record}</th>
                  <th scope="col">${t.failureColumns.reason}</th>
                  <th scope="col">${t.failureColumns.at}</th>
                  <th scope="col">${t.failureColumns.action}</th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  failures,
                  (failure) => failure.id,
                  (failure) => this.#renderFailure(run, failure),
                )}
              </tbody>
            </table>`
      }
    </div>`;
  }

  #renderFailure(run: AscoraSyncRun, failure: AscoraSyncFailure) {
    const { t } = this.localize;
    const entity = t.entity[failure.entity];
    const ref = failure.ascoraId ?? failure.localId ?? '';
    const retrying = this.retrying.has(failure.id);
    const outcome = this.retryOutcomes.get(failure.id);
    const resolved = failure.resolvedAt !== null;
    return html`<tr data-failure=${failure.id} class=${resolved ? 'resolved' : ''} aria-busy=${retrying}>
      <td>
        <div class="record">
          <span>${entity}</span>
          ${failure.ascoraId ? html`<small class="mono">${t.ascoraId(failure.ascoraId)}</small>` : nothing}
          ${failure.localId ? html`<small class="mono">${t.localId(failure.localId)}</small>` : nothing}
        </div>
      </td>
      <td class="reason">${failure.reason}</td>
      <td class="when"><time datetime=${failure.at}>${this.#date(failure.at)}</time></td>
      <td>
        <div class="retry-cell">
          ${
            resolved
              ? nothing
              : html`<button
                  type="button"
                  class="retry"
                  part="retry-button"
                  ?disabled=${retrying}
                  aria-label=${t.retryFor(entity, ref)}
                  @click=${() => void this.#retry(run.id, failure)}
                >
                  ${retrying ? t.retrying : t.retry}
                </button>`
          }
          ${
            outcome
              ? html`<span class="outcome" data-outcome=${outcome.kind} tabindex="-1">${outcome.text}</span>`
              : resolved
                ? html`<span class="outcome" data-outcome="synced">${t.failureResolved}</span>`
                : nothing
          }
        </div>
      </td>
    </tr>`;
  }
}
