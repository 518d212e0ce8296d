import { css } from 'lit';

export const bookingStyles = css`
  /* On the host, not the inner box: a page's own max-width then sizes the frame and its border alike. */
  :host {
    max-width: 44rem;
  }
  .container {
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    min-width: 0;
  }
  header {
    display: grid;
    gap: calc(var(--_space) * 0.25);
  }
  h1,
  h2,
  h3,
  p {
    margin: 0;
  }
  .title {
    font-size: 1.25em;
  }
  h2 {
    font-size: 1.1em;
  }
  h3 {
    font-size: 1em;
  }
  h2:focus {
    outline: none;
  }
  .progress-label,
  .subtitle,
  .muted,
  .option-description,
  .option-meta {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .progress {
    display: flex;
    gap: 4px;
  }
  .progress span {
    flex: 1;
    height: 4px;
    border-radius: 2px;
    background: var(--_border);
    transition: background-color var(--_duration);
  }
  .progress span.reached {
    background: var(--_primary);
  }
  .step {
    display: grid;
    gap: var(--_space);
  }
  .step-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
  }
  .back {
    min-height: 2.25rem;
    padding: 0 calc(var(--_space) * 0.6);
  }
  .group {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .options {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .option {
    display: grid;
    gap: 0.15rem;
    width: 100%;
    text-align: start;
    background: var(--_surface-raised);
  }
  .option[aria-pressed='true'] {
    border-color: var(--_primary);
    box-shadow: inset 0 0 0 1px var(--_primary);
  }
  .option-name {
    font-weight: 600;
  }
  .month-nav {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--_space) * 0.5);
  }
  .icon {
    width: 2.75rem;
    padding: 0;
    font-size: 1.4em;
    line-height: 1;
  }
  .calendar {
    width: 100%;
    border-collapse: collapse;
    table-layout: fixed;
  }
  .calendar th {
    font-weight: 500;
    font-size: 0.85em;
    color: var(--_muted);
    padding-bottom: 0.25rem;
  }
  .calendar td {
    padding: 2px;
    text-align: center;
  }
  .day {
    width: 100%;
    min-height: 2.5rem;
    padding: 0;
    border-color: transparent;
    background: var(--_surface-raised);
    font-variant-numeric: tabular-nums;
  }
  .day[aria-disabled='true'] {
    background: none;
    color: var(--_muted);
    cursor: default;
    text-decoration: line-through;
    text-decoration-color: color-mix(in srgb, var(--_muted) 50%, transparent);
  }
  .day:not([aria-disabled='true']) {
    border-color: var(--_border);
    font-weight: 600;
  }
  .day[data-today] {
    text-decoration: underline;
  }
  td[aria-selected='true'] .day {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
  }
  .calendar[aria-busy='true'] {
    opacity: 0.5;
  }
  .zone {
    display: grid;
    gap: 0.25rem;
    font-size: 0.9em;
  }
  .slots {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(6rem, 1fr));
    gap: calc(var(--_space) * 0.5);
  }
  .slot {
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  .slot.wide {
    text-align: start;
  }
  .lost .slots {
    grid-template-columns: 1fr;
    margin: calc(var(--_space) * 0.5) 0;
  }
  .lost {
    padding: var(--_space);
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
  }
  .lost strong {
    color: var(--_danger);
  }
  .held {
    font-size: 0.9em;
    color: var(--_muted);
  }
  form {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  label {
    font-weight: 500;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .summary {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    margin: 0;
    padding: var(--_space);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .summary div {
    display: grid;
    grid-template-columns: minmax(5.5rem, auto) 1fr;
    gap: calc(var(--_space) * 0.5);
  }
  .summary dt {
    color: var(--_muted);
  }
  .summary dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
  }
  .actions .primary {
    flex: 1 1 auto;
  }
  .center {
    display: flex;
    justify-content: center;
  }
  .done {
    display: grid;
    gap: 0.25rem;
    justify-items: center;
    padding: var(--_space);
    border-radius: var(--_radius);
    border: 1px solid var(--_success);
    text-align: center;
  }
  .reference-label {
    color: var(--_success);
    font-weight: 600;
  }
  .reference {
    font-size: 1.75em;
    font-weight: 700;
    letter-spacing: 0.08em;
    font-variant-numeric: tabular-nums;
  }
  a.button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 2.75rem;
    padding: calc(var(--_space) * 0.5) var(--_space);
    border-radius: var(--_radius);
    border: 1px solid var(--_primary);
    color: var(--_primary);
    font-weight: 600;
    text-decoration: none;
  }
  .next {
    list-style: disc;
    padding-inline-start: 1.25rem;
    display: grid;
    gap: 0.25rem;
  }
  @media (max-width: 360px) {
    .container {
      padding: calc(var(--_space) * 0.75);
    }
  }
`;
