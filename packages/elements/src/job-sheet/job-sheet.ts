import { type CrewkitWith, type components, jobSheetResources } from '@crewkit/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import {
  type ClientSettings,
  createElementClient,
  ElementError,
  toElementError,
  unwrap,
} from '../shared/api.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { errorView, loadingView } from '../shared/states.js';
import { type Edit, type EditInput, EditQueue } from './edit-queue.js';
import { CrewEditsSyncedEvent, CrewVisitCompletedEvent, type JobSheet } from './events.js';
import { jobSheetStyles } from './job-sheet.styles.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { SignaturePad } from './signature-pad.js';

type Part = components['schemas']['Part'];
type AppointmentStatus = components['schemas']['AppointmentStatus'];
type Gap = JobSheet['completion']['missing'][number];

/** Only the namespaces the sheet calls, so a page with this element alone does not carry the rest. */
const namespaces: typeof jobSheetResources = jobSheetResources;
type Client = CrewkitWith<typeof namespaces>;

/** Photos are scaled to this many pixels on their long side before sending (and queueing). */
const photoEdge = 2048;
/** The server refuses files above 10 MiB. */
const maxFileBytes = 10 * 1024 * 1024;
/** How long before its download links expire the sheet is read again. */
const linkMarginMs = 30_000;
/** How often a running timer's figure is brought up to date. */
const tickMs = 15_000;
/** A tap not sent within this long is sent with its own time (occurredAt), as an offline one is. */
const deferAfterMs = 10_000;
/**
 * A round stopped by a failure that may pass (no connection while the device thinks it is online, a
 * restarting or busy server, an expired sign-in) tries again by itself: after 2 s, doubling, at most
 * a minute apart, until a round gets through.
 */
const resendFirstMs = 2_000;
const resendMaxMs = 60_000;

/**
 * The job sheet of one visit, for the technician on site (a phone) and the office (a desktop): the
 * work timer (through the appointment's status: on my way, start, pause, resume), notes (internal
 * or for the customer), the service's checklist, photos from the camera or files, parts from the
 * organization's list or typed in, the customer's signature (drawn, or a typed name for those who
 * cannot draw), and completing the visit — a refusal shows what the completion rules still miss.
 *
 * Every edit is queued on the device (localStorage, per appointment) with its Idempotency-Key and
 * sent in order; offline, edits wait and go out once when the connection returns (the `online`
 * event, "Send now", or by themselves after a growing pause). A request that reached the server
 * before the connection dropped is replayed from the server's record, not applied twice. The timer's taps and Complete are queued
 * too, with the time of the tap on the device (`occurredAt`), so labour counts from the tap and
 * not from when the connection returned; the timer runs from the tap meanwhile.
 *
 * @tagname crew-job-sheet
 * @summary A visit's job sheet: timer, notes, checklist, photos, parts, signature, completion.
 *
 * @attr api-base - Where the API lives.
 * @attr org - The organization id.
 * @attr access-token - A technician's or office user's access token; or set `getAccessToken`.
 * @attr appointment-id - The visit whose sheet to show.
 * @attr locale - BCP 47 language tag.
 * @attr theme - `light` or `dark`.
 *
 * @event crew-ready - The sheet is shown.
 * @event crew-visit-completed - The server accepted the visit as completed; `event.appointment`.
 * @event crew-edits-synced - Every queued edit was answered; `event.sent` is how many went out.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart sync - The connection and queued-edits line.
 * @csspart section - Each part of the sheet (timer, checklist, notes, photos, parts, signature).
 * @csspart signature-pad - The canvas to sign on.
 * @csspart refusal - What completion still misses.
 * @csspart state - The loading and error views.
 */
export class CrewJobSheet extends StaffElement<Client> {
  static override styles = [...StaffElement.styles, jobSheetStyles];

  static override properties: PropertyDeclarations = {
    ...StaffElement.properties,
    appointmentId: { attribute: 'appointment-id' },
    sheet: { state: true },
    loadError: { state: true },
    queued: { state: true },
    online: { state: true },
    sending: { state: true },
    refusal: { state: true },
    notice: { state: true },
    catalog: { state: true },
    resigning: { state: true },
    office: { state: true },
  };

  declare appointmentId: string | undefined;
  /** Reads the time and sets the timer's tick; tests pass a manual clock. */
  clock: Clock = systemClock;

  declare private sheet: JobSheet | undefined;
  declare private loadError: ElementError | undefined;
  declare private queued: readonly Edit[];
  declare private online: boolean;
  declare private sending: boolean;
  declare private refusal: { missing: Gap[] } | undefined;
  declare private notice: { text: string; error: boolean } | undefined;
  declare private catalog: Part[];
  declare private resigning: boolean;
  /** Signed in as office staff (owner, admin, dispatcher): may correct the labour time. */
  declare private office: boolean;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Client | undefined;
  #org = '';
  #queue: EditQueue | undefined;
  #pad = new SignaturePad();
  #loadedAt = 0;
  #tick: unknown;
  #linkRenewal: unknown;
  #resend: unknown;
  /** Rounds in a row stopped by a failure: how long the next automatic one waits. */
  #failedRounds = 0;
  #announcedReady = false;
  #round: Promise<void> | undefined;
  /** A send was asked for (the connection came back, another tap) while a round ran. */
  #askedDuringRound = false;
  #roleKnown: Promise<void> | undefined;
  /** The visit as the server answered a completion sent in the current round. */
  #completed: components['schemas']['Appointment'] | undefined;

  constructor() {
    super();
    this.queued = [];
    this.online = globalThis.navigator?.onLine ?? true;
    this.sending = false;
    this.catalog = [];
    this.resigning = false;
    this.office = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.addEventListener('online', this.#wentOnline);
    globalThis.addEventListener('offline', this.#wentOffline);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.removeEventListener('online', this.#wentOnline);
    globalThis.removeEventListener('offline', this.#wentOffline);
    this.clock.clearTimeout(this.#tick);
    this.clock.clearTimeout(this.#linkRenewal);
    this.clock.clearTimeout(this.#resend);
  }

  protected override updated(): void {
    this.#pad.attach(this.renderRoot.querySelector<HTMLCanvasElement>('canvas'));
  }

  #wentOnline = () => {
    this.online = true;
    void this.flush().then(() => {
      // The sheet could not be read while offline: read it now.
      if (this.catalog.length === 0) void this.#loadParts();
      if (!this.sheet || this.loadError) return this.refresh();
    });
  };

  #wentOffline = () => {
    this.online = false;
  };

  protected override restartOn = ['appointmentId'];

  protected override createClient(settings: ClientSettings): Client {
    if (!this.appointmentId) throw new ElementError('misconfigured', { cause: 'missing appointment-id' });
    return createElementClient(settings, namespaces);
  }

  protected override connectFailed(error: ElementError): void {
    this.#client = undefined;
    this.loadError = error;
    this.reportError(error);
  }

  protected override connect(client: Client, orgId: string): void {
    this.#client = client;
    this.#org = orgId;
    this.#queue = new EditQueue(this.#org, this.appointmentId!);
    // A round still sending another sheet's edits finishes on its own; this sheet's start their own.
    this.#round = undefined;
    this.#roleKnown = undefined;
    this.office = false;
    this.queued = this.#queue.edits;
    this.loadError = undefined;
    this.sheet = undefined;
    void this.#firstLoad();
  }

  async #firstLoad(): Promise<void> {
    // Edits left from an earlier visit to this page go out before the sheet is read, so it shows them.
    if (this.queued.length > 0 && this.online) await this.flush();
    await this.refresh();
    void this.#loadParts();
  }

  /** Reads the sheet from the server again. */
  async refresh(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      // Who is signed in is asked alongside the first read, so the sheet shows with the office's tools.
      this.#roleKnown ??= this.#loadRole(client);
      const [sheet] = await Promise.all([unwrap(client.jobSheets.get(this.appointmentId!)), this.#roleKnown]);
      this.sheet = sheet;
      this.#loadedAt = this.clock.now();
      this.loadError = undefined;
      this.#scheduleTick();
      this.#scheduleLinkRenewal(sheet);
      if (!this.#announcedReady) {
        this.#announcedReady = true;
        void this.updateComplete.then(() => this.dispatchEvent(new CrewReadyEvent()));
      }
    } catch (error) {
      const failure = toElementError(error);
      if (failure.code === 'network_error') this.online = false;
      // Offline with a sheet already on screen: keep showing it (with the waiting edits).
      if (this.sheet && failure.code === 'network_error') return;
      this.loadError = failure;
      this.reportError(failure);
    }
  }

  async #loadParts(): Promise<void> {
    try {
      this.catalog = await this.#client!.parts.list({ limit: 100 }).toArray({ limit: 500 });
    } catch {
      // Without the list a part can still be typed in; the sheet is what matters.
    }
  }

  async #loadRole(client: Client): Promise<void> {
    try {
      const me = await unwrap(client.auth.me());
      this.office =
        me.kind === 'secret_key' || ['owner', 'admin', 'dispatcher'].includes(me.user?.role ?? '');
    } catch {
      // Without knowing who is signed in, the correction stays hidden (the server decides anyway);
      // the next read asks again.
      this.#roleKnown = undefined;
    }
  }

  /** Download links expire within minutes: the sheet is read again shortly before, so thumbnails keep showing. */
  #scheduleLinkRenewal(sheet: JobSheet): void {
    this.clock.clearTimeout(this.#linkRenewal);
    const expiries = sheet.attachments.map((a) => Date.parse(a.urlsExpireAt));
    if (expiries.length === 0 || !this.isConnected) return;
    const wait = Math.max(linkMarginMs, Math.min(...expiries) - linkMarginMs - this.clock.now());
    this.#linkRenewal = this.clock.setTimeout(() => {
      if (this.online) void this.refresh();
    }, wait);
  }

  #scheduleTick(): void {
    this.clock.clearTimeout(this.#tick);
    if (!this.sheet || !this.isConnected) return;
    const running = labourShown(this.sheet.labour, this.#loadedAt, this.#taps(), this.clock.now()).running;
    if (!running) return;
    this.#tick = this.clock.setTimeout(() => {
      this.requestUpdate();
      this.#scheduleTick();
    }, tickMs);
  }

  // ---- Edits: queued, then sent in order ---------------------------------------------------

  #edit(input: EditInput): void {
    if (!this.#queue) return;
    this.#queue.add(input);
    this.queued = this.#queue.edits;
    this.refusal = undefined;
    void this.flush();
  }

  /**
   * Sends the waiting edits, oldest first, one at a time. An edit leaves the queue once the server
   * answered it; a network failure stops the round with the edit still queued, to be sent again
   * (with the same key) when the connection returns or the next automatic round comes. Only one
   * round runs at a time, so an `online` event during a round cannot send an edit twice; a call
   * during a round waits for that round, and if that round then stops with edits waiting, one more
   * starts at once rather than after the pause (the round may have failed just before the
   * connection came back).
   */
  flush(): Promise<void> {
    if (this.#round) {
      this.#askedDuringRound = true;
      return this.#round;
    }
    this.clock.clearTimeout(this.#resend);
    this.#askedDuringRound = false;
    let again = false;
    const round = this.#drain().then((stopped) => {
      if (!stopped) {
        this.#failedRounds = 0;
        return;
      }
      if (!this.isConnected) return;
      if (this.#askedDuringRound) {
        again = true;
        return;
      }
      const wait = Math.min(resendMaxMs, resendFirstMs * 2 ** this.#failedRounds++);
      this.#resend = this.clock.setTimeout(() => void this.flush(), wait);
    });
    const done = round.finally(() => {
      if (this.#round === done) this.#round = undefined;
    });
    this.#round = done;
    // The next round starts once this one is no longer the current round.
    return done.then(() => (again ? this.flush() : undefined));
  }

  /** One round; resolves true when a failure stopped it with edits still waiting. */
  async #drain(): Promise<boolean> {
    const client = this.#client;
    const queue = this.#queue;
    if (!client || !queue) return false;
    this.sending = true;
    this.#completed = undefined;
    let sent = 0;
    let failedForGood = false;
    try {
      for (let edit = queue.edits[0]; edit; edit = queue.edits[0]) {
        try {
          await this.#send(client, edit);
          sent++;
        } catch (error) {
          const failure = toElementError(error);
          if (failure.code === 'network_error') {
            this.online = false;
            return true;
          }
          const missing = (failure.problem as { missing?: Gap[] } | undefined)?.missing;
          if (
            edit.kind === 'status' &&
            failure.code === 'conflict' &&
            Array.isArray(missing) &&
            missing.length > 0
          ) {
            // Completion refused for what the sheet lacks: shown as when online, the visit stays open.
            this.refusal = { missing };
          } else {
            this.notice = { text: this.localize.error(failure.code), error: true };
          }
          this.reportError(failure);
          // A signed-out user, a refused role, a busy or broken server: the edit itself may be
          // fine, so it stays queued for the next round rather than being lost.
          if (!refusedForGood(failure)) return true;
          // Refused for what it is (a line no longer on the checklist, a visit cancelled meanwhile):
          // it would be refused again, so it is dropped, and the user was told.
          failedForGood = true;
        }
        queue.done(edit.key);
        this.queued = queue.edits;
      }
      this.online = true;
    } finally {
      this.sending = false;
    }
    if (sent > 0 || failedForGood) {
      await this.refresh();
      const completed = this.#completed;
      this.#completed = undefined;
      if (completed) {
        this.notice = { text: this.localize.t.completion.completed, error: false };
        this.dispatchEvent(new CrewVisitCompletedEvent(completed));
      }
      if (queue.edits.length === 0) this.dispatchEvent(new CrewEditsSyncedEvent(sent));
    }
    return false;
  }

  async #send(client: Client, edit: Edit): Promise<void> {
    const id = this.appointmentId!;
    const options = { idempotencyKey: edit.key };
    switch (edit.kind) {
      case 'labour':
        await unwrap(client.jobSheets.correctLabour(id, edit.body));
        return;
      case 'status': {
        const appointment = await unwrap(
          client.appointments.changeStatus(
            id,
            {
              status: edit.status,
              // Waiting more than a few seconds makes a tap deferred too (a slow or failed send).
              ...(edit.deferred || this.clock.now() - Date.parse(edit.occurredAt) > deferAfterMs
                ? { occurredAt: edit.occurredAt }
                : {}),
            },
            options,
          ),
        );
        if (edit.status === 'completed') this.#completed = appointment;
        return;
      }
      case 'note':
        await unwrap(client.jobSheets.addNote(id, { body: edit.body, visibility: edit.visibility }, options));
        return;
      case 'checklist':
        await unwrap(client.jobSheets.setChecklistItem(id, edit.checklistKey, edit.done));
        return;
      case 'signature':
        await unwrap(
          client.jobSheets.captureSignature(id, {
            signerName: edit.signerName,
            ...(edit.image ? { image: edit.image } : {}),
          }),
        );
        return;
      case 'addPart':
        await unwrap(client.jobSheets.addPart(id, edit.body, options));
        return;
      case 'updatePart':
        await unwrap(client.jobSheets.updatePart(id, edit.partUsedId, edit.body));
        return;
      case 'removePart':
        try {
          await unwrap(client.jobSheets.removePart(id, edit.partUsedId));
        } catch (error) {
          // Sent before, answered while the connection dropped: already gone is what was wanted.
          if (!(error instanceof ElementError && error.code === 'not_found')) throw error;
        }
        return;
      case 'attachment':
        await unwrap(
          client.attachments.create(id, { fileName: edit.fileName, content: edit.content }, options),
        );
        return;
    }
  }

  // ---- Timer and completion: queued with the time of the tap ---------------------------------

  #changeStatus(status: AppointmentStatus): void {
    this.notice = undefined;
    // Queued behind the edits still waiting, which may be what completion needs (a signature, a photo).
    this.#edit({
      kind: 'status',
      status,
      occurredAt: new Date(this.clock.now()).toISOString(),
      deferred: !this.online || this.queued.length > 0,
    });
    this.#scheduleTick();
  }

  /** The status the visit is in once the taps still waiting are sent. */
  #statusShown(sheet: JobSheet): AppointmentStatus {
    const taps = this.queued.filter((e) => e.kind === 'status');
    return taps.at(-1)?.status ?? sheet.status;
  }

  #taps(): Tap[] {
    return this.queued.flatMap((e) =>
      e.kind === 'status' ? [{ status: e.status, at: Date.parse(e.occurredAt) }] : [],
    );
  }

  // ---- User actions -------------------------------------------------------------------------

  #addNote(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const body = String(data.get('body') ?? '').trim();
    if (!body) return;
    const visibility = data.get('visibility') === 'customer' ? 'customer' : 'internal';
    this.#edit({ kind: 'note', body, visibility });
    form.reset();
  }

  #tickLine(checklistKey: string, done: boolean): void {
    this.#edit({ kind: 'checklist', checklistKey, done });
  }

  async #attach(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) {
      const prepared = await preparePhoto(file);
      if (prepared.size > maxFileBytes) {
        this.notice = { text: this.localize.t.photos.tooLarge(file.name), error: true };
        continue;
      }
      const content = await base64(prepared);
      const preview = prepared.type.startsWith('image/') ? await thumbnail(prepared) : undefined;
      this.#edit({ kind: 'attachment', fileName: file.name, content, ...(preview ? { preview } : {}) });
    }
  }

  #addPart(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = String(data.get('part') ?? '').trim();
    const quantity = Number(String(data.get('quantity') ?? '1').replace(',', '.'));
    if (!text || !(quantity > 0)) return;
    const known = this.catalog.find((p) => partLabel(p) === text || p.sku === text || p.name === text);
    this.#edit({
      kind: 'addPart',
      body: known ? { partId: known.id, quantity } : { name: text.slice(0, 200), quantity },
    });
    form.reset();
  }

  #changeQuantity(partUsedId: string, event: Event): void {
    const input = event.target as HTMLInputElement;
    const quantity = Number(input.value.replace(',', '.'));
    if (!(quantity > 0)) {
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    this.#edit({ kind: 'updatePart', partUsedId, body: { quantity } });
  }

  /** An empty figure goes back to the one derived from the timer (`null`). */
  #correctLabour(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const minutes = (name: string) => {
      const value = String(data.get(name) ?? '').trim();
      return value === '' ? null : Math.round(Number(value));
    };
    const reason = String(data.get('reason') ?? '').trim();
    if (!reason) return;
    this.#edit({
      kind: 'labour',
      body: { travelMinutes: minutes('travelMinutes'), workMinutes: minutes('workMinutes'), reason },
    });
    form.reset();
    (form.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
  }

  #sign(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const signerName = String(new FormData(form).get('signerName') ?? '').trim();
    if (!signerName) return;
    const image = this.#pad.png();
    this.#edit({ kind: 'signature', signerName, ...(image ? { image } : {}) });
    this.resigning = false;
  }

  // ---- Rendering ----------------------------------------------------------------------------

  override render() {
    const { t } = this.localize;
    const body = this.loadError
      ? errorView(this.localize, this.loadError, () => void this.refresh())
      : !this.sheet
        ? loadingView(this.localize)
        : this.#renderSheet(this.sheet);
    return html`<div class="base" part="base" dir=${this.localize.dir} lang=${this.localize.lang}>
      <div class="head">
        <h3>${t.title}</h3>
        ${this.sheet ? html`<span class="badge status">${t.statuses[this.#statusShown(this.sheet)] ?? this.sheet.status}</span>` : nothing}
      </div>
      ${this.#renderSync()} ${body}
      <p class="notice ${this.notice ? 'shown' : ''} ${this.notice?.error ? 'error' : ''}" role="status">
        ${this.notice?.text ?? ''}
      </p>
    </div>`;
  }

  #renderSync() {
    const { sync } = this.localize.t;
    const count = this.queued.length;
    const text = !this.online
      ? sync.offline(count)
      : count > 0
        ? sync.sending(count)
        : this.sheet
          ? sync.saved
          : '';
    return html`<div class="sync ${this.online ? '' : 'offline'}" part="sync" role="status">
      <span>${text}</span>
      ${this.#queue?.unsaved ? html`<span class="warning">${sync.unsaved}</span>` : nothing}
      ${
        count > 0 && !this.sending
          ? html`<button type="button" @click=${() => void this.flush()}>${sync.retry}</button>`
          : nothing
      }
    </div>`;
  }

  #renderSheet(sheet: JobSheet) {
    return html`${this.#renderTimer(sheet)} ${this.#renderChecklist(sheet)} ${this.#renderNotes(sheet)}
    ${this.#renderPhotos(sheet)} ${this.#renderParts(sheet)} ${this.#renderSignature(sheet)}
    ${this.#renderCompletion(sheet)}`;
  }

  #renderTimer(sheet: JobSheet) {
    const { t } = this.localize;
    const waitingCorrection = this.queued.find((e) => e.kind === 'labour');
    // A correction still waiting to be sent shows as if it had been made.
    const labour =
      waitingCorrection?.kind === 'labour'
        ? {
            ...sheet.labour,
            travelMinutes: waitingCorrection.body.travelMinutes ?? sheet.labour.derived.travelMinutes,
            workMinutes: waitingCorrection.body.workMinutes ?? sheet.labour.derived.workMinutes,
            correction: {
              travelMinutes: waitingCorrection.body.travelMinutes ?? null,
              workMinutes: waitingCorrection.body.workMinutes ?? null,
              reason: waitingCorrection.body.reason,
              correctedBy: '',
              at: '',
            },
          }
        : sheet.labour;
    const shown = labourShown(labour, this.#loadedAt, this.#taps(), this.clock.now());
    const figures = [
      [t.labour.travel, shown.travelMinutes],
      [t.labour.work, shown.workMinutes],
      [t.labour.paused, shown.pausedMinutes],
    ] as const;
    const status = this.#statusShown(sheet);
    const tapsWaiting = this.queued.some((e) => e.kind === 'status');
    const timerWaiting = tapsWaiting || waitingCorrection !== undefined;
    const next: Array<[AppointmentStatus, string]> =
      status === 'scheduled'
        ? [
            ['en_route', t.actions.en_route],
            ['in_progress', t.actions.in_progress],
          ]
        : status === 'en_route'
          ? [['in_progress', t.actions.in_progress]]
          : status === 'in_progress'
            ? [['paused', t.actions.paused]]
            : status === 'paused'
              ? [['in_progress', t.actions.resume]]
              : [];
    return html`<section class="timer" part="section" aria-labelledby="timer-title">
      <h4 id="timer-title">
        ${t.labour.title} ${timerWaiting ? html`<span class="badge waiting">${t.waiting}</span>` : nothing}
      </h4>
      <dl class="figures">
        ${figures.map(
          ([label, minutes]) => html`<div>
            <dt>${label}</dt>
            <dd>${this.localize.minutes(minutes)}</dd>
          </div>`,
        )}
      </dl>
      ${labour.correction ? html`<p class="muted">${t.labour.corrected}: ${labour.correction.reason}</p>` : nothing}
      ${
        next.length > 0
          ? html`<div class="actions">
            ${next.map(
              ([status, label]) =>
                html`<button
                  type="button"
                  class=${status === 'paused' ? '' : 'primary'}
                  @click=${() => this.#changeStatus(status)}
                >
                  ${label}
                </button>`,
            )}
          </div>`
          : nothing
      }
      ${!this.online && tapsWaiting ? html`<p class="muted">${t.labour.offlineTaps}</p>` : nothing}
      ${this.office ? this.#renderCorrection(labour) : nothing}
    </section>`;
  }

  #renderCorrection(labour: JobSheet['labour']) {
    const { t } = this.localize;
    return html`<details class="correction">
      <summary>${t.labour.correct}</summary>
      <form class="labour-form" @submit=${(e: SubmitEvent) => this.#correctLabour(e)}>
        <label
          >${t.labour.travelMinutes}
          <input
            name="travelMinutes"
            type="number"
            inputmode="numeric"
            min="0"
            max="10080"
            step="1"
            placeholder=${labour.derived.travelMinutes}
            .value=${String(labour.correction?.travelMinutes ?? '')}
          />
        </label>
        <label
          >${t.labour.workMinutes}
          <input
            name="workMinutes"
            type="number"
            inputmode="numeric"
            min="0"
            max="10080"
            step="1"
            placeholder=${labour.derived.workMinutes}
            .value=${String(labour.correction?.workMinutes ?? '')}
          />
        </label>
        <label class="grow">${t.labour.reason} <input name="reason" required maxlength="500" /></label>
        <p class="muted grow">${t.labour.correctHint}</p>
        <button type="submit">${t.labour.saveCorrection}</button>
      </form>
    </details>`;
  }

  #renderChecklist(sheet: JobSheet) {
    const { t } = this.localize;
    const waiting = new Map(
      this.queued.flatMap((e) => (e.kind === 'checklist' ? [[e.checklistKey, e.done] as const] : [])),
    );
    return html`<section part="section" aria-labelledby="checklist-title">
      <h4 id="checklist-title">${t.checklist.title}</h4>
      ${
        sheet.checklist.length === 0
          ? html`<p class="muted">${t.checklist.none}</p>`
          : html`<ul class="checklist">
            ${sheet.checklist.map((line) => {
              const done = waiting.get(line.key) ?? line.done;
              return html`<li>
                <label>
                  <input
                    type="checkbox"
                    .checked=${done}
                    @change=${(e: Event) => this.#tickLine(line.key, (e.target as HTMLInputElement).checked)}
                  />
                  ${line.label}
                </label>
                ${waiting.has(line.key) ? html`<span class="badge waiting">${t.waiting}</span>` : nothing}
              </li>`;
            })}
          </ul>`
      }
    </section>`;
  }

  #renderNotes(sheet: JobSheet) {
    const { t } = this.localize;
    const waiting = this.queued.filter((e) => e.kind === 'note');
    return html`<section part="section" aria-labelledby="notes-title">
      <h4 id="notes-title">${t.notes.title}</h4>
      ${
        sheet.notes.length === 0 && waiting.length === 0
          ? html`<p class="muted">${t.notes.none}</p>`
          : html`<ul class="notes">
            ${sheet.notes.map(
              (note) => html`<li>
                <p>${note.body}</p>
                <small>
                  ${note.authorKind === 'technician' ? t.notes.byTechnician : t.notes.byOffice} ·
                  ${this.localize.dateTime(note.createdAt, { dateStyle: 'medium', timeStyle: 'short' })} ·
                  ${note.visibility === 'customer' ? t.notes.customer : t.notes.internal}
                </small>
              </li>`,
            )}
            ${waiting.map(
              (note) => html`<li class="pending">
                <p>${note.body}</p>
                <small
                  >${note.visibility === 'customer' ? t.notes.customer : t.notes.internal}
                  <span class="badge waiting">${t.waiting}</span></small
                >
              </li>`,
            )}
          </ul>`
      }
      <form class="note-form" @submit=${(e: SubmitEvent) => this.#addNote(e)}>
        <label>${t.notes.label} <textarea name="body" required maxlength="5000" rows="3"></textarea></label>
        <fieldset class="inline">
          <legend>${t.notes.visibility}</legend>
          <label><input type="radio" name="visibility" value="internal" checked /> ${t.notes.internal}</label>
          <label><input type="radio" name="visibility" value="customer" /> ${t.notes.customer}</label>
        </fieldset>
        <button type="submit">${t.notes.add}</button>
      </form>
    </section>`;
  }

  #renderPhotos(sheet: JobSheet) {
    const { t } = this.localize;
    const waiting = this.queued.filter((e) => e.kind === 'attachment');
    return html`<section part="section" aria-labelledby="photos-title">
      <h4 id="photos-title">${t.photos.title}</h4>
      ${
        sheet.attachments.length === 0 && waiting.length === 0
          ? html`<p class="muted">${t.photos.none}</p>`
          : html`<ul class="photos">
            ${repeat(
              sheet.attachments,
              (a) => a.id,
              (a) => html`<li>
                <a href=${this.#url(a.downloadUrl)} target="_blank" rel="noopener" aria-label=${t.photos.open(a.fileName)}>
                  ${
                    a.thumbnailUrl
                      ? html`<img src=${this.#url(a.thumbnailUrl)} alt="" loading="lazy" />`
                      : html`<span class="file">${a.fileName}</span>`
                  }
                </a>
              </li>`,
            )}
            ${waiting.map(
              (a) => html`<li class="pending">
                ${a.preview ? html`<img src=${a.preview} alt=${a.fileName} />` : html`<span class="file">${a.fileName}</span>`}
                <span class="badge waiting">${t.waiting}</span>
              </li>`,
            )}
          </ul>`
      }
      <label class="button-like">
        ${t.photos.add}
        <input
          class="visually-hidden"
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          @change=${(e: Event) => void this.#attach(e)}
        />
      </label>
    </section>`;
  }

  #renderParts(sheet: JobSheet) {
    const { t } = this.localize;
    const waiting = this.queued.filter((e) => e.kind === 'addPart');
    const removing = new Set(this.queued.flatMap((e) => (e.kind === 'removePart' ? [e.partUsedId] : [])));
    const byId = new Map(this.catalog.map((p) => [p.id, p]));
    const rows = [
      ...sheet.partsUsed
        .filter((p) => !removing.has(p.id))
        .map((p) => ({
          id: p.id,
          name: p.name,
          sku: p.sku,
          quantity: p.quantity,
          price: p.unitPrice,
          pending: false,
        })),
      ...waiting.map((e) => {
        const part = e.body.partId ? byId.get(e.body.partId) : undefined;
        return {
          id: e.key,
          name: part?.name ?? e.body.name ?? '',
          sku: part?.sku ?? null,
          quantity: e.body.quantity,
          price: part?.unitPrice ?? null,
          pending: true,
        };
      }),
    ];
    return html`<section part="section" aria-labelledby="parts-title">
      <h4 id="parts-title">${t.parts.title}</h4>
      ${
        rows.length === 0
          ? html`<p class="muted">${t.parts.none}</p>`
          : html`<ul class="parts">
            ${repeat(
              rows,
              (row) => row.id,
              (row) => html`<li>
                <span class="part-name">
                  ${row.name} ${row.sku ? html`<small>${row.sku}</small>` : nothing}
                  ${row.price ? html`<small>${this.localize.money(row.price)}</small>` : nothing}
                  ${row.pending ? html`<span class="badge waiting">${t.waiting}</span>` : nothing}
                </span>
                <input
                  class="quantity"
                  type="number"
                  inputmode="decimal"
                  min="0.001"
                  step="any"
                  aria-label=${t.parts.quantityOf(row.name)}
                  .value=${String(row.quantity)}
                  @change=${(e: Event) => this.#changeQuantity(row.id, e)}
                />
                <button
                  type="button"
                  class="remove"
                  aria-label=${t.parts.remove(row.name)}
                  @click=${() => this.#edit({ kind: 'removePart', partUsedId: row.id })}
                >
                  ✕
                </button>
              </li>`,
            )}
          </ul>`
      }
      <form class="part-form" @submit=${(e: SubmitEvent) => this.#addPart(e)}>
        <label class="grow"
          >${t.parts.part}
          <input name="part" list="parts-list" required maxlength="200" autocomplete="off" />
        </label>
        <datalist id="parts-list">
          ${this.catalog.filter((p) => p.active).map((p) => html`<option value=${partLabel(p)}></option>`)}
        </datalist>
        <label
          >${t.parts.quantity}
          <input class="quantity" name="quantity" type="number" inputmode="decimal" min="0.001" step="any" value="1" required />
        </label>
        <button type="submit">${t.parts.add}</button>
      </form>
    </section>`;
  }

  #renderSignature(sheet: JobSheet) {
    const { t } = this.localize;
    const waiting = this.queued.find((e) => e.kind === 'signature');
    const signed = sheet.signature;
    const showPad = this.resigning || (!signed && !waiting);
    return html`<section part="section" aria-labelledby="signature-title">
      <h4 id="signature-title">${t.signature.title}</h4>
      ${
        waiting && waiting.kind === 'signature'
          ? html`<p>
            ${waiting.signerName}
            ${waiting.image ? html`<img class="signature" src=${`data:image/png;base64,${waiting.image}`} alt=${t.signature.image(waiting.signerName)} />` : nothing}
            <span class="badge waiting">${t.waiting}</span>
          </p>`
          : signed
            ? html`<div class="signed">
              ${signed.imageUrl ? html`<img class="signature" src=${this.#url(signed.imageUrl)} alt=${t.signature.image(signed.signerName)} />` : nothing}
              <p>
                ${t.signature.signedBy(
                  signed.signerName,
                  this.localize.dateTime(signed.signedAt, { dateStyle: 'medium', timeStyle: 'short' }),
                )}
                ${signed.method === 'typed' ? html`(${t.signature.typed})` : nothing}
              </p>
              ${signed.sheetChangedSinceSigning ? html`<p class="warning" role="note">${t.signature.changed}</p>` : nothing}
            </div>`
            : nothing
      }
      ${
        showPad
          ? html`<form class="sign-form" @submit=${(e: SubmitEvent) => this.#sign(e)}>
            <canvas part="signature-pad" class="pad" role="img" aria-label=${t.signature.pad}></canvas>
            <label>${t.signature.name} <input name="signerName" required maxlength="200" autocomplete="name" /></label>
            <p class="muted">${t.signature.hint}</p>
            <div class="actions">
              <button type="button" @click=${() => this.#pad.clear()}>${t.signature.clear}</button>
              <button type="submit" class="primary">${t.signature.save}</button>
            </div>
          </form>`
          : sheet.status !== 'completed'
            ? html`<button type="button" @click=${() => (this.resigning = true)}>${t.signature.again}</button>`
            : nothing
      }
    </section>`;
  }

  #renderCompletion(sheet: JobSheet) {
    const { t } = this.localize;
    const status = this.#statusShown(sheet);
    if (status !== 'in_progress' && status !== 'paused') return nothing;
    const minimum = sheet.completion.rules.minimumPhotos ?? 0;
    const gap = (g: Gap) => (g === 'photos' ? t.completion.missing.photos(minimum) : t.completion.missing[g]);
    return html`<section class="complete" part="section">
      ${
        this.refusal
          ? html`<div class="refusal" part="refusal" role="alert">
            <p>${t.completion.refused}</p>
            <ul>
              ${this.refusal.missing.map((g) => html`<li>${gap(g)}</li>`)}
            </ul>
          </div>`
          : nothing
      }
      <button
        type="button"
        class="primary"
        @click=${() => this.#changeStatus('completed')}
      >
        ${t.actions.complete}
      </button>
    </section>`;
  }

  /** Download links are relative to the API unless the server knows its public address. */
  #url(link: string): string {
    return new URL(link, `${this.apiBase!.replace(/\/+$/, '')}/`).href;
  }
}

/** A 4xx about the request itself; not 401, 403, 408 or 429, which say nothing about the edit. */
const refusedForGood = (failure: ElementError) =>
  failure.status !== undefined &&
  failure.status >= 400 &&
  failure.status < 500 &&
  ![401, 403, 408, 429].includes(failure.status);

const partLabel = (p: Part) => `${p.name} (${p.sku})`;

type Tap = { status: AppointmentStatus; at: number };
const stretchOf = { en_route: 'travel', in_progress: 'work', paused: 'paused' } as const;
type Stretch = keyof typeof stretchOf;
const isStretch = (status: AppointmentStatus | null | undefined): status is Stretch =>
  status === 'en_route' || status === 'in_progress' || status === 'paused';

/**
 * The labour figures to show: the server's, as of when the sheet was read (`loadedAt`), carried on
 * to `now` through the taps still waiting to be sent, each starting its stretch at the time it was
 * tapped. A figure the office corrected stays as corrected. The server measures the same way once
 * the taps arrive, so the figure does not jump when they do.
 */
export function labourShown(
  labour: JobSheet['labour'],
  loadedAt: number,
  taps: readonly Tap[],
  now: number,
): { travelMinutes: number; workMinutes: number; pausedMinutes: number; running: Stretch | undefined } {
  const extra = { travel: 0, work: 0, paused: 0 };
  let running: Stretch | undefined =
    labour.runningSince && isStretch(labour.runningStatus) ? labour.runningStatus : undefined;
  let from = loadedAt;
  for (const tap of [...taps, { status: undefined, at: now }]) {
    const until = Math.max(from, Math.min(tap.at, now));
    if (running) extra[stretchOf[running]] += until - from;
    from = until;
    if (tap.status !== undefined) running = isStretch(tap.status) ? tap.status : undefined;
  }
  const plus = (minutes: number, ms: number, corrected: number | null | undefined) =>
    (corrected ?? null) === null ? minutes + Math.floor(ms / 60_000) : minutes;
  return {
    travelMinutes: plus(labour.travelMinutes, extra.travel, labour.correction?.travelMinutes),
    workMinutes: plus(labour.workMinutes, extra.work, labour.correction?.workMinutes),
    pausedMinutes: plus(labour.pausedMinutes, extra.paused, undefined),
    running,
  };
}

/** A camera photo scaled down to `photoEdge` as JPEG: a phone's 12 MP photo becomes a few hundred KB to queue and send. */
async function preparePhoto(file: File): Promise<Blob> {
  if (!file.type.startsWith('image/') || file.type === 'image/gif') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, photoEdge / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < 2_000_000) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob>((resolve) =>
      canvas.toBlob((blob) => resolve(blob ?? file), 'image/jpeg', 0.85),
    );
  } catch {
    return file; // a format the browser cannot decode: the server decides
  }
}

/** A small preview for a photo still waiting to be sent (the server makes the real thumbnail). */
async function thumbnail(image: Blob): Promise<string | undefined> {
  try {
    const bitmap = await createImageBitmap(image);
    const scale = Math.min(1, 160 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.7);
  } catch {
    return undefined;
  }
}

function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
