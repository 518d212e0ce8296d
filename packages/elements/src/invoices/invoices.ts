import type { AppointmentListItem, Crewkit } from '@crewkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type ElementError, isAbort, toElementError, unwrap } from '../shared/api.js';
import { CrewReadyEvent } from '../shared/events.js';
import { LocalizeController } from '../shared/localize.js';
import { StaffElement } from '../shared/staff-element.js';
import { emptyView, errorView, loadingView } from '../shared/states.js';
import {
  CrewPaymentRecordedEvent,
  type Invoice,
  type InvoiceHistoryEntry,
  type InvoiceStatus,
} from './events.js';
import { invoicesStyles } from './invoices.styles.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';

const statuses: InvoiceStatus[] = ['draft', 'issued', 'part_paid', 'paid', 'void'];
const pageSize = 25;

/** "120.50" or "120,50" → minor units with the currency's decimals; undefined for anything else. */
export function parseAmount(text: string, digits: number): number | undefined {
  const match = /^\s*(\d{1,9})(?:[.,](\d+))?\s*$/.exec(text);
  if (!match || (match[2]?.length ?? 0) > digits) return undefined;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  return minor > 0 ? minor : undefined;
}

/**
 * Invoices for an office or ERP page: the list with a status filter (invoices pulled from Ascora
 * are marked as such), an invoice's lines, taxes, totals, payments and history (issued, emailed,
 * reminded, paid, credited, voided), recording a payment, and the PDF; drafting an invoice from a completed visit and issuing a draft. Lines of a draft are
 * changed through the API (`updateInvoice`), not here yet.
 *
 * @tagname crew-invoices
 * @summary Invoices: list, detail, payments, PDF, drafting from a completed visit.
 *
 * @attr api-base - Where the API lives, e.g. `https://crewkit.example.com`.
 * @attr org - The organization id.
 * @attr access-token - A user's access token (owner or admin to record payments).
 * @attr locale - BCP 47 language tag; defaults to the browser's language.
 * @attr theme - `light` or `dark` forces a scheme; unset follows the user's setting.
 * @attr status - Only invoices with this status.
 * @attr customer-id - Only this customer's invoices.
 * @attr issued-from - Only invoices issued on or after this date (YYYY-MM-DD).
 * @attr issued-to - Only invoices issued on or before this date (YYYY-MM-DD).
 *
 * @event crew-ready - The first page is shown.
 * @event crew-payment-recorded - A payment was recorded; `event.payment` and `event.invoice`.
 * @event crew-error - A call failed; `event.error.code` says why.
 *
 * @csspart base - The element's frame.
 * @csspart table - The list of invoices.
 * @csspart detail - The open invoice.
 * @csspart state - The loading, empty and error views.
 */
export class CrewInvoices extends StaffElement {
  static override styles = [...StaffElement.styles, invoicesStyles];

  static override properties = {
    ...StaffElement.properties,
    status: { reflect: true },
    customerId: { attribute: 'customer-id' },
    issuedFrom: { attribute: 'issued-from' },
    issuedTo: { attribute: 'issued-to' },
    list: { state: true },
    open: { state: true },
    notice: { state: true },
    saving: { state: true },
    visits: { state: true },
    history: { state: true },
  };

  /** Only invoices with this status (`draft`, `issued`, `part_paid`, `paid`, `void`); all when unset. */
  declare status: InvoiceStatus | undefined;
  /** Only this customer's invoices (`customer-id`), e.g. on a customer's page. */
  declare customerId: string | undefined;
  /** Only invoices issued on or after this date (`issued-from`, YYYY-MM-DD). */
  declare issuedFrom: string | undefined;
  /** Only invoices issued on or before this date (`issued-to`, YYYY-MM-DD). */
  declare issuedTo: string | undefined;
  declare private list: {
    phase: 'loading' | 'ready' | 'error';
    items: Invoice[];
    nextCursor: string | null;
    error?: ElementError;
  };
  declare private open: Invoice | undefined;
  declare private notice: { text: string; error: boolean } | undefined;
  declare private saving: boolean;
  /** Completed visits to invoice, loaded when the user asks to draft one. */
  declare private visits: { phase: 'closed' | 'loading' | 'ready'; items: AppointmentListItem[] };
  /** The open invoice's history, loaded when it is opened and after each change made here. */
  declare private history:
    | { invoiceId: string; phase: 'loading' | 'ready' | 'error'; entries: InvoiceHistoryEntry[] }
    | undefined;

  readonly localize = new LocalizeController(this, { en, de, fr, es });

  #client: Crewkit | undefined;
  #org = '';
  #announcedReady = false;

  constructor() {
    super();
    this.list = { phase: 'loading', items: [], nextCursor: null };
    this.saving = false;
    this.visits = { phase: 'closed', items: [] };
  }

  protected override connectFailed(failure: ElementError): void {
    this.#client = undefined;
    this.list = { phase: 'error', items: [], nextCursor: null, error: failure };
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

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('open' as keyof CrewInvoices) && this.open && this.history?.invoiceId !== this.open.id)
      void this.#loadHistory(this.open.id);
  }

  async #loadHistory(invoiceId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.history = { invoiceId, phase: 'loading', entries: this.history?.entries ?? [] };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/invoices/{invoiceId}/history', {
          params: { path: { orgId: this.#org, invoiceId } },
        }),
      );
      if (this.history?.invoiceId === invoiceId)
        this.history = { invoiceId, phase: 'ready', entries: page.data };
    } catch (error) {
      if (isAbort(error)) return;
      // The history is a side panel: the invoice stays usable without it, so no error event.
      if (this.history?.invoiceId === invoiceId) this.history = { invoiceId, phase: 'error', entries: [] };
    }
  }

  /** Loads the list again from the first page. */
  async refresh(): Promise<void> {
    await this.#load();
  }

  async #load(cursor?: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (!cursor) this.list = { phase: 'loading', items: [], nextCursor: null };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/invoices', {
          params: {
            path: { orgId: this.#org },
            query: {
              limit: pageSize,
              ...(cursor ? { cursor } : {}),
              ...(this.status ? { status: this.status } : {}),
              ...(this.customerId ? { customerId: this.customerId } : {}),
              ...(this.issuedFrom ? { issuedFrom: this.issuedFrom } : {}),
              ...(this.issuedTo ? { issuedTo: this.issuedTo } : {}),
            },
          },
        }),
      );
      const items = cursor ? [...this.list.items, ...page.data] : page.data;
      this.list = { phase: 'ready', items, nextCursor: page.nextCursor };
    } catch (error) {
      if (isAbort(error)) return;
      const failure = toElementError(error);
      this.list = { phase: 'error', items: [], nextCursor: null, error: failure };
      this.reportError(failure);
    }
  }

  #filter(name: 'status' | 'issuedFrom' | 'issuedTo', event: Event): void {
    const value = (event.target as HTMLSelectElement | HTMLInputElement).value || undefined;
    if (name === 'status') this.status = value as InvoiceStatus | undefined;
    else this[name] = value;
    this.open = undefined;
    void this.#load();
  }

  #money(amountMinor: number | null, currency: string): string {
    return amountMinor === null ? '—' : this.localize.money({ amountMinor, currency });
  }

  #number(invoice: Invoice): string {
    return invoice.number ?? this.localize.t.draftNumber;
  }

  async #downloadPdf(invoice: Invoice): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const pdf = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/invoices/{invoiceId}/pdf', {
          params: { path: { orgId: this.#org, invoiceId: invoice.id } },
          parseAs: 'blob',
        }),
      );
      const url = URL.createObjectURL(pdf as unknown as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${invoice.number ?? 'draft'}.pdf`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.#failed(error);
    }
  }

  async #recordPayment(event: SubmitEvent, invoice: Invoice): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    if (!client) return;
    const form = new FormData(event.target as HTMLFormElement);
    const digits =
      new Intl.NumberFormat('en', { style: 'currency', currency: invoice.currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    const amountMinor = parseAmount(String(form.get('amount') ?? ''), digits);
    if (amountMinor === undefined) {
      this.notice = { text: this.localize.t.invalidAmount, error: true };
      return;
    }
    const reference = String(form.get('reference') ?? '').trim();
    this.saving = true;
    try {
      const payment = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/invoices/{invoiceId}/payments', {
          params: { path: { orgId: this.#org, invoiceId: invoice.id } },
          body: {
            amountMinor,
            method: String(form.get('method') || 'card'),
            paidOn: String(form.get('paidOn')),
            ...(reference ? { reference } : {}),
          },
        }),
      );
      const updated = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/invoices/{invoiceId}', {
          params: { path: { orgId: this.#org, invoiceId: invoice.id } },
        }),
      );
      this.open = updated;
      this.list = { ...this.list, items: this.list.items.map((i) => (i.id === updated.id ? updated : i)) };
      this.notice = { text: this.localize.t.recorded, error: false };
      void this.#loadHistory(updated.id);
      this.dispatchEvent(new CrewPaymentRecordedEvent(payment, updated));
    } catch (error) {
      this.#failed(error);
    } finally {
      this.saving = false;
    }
  }

  #failed(error: unknown): void {
    const failure = toElementError(error);
    this.notice = { text: this.localize.error(failure.code), error: true };
    this.reportError(failure);
  }

  async #openVisits(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.visits = { phase: 'loading', items: [] };
    try {
      const page = await unwrap(
        client.GET('/api/v1/organizations/{orgId}/appointments', {
          params: { path: { orgId: this.#org }, query: { status: ['completed'], limit: 100 } },
        }),
      );
      this.visits = { phase: 'ready', items: page.data };
    } catch (error) {
      this.visits = { phase: 'closed', items: [] };
      this.#failed(error);
    }
  }

  /** Drafts an invoice from a completed visit and opens it. */
  async #draftFromVisit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.#client;
    const appointmentId = String(new FormData(event.target as HTMLFormElement).get('appointmentId') ?? '');
    if (!client || !appointmentId) return;
    this.saving = true;
    try {
      const draft = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/invoices', {
          params: { path: { orgId: this.#org } },
          body: { appointmentId },
        }),
      );
      this.visits = { phase: 'closed', items: [] };
      this.list = { ...this.list, phase: 'ready', items: [draft, ...this.list.items] };
      this.open = draft;
      this.notice = undefined;
    } catch (error) {
      this.#failed(error);
    } finally {
      this.saving = false;
    }
  }

  async #issue(invoice: Invoice): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.saving = true;
    try {
      const issued = await unwrap(
        client.POST('/api/v1/organizations/{orgId}/invoices/{invoiceId}/issue', {
          params: { path: { orgId: this.#org, invoiceId: invoice.id } },
        }),
      );
      this.open = issued;
      this.list = { ...this.list, items: this.list.items.map((i) => (i.id === issued.id ? issued : i)) };
      this.notice = { text: this.localize.t.issued(issued.number ?? ''), error: false };
      void this.#loadHistory(issued.id);
    } catch (error) {
      this.#failed(error);
    } finally {
      this.saving = false;
    }
  }

  #renderVisits() {
    const { t } = this.localize;
    if (this.visits.phase === 'closed')
      return html`<button type="button" class="new" @click=${() => void this.#openVisits()}>${t.invoiceVisit}</button>`;
    if (this.visits.phase === 'loading') return loadingView(this.localize);
    if (this.visits.items.length === 0) return emptyView(t.noVisits);
    return html`<form class="new-invoice" @submit=${(e: SubmitEvent) => void this.#draftFromVisit(e)}>
      <label
        >${t.visit}
        <select name="appointmentId" required>
          ${this.visits.items.map(
            (v) =>
              html`<option value=${v.id}>
                ${v.reference} · ${v.customer.name} ·
                ${this.localize.dateTime(v.start, { dateStyle: 'medium' })}
              </option>`,
          )}
        </select>
      </label>
      <button type="submit" ?disabled=${this.saving}>${t.draftInvoice}</button>
    </form>`;
  }

  override render() {
    const { t } = this.localize;
    return html`<div class="base" part="base" dir=${this.localize.dir} lang=${this.localize.lang}>
      <div class="section-head">
        <h3>${t.title}</h3>
        <label
          >${t.statusFilter}
          <select @change=${(e: Event) => this.#filter('status', e)}>
            <option value="" ?selected=${!this.status}>${t.allStatuses}</option>
            ${statuses.map((s) => html`<option value=${s} ?selected=${this.status === s}>${t.statuses[s]}</option>`)}
          </select>
        </label>
        <label
          >${t.issuedFrom}
          <input type="date" .value=${this.issuedFrom ?? ''} @change=${(e: Event) => this.#filter('issuedFrom', e)} />
        </label>
        <label
          >${t.issuedTo}
          <input type="date" .value=${this.issuedTo ?? ''} @change=${(e: Event) => this.#filter('issuedTo', e)} />
        </label>
      </div>
      ${this.#renderVisits()} ${this.#renderList()} ${this.open ? this.#renderDetail(this.open) : nothing}
    </div>`;
  }

  #renderHistory(invoice: Invoice) {
    const { t } = this.localize;
    const history = this.history?.invoiceId === invoice.id ? this.history : undefined;
    const money = (minor: number | null) => this.#money(minor, invoice.currency);
    const what = (entry: InvoiceHistoryEntry): string => {
      switch (entry.kind) {
        case 'issued':
          return t.history.issued(entry.number ?? '');
        case 'payment':
          return t.history.payment(money(entry.amountMinor));
        case 'refund':
          return t.history.refund(money(entry.amountMinor));
        case 'credit_note':
          return t.history.creditNote(entry.number ?? '', money(entry.amountMinor));
        case 'emailed':
        case 'reminded': {
          const sent = entry.status === 'sent';
          const line = (entry.kind === 'emailed' ? t.history.emailed : t.history.reminded)(
            entry.recipient ?? '',
          );
          if (sent) return line;
          const state = entry.status ? t.history.messageStatus[entry.status] : '';
          return `${line} · ${state}${entry.reason ? `: ${entry.reason}` : ''}`;
        }
        default:
          return t.history[entry.kind];
      }
    };
    return html`<h4>${t.history.title}</h4>
      ${
        !history || (history.phase === 'loading' && history.entries.length === 0)
          ? html`<p class="history-state">${t.history.loading}</p>`
          : history.phase === 'error'
            ? html`<p class="history-state">${t.history.unavailable}</p>`
            : html`<ol class="history">
              ${history.entries.map(
                (entry) => html`<li data-kind=${entry.kind}>
                  <time datetime=${entry.at}>${this.localize.dateTime(entry.at, { dateStyle: 'medium', timeStyle: 'short' })}</time>
                  ${what(entry)}${entry.actor ? html` <span class="actor">· ${entry.actor}</span>` : nothing}
                </li>`,
              )}
            </ol>`
      }`;
  }

  #renderList() {
    const { t } = this.localize;
    const { list } = this;
    if (list.phase === 'loading') return loadingView(this.localize);
    if (list.phase === 'error') return errorView(this.localize, list.error!, () => void this.refresh());
    if (list.items.length === 0) return emptyView(t.none);
    return html`<table part="table">
        <caption class="visually-hidden">${t.title}</caption>
        <thead>
          <tr>
            <th scope="col">${t.columns.number}</th>
            <th scope="col">${t.columns.status}</th>
            <th scope="col">${t.columns.issued}</th>
            <th scope="col" class="num">${t.columns.total}</th>
            <th scope="col" class="num">${t.columns.balance}</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            list.items,
            (invoice) => invoice.id,
            (invoice) => html`<tr class="invoice">
              <th scope="row">
                <button
                  type="button"
                  class="link"
                  aria-label=${t.open(this.#number(invoice))}
                  aria-expanded=${this.open?.id === invoice.id ? 'true' : 'false'}
                  @click=${() => (this.open = this.open?.id === invoice.id ? undefined : invoice)}
                >
                  ${this.#number(invoice)}
                </button>
                ${invoice.kind === 'credit_note' ? html`<span class="badge">${t.creditNote}</span>` : nothing}
                ${
                  invoice.source === 'ascora'
                    ? html`<span class="badge" title=${t.fromAscoraHint}>${t.fromAscora}</span>`
                    : nothing
                }
              </th>
              <td>
                ${t.statuses[invoice.status]}
                ${invoice.overdue ? html`<span class="badge overdue">${t.overdue}</span>` : nothing}
              </td>
              <td>${invoice.issuedOn ? this.localize.dateTime(`${invoice.issuedOn}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' }) : '—'}</td>
              <td class="num">${this.#money(invoice.totalIncTaxMinor ?? invoice.totalExTaxMinor, invoice.currency)}</td>
              <td class="num">${this.#money(invoice.balanceMinor, invoice.currency)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${
        list.nextCursor
          ? html`<button type="button" @click=${() => void this.#load(list.nextCursor!)}>${t.loadMore}</button>`
          : nothing
      }`;
  }

  #renderDetail(invoice: Invoice) {
    const { t } = this.localize;
    const money = (minor: number | null) => this.#money(minor, invoice.currency);
    const takesPayments =
      invoice.kind === 'invoice' &&
      (invoice.source === 'ascora' || invoice.status === 'issued' || invoice.status === 'part_paid');
    const today = new Date().toISOString().slice(0, 10);
    return html`<section class="detail" part="detail" aria-labelledby="detail-title">
      <div class="section-head">
        <h4 id="detail-title">${t.detailTitle(this.#number(invoice))}</h4>
        <span>
          ${
            invoice.status === 'draft' && invoice.source === 'local'
              ? html`<button type="button" class="issue" ?disabled=${this.saving} @click=${() => void this.#issue(invoice)}>
                ${t.issue}
              </button>`
              : nothing
          }
          <button type="button" @click=${() => void this.#downloadPdf(invoice)}>${t.downloadPdf}</button>
        </span>
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">${t.lines.description}</th>
            <th scope="col" class="num">${t.lines.quantity}</th>
            <th scope="col" class="num">${t.lines.tax}</th>
            <th scope="col" class="num">${t.lines.amount}</th>
          </tr>
        </thead>
        <tbody>
          ${invoice.lines.map(
            (line) => html`<tr class="line">
              <td>${line.description}</td>
              <td class="num">${this.localize.number(line.quantity)}</td>
              <td class="num">${line.taxRatePercent === null ? '' : `${line.taxRatePercent} %`}</td>
              <td class="num">${money(line.amountExTaxMinor)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <dl class="totals">
        <dt>${t.subtotal}</dt>
        <dd>${money(invoice.totalExTaxMinor)}</dd>
        ${invoice.taxes.map(
          (tax) => html`<dt>${t.taxOn(tax.name, tax.ratePercent)}</dt>
            <dd>${money(tax.taxMinor)}</dd>`,
        )}
        <dt>${t.total}</dt>
        <dd>${money(invoice.totalIncTaxMinor ?? invoice.totalExTaxMinor)}</dd>
        <dt>${t.paid}</dt>
        <dd>${money(invoice.paidMinor)}</dd>
        <dt>${t.balance}</dt>
        <dd class="balance">${money(invoice.balanceMinor)}</dd>
      </dl>
      <h4>${t.payments}</h4>
      ${
        invoice.payments.length === 0
          ? html`<p>${t.noPayments}</p>`
          : html`<ul class="payments">
            ${invoice.payments.map(
              (p) => html`<li>
                ${this.localize.dateTime(`${p.paidOn}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' })} ·
                ${p.kind === 'refund' ? `${t.refund} ` : ''}${money(p.amountMinor)} · ${p.method}
                ${p.reference ? html`· ${p.reference}` : nothing}
              </li>`,
            )}
          </ul>`
      }
      ${this.#renderHistory(invoice)}
      ${
        takesPayments
          ? html`<form @submit=${(e: SubmitEvent) => void this.#recordPayment(e, invoice)}>
            <label>${t.amount} <input name="amount" inputmode="decimal" required /></label>
            <label>${t.method} <input name="method" value="card" required maxlength="50" /></label>
            <label>${t.paidOn} <input name="paidOn" type="date" value=${today} required /></label>
            <label>${t.reference} <input name="reference" maxlength="100" /></label>
            <button type="submit" ?disabled=${this.saving}>${t.record}</button>
          </form>`
          : nothing
      }
      ${
        this.notice
          ? html`<p class="notice" role=${this.notice.error ? 'alert' : 'status'} ?data-error=${this.notice.error}>
            ${this.notice.text}
          </p>`
          : nothing
      }
    </section>`;
  }
}
