import type { Crewkit, components } from '@crewkit/sdk';
import { css, html, nothing } from 'lit';
import { instantAt, localParts } from '../dispatch-board/layout.js';
import { collectAll, type ElementError, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { refusalOf } from '../shared/refusal.js';
import { StaffElement } from '../shared/staff-element.js';
import { errorView, loadingView } from '../shared/states.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Technician = components['schemas']['Technician'];
type Schedule = components['schemas']['TechnicianSchedule'];
type Appointment = components['schemas']['Appointment'];
type Range = components['schemas']['LocalTimeRange'];
type Skill = components['schemas']['Skill'];
type Certification = components['schemas']['Certification'];

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** Visits that still hold a technician's time. */
const booked = ['requested', 'scheduled', 'en_route'] as const;
/** Certifications this close to their last day are flagged. */
const warnDays = 30;

/** A change that would leave booked visits without their technician, waiting for the user's decision. */
interface Collision {
  kind: 'time-off' | 'deactivate';
  visits: Appointment[];
  proceed: () => Promise<void>;
}

/**
 * A technician's profile, skills matrix with proficiency, certifications with expiry warnings,
 * weekly hours, date overrides and time off. New time off, or deactivating the technician, that
 * collides with booked visits is not saved silently: the visits are listed, each can be reassigned
 * (`assignTechnician`, the server's refusal said in place), and only then, or on "Go ahead anyway",
 * is the change made.
 *
 * @tagname crew-technician-editor
 * @summary Edit technicians: profile, skills, certifications, hours and time off.
 *
 * @attr api-base - Where the API lives.
 * @attr org - The organization id.
 * @attr access-token - An owner's or admin's access token; or set `getAccessToken`.
 * @attr technician-id - The technician to open first (default: the first by name).
 * @attr locale - BCP 47 language tag.
 * @attr theme - `light` or `dark`.
 *
 * @event crew-ready - The technician is shown.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart collision - The list of booked visits a change would leave uncovered.
 */
export class CrewTechnicianEditor extends StaffElement {
  static override styles = [
    ...StaffElement.styles,
    css`
      section {
        display: grid;
        gap: var(--_space);
      }
      fieldset {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        display: grid;
        gap: 0.5rem;
      }
      label {
        display: grid;
        gap: 0.25rem;
        font-size: 0.875rem;
      }
      label.inline {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      label.inline input {
        width: auto;
      }
      .row {
        display: grid;
        grid-template-columns: 2fr 1fr auto auto;
        gap: 0.5rem;
        align-items: end;
      }
      .week {
        display: grid;
        grid-template-columns: 8rem 1fr;
        gap: 0.25rem 0.5rem;
        align-items: center;
      }
      .warning {
        color: var(--_danger);
        font-size: 0.8125rem;
      }
      .hint {
        color: var(--_muted);
        font-size: 0.8125rem;
        margin: 0;
      }
      .collision {
        border: 1px solid var(--_danger);
        border-radius: var(--_radius);
        padding: 0.5rem;
        display: grid;
        gap: 0.5rem;
      }
      .collision ul {
        margin: 0;
        padding-inline-start: 1rem;
        display: grid;
        gap: 0.375rem;
      }
      .collision select {
        width: auto;
      }
      .notice.error {
        color: var(--_danger);
      }
    `,
  ];

  static override properties = {
    ...StaffElement.properties,
    technicianId: { attribute: 'technician-id' },
    phase: { state: true },
    loadError: { state: true },
    technicians: { state: true },
    technician: { state: true },
    schedule: { state: true },
    skills: { state: true },
    certifications: { state: true },
    collision: { state: true },
    notice: { state: true },
  };

  declare technicianId: string | undefined;
  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadError: ElementError | undefined;
  declare private technicians: Technician[];
  declare private technician: Technician | undefined;
  declare private schedule: Schedule | undefined;
  declare private skills: Skill[];
  declare private certifications: Certification[];
  declare private collision: Collision | undefined;
  declare private notice: { text: string; error: boolean } | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });
  #client: Crewkit | undefined;

  constructor() {
    super();
    this.phase = 'loading';
    this.technicians = [];
    this.skills = [];
    this.certifications = [];
  }

  protected override connect(client: Crewkit): void {
    this.#client = client;
    void this.#load();
  }

  protected override connectFailed(error: ElementError): void {
    this.#client = undefined;
    this.loadError = error;
    this.phase = 'error';
    this.reportError(error);
  }

  async #load(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const all = await collectAll<Technician>(client.technicians.list({ limit: 100 }));
      this.technicians = all.sort((a, b) => a.name.localeCompare(b.name, this.localize.lang));
      const id = this.technicianId ?? this.technician?.id ?? this.technicians[0]?.id;
      if (id) await this.#open(id);
      const first = this.phase !== 'ready';
      this.phase = 'ready';
      if (first) {
        await this.updateComplete;
        this.dispatchEvent(new CrewReadyEvent());
      }
    } catch (error) {
      this.loadError = toElementError(error);
      this.phase = 'error';
      this.reportError(this.loadError);
    }
  }

  async #open(id: string): Promise<void> {
    const client = this.#client!;
    const [technician, schedule] = await Promise.all([
      unwrap(client.technicians.get(id)),
      unwrap(client.technicians.schedule.get(id)),
    ]);
    this.technician = technician;
    this.schedule = schedule;
    this.skills = technician.skills;
    this.certifications = technician.certifications;
    this.collision = undefined;
  }

  #fail(error: unknown): void {
    const failure = toElementError(error);
    this.notice = { text: this.localize.error(failure.code), error: true };
    this.reportError(failure);
  }

  /** Booked visits of this technician between two instants (to the end of time without `to`). */
  async #bookedBetween(from: Date, to?: Date): Promise<Appointment[]> {
    const client = this.#client!;
    return collectAll<Appointment>(
      client.appointments.list({
        technicianId: this.technician!.id,
        status: [...booked],
        from: from.toISOString(),
        ...(to ? { to: to.toISOString() } : {}),
        sort: 'start',
        limit: 100,
      }),
    );
  }

  /** Runs `change` at once when no booked visit is in the way; otherwise asks first. */
  async #guard(kind: Collision['kind'], visits: Appointment[], change: () => Promise<void>): Promise<void> {
    if (visits.length === 0) return change();
    this.collision = {
      kind,
      visits,
      proceed: async () => {
        this.collision = undefined;
        await change();
      },
    };
  }

  // ——— saving ———

  async #saveProfile(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const technician = this.technician!;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      name: String(form.get('name')),
      email: String(form.get('email') ?? '') || null,
      phone: String(form.get('phone') ?? '') || null,
      timeZone: String(form.get('timeZone')),
      active: form.get('active') === 'on',
    };
    const save = async () => {
      try {
        this.technician = await unwrap(this.#client!.technicians.update(technician.id, body));
        this.notice = { text: this.localize.t.saved, error: false };
      } catch (error) {
        this.#fail(error);
      }
    };
    if (technician.active && !body.active) {
      await this.#guard('deactivate', await this.#bookedBetween(new Date()), save);
    } else {
      await save();
    }
  }

  async #saveSkills(): Promise<void> {
    try {
      const saved = await unwrap(
        this.#client!.technicians.skills.replace(this.technician!.id, {
          skills: this.skills.filter((s) => s.skill.trim()),
          certifications: this.certifications
            .filter((c) => c.name.trim())
            .map((c) => ({ name: c.name, expiresOn: c.expiresOn || null })),
        }),
      );
      this.skills = saved.skills;
      this.certifications = saved.certifications;
      this.notice = { text: this.localize.t.saved, error: false };
    } catch (error) {
      this.#fail(error);
    }
  }

  async #saveSchedule(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const weeklyHours: Record<string, Range[]> = {};
    try {
      for (const day of weekdays) weeklyHours[day] = parseRanges(String(form.get(day) ?? ''));
      const overrides = String(form.get('overrides') ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const [date, ...rest] = line.split(/\s+/);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(date!)) throw new BadHours(line);
          return { date: date!, hours: parseRanges(rest.join(' ')) };
        });
      this.schedule = {
        ...this.schedule!,
        ...(await unwrap(
          this.#client!.technicians.schedule.replace(this.technician!.id, { weeklyHours, overrides }),
        )),
      };
      this.notice = { text: this.localize.t.saved, error: false };
    } catch (error) {
      if (error instanceof BadHours)
        this.notice = { text: this.localize.t.badHours(error.text), error: true };
      else this.#fail(error);
    }
  }

  async #addTimeOff(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const zone = this.technician!.timeZone;
    // The inputs are wall-clock times where the technician works.
    const instant = (value: string) => {
      const [day, time] = value.split('T');
      const [hh, mm] = time!.split(':').map(Number);
      return new Date(instantAt(day!, hh! * 60 + mm!, zone));
    };
    const startsAt = instant(String(form.get('startsAt')));
    const endsAt = instant(String(form.get('endsAt')));
    const reason = String(form.get('reason') ?? '') || null;
    const add = async () => {
      try {
        await unwrap(
          this.#client!.technicians.timeOff.create(this.technician!.id, {
            startsAt: startsAt.toISOString(),
            endsAt: endsAt.toISOString(),
            reason,
          }),
        );
        formElement.reset();
        this.schedule = await unwrap(this.#client!.technicians.schedule.get(this.technician!.id));
        this.notice = { text: this.localize.t.saved, error: false };
      } catch (error) {
        this.#fail(error);
      }
    };
    await this.#guard('time-off', await this.#bookedBetween(startsAt, endsAt), add);
  }

  async #reassign(visit: Appointment, select: HTMLSelectElement): Promise<void> {
    const technicianId = select.value;
    if (!technicianId || !this.collision) return;
    const { t } = this.localize;
    const name = this.technicians.find((tech) => tech.id === technicianId)?.name ?? '';
    try {
      await unwrap(this.#client!.appointments.assignTechnician(visit.id, { technicianId }));
      const remaining = this.collision.visits.filter((v) => v.id !== visit.id);
      this.notice = { text: t.reassigned(visit.reference, name), error: false };
      if (remaining.length === 0) await this.collision.proceed();
      else this.collision = { ...this.collision, visits: remaining };
    } catch (error) {
      const failure = toElementError(error);
      const refusal = refusalOf(failure);
      this.notice = {
        text: refusal
          ? `${visit.reference}: ${refusal.reason.replaceAll('_', ' ')}`
          : this.localize.error(failure.code),
        error: true,
      };
      this.reportError(failure);
    }
  }

  // ——— rendering ———

  override render() {
    const { t } = this.localize;
    if (this.phase === 'loading') return loadingView(this.localize);
    if (this.phase === 'error' && this.loadError) {
      return errorView(this.localize, this.loadError, this.#client ? () => void this.#load() : undefined);
    }
    const technician = this.technician;
    return html`<section part="base" aria-label=${t.title} dir=${this.localize.dir}>
      <label>${t.technician}
        <select name="technician" @change=${(e: Event) => void this.#open((e.target as HTMLSelectElement).value).catch((error) => this.#fail(error))}>
          ${this.technicians.map((tech) => html`<option value=${tech.id} ?selected=${tech.id === technician?.id}>${tech.name}</option>`)}
        </select>
      </label>
      <div class="notice ${this.notice?.error ? 'error' : ''}" role=${this.notice?.error ? 'alert' : 'status'}>${this.notice?.text ?? nothing}</div>
      ${this.collision ? this.#renderCollision(this.collision) : nothing}
      ${technician ? [this.#renderProfile(technician), this.#renderSkills(), this.#renderHours(), this.#renderTimeOff()] : nothing}
    </section>`;
  }

  #renderProfile(technician: Technician) {
    const { t } = this.localize;
    return html`<form @submit=${(e: SubmitEvent) => void this.#saveProfile(e)}>
      <fieldset>
        <legend>${t.profile}</legend>
        <label>${t.name}<input name="name" required maxlength="200" .value=${technician.name} /></label>
        <label>${t.email}<input name="email" type="email" .value=${technician.email ?? ''} /></label>
        <label>${t.phone}<input name="phone" .value=${technician.phone ?? ''} /></label>
        <label>${t.timeZone}<input name="timeZone" required .value=${technician.timeZone} /></label>
        <label class="inline"><input name="active" type="checkbox" .checked=${technician.active} />${t.active}</label>
        <div><button type="submit" class="primary">${t.saveProfile}</button></div>
      </fieldset>
    </form>`;
  }

  #renderSkills() {
    const { t } = this.localize;
    const today = localParts(Date.now(), this.technician!.timeZone).day;
    const daysUntil = (date: string) => Math.round((Date.parse(date) - Date.parse(today)) / 86_400_000);
    return html`<fieldset>
      <legend>${t.skills}</legend>
      ${this.skills.map(
        (skill, index) => html`<div class="row">
          <label>${t.skill}<input .value=${skill.skill} @input=${(e: Event) => this.#setSkill(index, { skill: (e.target as HTMLInputElement).value })} /></label>
          <label>${t.proficiency}
            <select @change=${(e: Event) => this.#setSkill(index, { proficiency: Number((e.target as HTMLSelectElement).value) })}>
              ${[1, 2, 3, 4, 5].map((level) => html`<option value=${level} ?selected=${level === skill.proficiency}>${level}</option>`)}
            </select>
          </label>
          <button type="button" @click=${() => (this.skills = this.skills.filter((_, i) => i !== index))}>${t.remove(skill.skill || t.skill)}</button>
        </div>`,
      )}
      <div><button type="button" @click=${() => (this.skills = [...this.skills, { skill: '', proficiency: 3 }])}>${t.addSkill}</button></div>
      <h4>${t.certifications}</h4>
      ${this.certifications.map((cert, index) => {
        const left = cert.expiresOn ? daysUntil(cert.expiresOn) : undefined;
        return html`<div class="row">
          <label>${t.certification}<input .value=${cert.name} @input=${(e: Event) => this.#setCertification(index, { name: (e.target as HTMLInputElement).value })} /></label>
          <label>${t.expiresOn}<input type="date" .value=${cert.expiresOn ?? ''} @change=${(e: Event) => this.#setCertification(index, { expiresOn: (e.target as HTMLInputElement).value || null })} /></label>
          <span class="warning" data-certification=${cert.name}>${left === undefined || left > warnDays ? '' : left < 0 ? t.expired : t.expiresSoon(left)}</span>
          <button type="button" @click=${() => (this.certifications = this.certifications.filter((_, i) => i !== index))}>${t.remove(cert.name || t.certification)}</button>
        </div>`;
      })}
      <div><button type="button" @click=${() => (this.certifications = [...this.certifications, { name: '', expiresOn: null }])}>${t.addCertification}</button></div>
      <div><button type="button" class="primary" @click=${() => void this.#saveSkills()}>${t.saveSkills}</button></div>
    </fieldset>`;
  }

  #setSkill(index: number, patch: Partial<Skill>): void {
    this.skills = this.skills.map((skill, i) => (i === index ? { ...skill, ...patch } : skill));
  }

  #setCertification(index: number, patch: Partial<Certification>): void {
    this.certifications = this.certifications.map((cert, i) => (i === index ? { ...cert, ...patch } : cert));
  }

  #renderHours() {
    const { t } = this.localize;
    const schedule = this.schedule!;
    const ranges = (list: Range[] | undefined) => (list ?? []).map((r) => `${r.start}-${r.end}`).join(', ');
    const weekly = schedule.weeklyHours as Record<string, Range[] | undefined>;
    return html`<form @submit=${(e: SubmitEvent) => void this.#saveSchedule(e)}>
      <fieldset>
        <legend>${t.weeklyHours}</legend>
        <p class="hint" id="hours-hint">${t.hoursHint}</p>
        <div class="week">
          ${weekdays.map(
            (day) => html`<label for="hours-${day}">${t.weekdays[day]}</label>
              <input id="hours-${day}" name=${day} aria-describedby="hours-hint" .value=${ranges(weekly[day])} />`,
          )}
        </div>
        <label>${t.overrides}
          <textarea name="overrides" rows="3" aria-describedby="overrides-hint" .value=${schedule.overrides.map((o) => `${o.date} ${ranges(o.hours)}`.trim()).join('\n')}></textarea>
        </label>
        <p class="hint" id="overrides-hint">${t.overridesHint}</p>
        <div><button type="submit" class="primary">${t.saveSchedule}</button></div>
      </fieldset>
    </form>`;
  }

  #renderTimeOff() {
    const { t } = this.localize;
    const zone = this.technician!.timeZone;
    return html`<form @submit=${(e: SubmitEvent) => void this.#addTimeOff(e)}>
      <fieldset>
        <legend>${t.timeOff}</legend>
        <ul>
          ${this.schedule!.timeOff.map(
            (off) => html`<li>
              ${this.localize.dateTime(off.startsAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone })} –
              ${this.localize.dateTime(off.endsAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone })}
              ${off.reason ? html`(${off.reason})` : nothing}
            </li>`,
          )}
        </ul>
        <label>${t.starts}<input name="startsAt" type="datetime-local" required /></label>
        <label>${t.ends}<input name="endsAt" type="datetime-local" required /></label>
        <label>${t.reason}<input name="reason" maxlength="200" /></label>
        <div><button type="submit">${t.addTimeOff}</button></div>
      </fieldset>
    </form>`;
  }

  #renderCollision(collision: Collision) {
    const { t } = this.localize;
    const zone = this.technician!.timeZone;
    const others = this.technicians.filter((tech) => tech.id !== this.technician!.id && tech.active);
    return html`<div class="collision" part="collision" role="alert">
      <strong>${collision.kind === 'time-off' ? t.collides(collision.visits.length) : t.collidesDeactivate(collision.visits.length)}</strong>
      <ul>
        ${collision.visits.map(
          (visit) => html`<li data-visit=${visit.id}>
            ${visit.reference}, ${this.localize.dateTime(visit.start, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone })}
            <select aria-label=${t.reassignTo(visit.reference)}>
              ${others.map((tech) => html`<option value=${tech.id}>${tech.name}</option>`)}
            </select>
            <button type="button" @click=${(e: Event) => void this.#reassign(visit, (e.target as HTMLElement).previousElementSibling as HTMLSelectElement)}>${t.reassign}</button>
          </li>`,
        )}
      </ul>
      <div>
        <button type="button" @click=${() => void collision.proceed()}>${t.proceed}</button>
        <button type="button" @click=${() => (this.collision = undefined)}>${t.cancel}</button>
      </div>
    </div>`;
  }
}

class BadHours extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/** "08:00-12:00, 13:00-17:00" → ranges; empty → none (a day off). */
function parseRanges(text: string): Range[] {
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.map((part) => {
    const match = /^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})$/.exec(part);
    if (!match) throw new BadHours(part);
    return { start: match[1]!, end: match[2]! };
  });
}
