import { css } from 'lit';

/**
 * The theme: every `--crew-*` property a host page may set, resolved once into private `--_*`
 * properties so component styles read one name. Light and dark defaults differ; a value the host sets
 * wins in both. Light unless told otherwise: a dark widget on a light site looks broken, so
 * `theme="auto"` opts in to the visitor's `prefers-color-scheme` and `theme="dark"` forces dark.
 *
 * The host page reaches inside only through `--crew-*` properties and `::part`: inherited properties
 * (font, line height, colour, letter spacing, …) are reset at the boundary. `all: initial` on the host
 * covers ordinary host rules; a host rule that matches the element itself with `!important`
 * (`* { font-size: 30px !important }`) beats any `:host` rule, so the shadow root's top-level
 * elements set every inherited text property again. Sizes are in px or em, never rem: a host page
 * that sets its root's font size would otherwise resize the widget too.
 */
export const tokens = css`
  :host {
    all: initial;
    --_primary: var(--crew-color-primary, #1d4ed8);
    --_on-primary: var(--crew-color-on-primary, #ffffff);
    --_surface: var(--crew-color-surface, #ffffff);
    --_surface-raised: var(--crew-color-surface-raised, #f4f6fa);
    --_text: var(--crew-color-text, #1a1f2b);
    --_muted: var(--crew-color-muted, #545e70);
    --_border: var(--crew-color-border, #c9d0dc);
    --_danger: var(--crew-color-danger, #b42318);
    --_success: var(--crew-color-success, #067647);
    --_font: var(--crew-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--crew-font-size, medium);
    --_radius: var(--crew-radius, 8px);
    --_space: var(--crew-spacing, 16px);
    --_focus: var(--crew-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_primary) 45%, transparent));
    --_duration: 150ms;

    display: block;
    box-sizing: border-box;
    color-scheme: light;
    color: var(--_text);
    background: var(--_surface);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.45;
  }
  :host > * {
    font-family: var(--_font);
    font-size: var(--_font-size);
    font-style: normal;
    font-weight: 400;
    font-variant: normal;
    font-stretch: normal;
    line-height: 1.45;
    color: var(--_text);
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-indent: 0;
    text-align: start;
    text-shadow: none;
    white-space: normal;
    word-break: normal;
    overflow-wrap: normal;
    hyphens: manual;
    font-kerning: auto;
    visibility: visible;
    cursor: auto;
    list-style: none;
    quotes: auto;
    direction: inherit;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_primary: var(--crew-color-primary, #8ab4ff);
      --_on-primary: var(--crew-color-on-primary, #0b1220);
      --_surface: var(--crew-color-surface, #121722);
      --_surface-raised: var(--crew-color-surface-raised, #1c2331);
      --_text: var(--crew-color-text, #e8ecf4);
      --_muted: var(--crew-color-muted, #a7b0c0);
      --_border: var(--crew-color-border, #3a4456);
      --_danger: var(--crew-color-danger, #ff8a80);
      --_success: var(--crew-color-success, #6ee7a8);
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    --_primary: var(--crew-color-primary, #8ab4ff);
    --_on-primary: var(--crew-color-on-primary, #0b1220);
    --_surface: var(--crew-color-surface, #121722);
    --_surface-raised: var(--crew-color-surface-raised, #1c2331);
    --_text: var(--crew-color-text, #e8ecf4);
    --_muted: var(--crew-color-muted, #a7b0c0);
    --_border: var(--crew-color-border, #3a4456);
    --_danger: var(--crew-color-danger, #ff8a80);
    --_success: var(--crew-color-success, #6ee7a8);
    color-scheme: dark;
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_duration: 0ms;
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`;

/** Buttons, inputs and the focus ring, shared so every element looks and behaves alike. */
export const controls = css`
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    padding: calc(var(--_space) * 0.5) var(--_space);
    min-height: 44px; /* a touch target */
    transition: background-color var(--_duration), border-color var(--_duration);
  }
  button:hover:not(:disabled) {
    border-color: var(--_primary);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  button.primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    min-height: 0;
    color: var(--_primary);
    text-decoration: underline;
  }
  input,
  select,
  textarea {
    width: 100%;
    padding: calc(var(--_space) * 0.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    min-height: 44px;
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/** The loading, empty and error views (see `states.ts`). */
export const stateStyles = css`
  .state {
    display: grid;
    justify-items: center;
    gap: calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 2) var(--_space);
    text-align: center;
    color: var(--_muted);
  }
  .state.error {
    color: var(--_danger);
  }
  .state small {
    color: var(--_muted);
  }
  .spinner {
    width: 1.75em;
    height: 1.75em;
    border-radius: 50%;
    border: 3px solid var(--_border);
    border-top-color: var(--_primary);
    animation: crew-spin 0.8s linear infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
  @keyframes crew-spin {
    to {
      transform: rotate(360deg);
    }
  }
`;

export const baseStyles = [tokens, controls, stateStyles];

/** What the staff elements share: the status notice (a live region), tables and dialogs. */
export const staffStyles = css`
  /* The live region stays in the page while empty, so the first message is announced too. */
  .notice:not(.shown) {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
  }
  .notice {
    padding: calc(var(--_space) * 0.5) var(--_space);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text);
  }
  .notice.error {
    color: var(--_danger);
    border: 1px solid var(--_danger);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9375em;
  }
  dialog {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    padding: calc(var(--_space) * 1.5);
    max-width: min(28em, calc(100vw - 2em));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog h2 {
    margin: 0 0 0.5em;
    font-size: 1.125em;
  }
`;
