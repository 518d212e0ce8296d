import type {
  Appointment,
  Availability,
  BookingProfile,
  CrewkitWith,
  Hold,
  ServiceCategory,
  ServiceItem,
} from '@crewkit/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { createElementClient, type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewElement } from '../shared/element.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import { baseStyles } from '../shared/styles.js';
import { isTimeZone } from '../shared/time-zone.js';
import { bookingStyles } from './booking.styles.js';
import {
  addDays,
  addMonths,
  dayAsInstant,
  firstDayOfWeek,
  firstOfMonth,
  type IsoDate,
  lastOfMonth,
  monthWeeks,
  todayIn,
} from './calendar.js';
import { CrewBookingConfirmedEvent, CrewServiceSelectedEvent, CrewSlotSelectedEvent } from './events.js';
import { type CalendarEvent, googleCalendarUrl, icsFile, outlookCalendarUrl } from './ics.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

/** The date step shows the chosen day's times beside (or under) the calendar: one step, as on a booking page. */
type Step = 'service' | 'technician' | 'date' | 'details' | 'confirm' | 'done';

type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: ElementError };

interface Catalog {
  profile: BookingProfile;
  categories: ServiceCategory[];
  items: ServiceItem[];
}

/** The visitor's details, and the site of the visit as the contract's `SiteAddress` names its parts. */
const limits = {
  name: 200,
  email: 254,
  phone: 40,
  line1: 200,
  line2: 200,
  city: 120,
  region: 120,
  postalCode: 20,
  country: 2,
  accessNotes: 1000,
  notes: 5000,
};
type Field = keyof typeof limits;
type Details = Record<Field, string>;
const siteFields = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
const emptyDetails = () => Object.fromEntries(Object.keys(limits).map((key) => [key, ''])) as Details;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s()./-]{5,40}$/;

/** The availability API answers at most 62 days at once. */
const RANGE_DAYS = 61;

/** Where the visit takes place, if the server sends it (`address`, or `siteAddress` on newer servers). */
type SiteAddress = Partial<Record<(typeof siteFields)[number] | 'accessNotes', string>>;

function addressLine(address: SiteAddress | null | undefined): string | undefined {
  if (!address) return undefined;
  const place = [address.postalCode, address.city].filter(Boolean).join(' ');
  const line = [address.line1, address.line2, place, address.region, address.country].filter(Boolean);
  return line.length ? line.join(', ') : undefined;
}

function addressOf(appointment: Appointment): string | undefined {
  const found = appointment as Appointment & { address?: SiteAddress | null };
  return addressLine(found.siteAddress ?? found.address);
}

/** The confirmation the server says it will send (`notifications` in the booking's answer). */
type Promised = { channel: string; to: string };

/** Which part of the day a start belongs to, by its hour in the zone times are shown in. */
function partOfDay(hour: number): 'morning' | 'afternoon' | 'evening' {
  return hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening';
}

/** The visitor's own zone, as the browser reports it. */
const visitorZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * A booking widget for a public website. The visitor picks a service, a technician (or anyone), a
 * day and a time; the time is held for them while they type their details; then they confirm and
 * get a reference and a calendar file. Everything is fetched with the organization's publishable
 * key, which works only from the origins the key allows.
 *
 * @tagname crew-booking
 * @summary Online booking for a field-service business, in one tag.
 *
 * @attr api-base - Where the Crewkit API lives, e.g. `https://crewkit.example.com`.
 * @attr publishable-key - The organization's publishable key (`pk_…`).
 * @attr org - The organization id.
 * @attr service - Preselects a service item by id and skips the first step.
 * @attr technician - Preselects a technician by id and skips the technician step.
 * @attr locale - BCP 47 language tag (`en`, `de-AT`, …). Default: the browser's language.
 * @attr timezone - IANA zone to show times in. Default: the visitor's; they can switch to the business's.
 * @attr theme - `light` (the default), `dark`, or `auto` to follow the visitor's `prefers-color-scheme`.
 *
 * @prop {string} name - Prefills the visitor's name.
 * @prop {string} email - Prefills the visitor's email.
 * @prop {string} phone - Prefills the visitor's phone number.
 * @prop {object} address - The visitor's saved address (`line1`, `line2`, `city`, `region`, `postalCode`,
 *   `country`), offered as the visit's site. Only a host that knows its visitor (signed in) can pass it:
 *   the booking API tells a widget nothing about a returning customer. Also settable as a JSON attribute.
 *
 * @event {CrewReadyEvent} crew-ready - The catalog has loaded and the widget is interactive.
 * @event {CrewServiceSelectedEvent} crew-service-selected - A service was chosen (`event.service`).
 * @event {CrewSlotSelectedEvent} crew-slot-selected - A start time was chosen and is held (`event.hold`).
 * @event {CrewBookingConfirmedEvent} crew-booking-confirmed - Booked (`event.appointment`).
 * @event {CrewErrorEvent} crew-error - A call failed; the widget shows it too (`event.error.code`).
 *
 * @csspart container - The widget's outer box.
 * @csspart header - The title and progress.
 * @csspart progress - The progress bar.
 * @csspart step - The current step's section.
 * @csspart heading - The current step's heading.
 * @csspart option - A choice button (service, technician).
 * @csspart calendar - The month grid.
 * @csspart day - A day button in the month grid.
 * @csspart slot - A start-time button.
 * @csspart field - A form field wrapper.
 * @csspart primary-button - The main action of a step.
 * @csspart back-button - The back button.
 * @csspart summary - The summary of the booking.
 * @csspart reference - The booking reference on the confirmation.
 * @csspart add-to-calendar - An "add to calendar" link (also `google`, `outlook`, `ics`).
 * @csspart aside - The summary of the chosen service beside the calendar.
 * @csspart times - The chosen day's start times.
 * @csspart address - Where the visit takes place, on the confirmation.
 * @csspart site - The visit's address in the details step.
 * @csspart sent - What the confirmation says was sent (an email or a text), only when one is.
 * @csspart state - A loading, empty or error view (also `state-loading`, `state-empty`, `state-error`).
 *
 * @cssproperty [--crew-color-primary=#1d4ed8] - Buttons, selection, links.
 * @cssproperty [--crew-color-on-primary=#ffffff] - Text on the primary colour.
 * @cssproperty [--crew-color-surface=#ffffff] - Background.
 * @cssproperty [--crew-color-surface-raised=#f4f6fa] - Cards and the summary.
 * @cssproperty [--crew-color-text=#1a1f2b] - Text.
 * @cssproperty [--crew-color-muted=#545e70] - Secondary text.
 * @cssproperty [--crew-color-border=#c9d0dc] - Borders.
 * @cssproperty [--crew-color-danger=#b42318] - Errors.
 * @cssproperty [--crew-color-success=#067647] - The confirmation.
 * @cssproperty [--crew-font-family=system-ui] - Font.
 * @cssproperty [--crew-font-size=1rem] - Base font size.
 * @cssproperty [--crew-radius=0.5rem] - Corner radius.
 * @cssproperty [--crew-spacing=1rem] - Base spacing unit.
 * @cssproperty --crew-focus-ring - The focus indicator (a box-shadow).
 */
export class CrewBooking extends CrewElement {
  static override styles = [...baseStyles, bookingStyles];

  static override properties: PropertyDeclarations = {
    publishableKey: { attribute: 'publishable-key' },
    service: {},
    technician: {},
    timezone: {},
    name: {},
    email: {},
    phone: {},
    address: { type: Object },
    useSaved: { state: true },
    step: { state: true },
    catalog: { state: true },
    availability: { state: true },
    month: { state: true },
    zone: { state: true },
    focusedDate: { state: true },
    selectedDate: { state: true },
    serviceItem: { state: true },
    technicianId: { state: true },
    hold: { state: true },
    holding: { state: true },
    holdError: { state: true },
    lost: { state: true },
    details: { state: true },
    fieldErrors: { state: true },
    submitting: { state: true },
    submitError: { state: true },
    appointment: { state: true },
  };

  declare publishableKey: string | undefined;
  declare service: string | undefined;
  declare technician: string | undefined;
  declare timezone: string | undefined;
  declare name: string | undefined;
  declare email: string | undefined;
  declare phone: string | undefined;
  declare address: SiteAddress | undefined;
  /** The visit is at the saved address (when the host gave one), not one typed here. */
  declare private useSaved: boolean;

  declare private step: Step;
  declare private catalog: Load<Catalog>;
  declare private availability: Load<Availability> | undefined;
  declare private month: IsoDate;
  declare private zone: string;
  declare private focusedDate: IsoDate | undefined;
  declare private selectedDate: IsoDate | undefined;
  declare private serviceItem: ServiceItem | undefined;
  /** `null`: any qualified technician. */
  declare private technicianId: string | null;
  declare private hold: Hold | undefined;
  /** The start being held right now, to show progress on its button. */
  declare private holding: string | undefined;
  declare private holdError: ElementError | undefined;
  /** The held or chosen time was taken; the 409's nearest alternatives. */
  declare private lost: { alternatives: string[] } | undefined;
  declare private details: Details;
  declare private fieldErrors: Partial<Record<Field, string>>;
  declare private submitting: boolean;
  declare private submitError: ElementError | undefined;
  declare private appointment: Appointment | undefined;

  private readonly localize = new LocalizeController(this, { en, de, fr, es }, 'crew-booking');
  /**
   * Raw typed calls (the SDK's sender: credential, idempotency keys, retries) rather than its
   * resource namespaces, which carry every method of a namespace: the widget's size budget.
   */
  private client: CrewkitWith<Record<never, never>> | undefined;
  private loads = new AbortController();
  private availabilityRequest: AbortController | undefined;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** The start of a hold given up when the page went into the back/forward cache, to take again. */
  private heldBeforeHide: string | undefined;
  private calendarUrl: string | undefined;
  private moveFocusToHeading = false;
  /** Until the visitor picks a month, the calendar moves on to the first month with a free day. */
  private findFirstFree = true;

  constructor() {
    super();
    this.step = 'service';
    this.catalog = { state: 'loading' };
    this.zone = visitorZone();
    this.month = firstOfMonth(todayIn(this.zone));
    this.technicianId = null;
    this.details = emptyDetails();
    this.useSaved = true;
    this.fieldErrors = {};
    this.submitting = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    // Re-attached (moved in the DOM): start again with fresh requests.
    if (this.loads.signal.aborted) {
      this.loads = new AbortController();
      if (this.hasUpdated) void this.loadCatalog();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    this.loads.abort();
    this.availabilityRequest?.abort();
    void this.releaseHold();
    if (this.calendarUrl) URL.revokeObjectURL(this.calendarUrl);
    this.calendarUrl = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('timezone') && this.timezone && isTimeZone(this.timezone)) {
      // The month first shown was today's in the visitor's zone; the business's may already be in
      // the next month (30 November in London is 1 December in Sydney), or still in the last.
      const shownToday = this.month === firstOfMonth(todayIn(this.zone));
      this.zone = this.timezone;
      if (shownToday) this.month = firstOfMonth(todayIn(this.zone));
      this.findFirstFree = true;
    }
    for (const field of ['name', 'email', 'phone'] as const) {
      const value = this[field];
      if (changed.has(field) && value !== undefined && this.details[field] === '') {
        this.details = { ...this.details, [field]: value };
      }
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('org') || changed.has('publishableKey')) {
      void this.loadCatalog();
    }
    if (this.moveFocusToHeading) {
      this.moveFocusToHeading = false;
      this.renderRoot.querySelector<HTMLElement>('[part~="heading"]')?.focus();
    }
  }

  // ---- Loading -------------------------------------------------------------------------------

  private async loadCatalog(): Promise<void> {
    // Attributes arrive one by one during parsing; the microtask lets all of them land first.
    await Promise.resolve();
    const signal = this.loads.signal;
    this.catalog = { state: 'loading' };
    try {
      const client = createElementClient(
        {
          apiBase: this.apiBase,
          org: this.org,
          publishableKey: this.publishableKey,
        },
        {},
      );
      this.client = client;
      const path = { path: { orgId: this.org! } };
      const allItems = async () => {
        const all: ServiceItem[] = [];
        let cursor: string | undefined;
        do {
          const page = await unwrap(
            client.GET('/api/v1/organizations/{orgId}/services/items', {
              params: { ...path, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
              signal,
            }),
          );
          all.push(...page.data);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && all.length < 500);
        return all;
      };
      const [profile, categories, items] = await Promise.all([
        unwrap(client.GET('/api/v1/organizations/{orgId}/booking-profile', { params: path, signal })),
        unwrap(client.GET('/api/v1/organizations/{orgId}/services/categories', { params: path, signal })),
        allItems(),
      ]);
      if (signal.aborted) return;
      const catalog = { profile, categories: categories.data, items: items.filter((item) => item.active) };
      // Visits are where the business works: its country, unless the visitor says otherwise.
      if (!this.details.country)
        this.details = { ...this.details, country: new Intl.Locale(profile.locale).maximize().region ?? '' };
      this.catalog = { state: 'ready', value: catalog };
      this.dispatchEvent(new CrewReadyEvent());
      this.applyPreselection(catalog);
    } catch (cause) {
      if (isAbort(cause) || signal.aborted) return;
      const error = toElementError(cause);
      this.catalog = { state: 'error', error };
      this.reportError(error);
    }
  }

  private applyPreselection(catalog: Catalog): void {
    const preset = catalog.items.find((item) => item.id === this.service);
    if (this.technician && catalog.profile.technicians.some((tech) => tech.id === this.technician)) {
      this.technicianId = this.technician;
    }
    if (preset) this.chooseService(preset, false);
  }

  private async loadAvailability(): Promise<void> {
    const item = this.serviceItem;
    const client = this.client;
    if (!item || !client) return;
    this.availabilityRequest?.abort();
    const request = new AbortController();
    this.availabilityRequest = request;
    const today = todayIn(this.zone);
    // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings; Math.max would give NaN.
    const from = this.month > today ? this.month : today;
    // The shown month and on, as far as one request reaches: the next free day after an empty month
    // and the first month with a free day are then known without asking again.
    const reach = addDays(from, RANGE_DAYS);
    const last = this.lastBookable();
    // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings.
    const to = reach < last ? reach : last;
    this.availability = { state: 'loading' };
    try {
      const value = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/technicians/availability', {
          params: {
            path: { orgId: this.org! },
            query: {
              serviceItemId: item.id,
              from,
              // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings.
              to: to < from ? from : to,
              timeZone: this.zone,
              ...(this.technicianId ? { technicianId: this.technicianId } : {}),
            },
          },
          signal: request.signal,
        }),
      );
      if (request.signal.aborted) return;
      this.availability = { state: 'ready', value };
      const free = value.days.filter((day) => day.slots.length > 0).map((day) => day.date);
      const firstFree = free[0];
      if (this.findFirstFree && firstFree && firstOfMonth(firstFree) !== this.month) {
        this.showMonth(firstFree, firstFree, true);
        return;
      }
      const freeThisMonth = free.find((date) => firstOfMonth(date) === this.month);
      if (this.focusedDate === undefined || firstOfMonth(this.focusedDate) !== this.month) {
        this.focusedDate = freeThisMonth ?? from;
      }
      // The times of a day are in view from the start: the chosen day's, else the month's first free.
      if (
        !this.selectedDate ||
        firstOfMonth(this.selectedDate) !== this.month ||
        !this.slotsOn(this.selectedDate).length
      ) {
        this.selectedDate =
          this.focusedDate && this.slotsOn(this.focusedDate).length ? this.focusedDate : freeThisMonth;
      }
    } catch (cause) {
      if (isAbort(cause) || request.signal.aborted) return;
      const error = toElementError(cause);
      this.availability = { state: 'error', error };
      this.reportError(error);
    }
  }

  // ---- Flow ----------------------------------------------------------------------------------

  /** The steps this visitor goes through: the technician step only when there is a choice to make. */
  private get steps(): Step[] {
    const profile = this.catalog.state === 'ready' ? this.catalog.value.profile : undefined;
    const chooseTechnician = !this.technician && (profile?.technicians.length ?? 0) > 1;
    return ['service', ...(chooseTechnician ? (['technician'] as const) : []), 'date', 'details', 'confirm'];
  }

  private goTo(step: Step): void {
    this.step = step;
    this.moveFocusToHeading = true;
  }

  private back(): void {
    const steps = this.steps;
    const index = steps.indexOf(this.step);
    const previous = steps[index - 1];
    if (!previous) return;
    if (this.step === 'details') void this.releaseHold();
    this.lost = undefined;
    this.holdError = undefined;
    this.submitError = undefined;
    this.goTo(previous);
  }

  private chooseService(item: ServiceItem, announce = true): void {
    this.serviceItem = item;
    this.findFirstFree = true;
    this.selectedDate = undefined;
    this.dispatchEvent(new CrewServiceSelectedEvent(item));
    const next = this.steps.includes('technician') ? 'technician' : 'date';
    if (next === 'date') void this.loadAvailability();
    if (announce) this.goTo(next);
    else this.step = next;
  }

  private chooseTechnician(id: string | null): void {
    this.technicianId = id;
    void this.loadAvailability();
    this.goTo('date');
  }

  /** `automatic`: the widget moving on to a free month by itself, which a visitor's choice stops. */
  private showMonth(month: IsoDate, focus?: IsoDate, automatic = false): void {
    this.findFirstFree = automatic;
    this.month = firstOfMonth(month);
    this.focusedDate = focus;
    this.selectedDate = focus;
    void this.loadAvailability();
  }

  private chooseDate(date: IsoDate): void {
    if (!this.slotsOn(date).length) return;
    this.selectedDate = date;
    this.focusedDate = date;
    this.lost = undefined;
    this.holdError = undefined;
    // On a phone the times are below the calendar: take the visitor (and a screen reader) to them.
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('#times-heading')?.focus(),
    );
  }

  private lastBookable(): IsoDate {
    return addDays(todayIn(this.zone), this.serviceItem?.horizonDays ?? this.catalogHorizon());
  }

  private changeZone(zone: string): void {
    this.zone = zone;
    // A month that has ended in the new zone has no bookable day left to show.
    const current = firstOfMonth(todayIn(zone));
    if (this.month < current) this.month = current;
    void this.loadAvailability();
  }

  /** Holds `start` for the visitor, or explains why not and offers what is free nearby. */
  private async holdSlot(start: string): Promise<void> {
    const item = this.serviceItem;
    const client = this.client;
    if (!item || !client || this.holding) return;
    this.holding = start;
    this.holdError = undefined;
    this.lost = undefined;
    await this.releaseHold();
    try {
      const hold = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/holds', {
          params: { path: { orgId: this.org! } },
          body: { serviceItemId: item.id, start, technicianId: this.technicianId },
        }),
      );
      this.hold = hold;
      this.selectedDate = todayIn(this.zone, new Date(hold.start));
      this.scheduleRenewal(hold);
      this.dispatchEvent(new CrewSlotSelectedEvent(hold));
      if (this.step === 'date') this.goTo('details');
    } catch (cause) {
      this.handleLostSlot(toElementError(cause));
    } finally {
      this.holding = undefined;
    }
  }

  private handleLostSlot(error: ElementError): void {
    if (error.code === 'slot_unavailable') {
      this.lost = { alternatives: error.problem?.alternatives ?? [] };
      // What was free a minute ago may not be now.
      void this.loadAvailability();
    } else {
      this.holdError = error;
    }
    this.reportError(error);
  }

  /**
   * A hold lapses after a few minutes. A visitor still typing keeps their time: it is held again
   * just after it lapses, and only if someone else took it meanwhile does the widget say so.
   */
  private scheduleRenewal(hold: Hold): void {
    clearTimeout(this.holdTimer);
    const delay = Math.max(0, Date.parse(hold.expiresAt) - Date.now() + 500);
    this.holdTimer = setTimeout(() => {
      if (this.hold?.id !== hold.id || !this.isConnected) return;
      this.hold = undefined;
      void this.holdSlot(hold.start);
    }, delay);
  }

  /**
   * Gives the held time back. `keepalive` lets the request outlive the page, because this also runs
   * when the visitor leaves (`pagehide`) or the host removes the widget; the raw DELETE is used
   * because `holds.release` takes no request options, and it still goes through the SDK's sender
   * (same credential and retries).
   */
  private async releaseHold(): Promise<void> {
    clearTimeout(this.holdTimer);
    const hold = this.hold;
    this.hold = undefined;
    if (!hold || !this.client || !this.org) return;
    // Best effort: an unreleased hold lapses by itself within minutes.
    await this.client
      .DELETE('/api/v1/organizations/{orgId}/holds/{holdId}', {
        params: { path: { orgId: this.org, holdId: hold.id } },
        keepalive: true,
      })
      .catch(() => undefined);
  }

  /** A visitor who leaves should not block the time for others until the hold lapses. */
  private readonly onPageHide = (event: PageTransitionEvent): void => {
    if (!this.hold) return;
    // A page kept in the back/forward cache may be shown again; the visitor then expects their time.
    this.heldBeforeHide = event.persisted ? this.hold.start : undefined;
    void this.releaseHold();
  };

  private readonly onPageShow = (event: PageTransitionEvent): void => {
    const start = this.heldBeforeHide;
    this.heldBeforeHide = undefined;
    if (event.persisted && start && !this.hold && this.step !== 'done') void this.holdSlot(start);
  };

  private submitDetails(event: SubmitEvent): void {
    event.preventDefault();
    const errors = this.validate();
    this.fieldErrors = errors;
    const first = (Object.keys(limits) as Field[]).find((field) => errors[field]);
    if (first) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${first}`)?.focus());
      return;
    }
    this.goTo('confirm');
  }

  private validate(): Partial<Record<Field, string>> {
    const t = this.localize.t;
    const { name, email, phone } = this.details;
    const errors: Partial<Record<Field, string>> = {};
    if (!name.trim()) errors.name = t.required;
    if (!email.trim()) errors.email = t.required;
    else if (!EMAIL.test(email.trim())) errors.email = t.invalidEmail;
    if (phone.trim() && !PHONE.test(phone.trim())) errors.phone = t.invalidPhone;
    if (!this.savedAddress())
      for (const field of ['line1', 'city'] as const)
        if (!this.details[field].trim()) errors[field] = t.required;
    for (const field of Object.keys(limits) as Field[]) {
      if (!errors[field] && this.details[field].length > limits[field])
        errors[field] = t.tooLong(limits[field]);
    }
    return errors;
  }

  private async book(): Promise<void> {
    const item = this.serviceItem;
    const client = this.client;
    const hold = this.hold;
    if (!item || !client || !hold || this.submitting) return;
    this.submitting = true;
    this.submitError = undefined;
    const { name, email, phone, notes } = this.details;
    const siteAddress = this.site();
    try {
      const appointment = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/appointments', {
          params: { path: { orgId: this.org! } },
          body: {
            serviceItemId: item.id,
            start: hold.start,
            holdId: hold.id,
            technicianId: this.technicianId,
            customer: { name: name.trim(), email: email.trim(), phone: phone.trim() || null },
            notes: notes.trim() || null,
            ...(siteAddress ? { siteAddress } : {}),
          },
        }),
      );
      clearTimeout(this.holdTimer);
      this.hold = undefined;
      this.appointment = appointment;
      this.calendarUrl = URL.createObjectURL(
        new Blob([this.calendarFile(appointment)], { type: 'text/calendar;charset=utf-8' }),
      );
      this.goTo('done');
      this.dispatchEvent(new CrewBookingConfirmedEvent(appointment));
    } catch (cause) {
      const error = toElementError(cause);
      if (error.code === 'slot_unavailable') {
        clearTimeout(this.holdTimer);
        this.hold = undefined;
        this.handleLostSlot(error);
      } else if (error.code === 'validation_failed' && this.fieldErrorsFrom(error)) {
        this.goTo('details');
        this.reportError(error);
      } else {
        this.submitError = error;
        this.reportError(error);
      }
    } finally {
      this.submitting = false;
    }
  }

  /** The site the visitor chose or typed, without its empty parts; none when nothing was given. */
  private site(): SiteAddress | undefined {
    const site: SiteAddress = {};
    const from = this.savedAddress() ?? this.details;
    for (const key of [...siteFields, 'accessNotes'] as const) {
      const value = (key === 'accessNotes' ? this.details : from)[key]?.trim();
      if (value) site[key] = value;
    }
    return site.line1 ? site : undefined;
  }

  /** The host's saved address while the visitor keeps it chosen. */
  private savedAddress(): SiteAddress | undefined {
    return this.useSaved && this.address?.line1 ? this.address : undefined;
  }

  /** Puts the server's per-field problems (`body.customer.email`) next to the fields they concern. */
  private fieldErrorsFrom(error: ElementError): boolean {
    const errors: Partial<Record<Field, string>> = {};
    for (const { path } of error.problem?.errors ?? []) {
      const field = path.split('.').pop() as Field;
      if (field in limits)
        errors[field] = field === 'email' ? this.localize.t.invalidEmail : this.localize.error(error.code);
    }
    this.fieldErrors = errors;
    return Object.keys(errors).length > 0;
  }

  private startOver(): void {
    if (this.calendarUrl) URL.revokeObjectURL(this.calendarUrl);
    this.calendarUrl = undefined;
    this.appointment = undefined;
    this.serviceItem = undefined;
    this.selectedDate = undefined;
    this.availability = undefined;
    this.lost = undefined;
    this.findFirstFree = true;
    this.details = { ...this.details, notes: '', accessNotes: '' };
    this.technicianId = this.technician ?? null;
    this.goTo('service');
  }

  private calendarEvent(appointment: Appointment): CalendarEvent {
    const t = this.localize.t;
    const service = this.serviceItem?.name ?? '';
    return {
      uid: `${appointment.id}@crewkit`,
      start: appointment.start,
      end: appointment.end,
      summary: t.calendarTitle(service, this.businessName()),
      description: `${t.reference}: ${appointment.reference}`,
      location: addressOf(appointment),
    };
  }

  private calendarFile(appointment: Appointment): string {
    return icsFile(this.calendarEvent(appointment));
  }

  private businessName(): string {
    return this.catalog.state === 'ready' ? this.catalog.value.profile.name : '';
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private slotsOn(date: IsoDate) {
    if (this.availability?.state !== 'ready') return [];
    return this.availability.value.days.find((day) => day.date === date)?.slots ?? [];
  }

  private dayLabel(date: IsoDate, withYear = true): string {
    return this.localize.dateTime(dayAsInstant(date), {
      timeZone: 'UTC',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      ...(withYear ? { year: 'numeric' } : {}),
    });
  }

  private time(start: string): string {
    return this.localize.dateTime(start, { timeZone: this.zone, hour: 'numeric', minute: '2-digit' });
  }

  private dateTime(start: string): string {
    return this.localize.dateTime(start, {
      timeZone: this.zone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: 'numeric',
      minute: '2-digit',
    });
  }

  private technicianName(id: string | null | undefined): string | undefined {
    if (!id || this.catalog.state !== 'ready') return undefined;
    return this.catalog.value.profile.technicians.find((tech) => tech.id === id)?.name;
  }

  private zoneName(zone: string): string {
    const name = this.localize
      .dateTime(Date.now(), { timeZone: zone, timeZoneName: 'longGeneric' })
      .replace(/^[\d\s/.,-]+/, '');
    return `${zone.replaceAll('_', ' ')} (${name})`;
  }

  // ---- Rendering -----------------------------------------------------------------------------

  override render(): TemplateResult {
    const t = this.localize.t;
    const steps = this.steps;
    const index = steps.indexOf(this.step);
    return html`<div part="container" class="container" lang=${this.localize.lang} dir=${this.localize.dir}>
      <header part="header">
        <h1 class="title">${this.catalog.state === 'ready' ? this.catalog.value.profile.name : t.title}</h1>
        ${
          this.step === 'done' || this.catalog.state !== 'ready'
            ? nothing
            : html`<p class="progress-label">
                ${t.progress(index + 1, steps.length)}: ${t.steps[this.step as keyof typeof t.steps]}
              </p>
              <div part="progress" class="progress" aria-hidden="true">
                ${steps.map((step, i) => html`<span class=${i <= index ? 'reached' : ''} data-step=${step}></span>`)}
              </div>`
        }
      </header>
      ${
        // Keyed by step: each step is a new section, which enters with a short transition.
        keyed(this.step, this.renderStep())
      }
    </div>`;
  }

  private renderStep(): TemplateResult {
    if (this.catalog.state === 'loading') return loadingView(this.localize);
    if (this.catalog.state === 'error')
      return errorView(this.localize, this.catalog.error, () => this.loadCatalog());
    const catalog = this.catalog.value;
    switch (this.step) {
      case 'service':
        return this.renderServices(catalog);
      case 'technician':
        return this.renderTechnicians(catalog);
      case 'date':
        return this.renderDate();
      case 'details':
        return this.renderDetails();
      case 'confirm':
        return this.renderConfirm();
      case 'done':
        return this.renderDone();
    }
  }

  /**
   * One step: back button, heading, body. `aside` puts the chosen service's summary beside the body
   * (above it on narrow screens).
   */
  private section(
    heading: string,
    body: unknown,
    options: { back?: boolean; aside?: boolean } = {},
  ): TemplateResult {
    const showBack = options.back ?? this.steps.indexOf(this.step) > 0;
    const content = options.aside
      ? html`<div class="layout">${this.renderAside()}<div class="main">${body}</div></div>`
      : body;
    return html`<section part="step" class="step" aria-labelledby="heading">
      <div class="step-head">
        ${
          showBack
            ? html`<button part="back-button" class="back" type="button" @click=${this.back}>
              <span aria-hidden="true">←</span> ${this.localize.t.back}
            </button>`
            : nothing
        }
        <h2 id="heading" part="heading" tabindex="-1">${heading}</h2>
      </div>
      ${content}
    </section>`;
  }

  /** What is being booked, as on a booking page's side panel: service, duration, price, who, when. */
  private renderAside(): TemplateResult | typeof nothing {
    const item = this.serviceItem;
    if (!item) return nothing;
    const t = this.localize.t;
    const technician = this.technicianName(this.technicianId);
    return html`<aside part="aside" class="aside" aria-label=${t.summaryLabel}>
      <p class="aside-business">${this.businessName()}</p>
      <p class="aside-service">${item.name}</p>
      <ul class="aside-facts">
        <li><span aria-hidden="true" class="glyph">◷</span> ${this.localize.minutes(item.durationMinutes)}</li>
        <li><span aria-hidden="true" class="glyph">¤</span> ${this.localize.money(item.currentPrice.price)}</li>
        ${technician ? html`<li><span aria-hidden="true" class="glyph">☺</span> ${technician}</li>` : nothing}
        ${this.hold ? html`<li><span aria-hidden="true" class="glyph">▣</span> ${this.dateTime(this.hold.start)}</li>` : nothing}
      </ul>
    </aside>`;
  }

  private renderServices({ categories, items }: Catalog): TemplateResult {
    const t = this.localize.t;
    if (items.length === 0) return this.section(t.chooseService, emptyView(t.noServices));
    const ordered = [...categories].sort((a, b) => a.position - b.position);
    const groups = ordered
      .map((category) => ({
        id: category.id,
        name: category.name,
        items: items.filter((i) => i.categoryId === category.id),
      }))
      .filter((group) => group.items.length > 0);
    const known = new Set(categories.map((c) => c.id));
    const rest = items.filter((item) => !item.categoryId || !known.has(item.categoryId));
    if (rest.length > 0) groups.push({ id: 'other', name: t.otherServices, items: rest });
    return this.section(
      t.chooseService,
      groups.map(
        (group) => html`<div class="group" role="group" aria-labelledby="category-${group.id}">
          <h3 id="category-${group.id}">${group.name}</h3>
          <ul class="options">
            ${group.items.map(
              (item) => html`<li>
                <button
                  part="option"
                  class="option"
                  type="button"
                  aria-pressed=${this.serviceItem?.id === item.id}
                  @click=${() => this.chooseService(item)}
                >
                  <span class="option-name">${item.name}</span>
                  ${item.description ? html`<span class="option-description">${item.description}</span>` : nothing}
                  <span class="option-meta"
                    >${t.serviceSummary(this.localize.minutes(item.durationMinutes), this.localize.money(item.currentPrice.price))}</span
                  >
                </button>
              </li>`,
            )}
          </ul>
        </div>`,
      ),
    );
  }

  private renderTechnicians({ profile }: Catalog): TemplateResult {
    const t = this.localize.t;
    const choices: Array<{ id: string | null; name: string; hint?: string }> = [
      { id: null, name: t.anyTechnician, hint: t.anyTechnicianHint },
      ...profile.technicians,
    ];
    return this.section(
      t.chooseTechnician,
      html`<ul class="options">
        ${choices.map(
          (choice) => html`<li>
            <button
              part="option"
              class="option"
              type="button"
              aria-pressed=${this.technicianId === choice.id}
              @click=${() => this.chooseTechnician(choice.id)}
            >
              <span class="option-name">${choice.name}</span>
              ${choice.hint ? html`<span class="option-description">${choice.hint}</span>` : nothing}
            </button>
          </li>`,
        )}
      </ul>`,
    );
  }

  private renderDate(): TemplateResult {
    const t = this.localize.t;
    const today = todayIn(this.zone);
    const thisMonth = firstOfMonth(today);
    const lastBookable = this.lastBookable();
    const monthTitle = this.localize.dateTime(dayAsInstant(this.month), {
      timeZone: 'UTC',
      month: 'long',
      year: 'numeric',
    });
    const load = this.availability;
    const nothingFree =
      load?.state === 'ready' && !this.freeDays().some((date) => firstOfMonth(date) === this.month);
    const nextFree = this.freeDays().find((date) => date > lastOfMonth(this.month));
    const calendar = html`<div class="calendar-pane">
      <div class="month-nav">
        <button
          type="button"
          class="icon"
          aria-label=${t.previousMonth}
          ?disabled=${this.month <= thisMonth}
          @click=${() => this.showMonth(addMonths(this.month, -1))}
        >
          <span aria-hidden="true">‹</span>
        </button>
        <h3 id="month" aria-live="polite">${monthTitle}</h3>
        <button
          type="button"
          class="icon"
          aria-label=${t.nextMonth}
          ?disabled=${addMonths(this.month, 1) > lastBookable}
          @click=${() => this.showMonth(addMonths(this.month, 1))}
        >
          <span aria-hidden="true">›</span>
        </button>
      </div>
      ${
        load?.state === 'error'
          ? errorView(this.localize, load.error, () => this.loadAvailability())
          : html`${this.renderGrid(load?.state !== 'ready')}
            ${load === undefined || load.state === 'loading' ? loadingView(this.localize) : nothing}
            ${
              nothingFree
                ? html`${emptyView(this.emptyReason(load.value))}
                  <div class="center">
                    ${
                      nextFree
                        ? html`<button type="button" @click=${() => this.showMonth(nextFree, nextFree)}>
                          ${t.nextFreeDay(this.dayLabel(nextFree, false))}
                        </button>`
                        : addMonths(this.month, 1) <= lastBookable
                          ? html`<button type="button" @click=${() => this.showMonth(addMonths(this.month, 1))}>
                            ${t.tryNextMonth}
                          </button>`
                          : nothing
                    }
                  </div>`
                : nothing
            }`
      }
    </div>`;
    return this.section(t.chooseDate, html`<div class="when">${calendar} ${this.renderTimes()}</div>`, {
      aside: true,
    });
  }

  /** The dates with a free start in what has been loaded, in order. */
  private freeDays(): IsoDate[] {
    if (this.availability?.state !== 'ready') return [];
    return this.availability.value.days.filter((day) => day.slots.length > 0).map((day) => day.date);
  }

  private catalogHorizon(): number {
    return this.catalog.state === 'ready' ? this.catalog.value.profile.bookingSettings.horizonDays : 365;
  }

  /** The server's reason for the most days of the month, as one sentence. */
  private emptyReason(availability: Availability): string {
    const t = this.localize.t;
    const counts = new Map<string, number>();
    for (const day of availability.days)
      if (day.reason && firstOfMonth(day.date) === this.month)
        counts.set(day.reason, (counts.get(day.reason) ?? 0) + 1);
    const [top] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
    const reason = top ? t.reasons[top as keyof typeof t.reasons] : undefined;
    return reason ? `${t.noDaysThisMonth} ${reason}` : t.noDaysThisMonth;
  }

  private renderGrid(busy: boolean): TemplateResult {
    const lang = this.localize.lang;
    const firstDay = firstDayOfWeek(lang);
    const weeks = monthWeeks(this.month, firstDay);
    // 2026-01-04 is a Sunday: day n of the week is 4 + n.
    const weekdays = Array.from(
      { length: 7 },
      (_, i) => `2026-01-${String(4 + ((firstDay + i) % 7)).padStart(2, '0')}`,
    );
    const reasons = new Map(
      this.availability?.state === 'ready'
        ? this.availability.value.days.map((day) => [day.date, day.reason])
        : [],
    );
    return html`<table part="calendar" class="calendar" role="grid" aria-labelledby="month" aria-busy=${busy}
      @keydown=${this.onGridKey}>
      <thead>
        <tr>
          ${weekdays.map(
            (
              day,
            ) => html`<th scope="col" abbr=${this.localize.dateTime(dayAsInstant(day), { timeZone: 'UTC', weekday: 'long' })}>
              ${this.localize.dateTime(dayAsInstant(day), { timeZone: 'UTC', weekday: 'narrow' })}
            </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${weeks.map(
          (week) => html`<tr>
            ${week.map((date) => {
              if (!date) return html`<td role="presentation"></td>`;
              const bookable = this.slotsOn(date).length > 0;
              const reason = reasons.get(date);
              const label = bookable
                ? this.dayLabel(date)
                : `${this.dayLabel(date)}, ${reason ? this.localize.t.reasons[reason] : this.localize.t.dayUnavailable}`;
              return html`<td role="gridcell" aria-selected=${date === this.selectedDate}>
                <button
                  part="day"
                  class="day"
                  type="button"
                  data-date=${date}
                  tabindex=${date === this.focusedDate ? 0 : -1}
                  aria-label=${label}
                  aria-disabled=${!bookable}
                  ?data-today=${date === todayIn(this.zone)}
                  @click=${() => this.chooseDate(date)}
                >
                  <span class="num">${Number(date.slice(8))}</span>
                </button>
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  /** Arrow keys, Home/End and Page Up/Down, as in the WAI-ARIA date picker grid. */
  private onGridKey = (event: KeyboardEvent): void => {
    const from = this.focusedDate;
    if (!from) return;
    const firstDay = firstDayOfWeek(this.localize.lang);
    const column = (new Date(`${from}T00:00:00Z`).getUTCDay() - firstDay + 7) % 7;
    const moves: Record<string, () => IsoDate> = {
      ArrowLeft: () => addDays(from, this.localize.dir === 'rtl' ? 1 : -1),
      ArrowRight: () => addDays(from, this.localize.dir === 'rtl' ? -1 : 1),
      ArrowUp: () => addDays(from, -7),
      ArrowDown: () => addDays(from, 7),
      Home: () => addDays(from, -column),
      End: () => addDays(from, 6 - column),
      PageUp: () => addMonths(from, -1),
      PageDown: () => addMonths(from, 1),
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.chooseDate(from);
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const today = todayIn(this.zone);
    let to = move();
    if (to < today) to = today;
    if (firstOfMonth(to) !== this.month) this.showMonth(to, to);
    else this.focusedDate = to;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-date="${to}"]`)?.focus(),
    );
  };

  /** The chosen day's start times, grouped into morning, afternoon and evening. */
  private renderTimes(): TemplateResult {
    const t = this.localize.t;
    const date = this.selectedDate;
    // A stable order: options are reused by position, and an option whose value changed under the
    // visitor's selection would leave the picker naming another zone than the times are shown in.
    const zones = [...new Set([this.timezone, visitorZone(), this.catalogZone(), this.zone])].filter(
      (zone): zone is string => Boolean(zone && isTimeZone(zone)),
    );
    const load = this.availability;
    const slots = date ? this.slotsOn(date) : [];
    const groups = new Map<'morning' | 'afternoon' | 'evening', typeof slots>();
    // The hour as a number, in Latin digits whatever the visitor's language writes.
    const hourOf = new Intl.DateTimeFormat('en-US', {
      timeZone: this.zone,
      hour: 'numeric',
      hourCycle: 'h23',
    });
    for (const slot of slots) {
      const part = partOfDay(Number(hourOf.format(new Date(slot.start))));
      groups.set(part, [...(groups.get(part) ?? []), slot]);
    }
    return html`<div part="times" class="times">
      <h3 id="times-heading" tabindex="-1">${date ? this.dayLabel(date, false) : t.chooseTime}</h3>
      <label class="zone">
        <span>${t.timesShownIn}</span>
        <select @change=${(e: Event) => this.changeZone((e.target as HTMLSelectElement).value)}>
          ${zones.map((zone) => html`<option value=${zone} ?selected=${zone === this.zone}>${this.zoneName(zone)}</option>`)}
        </select>
      </label>
      ${this.renderLost()}
      ${this.holdError ? errorView(this.localize, this.holdError) : nothing}
      ${
        load?.state !== 'ready' || !date
          ? nothing
          : slots.length === 0
            ? emptyView(t.noTimes)
            : [...groups].map(
                ([part, list]) => html`<div class="slot-group" role="group" aria-labelledby="part-${part}">
                  <h4 id="part-${part}">${t[part]}</h4>
                  <ul class="slots">
                    ${list.map(
                      (slot) => html`<li>
                        <button
                          part="slot"
                          class="slot"
                          type="button"
                          aria-label=${`${this.time(slot.start)}, ${this.dayLabel(date)}`}
                          aria-busy=${this.holding === slot.start}
                          ?disabled=${this.holding !== undefined}
                          @click=${() => this.holdSlot(slot.start)}
                        >
                          ${this.time(slot.start)}
                        </button>
                      </li>`,
                    )}
                  </ul>
                </div>`,
              )
      }
      ${this.holding ? html`<p class="visually-hidden" role="status">${t.holding}</p>` : nothing}
    </div>`;
  }

  private catalogZone(): string | undefined {
    return this.catalog.state === 'ready' ? this.catalog.value.profile.timeZone : undefined;
  }

  /** The time is gone: say so and offer the nearest free starts from the 409. */
  private renderLost(): TemplateResult | typeof nothing {
    if (!this.lost) return nothing;
    const t = this.localize.t;
    const { alternatives } = this.lost;
    return html`<div class="lost" role="alert" part="state state-error">
      <p><strong>${t.slotLost}</strong> ${alternatives.length ? t.alternatives : t.noAlternatives}</p>
      ${
        alternatives.length
          ? html`<ul class="slots">
            ${alternatives.map(
              (start) => html`<li>
                <button part="slot" class="slot wide" type="button" ?disabled=${this.holding !== undefined}
                  @click=${() => this.holdSlot(start)}>
                  ${this.dateTime(start)}
                </button>
              </li>`,
            )}
          </ul>`
          : nothing
      }
      ${
        this.step !== 'date'
          ? html`<button type="button" class="link" @click=${() => {
              this.lost = undefined;
              this.goTo('date');
            }}>${t.chooseAnother}</button>`
          : nothing
      }
    </div>`;
  }

  private renderHeld(): TemplateResult | typeof nothing {
    if (!this.hold) return nothing;
    const until = this.localize.dateTime(this.hold.expiresAt, {
      timeZone: this.zone,
      hour: 'numeric',
      minute: '2-digit',
    });
    return html`<p class="held">${this.localize.t.heldUntil(until)}</p>`;
  }

  private renderDetails(): TemplateResult {
    const t = this.localize.t;
    const field = (name: Field, label: string, type = 'text', autocomplete = 'off') => {
      const error = this.fieldErrors[name];
      const input = (e: Event) => {
        this.details = { ...this.details, [name]: (e.target as HTMLInputElement).value };
        if (this.fieldErrors[name]) this.fieldErrors = { ...this.fieldErrors, [name]: undefined };
      };
      return html`<div part="field" class="field">
        <label for=${name}>${label}</label>
        ${
          name === 'notes' || name === 'accessNotes'
            ? html`<textarea id=${name} rows="3" .value=${this.details[name]} @input=${input}
              aria-invalid=${Boolean(error)} aria-describedby=${error ? `${name}-error` : nothing}></textarea>`
            : html`<input id=${name} name=${name} type=${type} autocomplete=${autocomplete} .value=${this.details[name]}
              @input=${input} aria-invalid=${Boolean(error)} aria-describedby=${error ? `${name}-error` : nothing}
              ?required=${['name', 'email', 'line1', 'city'].includes(name)} />`
        }
        ${error ? html`<p class="field-error" id="${name}-error">${error}</p>` : nothing}
      </div>`;
    };
    return this.section(
      t.yourDetails,
      html`${this.renderLost()} ${this.renderHeld()}
        <form novalidate @submit=${this.submitDetails}>
          ${field('name', t.name, 'text', 'name')} ${field('email', t.email, 'email', 'email')}
          ${field('phone', t.phone, 'tel', 'tel')}
          <fieldset part="site" class="site">
            <legend>${t.site}</legend>
            ${this.renderSavedChoice()}
            ${
              this.savedAddress()
                ? nothing
                : html`${field('line1', t.line1, 'text', 'address-line1')} ${field('line2', t.line2, 'text', 'address-line2')}
                  <div class="row">
                    ${field('postalCode', t.postalCode, 'text', 'postal-code')} ${field('city', t.city, 'text', 'address-level2')}
                  </div>
                  <div class="row">
                    ${field('region', t.region, 'text', 'address-level1')}
                    <div part="field" class="field">
                      <label for="country">${t.country}</label>
                      <select id="country" autocomplete="country" @change=${(e: Event) => {
                        this.details = { ...this.details, country: (e.target as HTMLSelectElement).value };
                      }}>
                        ${this.countries().map(
                          (code) =>
                            html`<option value=${code} ?selected=${code === this.details.country}>${this.countryName(code)}</option>`,
                        )}
                      </select>
                    </div>
                  </div>`
            }
            ${field('accessNotes', t.accessNotes)}
          </fieldset>
          ${field('notes', t.notes)}
          <div class="actions">
            <button part="primary-button" class="primary" type="submit" ?disabled=${!this.hold}>${t.continue}</button>
          </div>
        </form>`,
      { aside: true },
    );
  }

  /** With a saved address from the host: it, or another one typed here. */
  private renderSavedChoice(): TemplateResult | typeof nothing {
    const saved = addressLine(this.address);
    if (!this.address?.line1 || !saved) return nothing;
    const choice = (use: boolean, label: string) =>
      html`<label class="choice"><input type="radio" name="site" .checked=${this.useSaved === use}
        @change=${() => {
          this.useSaved = use;
        }} />${label}</label>`;
    return html`${choice(true, saved)} ${choice(false, this.localize.t.otherAddress)}`;
  }

  /** The countries a visit can be in: the business's, and the visitor's saved or chosen one. */
  private countries(): string[] {
    return [
      ...new Set([this.details.country, this.address?.country].filter((code): code is string => !!code)),
    ];
  }

  private countryName(code: string): string {
    try {
      return new Intl.DisplayNames([this.localize.lang], { type: 'region' }).of(code) ?? code;
    } catch {
      return code;
    }
  }

  private renderSummary(withContact: boolean): TemplateResult {
    const t = this.localize.t;
    const item = this.serviceItem;
    const start = this.hold?.start;
    const technician = this.technicianName(this.technicianId) ?? t.anyTechnician;
    return html`<dl part="summary" class="summary">
      ${item ? html`<div><dt>${t.service}</dt><dd>${item.name}</dd></div>` : nothing}
      ${
        this.steps.includes('technician') || this.technicianId
          ? html`<div><dt>${t.technician}</dt><dd>${technician}</dd></div>`
          : nothing
      }
      ${
        start && item
          ? html`<div><dt>${t.when}</dt><dd>${this.dateTime(start)} (${this.localize.minutes(item.durationMinutes)})</dd></div>`
          : nothing
      }
      ${item ? html`<div><dt>${t.price}</dt><dd>${this.localize.money(item.currentPrice.price)}</dd></div>` : nothing}
      ${
        withContact
          ? html`<div>
            <dt>${t.contact}</dt>
            <dd>${[this.details.name, this.details.email, this.details.phone].filter(Boolean).join(', ')}</dd>
          </div>
          ${withContact && this.site() ? html`<div><dt>${t.address}</dt><dd>${addressLine(this.site())}</dd></div>` : nothing}`
          : nothing
      }
    </dl>`;
  }

  private renderConfirm(): TemplateResult {
    const t = this.localize.t;
    return this.section(
      t.reviewTitle,
      html`${this.renderLost()} ${this.renderSummary(true)} ${this.renderHeld()}
        ${this.submitError ? errorView(this.localize, this.submitError) : nothing}
        <div class="actions">
          <button part="primary-button" class="primary" type="button" ?disabled=${this.submitting || !this.hold}
            aria-busy=${this.submitting} @click=${this.book}>
            ${this.submitting ? t.booking : t.confirmBooking}
          </button>
        </div>`,
    );
  }

  /** Only what the server said it will send: no promise of an email that is not coming. */
  private renderSent(appointment: Appointment): TemplateResult[] {
    const t = this.localize.t;
    const promised = (appointment as { notifications?: Promised[] }).notifications ?? [];
    return promised.map(
      ({ channel, to }) => html`<p part="sent">${channel === 'sms' ? t.textingTo(to) : t.emailingTo(to)}</p>`,
    );
  }

  private renderDone(): TemplateResult {
    const t = this.localize.t;
    const appointment = this.appointment!;
    const technician = this.technicianName(appointment.technicianId);
    const address = addressOf(appointment);
    const event = this.calendarEvent(appointment);
    return this.section(
      t.confirmedTitle,
      html`<div class="done" role="status">
          <p class="done-business">${t.bookedWith(this.businessName())}</p>
          <p class="reference-label">${t.reference}</p>
          <p part="reference" class="reference">${appointment.reference}</p>
          <p class="muted">${t.quoteReference}</p>
        </div>
        <dl part="summary" class="summary">
          <div><dt>${t.service}</dt><dd>${this.serviceItem?.name}</dd></div>
          <div><dt>${t.when}</dt><dd>${this.dateTime(appointment.start)} – ${this.time(appointment.end)}</dd></div>
          ${technician ? html`<div><dt>${t.technician}</dt><dd>${technician}</dd></div>` : nothing}
          ${address ? html`<div><dt>${t.address}</dt><dd part="address">${address}</dd></div>` : nothing}
          <div><dt>${t.price}</dt><dd>${this.localize.money(appointment.price)}</dd></div>
        </dl>
        <div class="calendar-links" role="group" aria-labelledby="add-to-calendar">
          <h3 id="add-to-calendar">${t.addToCalendar}</h3>
          <div class="actions">
            <a part="add-to-calendar google" class="button" href=${googleCalendarUrl(event)} target="_blank"
              rel="noopener" aria-label=${t.addToGoogle}>Google</a>
            <a part="add-to-calendar outlook" class="button" href=${outlookCalendarUrl(event)} target="_blank"
              rel="noopener" aria-label=${t.addToOutlook}>Outlook</a>
            <a part="add-to-calendar ics" class="button" href=${this.calendarUrl ?? '#'}
              download="${appointment.reference}.ics" aria-label=${t.downloadIcs}>.ics</a>
          </div>
        </div>
        ${this.renderSent(appointment)}
        <h3>${t.nextSteps}</h3>
        <ul class="next">
          ${t.nextStepsList.map((line) => html`<li>${line}</li>`)}
        </ul>
        <button type="button" class="link" @click=${this.startOver}>${t.bookAnother}</button>`,
      { back: false },
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crew-booking': CrewBooking;
  }
}
