import type { Crewkit, components } from '@crewkit/sdk';
import { css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { collectAll, type ElementError, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { errorView, loadingView } from '../shared/states.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

type Category = components['schemas']['ServiceCategory'];
type Item = components['schemas']['ServiceItem'];
type Tier = components['schemas']['PricingTier'];
type RequiredSkill = components['schemas']['RequiredSkill'];
type ChecklistEntry = components['schemas']['ChecklistEntry'];

/** A checklist line being edited; `key` is kept for lines the server has (ticks refer to it). */
interface DraftLine {
  key: string;
  label: string;
  isNew: boolean;
}

/** What is being dragged: a category or an item, by id. */
type Dragged = { kind: 'category' | 'item'; id: string; name: string };

const top = '';

/**
 * The service catalog for an admin page: the category tree with its services, moved by dragging a
 * row onto a category (or with each row's "Move to" menu, the keyboard path); a service's duration,
 * buffers, required skills and base price; the checklist its technicians tick on the job sheet and
 * what a visit needs before it may be completed (a signature, photos, every line ticked); and its
 * pricing tiers with their dates, each editable
 * (`updatePricingTier`). The server's refusals (a category under its own descendant, overlapping
 * tiers) are shown where they happened.
 *
 * @tagname crew-catalog-editor
 * @summary Edit the category tree, services and pricing tiers.
 *
 * @attr api-base - Where the API lives.
 * @attr org - The organization id.
 * @attr access-token - An owner's or admin's access token; or set `getAccessToken`.
 * @attr locale - BCP 47 language tag.
 * @attr theme - `light` or `dark`.
 *
 * @event crew-ready - The catalog is shown.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart tree - The categories and services.
 * @csspart editor - The selected service's form and tiers.
 */
export class CrewCatalogEditor extends StaffElement {
  static override styles = [
    ...StaffElement.styles,
    css`
      section {
        display: grid;
        grid-template-columns: minmax(16rem, 1fr) 2fr;
        gap: var(--_space);
        align-items: start;
      }
      ul {
        list-style: none;
        margin: 0;
        padding-inline-start: 1rem;
      }
      .tree > ul {
        padding-inline-start: 0;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.25rem;
        border-radius: var(--_radius);
        touch-action: none;
      }
      .row.drop {
        outline: 2px dashed var(--_success);
      }
      .row select {
        width: auto;
        margin-inline-start: auto;
        font-size: 0.8125rem;
        padding: 0.125rem;
      }
      .row .grip {
        cursor: grab;
        user-select: none;
      }
      .row button.item {
        min-height: 0;
        padding: 0.125rem 0.5rem;
      }
      .row button.item[aria-current='true'] {
        border-color: var(--_primary);
        font-weight: 600;
      }
      .category-name {
        font-weight: 600;
      }
      form,
      .tiers {
        display: grid;
        gap: 0.5rem;
      }
      label {
        display: grid;
        gap: 0.25rem;
        font-size: 0.875rem;
      }
      fieldset {
        display: grid;
        gap: 0.5rem;
        border: 1px solid var(--_border, currentColor);
        border-radius: var(--_radius);
        padding: 0.5rem;
      }
      ol.checklist {
        margin: 0;
        padding-inline-start: 1.5rem;
        display: grid;
        gap: 0.25rem;
      }
      ol.checklist li {
        display: flex;
        gap: 0.25rem;
        align-items: center;
      }
      ol.checklist input {
        flex: 1;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      label.check input {
        width: auto;
      }
      .numbers {
        display: grid;
        grid-template-columns: repeat(4, 1fr);
        gap: 0.5rem;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      td,
      th {
        padding: 0.25rem;
        text-align: start;
        font-size: 0.875rem;
      }
      .notice.error {
        color: var(--_danger);
      }
      .hint {
        color: var(--_muted);
        font-size: 0.8125rem;
        margin: 0;
      }
    `,
  ];

  static override properties = {
    ...StaffElement.properties,
    phase: { state: true },
    loadError: { state: true },
    categories: { state: true },
    items: { state: true },
    selectedId: { state: true },
    tiers: { state: true },
    priceInForce: { state: true },
    notice: { state: true },
    dropTarget: { state: true },
    checklist: { state: true },
  };

  declare private phase: 'loading' | 'ready' | 'error';
  declare private loadError: ElementError | undefined;
  declare private categories: Category[];
  declare private items: Item[];
  declare private selectedId: string | undefined;
  declare private tiers: Tier[];
  declare private priceInForce: string | undefined;
  declare private notice: { text: string; error: boolean } | undefined;
  declare private dropTarget: string | undefined;
  /** The selected service's checklist as edited, saved with the rest of its form. */
  declare private checklist: DraftLine[];

  readonly localize = new LocalizeController(this, { en, de, fr, es });
  #client: Crewkit | undefined;
  #drag: (Dragged & { pointerId: number; x: number; y: number; moving: boolean }) | undefined;
  #newLines = 0;

  constructor() {
    super();
    this.phase = 'loading';
    this.categories = [];
    this.items = [];
    this.tiers = [];
    this.checklist = [];
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

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#endDrag();
  }

  async #load(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const [categories, items] = await Promise.all([
        unwrap(client.services.categories.list()),
        collectAll<Item>(client.services.items.list({ limit: 100 })),
      ]);
      this.categories = categories.data;
      this.items = items;
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

  get #selected(): Item | undefined {
    return this.items.find((item) => item.id === this.selectedId);
  }

  async #select(item: Item): Promise<void> {
    this.selectedId = item.id;
    this.notice = undefined;
    this.checklist = (item.checklist ?? []).map((line) => ({ ...line, isNew: false }));
    await this.#loadTiers(item.id);
  }

  async #loadTiers(itemId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const result = await unwrap(client.services.pricing.list(itemId));
      if (this.selectedId !== itemId) return;
      this.tiers = result.data;
      this.priceInForce = this.localize.money(result.priceInForce.price);
    } catch (error) {
      this.#fail(toElementError(error));
    }
  }

  #fail(error: ElementError, text?: string): void {
    this.notice = { text: text ?? this.localize.error(error.code), error: true };
    this.reportError(error);
  }

  /** Whether `candidate` is `category` or lies under it (a category cannot move into itself). */
  #within(candidate: string | null, category: string): boolean {
    for (let id = candidate; id; id = this.categories.find((c) => c.id === id)?.parentId ?? null) {
      if (id === category) return true;
    }
    return false;
  }

  async #move(dragged: Dragged, target: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const parent = target === top ? null : target;
    const targetName =
      parent === null
        ? this.localize.t.topLevel
        : (this.categories.find((c) => c.id === parent)?.name ?? this.localize.t.topLevel);
    try {
      if (dragged.kind === 'category') {
        if (parent && this.#within(parent, dragged.id)) return;
        await unwrap(client.services.categories.update(dragged.id, { parentId: parent }));
      } else {
        await unwrap(client.services.items.update(dragged.id, { categoryId: parent }));
      }
      this.notice = { text: this.localize.t.moved(dragged.name, targetName), error: false };
      await this.#load();
    } catch (error) {
      this.#fail(toElementError(error));
    }
  }

  // ——— dragging rows ———

  #onPointerDown(event: PointerEvent, dragged: Dragged): void {
    if (event.button !== 0) return;
    this.#drag = {
      ...dragged,
      pointerId: event.pointerId,
      x: event.clientX,
      y: event.clientY,
      moving: false,
    };
    window.addEventListener('pointermove', this.#onPointerMove);
    window.addEventListener('pointerup', this.#onPointerUp);
  }

  readonly #onPointerMove = (event: PointerEvent) => {
    const drag = this.#drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.moving && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 4) return;
    drag.moving = true;
    this.dropTarget = this.#categoryAt(event.clientX, event.clientY);
  };

  readonly #onPointerUp = (event: PointerEvent) => {
    const drag = this.#drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    const target = drag.moving ? this.#categoryAt(event.clientX, event.clientY) : undefined;
    this.#endDrag();
    if (target !== undefined && target !== drag.id) void this.#move(drag, target);
  };

  #endDrag(): void {
    this.#drag = undefined;
    this.dropTarget = undefined;
    window.removeEventListener('pointermove', this.#onPointerMove);
    window.removeEventListener('pointerup', this.#onPointerUp);
  }

  #categoryAt(x: number, y: number): string | undefined {
    const row = (this.renderRoot as ShadowRoot)
      .elementsFromPoint(x, y)
      .find((element) => element instanceof HTMLElement && element.dataset.dropCategory !== undefined) as
      | HTMLElement
      | undefined;
    return row?.dataset.dropCategory;
  }

  // ——— saving a service and its tiers ———

  async #saveItem(event: SubmitEvent, item: Item): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client) return;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const skills = parseSkills(String(form.get('skills') ?? ''));
    if ('bad' in skills) {
      this.notice = { text: this.localize.t.badSkills(skills.bad), error: true };
      return;
    }
    const number = (name: string) => Number(form.get(name));
    const checklist = checklistOf(this.checklist);
    try {
      const saved = await unwrap(
        client.services.items.update(item.id, {
          name: String(form.get('name')),
          durationMinutes: number('durationMinutes'),
          bufferBeforeMinutes: number('bufferBeforeMinutes'),
          bufferAfterMinutes: number('bufferAfterMinutes'),
          requiredSkills: skills.skills,
          basePriceMinor: Math.round(number('basePrice') * 100),
          checklist,
          completionRules: {
            signatureRequired: form.get('signatureRequired') === 'on',
            minimumPhotos: number('minimumPhotos'),
            checklistComplete: form.get('checklistComplete') === 'on',
          },
        }),
      );
      this.items = this.items.map((existing) => (existing.id === saved.id ? saved : existing));
      this.checklist = (saved.checklist ?? checklist).map((line) => ({ ...line, isNew: false }));
      this.notice = { text: this.localize.t.saved(saved.name), error: false };
    } catch (error) {
      this.#fail(toElementError(error));
    }
  }

  async #saveTier(event: SubmitEvent, item: Item, tier: Tier | undefined): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client) return;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      name: String(form.get('name')),
      priceMinor: Math.round(Number(form.get('price')) * 100),
      validFrom: String(form.get('validFrom')),
      validTo: String(form.get('validTo') ?? '') || null,
    };
    try {
      const saved = tier
        ? await unwrap(client.services.pricing.update(item.id, tier.id, body))
        : await unwrap(client.services.pricing.create(item.id, body));
      this.notice = { text: this.localize.t.tierSaved(saved.name), error: false };
      if (!tier) (event.currentTarget as HTMLFormElement | null)?.reset();
      await this.#loadTiers(item.id);
    } catch (error) {
      const failure = toElementError(error);
      const { t } = this.localize;
      this.#fail(
        failure,
        failure.code === 'conflict'
          ? t.overlap
          : failure.code === 'validation_failed'
            ? t.endsBeforeStart
            : undefined,
      );
    }
  }

  async #deleteTier(item: Item, tier: Tier): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      await unwrap(client.services.pricing.delete(item.id, tier.id));
      await this.#loadTiers(item.id);
    } catch (error) {
      this.#fail(toElementError(error));
    }
  }

  // ——— the checklist ———

  #addLine(): void {
    this.checklist = [...this.checklist, { key: `new-${++this.#newLines}`, label: '', isNew: true }];
    // The new line's field, so typing can start at once (the keyboard path).
    void this.updateComplete.then(() =>
      (this.renderRoot as ShadowRoot)
        .querySelector<HTMLInputElement>('ol.checklist li:last-child input')
        ?.focus(),
    );
  }

  #moveLine(index: number, by: -1 | 1): void {
    const lines = [...this.checklist];
    const [line] = lines.splice(index, 1);
    lines.splice(index + by, 0, line!);
    this.checklist = lines;
    const { t } = this.localize;
    this.notice = { text: t.lineMoved(line!.label || t.emptyLine, index + by + 1), error: false };
  }

  #removeLine(index: number): void {
    const line = this.checklist[index]!;
    this.checklist = this.checklist.filter((_, i) => i !== index);
    const { t } = this.localize;
    this.notice = { text: t.lineRemoved(line.label || t.emptyLine), error: false };
  }

  // ——— rendering ———

  override render() {
    const { t } = this.localize;
    if (this.phase === 'loading') return loadingView(this.localize);
    if (this.phase === 'error' && this.loadError) {
      return errorView(this.localize, this.loadError, this.#client ? () => void this.#load() : undefined);
    }
    return html`<div dir=${this.localize.dir}>
      <div class="notice ${this.notice?.error ? 'error' : ''}" role=${this.notice?.error ? 'alert' : 'status'}>${this.notice?.text ?? nothing}</div>
      <section part="base" aria-label=${t.title}>
        <nav class="tree" part="tree" aria-label=${t.categories}>
          <p class="hint">${t.dragHint}</p>
          <ul>
            <li>
              <div class="row ${this.dropTarget === top ? 'drop' : ''}" data-drop-category=${top}>
                <span class="category-name">${t.topLevel}</span>
              </div>
              ${this.#renderChildren(null)}
            </li>
          </ul>
        </nav>
        <div part="editor">${this.#renderEditor()}</div>
      </section>
    </div>`;
  }

  #renderChildren(parentId: string | null): unknown {
    const categories = this.categories
      .filter((c) => (c.parentId ?? null) === parentId)
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    const items = this.items.filter((item) => (item.categoryId ?? null) === parentId);
    if (categories.length === 0 && items.length === 0) return nothing;
    return html`<ul>
      ${categories.map(
        (category) => html`<li>
          <div class="row ${this.dropTarget === category.id ? 'drop' : ''}" data-drop-category=${category.id}
            @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e, { kind: 'category', id: category.id, name: category.name })}>
            <span class="grip" aria-hidden="true">⠿</span>
            <span class="category-name">${category.name}</span>
            ${this.#renderMoveMenu({ kind: 'category', id: category.id, name: category.name }, category.parentId ?? top)}
          </div>
          ${this.#renderChildren(category.id)}
        </li>`,
      )}
      ${items.map(
        (item) => html`<li>
          <div class="row" @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e, { kind: 'item', id: item.id, name: item.name })}>
            <span class="grip" aria-hidden="true">⠿</span>
            <button type="button" class="item" aria-current=${item.id === this.selectedId} aria-label=${this.localize.t.edit(item.name)} @click=${() => void this.#select(item)}>${item.name}</button>
            ${this.#renderMoveMenu({ kind: 'item', id: item.id, name: item.name }, item.categoryId ?? top)}
          </div>
        </li>`,
      )}
    </ul>`;
  }

  #renderMoveMenu(dragged: Dragged, current: string) {
    const { t } = this.localize;
    const targets = this.categories.filter((c) => dragged.kind === 'item' || !this.#within(c.id, dragged.id));
    return html`<select aria-label=${t.moveTo(dragged.name)} @pointerdown=${(e: Event) => e.stopPropagation()}
      @change=${(e: Event) => {
        const value = (e.target as HTMLSelectElement).value;
        if (value !== current) void this.#move(dragged, value);
      }}>
      <option value=${top} ?selected=${current === top}>${t.topLevel}</option>
      ${targets.map((c) => html`<option value=${c.id} ?selected=${c.id === current}>${c.name}</option>`)}
    </select>`;
  }

  #renderEditor() {
    const { t } = this.localize;
    const item = this.#selected;
    if (!item) return html`<p class="hint">${t.noItem}</p>`;
    const currency = item.basePrice.currency;
    const decimal = (minor: number) => (minor / 100).toFixed(2);
    return html`<form @submit=${(e: SubmitEvent) => void this.#saveItem(e, item)} aria-label=${t.edit(item.name)}>
        <label>${t.name}<input name="name" required maxlength="200" .value=${item.name} /></label>
        <div class="numbers">
          <label>${t.duration}<input name="durationMinutes" type="number" min="5" max="1440" required .value=${String(item.durationMinutes)} /></label>
          <label>${t.bufferBefore}<input name="bufferBeforeMinutes" type="number" min="0" max="480" .value=${String(item.bufferBeforeMinutes)} /></label>
          <label>${t.bufferAfter}<input name="bufferAfterMinutes" type="number" min="0" max="480" .value=${String(item.bufferAfterMinutes)} /></label>
          <label>${t.basePrice(currency)}<input name="basePrice" type="number" min="0" step="0.01" .value=${decimal(item.basePrice.amountMinor)} /></label>
        </div>
        <label>${t.skills}<textarea name="skills" rows="3" aria-describedby="skills-hint" .value=${item.requiredSkills.map((s) => `${s.skill} ${s.minProficiency}`).join('\n')}></textarea></label>
        <p class="hint" id="skills-hint">${t.skillsHint}</p>
        ${this.#renderChecklist()}
        ${this.#renderCompletion(item)}
        <div><button type="submit" class="primary">${t.save}</button></div>
      </form>
      <div class="tiers">
        <h3>${t.tiers}</h3>
        ${this.priceInForce ? html`<p class="hint">${t.priceInForce(this.priceInForce)}</p>` : nothing}
        ${this.tiers.length === 0 ? html`<p class="hint">${t.noTiers}</p>` : nothing}
        ${[...this.tiers, undefined].map((tier) => this.#renderTier(item, tier, currency))}
      </div>`;
  }

  #renderChecklist() {
    const { t } = this.localize;
    const last = this.checklist.length - 1;
    return html`<fieldset>
      <legend>${t.checklist}</legend>
      <p class="hint">${t.checklistHint}</p>
      ${
        this.checklist.length === 0
          ? html`<p class="hint">${t.noChecklist}</p>`
          : html`<ol class="checklist">
              ${repeat(
                this.checklist,
                (line) => line.key,
                (line, index) => {
                  const name = line.label || t.emptyLine;
                  return html`<li data-line=${line.key}>
                    <input aria-label=${t.lineLabel(index + 1)} maxlength="200" .value=${line.label}
                      @input=${(e: Event) => {
                        line.label = (e.target as HTMLInputElement).value;
                        // Its buttons are named after it.
                        this.requestUpdate();
                      }} />
                    <button type="button" aria-label=${t.moveLineUp(name)} ?disabled=${index === 0} @click=${() => this.#moveLine(index, -1)}>↑</button>
                    <button type="button" aria-label=${t.moveLineDown(name)} ?disabled=${index === last} @click=${() => this.#moveLine(index, 1)}>↓</button>
                    <button type="button" aria-label=${t.removeLine(name)} @click=${() => this.#removeLine(index)}>✕</button>
                  </li>`;
                },
              )}
            </ol>`
      }
      <div><button type="button" ?disabled=${this.checklist.length >= 50} @click=${() => this.#addLine()}>${t.addLine}</button></div>
    </fieldset>`;
  }

  #renderCompletion(item: Item) {
    const { t } = this.localize;
    const rules = item.completionRules ?? {};
    return html`<fieldset>
      <legend>${t.completion}</legend>
      <p class="hint">${t.completionHint}</p>
      <label class="check"><input type="checkbox" name="signatureRequired" .checked=${rules.signatureRequired ?? false} />${t.signatureRequired}</label>
      <label>${t.minimumPhotos}<input name="minimumPhotos" type="number" min="0" max="100" .value=${String(rules.minimumPhotos ?? 0)} /></label>
      <label class="check"><input type="checkbox" name="checklistComplete" .checked=${rules.checklistComplete ?? false} />${t.checklistComplete}</label>
    </fieldset>`;
  }

  #renderTier(item: Item, tier: Tier | undefined, currency: string) {
    const { t } = this.localize;
    const label = tier?.name ?? t.addTier;
    return html`<form class="tier" data-tier=${tier?.id ?? 'new'} aria-label=${label} @submit=${(e: SubmitEvent) => void this.#saveTier(e, item, tier)}>
      <div class="numbers">
        <label>${t.tierName}<input name="name" required maxlength="120" .value=${tier?.name ?? ''} /></label>
        <label>${t.tierPrice(currency)}<input name="price" type="number" min="0" step="0.01" required .value=${tier ? (tier.price.amountMinor / 100).toFixed(2) : ''} /></label>
        <label>${t.validFrom}<input name="validFrom" type="date" required .value=${tier?.validFrom ?? ''} /></label>
        <label>${t.validTo}<input name="validTo" type="date" .value=${tier?.validTo ?? ''} /></label>
      </div>
      <div>
        <button type="submit">${tier ? t.saveTier(tier.name) : t.addTier}</button>
        ${tier ? html`<button type="button" @click=${() => void this.#deleteTier(item, tier)}>${t.deleteTier(tier.name)}</button>` : nothing}
      </div>
    </form>`;
  }
}

/**
 * The lines to save: empty ones dropped; a new line gets a key from its label, unique among the
 * item's keys. A line the server has keeps its key when relabelled, so ticks already made on job
 * sheets still refer to it.
 */
export function checklistOf(lines: DraftLine[]): ChecklistEntry[] {
  const kept = lines.filter((line) => line.label.trim() !== '');
  const used = new Set(kept.filter((line) => !line.isNew).map((line) => line.key));
  return kept.map((line) => {
    const label = line.label.trim();
    if (!line.isNew) return { key: line.key, label };
    const base =
      label
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 56) || 'line';
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    return { key, label };
  });
}

/** "gas 3" per line → required skills; the first line that is not one is named. */
function parseSkills(text: string): { skills: RequiredSkill[] } | { bad: string } {
  const skills: RequiredSkill[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^(.+?)\s+([1-5])$/.exec(line);
    if (!match) return { bad: line };
    skills.push({ skill: match[1]!.trim(), minProficiency: Number(match[2]) });
  }
  return { skills };
}
