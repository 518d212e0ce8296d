import type { Crewkit, components } from '@crewkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { collectAll, type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LiveEventsController } from '../shared/live-events.js';
import { LocalizeController } from '../shared/localize.js';
import { refusalOf } from '../shared/refusal.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { isTimeZone, knownTimeZone } from '../shared/time-zone.js';
import { dispatchBoardStyles } from './dispatch-board.styles.js';
import { CrewVisitMovedEvent } from './events.js';
import {
  addDays,
  type BoardFrame,
  daysFrom,
  fractionOf,
  instantAtFraction,
  localParts,
  snapMinutes,
  stepInstant,
  weekStart,
  windowFor,
} from './layout.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Appointment = components['schemas']['Appointment'];
type CalendarView = components['schemas']['CalendarView'];
type Lane = components['schemas']['CalendarLane'];
type ServiceItem = Pick<components['schemas']['ServiceItem'], 'id' | 'name'>;

/** A visit being moved, by pointer or keyboard, and where it would go now. */
interface Carry {
  appointment: Appointment;
  via: 'pointer' | 'keyboard';
  technicianId: string | undefined;
  start: number | undefined;
}

/** A move the server refused, shown in the lane it was dropped on. */
interface Refusal {
  appointment: Appointment;
  technicianId: string;
  start: number;
  text: string;
  alternatives: string[];
}

/** Only these can move: started or finished work stays where it happened. */
const movable = new Set(['requested', 'scheduled']);
/** Lane height in px: fixed, so which lanes are on screen follows from the scroll position alone. */
const laneHeight = 56;
/** Lanes rendered beyond each edge of the scroller, so a quick scroll does not show blanks. */
const overscan = 4;
/** Runs `work` when the browser has nothing more urgent to do (or soon, where it cannot say). */
function whenIdle(work: () => void): void {
  if ('requestIdleCallback' in globalThis) requestIdleCallback(work, { timeout: 250 });
  else setTimeout(work, 50);
}
/** Below this width the board becomes a list of the day's visits per technician. */
const narrowBelow = 1024;

/**
 * The dispatch board: one lane per technician with their working hours, time off and visits, over a
 * day or a week, and a queue of requested work. Drag a visit (or a request) to a lane and time to
 * move it: the same time with another technician is a reassignment (`assignTechnician`), anything
 * else a reschedule (`rescheduleAppointment`). While a visit is carried, lanes whose technician is
 * qualified and free at that time are highlighted (availability with technicians). A refusal shows
 * the server's reason and the times it offers instead, in place; a move can be undone. Everything
 * works from the keyboard, announced through a live region. Off-screen lanes are not rendered. It
 * follows the live event stream, so moves made elsewhere appear without a reload.
 *
 * Keyboard: Tab reaches the visits; Enter or Space picks one up; ↑/↓ change technician, ←/→ move
 * 15 minutes (Shift: a day); Enter drops, Escape cancels.
 *
 * @tagname crew-dispatch-board
 * @summary Day and week dispatch board with drag-and-drop assignment.
 *
 * @attr api-base - Where the API lives.
 * @attr org - The organization id.
 * @attr access-token - A dispatcher's access token; or set `getAccessToken`.
 * @attr view - `day` or `week` (default `week`).
 * @attr date - A day in the period shown (`YYYY-MM-DD`, default today).
 * @attr timezone - IANA zone the board's days and hours are read in (default the organization's).
 * @attr locale - BCP 47 language tag.
 * @attr theme - `light` or `dark`.
 *
 * @event crew-ready - The board is shown.
 * @event crew-visit-moved - The server accepted a move (or an undo); `from` and `to` are the appointment before and after.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart toolbar - The period and view controls.
 * @csspart queue - The requested work.
 * @csspart lanes - The scrolling lanes.
 * @csspart lane - One technician's lane (`lane fits` while it could take the carried visit).
 * @csspart visit - A visit on a lane or in the queue.
 * @csspart refusal - A refused move's reason and alternatives.
 *
 * @cssproperty [--crew-dispatch-board-max-height=36rem] - Height after which the lanes scroll.
 * @cssproperty [--crew-color-primary=#1d4ed8] - Visits, focus ring.
 * @cssproperty [--crew-color-success=#067647] - Lanes that could take the carried visit.
 */
export class CrewDispatchBoard extends StaffElement {
  static override styles = [...StaffElement.styles, dispatchBoardStyles];

  static override properties = {
    ...StaffElement.properties,
    view: { reflect: true },
    date: {},
    timezone: {},
    phase: { state: true },
    loadError: { state: true },
    calendar: { state: true },
    queue: { state: true },
    services: { state: true },
    carry: { state: true },
    freeAt: { state: true },
    refusal: { state: true },
    undo: { state: true },
    announcement: { state: true },
    savingIds: { state: true },
    firstLane: { state: true },
    visibleLanes: { state: true },
    narrow: { state: true },
  };

  declare view: 'day' | 'week';
  declare date: string | undefined;
  declare timezone: string | undefined;

  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadError: ElementError | undefined;
  declare private calendar: CalendarView | undefined;
  declare private queue: Appointment[];
  declare private services: Map<string, ServiceItem>;
  declare private carry: Carry | undefined;
  /** While carrying: the starts at which each technician is qualified and free (from availability). */
  declare private freeAt: Map<string, Set<number>> | undefined;
  declare private refusal: Refusal | undefined;
  declare private undo: { label: string; run: () => Promise<void> } | undefined;
  declare private announcement: string;
  declare private savingIds: ReadonlySet<string>;
  declare private firstLane: number;
  declare private visibleLanes: number;
  declare private narrow: boolean;

  readonly localize = new LocalizeController(this, { en, de, fr, es });
  readonly #live = new LiveEventsController(this, {
    prefixes: ['appointment.'],
    onChange: () => this.reload(),
  });

  #client: Crewkit | undefined;
  #load: AbortController | undefined;
  #announcedReady = false;
  /**
   * Lanes rendered beyond the scroller's edges: none until the board has been shown once, so the
   * first render builds only what is on screen; the rest follows when the browser is idle.
   */
  #overscan = 0;
  #resize: ResizeObserver | undefined;
  #pointer: { id: number; x: number; y: number; appointment: Appointment } | undefined;
  #focusVisit: string | undefined;

  constructor() {
    super();
    this.view = 'week';
    this.phase = 'loading';
    this.queue = [];
    this.services = new Map();
    this.announcement = '';
    this.savingIds = new Set();
    this.firstLane = 0;
    this.visibleLanes = 12;
    this.narrow = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = entry.contentRect.width;
      // Next frame: switching layouts inside the observer's callback would resize what it observes.
      requestAnimationFrame(() => {
        this.narrow = width < narrowBelow;
        const scroller = this.renderRoot.querySelector<HTMLElement>('.lanes');
        if (scroller) this.visibleLanes = Math.ceil(scroller.clientHeight / laneHeight) + 1;
      });
    });
    this.#resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#load?.abort();
    this.#endPointer();
  }

  protected override connect(client: Crewkit): void {
    this.#client = client;
    this.#live.follow(client);
    void this.#loadLookups();
    void this.reload();
  }

  protected override connectFailed(error: ElementError): void {
    this.#client = undefined;
    this.#live.follow(undefined);
    this.loadError = error;
    this.phase = 'error';
    this.reportError(error);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && (changed.has('view') || changed.has('date') || changed.has('timezone'))) {
      void this.reload();
    }
  }

  protected override updated(): void {
    if (this.#overscan === 0 && this.phase === 'ready') {
      this.#overscan = -1;
      whenIdle(() => {
        this.#overscan = overscan;
        this.requestUpdate();
      });
    }
    if (this.#focusVisit) {
      // A rescheduled visit has a new id, rendered once the board has reloaded.
      const visit = this.renderRoot.querySelector<HTMLElement>(`[data-visit="${this.#focusVisit}"]`);
      if (visit) {
        this.#focusVisit = undefined;
        visit.focus();
      }
    }
  }

  /** Loads the board again (after a move, or when the live stream reports a change). */
  async reload(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#load?.abort();
    const request = new AbortController();
    this.#load = request;
    const days = this.#days;
    // The zone goes out unchecked and is checked in a task of its own once the requests have left:
    // the first time-zone formatter of a page loads the browser's zone data (30–50 ms on a cold
    // page), which used to hold the requests back and now overlaps their round trip. A zone the
    // browser turns out not to know is dropped, as before: the board is asked for again without it.
    const asked = this.timezone && knownTimeZone(this.timezone) !== false ? this.timezone : undefined;
    const zoneKnown = asked
      ? new Promise<boolean>((resolve) => setTimeout(() => resolve(isTimeZone(asked))))
      : Promise.resolve(true);
    const retryWithoutZone = async () => {
      if (!(await zoneKnown) && request === this.#load) {
        request.abort();
        await this.reload();
        return true;
      }
      return false;
    };
    try {
      const [calendar, queue] = await Promise.all([
        unwrap(
          client.appointments.calendar({
            from: days[0]!,
            to: days.at(-1)!,
            ...(asked ? { timeZone: asked } : {}),
            signal: request.signal,
          }),
        ),
        collectAll<Appointment>(
          client.appointments.list({
            status: ['requested'],
            sort: 'start',
            limit: 100,
            signal: request.signal,
          }),
        ).catch(() => [] as Appointment[]),
      ]);
      if (await retryWithoutZone()) return;
      if (request !== this.#load) return;
      this.calendar = calendar;
      this.queue = queue;
      this.phase = 'ready';
      this.loadError = undefined;
      if (!this.#announcedReady) {
        this.#announcedReady = true;
        await this.updateComplete;
        this.dispatchEvent(new CrewReadyEvent());
      }
    } catch (error) {
      if (isAbort(error) || request !== this.#load || (await retryWithoutZone())) return;
      const failure = toElementError(error);
      if (this.phase === 'ready') {
        this.reportError(failure);
      } else {
        this.loadError = failure;
        this.phase = 'error';
        this.reportError(failure);
      }
    }
  }

  /** Service names for the visits; optional (the board works without them). */
  async #loadLookups(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const items = await collectAll<ServiceItem>(client.services.items.list({ limit: 100 }));
      if (client === this.#client) this.services = new Map(items.map((item) => [item.id, item]));
    } catch {
      // Visits then show their reference without the service's name.
    }
  }

  /** The days shown: the anchor day, or the Monday-to-Sunday week around it. */
  get #days(): string[] {
    const anchor = this.date && /^\d{4}-\d{2}-\d{2}$/.test(this.date) ? this.date : this.#today;
    return this.view === 'day' ? [anchor] : daysFrom(weekStart(anchor), 7);
  }

  get #today(): string {
    return localParts(Date.now(), this.#requestedZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone)
      .day;
  }

  get #requestedZone(): string | undefined {
    return this.timezone && isTimeZone(this.timezone) ? this.timezone : undefined;
  }

  /** The zone the board is drawn in: the one asked for, else the one the server read the days in. */
  get #zone(): string {
    return this.#requestedZone ?? this.calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** The frame, worked out again only when the calendar, the days or the zone change. */
  get #frame(): BoardFrame {
    const zone = this.#zone;
    const days = this.#days;
    const cached = this.#frameCache;
    if (
      cached &&
      cached.calendar === this.calendar &&
      cached.frame.zone === zone &&
      cached.frame.days.join() === days.join()
    ) {
      return cached.frame;
    }
    const lanes = this.calendar?.lanes ?? [];
    const frame = {
      zone,
      days,
      ...windowFor(
        zone,
        lanes.flatMap((lane) => lane.workingHours),
      ),
    };
    this.#frameCache = { calendar: this.calendar, frame };
    return frame;
  }

  #frameCache: { calendar: CalendarView | undefined; frame: BoardFrame } | undefined;

  #shift(direction: -1 | 1): void {
    this.date = addDays(this.#anchorDay, (this.view === 'day' ? 1 : 7) * direction);
  }

  // ——— moving visits ———

  /** Picks a visit up: loads where its service could go, for the highlights. */
  #pickUp(appointment: Appointment, via: Carry['via']): void {
    this.refusal = undefined;
    this.carry = {
      appointment,
      via,
      technicianId: via === 'keyboard' ? appointment.technicianId : undefined,
      start: via === 'keyboard' ? Date.parse(appointment.start) : undefined,
    };
    this.freeAt = undefined;
    if (via === 'keyboard') {
      this.announcement = `${this.localize.t.pickedUp(appointment.reference)} ${this.#describeTarget()}`;
    }
    void this.#loadFreeTimes(appointment);
  }

  async #loadFreeTimes(appointment: Appointment): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const days = this.#days;
    try {
      const availability = await unwrap(
        client.availability.get({
          serviceItemId: appointment.serviceItemId,
          from: days[0]!,
          to: days.at(-1)!,
          timeZone: this.#zone,
          includeTechnicians: true,
        }),
      );
      if (this.carry?.appointment.id !== appointment.id) return;
      const free = new Map<string, Set<number>>();
      for (const day of availability.days) {
        for (const slot of day.slots) {
          const start = Date.parse(slot.start);
          for (const id of slot.technicianIds ?? []) {
            const starts = free.get(id) ?? new Set<number>();
            starts.add(start);
            free.set(id, starts);
          }
        }
      }
      this.freeAt = free;
      const carry = this.carry;
      if (carry.via === 'keyboard') {
        // Still where it was picked up: the pick-up is still news, now with whether it fits.
        const unmoved =
          carry.technicianId === appointment.technicianId && carry.start === Date.parse(appointment.start);
        this.announcement = `${unmoved ? `${this.localize.t.pickedUp(appointment.reference)} ` : ''}${this.#describeTarget()}`;
      }
    } catch {
      // No highlights; the server still checks the move itself.
      this.freeAt = new Map();
    }
  }

  #fit(technicianId: string, start: number | undefined): 'free' | 'busy' | 'unknown' {
    if (!this.freeAt) return 'unknown';
    const starts = this.freeAt.get(technicianId);
    if (start === undefined) return starts && starts.size > 0 ? 'free' : 'busy';
    return starts?.has(start) ? 'free' : 'busy';
  }

  #describeTarget(): string {
    const carry = this.carry;
    if (!carry?.technicianId || carry.start === undefined) return '';
    return this.localize.t.target(
      this.#technicianName(carry.technicianId),
      this.#when(carry.start),
      this.#fit(carry.technicianId, carry.start),
    );
  }

  #cancelCarry(): void {
    const carry = this.carry;
    this.carry = undefined;
    this.freeAt = undefined;
    if (carry) {
      this.announcement = this.localize.t.cancelled(carry.appointment.reference);
      this.#focusVisit = carry.appointment.id;
    }
  }

  #drop(): void {
    const carry = this.carry;
    this.carry = undefined;
    this.freeAt = undefined;
    if (!carry?.technicianId || carry.start === undefined) return;
    void this.#move(carry.appointment, carry.technicianId, carry.start);
  }

  /**
   * Moves a visit through the API: the same time with another technician is a reassignment, any
   * other change a reschedule (which books the new time and cancels the old, linking the two).
   * Shown at once; put back, with the server's reason, if refused.
   */
  async #move(appointment: Appointment, technicianId: string, start: number, isUndo = false): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const sameTime = start === Date.parse(appointment.start);
    if (sameTime && technicianId === appointment.technicianId) {
      this.#focusVisit = appointment.id;
      return;
    }
    const { t } = this.localize;
    const reassign = sameTime && appointment.status !== 'requested';
    const before = this.calendar;
    this.#placeLocally(appointment, technicianId, start);
    this.savingIds = new Set([...this.savingIds, appointment.id]);
    this.announcement = t.moving(appointment.reference);
    this.refusal = undefined;
    try {
      const moved = reassign
        ? await unwrap(client.appointments.assignTechnician(appointment.id, { technicianId }))
        : await unwrap(
            client.appointments.reschedule(appointment.id, {
              start: new Date(start).toISOString(),
              technicianId,
            }),
          );
      this.announcement = isUndo
        ? t.undone(appointment.reference)
        : t.moved(
            moved.reference,
            this.#technicianName(moved.technicianId),
            this.#when(Date.parse(moved.start)),
          );
      this.undo = isUndo
        ? undefined
        : {
            label: appointment.reference,
            run: () => this.#move(moved, appointment.technicianId, Date.parse(appointment.start), true),
          };
      this.#focusVisit = moved.id;
      this.dispatchEvent(new CrewVisitMovedEvent(appointment, moved));
      await this.reload();
    } catch (error) {
      this.calendar = before;
      const failure = toElementError(error);
      const refusal = refusalOf(failure);
      const name = this.#technicianName(technicianId);
      const reason = refusal
        ? (t.refused[refusal.reason as keyof typeof t.refused] ?? t.refused.other)(name)
        : this.localize.error(failure.code);
      this.refusal = {
        appointment,
        technicianId,
        start,
        text: reason,
        alternatives: refusal?.alternatives ?? [],
      };
      this.announcement = `${t.refusedTitle(appointment.reference)}: ${reason}`;
      this.reportError(failure);
    } finally {
      const saving = new Set(this.savingIds);
      saving.delete(appointment.id);
      this.savingIds = saving;
    }
  }

  /** Shows the visit where it is going before the server answers. */
  #placeLocally(appointment: Appointment, technicianId: string, start: number): void {
    if (!this.calendar) return;
    const length = Date.parse(appointment.end) - Date.parse(appointment.start);
    const placed = {
      ...appointment,
      technicianId,
      start: new Date(start).toISOString(),
      end: new Date(start + length).toISOString(),
    };
    this.calendar = {
      ...this.calendar,
      lanes: this.calendar.lanes.map((lane) => {
        const rest = lane.appointments.filter((a) => a.id !== appointment.id);
        return lane.technician.id === technicianId
          ? { ...lane, appointments: [...rest, placed] }
          : rest.length === lane.appointments.length
            ? lane
            : { ...lane, appointments: rest };
      }),
    };
    this.queue = this.queue.filter((a) => a.id !== appointment.id);
  }

  async #undo(): Promise<void> {
    const undo = this.undo;
    this.undo = undefined;
    await undo?.run();
  }

  // ——— pointer ———

  #onPointerDown(event: PointerEvent, appointment: Appointment): void {
    if (event.button !== 0 || !movable.has(appointment.status) || this.carry) return;
    this.#pointer = { id: event.pointerId, x: event.clientX, y: event.clientY, appointment };
    window.addEventListener('pointermove', this.#onPointerMove);
    window.addEventListener('pointerup', this.#onPointerUp);
    window.addEventListener('pointercancel', this.#onPointerCancel);
  }

  readonly #onPointerMove = (event: PointerEvent) => {
    const pointer = this.#pointer;
    if (!pointer || event.pointerId !== pointer.id) return;
    if (!this.carry) {
      // A click is not a drag: only a move of a few pixels picks the visit up.
      if (Math.hypot(event.clientX - pointer.x, event.clientY - pointer.y) < 4) return;
      this.#pickUp(pointer.appointment, 'pointer');
    }
    const target = this.#targetAt(event.clientX, event.clientY);
    if (!this.carry) return;
    if (target?.technicianId !== this.carry.technicianId || target?.start !== this.carry.start) {
      this.carry = { ...this.carry, technicianId: target?.technicianId, start: target?.start };
    }
  };

  readonly #onPointerUp = (event: PointerEvent) => {
    if (!this.#pointer || event.pointerId !== this.#pointer.id) return;
    this.#endPointer();
    if (this.carry) this.#drop();
  };

  readonly #onPointerCancel = () => {
    this.#endPointer();
    if (this.carry) this.#cancelCarry();
  };

  #endPointer(): void {
    this.#pointer = undefined;
    window.removeEventListener('pointermove', this.#onPointerMove);
    window.removeEventListener('pointerup', this.#onPointerUp);
    window.removeEventListener('pointercancel', this.#onPointerCancel);
  }

  /** The lane and snapped time under a point of the page, if it is over a lane's track. */
  #targetAt(x: number, y: number): { technicianId: string; start: number } | undefined {
    const track = (this.renderRoot as ShadowRoot)
      .elementsFromPoint(x, y)
      .find((element) => element.classList.contains('track')) as HTMLElement | undefined;
    const technicianId = track?.dataset.technician;
    if (!track || !technicianId) return undefined;
    const box = track.getBoundingClientRect();
    return { technicianId, start: instantAtFraction(this.#frame, (x - box.left) / box.width) };
  }

  // ——— keyboard ———

  #onVisitKeydown(event: KeyboardEvent, appointment: Appointment): void {
    const carry = this.carry;
    if (!carry) {
      if ((event.key === 'Enter' || event.key === ' ') && movable.has(appointment.status)) {
        event.preventDefault();
        this.#pickUp(appointment, 'keyboard');
      }
      return;
    }
    if (carry.via !== 'keyboard' || carry.appointment.id !== appointment.id) return;
    const lanes = this.calendar?.lanes ?? [];
    const laneIndex = lanes.findIndex((lane) => lane.technician.id === carry.technicianId);
    let { technicianId, start } = carry;
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        this.#cancelCarry();
        return;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.#drop();
        return;
      case 'ArrowUp':
      case 'ArrowDown': {
        const next = Math.min(Math.max(laneIndex + (event.key === 'ArrowUp' ? -1 : 1), 0), lanes.length - 1);
        technicianId = lanes[next]?.technician.id;
        this.#scrollLaneIntoView(next);
        break;
      }
      case 'ArrowLeft':
      case 'ArrowRight': {
        const sign = event.key === 'ArrowLeft' ? -1 : 1;
        start = event.shiftKey
          ? stepInstant(this.#frame, start!, 0, sign)
          : stepInstant(this.#frame, start!, sign * snapMinutes);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
    this.carry = { ...carry, technicianId, start };
    this.announcement = this.#describeTarget();
  }

  /** A visit carried by keyboard is put back when the focus leaves the board. */
  #onFocusOut(event: FocusEvent): void {
    if (this.carry?.via !== 'keyboard') return;
    const next = event.relatedTarget as Node | null;
    if (next && (this.renderRoot.contains(next) || this.contains(next))) return;
    this.#cancelCarry();
  }

  #scrollLaneIntoView(index: number): void {
    const scroller = this.renderRoot.querySelector<HTMLElement>('.lanes');
    if (!scroller) return;
    const top = index * laneHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + laneHeight > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = top + laneHeight - scroller.clientHeight;
  }

  #onScroll(event: Event): void {
    const scroller = event.currentTarget as HTMLElement;
    const first = Math.floor(scroller.scrollTop / laneHeight);
    const visible = Math.ceil(scroller.clientHeight / laneHeight) + 1;
    if (first !== this.firstLane) this.firstLane = first;
    if (visible !== this.visibleLanes) this.visibleLanes = visible;
  }

  // ——— rendering ———

  override render() {
    const { t } = this.localize;
    return html`<section
      part="base"
      dir=${this.localize.dir}
      aria-busy=${this.phase === 'loading'}
      aria-label=${t.title}
      @focusout=${(e: FocusEvent) => this.#onFocusOut(e)}
    >
      ${this.#renderToolbar()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      ${
        this.phase === 'loading'
          ? loadingView(this.localize)
          : this.phase === 'error' && this.loadError
            ? errorView(this.localize, this.loadError, this.#client ? () => void this.reload() : undefined)
            : this.narrow
              ? this.#renderDayList()
              : this.#renderBoard()
      }
    </section>`;
  }

  #renderToolbar() {
    const { t } = this.localize;
    const days = this.#days;
    // Not while the board first loads: the first date formatter of a page loads the browser's
    // locale data (tens of ms on a cold page), and this render runs before the requests leave.
    const period = !this.calendar
      ? ''
      : days.length === 1
        ? this.#dayLabel(days[0]!, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
        : `${this.#dayLabel(days[0]!, { day: 'numeric', month: 'short' })} – ${this.#dayLabel(days.at(-1)!, { day: 'numeric', month: 'short', year: 'numeric' })}`;
    return html`<div class="toolbar" part="toolbar">
      <div class="period">
        <button type="button" @click=${() => this.#shift(-1)} aria-label=${t.previous}>‹</button>
        <button type="button" @click=${() => (this.date = this.#today)}>${t.today}</button>
        <button type="button" @click=${() => this.#shift(1)} aria-label=${t.next}>›</button>
        ${period ? html`<h2>${period}</h2>` : nothing}
      </div>
      <div class="views" role="group" aria-label=${t.view}>
        ${(['day', 'week'] as const).map(
          (view) =>
            html`<button type="button" aria-pressed=${this.view === view} @click=${() => (this.view = view)}>${t[view]}</button>`,
        )}
      </div>
      ${
        this.undo
          ? html`<button type="button" class="undo" @click=${() => void this.#undo()}>${t.undo} ${this.undo.label}</button>`
          : nothing
      }
    </div>`;
  }

  #renderBoard() {
    const { t } = this.localize;
    const lanes = this.calendar?.lanes ?? [];
    const frame = this.#frame;
    const extra = Math.max(this.#overscan, 0);
    let first = Math.max(0, this.firstLane - extra);
    let last = Math.min(lanes.length, this.firstLane + this.visibleLanes + extra);
    // A carried visit's own lane (it holds the focus) and the lane it is going to stay rendered
    // while scrolled away.
    for (const id of [this.carry?.appointment.technicianId, this.carry?.technicianId]) {
      const index = lanes.findIndex((lane) => lane.technician.id === id);
      if (index === -1) continue;
      first = Math.min(first, index);
      last = Math.max(last, index + 1);
    }
    return html`<div class="board ${this.carry ? 'carrying' : ''}">
      <aside class="queue" part="queue" aria-label=${t.queue}>
        <h3>${t.queue}</h3>
        ${
          this.queue.length === 0
            ? html`<p class="muted">${t.queueEmpty}</p>`
            : html`<ul>
                ${repeat(
                  this.queue,
                  (a) => a.id,
                  (a) => html`<li>${this.#renderVisit(a, undefined)}</li>`,
                )}
              </ul>`
        }
      </aside>
      <div class="grid">
        <p class="legend" id="instructions">${t.instructions} ${t.legend}</p>
        ${this.#renderTimeAxis(frame)}
        ${
          lanes.length === 0
            ? emptyView(t.noTechnicians)
            : html`<div class="lanes" part="lanes" role="list" aria-label=${t.technicians} @scroll=${(e: Event) => this.#onScroll(e)}>
                <div style="height:${first * laneHeight}px" aria-hidden="true"></div>
                ${repeat(
                  lanes.slice(first, last),
                  (lane) => lane.technician.id,
                  (lane) => this.#renderLane(lane, frame),
                )}
                <div style="height:${(lanes.length - last) * laneHeight}px" aria-hidden="true"></div>
              </div>`
        }
      </div>
    </div>`;
  }

  #renderTimeAxis(frame: BoardFrame) {
    const hours: number[] = [];
    const step = frame.days.length === 1 ? 60 : 6 * 60;
    for (let m = Math.ceil(frame.windowStart / step) * step; m < frame.windowEnd; m += step) hours.push(m);
    const width = frame.windowEnd - frame.windowStart;
    return html`<div class="axis" aria-hidden="true">
      <div class="axis-name"></div>
      <div class="axis-track">
        ${frame.days.map(
          (day, index) =>
            html`<div class="axis-day" style="left:${(index / frame.days.length) * 100}%;width:${100 / frame.days.length}%">
              <span class="day-name">${this.#dayLabel(day, frame.days.length === 1 ? { weekday: 'long' } : { weekday: 'short', day: 'numeric' })}</span>
              ${hours.map(
                (m) =>
                  html`<span class="hour" style="left:${((m - frame.windowStart) / width) * 100}%">${String(Math.floor(m / 60)).padStart(2, '0')}:00</span>`,
              )}
            </div>`,
        )}
      </div>
    </div>`;
  }

  #renderLane(lane: Lane, frame: BoardFrame) {
    const { t } = this.localize;
    const id = lane.technician.id;
    const carry = this.carry;
    const fit = carry ? this.#fit(id, carry.start) : 'unknown';
    const targeted = carry?.technicianId === id;
    const spanStyle = (start: string, end: string) => {
      const left = fractionOf(frame, Date.parse(start));
      const right = fractionOf(frame, Date.parse(end));
      return `left:${left * 100}%;width:${Math.max(right - left, 0) * 100}%`;
    };
    const refusal = this.refusal?.technicianId === id ? this.refusal : undefined;
    const parts = ['lane', carry && fit === 'free' ? 'fits' : '', targeted ? 'target' : '']
      .filter(Boolean)
      .join(' ');
    return html`<div class="lane ${carry && fit === 'free' ? 'fits' : ''} ${targeted ? 'target' : ''}" part=${parts} role="listitem" style="height:${laneHeight}px" aria-label=${t.lane(lane.technician.name, lane.appointments.length)}>
      <div class="lane-name">${lane.technician.name}</div>
      <div class="track" data-technician=${id} style="--days:${frame.days.length}">
        ${lane.workingHours.map((span) => html`<div class="hours" style=${spanStyle(span.start, span.end)}></div>`)}
        ${lane.timeOff.map(
          (span) =>
            html`<div class="time-off" style=${spanStyle(span.start, span.end)} title=${span.reason ?? t.timeOff}></div>`,
        )}
        ${repeat(
          lane.appointments,
          (a) => a.id,
          (a) => this.#renderVisit(a, spanStyle(a.start, a.end)),
        )}
        ${
          targeted && carry?.start !== undefined
            ? html`<div class="ghost" style=${spanStyle(new Date(carry.start).toISOString(), new Date(carry.start + (Date.parse(carry.appointment.end) - Date.parse(carry.appointment.start))).toISOString())} aria-hidden="true">${carry.appointment.reference}</div>`
            : nothing
        }
        ${refusal ? this.#renderRefusal(refusal, frame) : nothing}
      </div>
    </div>`;
  }

  #renderVisit(appointment: Appointment, style: string | undefined) {
    const { t } = this.localize;
    const service = this.services.get(appointment.serviceItemId)?.name ?? t.unknownService;
    const when = this.#when(Date.parse(appointment.start));
    const canMove = movable.has(appointment.status) && !this.savingIds.has(appointment.id);
    const carried = this.carry?.appointment.id === appointment.id;
    const customer = (appointment as Appointment & { customer?: { name: string } }).customer?.name ?? '';
    return html`<button
      type="button"
      class="visit ${carried ? 'carried' : ''} ${style ? 'placed' : ''}"
      part="visit"
      data-visit=${appointment.id}
      data-status=${appointment.status}
      style=${style ?? nothing}
      aria-describedby="instructions"
      aria-disabled=${!canMove}
      aria-pressed=${carried}
      aria-label=${t.visit(appointment.reference, customer, service, when, t.status[appointment.status] ?? appointment.status)}
      @pointerdown=${(e: PointerEvent) => canMove && this.#onPointerDown(e, appointment)}
      @keydown=${(e: KeyboardEvent) => this.#onVisitKeydown(e, appointment)}
    >
      <span class="reference">${appointment.reference}</span>
      <span class="service">${service}</span>
    </button>`;
  }

  #renderRefusal(refusal: Refusal, frame: BoardFrame) {
    const { t } = this.localize;
    const left = Math.min(fractionOf(frame, refusal.start), 0.7);
    return html`<div class="refusal" part="refusal" role="alert" style="left:${left * 100}%">
      <strong>${t.refusedTitle(refusal.appointment.reference)}</strong>
      <span>${refusal.text}</span>
      ${refusal.alternatives.map(
        (start) =>
          html`<button type="button" class="alternative" @click=${() => void this.#move(refusal.appointment, refusal.technicianId, Date.parse(start))}>
            ${t.tryInstead(this.#when(Date.parse(start)))}
          </button>`,
      )}
      <button type="button" class="link" @click=${() => (this.refusal = undefined)}>${t.dismiss}</button>
    </div>`;
  }

  /** Below 1024 px: the anchor day's visits per technician, as a list anyone can read. */
  #renderDayList() {
    const { t } = this.localize;
    const day = this.#days[this.view === 'day' ? 0 : Math.max(0, this.#days.indexOf(this.#anchorDay))]!;
    const zone = this.#zone;
    return html`<div class="day-list" aria-label=${t.dayList}>
      ${(this.calendar?.lanes ?? []).map((lane) => {
        const visits = lane.appointments.filter((a) => localParts(Date.parse(a.start), zone).day === day);
        return html`<section class="day-lane">
          <h3>${lane.technician.name}</h3>
          ${
            visits.length === 0
              ? html`<p class="muted">${t.noVisits}</p>`
              : html`<ul>
                  ${visits.map(
                    (a) =>
                      html`<li><time datetime=${a.start}>${this.#when(Date.parse(a.start))}</time> ${a.reference} · ${this.services.get(a.serviceItemId)?.name ?? t.unknownService} · ${t.status[a.status] ?? a.status}</li>`,
                  )}
                </ul>`
          }
        </section>`;
      })}
    </div>`;
  }

  get #anchorDay(): string {
    return this.date && /^\d{4}-\d{2}-\d{2}$/.test(this.date) ? this.date : this.#today;
  }

  #dayLabel(day: string, options: Intl.DateTimeFormatOptions): string {
    return this.localize.dateTime(`${day}T12:00:00Z`, { ...options, timeZone: 'UTC' });
  }

  #when(instant: number): string {
    return this.localize.dateTime(instant, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: 'numeric',
      minute: '2-digit',
      timeZone: this.#zone,
    });
  }

  #technicianName(id: string): string {
    return this.calendar?.lanes.find((lane) => lane.technician.id === id)?.technician.name ?? id;
  }
}
