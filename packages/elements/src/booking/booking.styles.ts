import { css } from 'lit';

export const bookingStyles = css`
  /* On the host, not the inner box: a page's own max-width then sizes the frame and its border alike. */
  :host {
    max-width: 1024px;
  }
  /* Layouts follow the widget's own width, not the window's: a host may put it in a sidebar. */
  .container {
    container: booking / inline-size;
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
    padding: 0 calc(var(--_space) * 0.6);
  }
  .step {
    animation: crew-enter calc(var(--_duration) * 1.5) ease-out;
  }
  /* Movement only: a fading step would be unreadable (and fail contrast) while it fades in. */
  @keyframes crew-enter {
    from {
      transform: translateY(6px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .step {
      animation: none;
    }
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
    gap: 0.15em;
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
    width: 44px;
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
    padding-bottom: 0.25em;
  }
  .calendar td {
    padding: 0;
    text-align: center;
  }
  /* The button is the whole cell (at least 44 px square, the touch target); the disc inside is what shows. */
  .day {
    display: grid;
    place-items: center;
    width: 100%;
    min-height: 44px;
    padding: 0;
    border: none;
    background: none;
    font-variant-numeric: tabular-nums;
  }
  .day .num {
    display: grid;
    place-items: center;
    width: min(2.5em, 100%);
    aspect-ratio: 1;
    border-radius: 50%;
    border: 1px solid transparent;
    /* No colour transition: contrast is checked (and read) the moment a day is chosen. */
    transition: border-color var(--_duration);
  }
  .day[aria-disabled='true'] {
    color: var(--_muted);
    cursor: default;
  }
  .day:not([aria-disabled='true']) .num {
    background: color-mix(in srgb, var(--_primary) 12%, transparent);
    color: var(--_primary);
    font-weight: 700;
  }
  .day:not([aria-disabled='true']):hover .num {
    border-color: var(--_primary);
  }
  .day[data-today] .num {
    text-decoration: underline;
    text-underline-offset: 3px;
  }
  td[aria-selected='true'] .day .num {
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .day:focus-visible {
    box-shadow: none;
  }
  .day:focus-visible .num {
    box-shadow: var(--_focus);
  }
  .calendar[aria-busy='true'] {
    opacity: 0.5;
  }
  .zone {
    display: grid;
    gap: 0.25em;
    font-size: 0.9em;
  }
  .zone select {
    font-size: 0.95em;
  }
  .times {
    display: grid;
    align-content: start;
    gap: calc(var(--_space) * 0.75);
  }
  .times h3:focus {
    outline: none;
  }
  .slot-group {
    display: grid;
    gap: calc(var(--_space) * 0.4);
  }
  h4 {
    margin: 0;
    font-size: 0.8em;
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--_muted);
  }
  /* Columns as wide as the longest label in any language ("12:30 p. m."), so no label wraps. */
  .slots {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(7em, 1fr));
    gap: calc(var(--_space) * 0.5);
  }
  .slot {
    width: 100%;
    padding-inline: 0.5em;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    color: var(--_primary);
    border-color: color-mix(in srgb, var(--_primary) 55%, var(--_border));
  }
  .slot:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_primary) 10%, var(--_surface));
  }
  .when,
  .layout,
  .main {
    display: grid;
    gap: calc(var(--_space) * 1.25);
    min-width: 0;
  }
  .calendar-pane {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    align-content: start;
    min-width: 0;
  }
  .aside {
    display: grid;
    gap: 0.25em;
    align-content: start;
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .aside-business {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .aside-service {
    font-size: 1.15em;
    font-weight: 700;
  }
  .aside-facts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 1em;
    color: var(--_muted);
  }
  .aside-facts li {
    display: flex;
    gap: 0.4em;
  }
  .glyph {
    flex: none;
    width: 1.1em;
    text-align: center;
  }
  /* A tablet: the calendar and the day's times side by side, the summary above them. */
  @container booking (min-width: 600px) {
    .when {
      grid-template-columns: minmax(0, 1fr) minmax(15em, 17em);
    }
    .times {
      padding-inline-start: calc(var(--_space) * 1.25);
      border-inline-start: 1px solid var(--_border);
    }
  }
  /* A desktop: the summary becomes a side panel, as on a booking page. */
  @container booking (min-width: 900px) {
    .layout {
      grid-template-columns: 14em minmax(0, 1fr);
    }
    .aside-facts {
      display: grid;
      gap: 0.5em;
      margin-top: 0.5em;
    }
  }
  /* A phone: seven days of 44 px need 308 px; the calendar takes the frame's padding to get them. */
  @container booking (max-width: 360px) {
    .calendar {
      width: calc(100% + 16px);
      margin-inline: -8px;
    }
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
    gap: 0.25em;
  }
  label {
    font-weight: 500;
  }
  .site {
    display: grid;
    gap: calc(var(--_space) * 0.75);
    margin: 0;
    padding: 0;
    border: 0;
  }
  .site legend {
    padding: 0;
    margin-bottom: calc(var(--_space) * 0.5);
    font-weight: 600;
  }
  .row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9em, 1fr));
    gap: calc(var(--_space) * 0.75);
  }
  .choice {
    display: flex;
    gap: 0.5em;
    align-items: center;
    min-height: 2.75em;
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
    grid-template-columns: minmax(5.5em, auto) 1fr;
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
    gap: 0.25em;
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
  .done-business {
    font-weight: 600;
  }
  .calendar-links {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  a.button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 44px;
    min-height: 44px;
    padding: calc(var(--_space) * 0.5) var(--_space);
    border-radius: var(--_radius);
    border: 1px solid var(--_primary);
    color: var(--_primary);
    font-weight: 600;
    text-decoration: none;
  }
  .next {
    list-style: disc;
    padding-inline-start: 1.25em;
    display: grid;
    gap: 0.25em;
  }
  .next li {
    list-style: disc;
  }
  @container booking (max-width: 360px) {
    .step {
      gap: calc(var(--_space) * 0.75);
    }
  }
  @media (max-width: 400px) {
    .container {
      padding: calc(var(--_space) * 0.75);
    }
  }
`;
