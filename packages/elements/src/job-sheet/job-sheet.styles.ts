import { css } from 'lit';

export const jobSheetStyles = css`
  .base {
    display: grid;
    gap: var(--_space);
    max-width: 60rem;
  }
  @media (min-width: 900px) {
    /* The office's desktop: two columns, so the whole sheet fits without scrolling far. */
    .base {
      grid-template-columns: 1fr 1fr;
      align-items: start;
    }
    .head,
    .sync,
    .state,
    .notice,
    .complete {
      grid-column: 1 / -1;
    }
    .complete {
      justify-items: end;
    }
  }
  h3,
  h4,
  p {
    margin: 0;
  }
  .head,
  .actions,
  .sync {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    flex-wrap: wrap;
  }
  .head {
    justify-content: space-between;
  }
  section {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .sync {
    padding: calc(var(--_space) * 0.5) calc(var(--_space) * 0.75);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .sync.offline {
    border: 1px solid var(--_danger);
  }
  .muted,
  small {
    color: var(--_muted);
  }
  .warning {
    color: var(--_danger);
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    padding: 0 0.4rem;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  .badge.waiting {
    color: var(--_muted);
  }
  .figures {
    display: flex;
    gap: var(--_space);
    margin: 0;
  }
  .figures dt {
    font-size: 0.8125rem;
    color: var(--_muted);
  }
  .figures dd {
    margin: 0;
    font-size: 1.25rem;
    font-variant-numeric: tabular-nums;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  /* Rows a finger can hit: 44 px (WCAG 2.5.5). */
  .checklist label {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    min-height: 44px;
  }
  .checklist li {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.25rem;
    height: 1.25rem;
  }
  .notes li {
    padding-bottom: 0.25rem;
    border-bottom: 1px solid color-mix(in srgb, currentColor 12%, transparent);
  }
  form {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  label {
    display: grid;
    gap: 0.25rem;
  }
  fieldset.inline {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    border: 0;
    padding: 0;
    margin: 0;
  }
  fieldset.inline label {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  legend {
    padding: 0;
    margin-bottom: 0.25rem;
  }
  .photos {
    grid-template-columns: repeat(auto-fill, minmax(88px, 1fr));
  }
  .photos li {
    position: relative;
  }
  .photos img {
    width: 100%;
    aspect-ratio: 1;
    object-fit: cover;
    border-radius: calc(var(--_radius) / 2);
    display: block;
  }
  .photos .badge {
    position: absolute;
    inset-inline-start: 4px;
    bottom: 4px;
    background: var(--_surface);
  }
  .file {
    display: block;
    padding: 0.5rem;
    overflow-wrap: anywhere;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }
  .button-like {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 44px;
    padding: 0 1rem;
    border-radius: var(--_radius);
    background: var(--_primary);
    color: var(--_on-primary);
    cursor: pointer;
    justify-self: start;
  }
  .button-like:focus-within {
    box-shadow: var(--_focus);
  }
  .parts li {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  .part-name {
    flex: 1;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: baseline;
  }
  button.remove {
    min-width: 44px;
    min-height: 44px;
    padding: 0;
  }
  input.quantity {
    width: 6rem;
  }
  .part-form {
    grid-template-columns: 1fr auto;
    align-items: end;
  }
  .part-form .grow {
    grid-column: 1 / -1;
  }
  .labour-form {
    grid-template-columns: 1fr 1fr;
    align-items: end;
  }
  .labour-form .grow {
    grid-column: 1 / -1;
  }
  .correction summary {
    cursor: pointer;
    min-height: 44px;
    display: flex;
    align-items: center;
  }
  .pad {
    width: 100%;
    height: 160px;
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    background: #fff;
    /* The finger signs instead of scrolling the page. */
    touch-action: none;
  }
  img.signature {
    max-width: 100%;
    max-height: 120px;
    background: #fff;
    display: block;
  }
  .refusal {
    color: var(--_danger);
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.5) var(--_space);
  }
  .refusal ul {
    list-style: disc;
    padding-inline-start: 1.25rem;
    gap: 0;
  }
  .complete {
    border: 0;
    padding: 0;
  }
  .complete button {
    min-height: 48px;
  }
`;
