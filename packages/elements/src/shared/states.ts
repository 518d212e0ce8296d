import { html, nothing, type TemplateResult } from 'lit';
import type { ElementError } from './api.js';
import type { LocalizeController } from './localize.js';

/*
 * The three views every step of every element has besides its content. Live regions, so a screen
 * reader hears that something is loading, that there is nothing, or what went wrong.
 */

export function loadingView(localize: LocalizeController<unknown>, label?: string): TemplateResult {
  return html`<div class="state loading" part="state state-loading" role="status">
    <div class="spinner" aria-hidden="true"></div>
    <span>${label ?? localize.common.loading}</span>
  </div>`;
}

export function emptyView(message: string): TemplateResult {
  return html`<div class="state empty" part="state state-empty" role="status">
    <span>${message}</span>
  </div>`;
}

/** Shows the error by its code in the visitor's language; `retry` adds a button that runs it. */
export function errorView(
  localize: LocalizeController<unknown>,
  error: ElementError,
  retry?: () => void,
): TemplateResult {
  return html`<div class="state error" part="state state-error" role="alert">
    <span>${localize.error(error.code)}</span>
    ${error.requestId ? html`<small>${localize.common.errorReference(error.requestId)}</small>` : nothing}
    ${retry ? html`<button type="button" @click=${retry}>${localize.common.retry}</button>` : nothing}
  </div>`;
}
