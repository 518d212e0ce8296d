import { css } from 'lit';

export const appointmentListStyles = css`
  section {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: calc(var(--_space) * 0.75);
  }
  .field {
    display: grid;
    gap: 0.25rem;
    font-size: 0.875em;
    color: var(--_muted);
    min-width: 9rem;
    flex: 1 1 9rem;
  }
  .field.search {
    flex: 2 1 14rem;
  }
  .field input,
  .field select {
    color: var(--_text);
    font-size: 1rem;
    /* A date input's intrinsic width is wider than its field; without this it overlaps the next. */
    box-sizing: border-box;
    width: 100%;
    min-width: 0;
  }
  .toolbar-actions {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.75);
    margin-inline-start: auto;
  }
  .scroller {
    max-height: var(--crew-appointment-list-max-height, var(--crew-job-list-max-height, 32rem));
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  th,
  td {
    text-align: start;
    padding: calc(var(--_space) * 0.5) calc(var(--_space) * 0.75);
    border-bottom: 1px solid var(--_border);
    vertical-align: middle;
  }
  thead th {
    position: sticky;
    top: 0;
    z-index: 1;
    background: var(--_surface-raised);
    font-weight: 600;
    white-space: nowrap;
  }
  button.sort {
    border: none;
    background: none;
    padding: 0;
    min-height: 0;
    font-weight: 600;
  }
  tbody tr {
    cursor: pointer;
    transition: background-color var(--_duration);
  }
  tbody tr:hover {
    background: var(--_surface-raised);
  }
  tbody tr:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: -2px;
    box-shadow: none;
  }
  tbody tr[aria-selected='true'] {
    background: color-mix(in srgb, var(--_primary) 12%, var(--_surface));
  }
  tbody tr[aria-busy='true'] {
    opacity: 0.7;
  }
  tbody tr:last-child td {
    border-bottom: none;
  }
  .when,
  .reference {
    white-space: nowrap;
  }
  .reference {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
  }
  .customer {
    display: grid;
  }
  .customer small,
  .muted {
    color: var(--_muted);
  }
  .actions {
    white-space: nowrap;
  }
  .actions select {
    width: auto;
    min-height: 2.25rem;
    padding: 0.25rem 0.5rem;
  }
  .actions select + select {
    margin-inline-start: 0.5rem;
  }
  .badge {
    --_badge: var(--_muted);
    display: inline-block;
    padding: 0.125rem 0.625rem;
    border-radius: 999px;
    font-size: 0.8125em;
    font-weight: 600;
    white-space: nowrap;
    color: var(--_text);
    background: color-mix(in srgb, var(--_badge) 18%, var(--_surface));
    border: 1px solid color-mix(in srgb, var(--_badge) 55%, var(--_surface));
  }
  .badge[data-status='scheduled'] {
    --_badge: var(--crew-appointment-list-badge-scheduled, var(--crew-job-list-badge-scheduled, var(--_primary)));
  }
  .badge[data-status='en_route'],
  .badge[data-status='in_progress'] {
    --_badge: var(--crew-appointment-list-badge-active, var(--crew-job-list-badge-active, #b45309));
  }
  .badge[data-status='paused'] {
    --_badge: var(--crew-appointment-list-badge-paused, var(--crew-job-list-badge-paused, #7c3aed));
  }
  .badge[data-status='completed'] {
    --_badge: var(--crew-appointment-list-badge-completed, var(--crew-job-list-badge-completed, var(--_success)));
  }
  .badge[data-status='cancelled'],
  .badge[data-status='no_show'] {
    --_badge: var(--crew-appointment-list-badge-cancelled, var(--crew-job-list-badge-cancelled, var(--_danger)));
  }
  .footer {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    color: var(--_muted);
    font-size: 0.875em;
  }
  .centered {
    text-align: center;
    margin: 0;
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.75rem;
    margin-top: var(--_space);
  }
`;
