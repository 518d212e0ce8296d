import { css } from 'lit';

export const ascoraSyncStyles = css`
  .base {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  section {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  h3,
  h4,
  p {
    margin: 0;
  }
  h3 {
    font-size: 1.125rem;
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  h4 {
    font-size: 1rem;
  }
  h3:focus,
  h4:focus {
    outline: none;
  }
  h3:focus-visible,
  h4:focus-visible {
    box-shadow: var(--_focus);
    border-radius: 2px;
  }
  .section-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
  }
  .count-badge {
    font-size: 0.8125rem;
    font-weight: 600;
    padding: 0.125rem 0.5rem;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_primary) 14%, var(--_surface));
    border: 1px solid color-mix(in srgb, var(--_primary) 45%, var(--_surface));
  }
  .muted {
    color: var(--_muted);
  }
  .mono {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
    font-size: 0.8125em;
  }
  .notice.error,
  .message.error {
    color: var(--_danger);
  }
  .scroller {
    overflow-x: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  th,
  td {
    text-align: start;
    padding: calc(var(--_space) * 0.5) calc(var(--_space) * 0.75);
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  thead th {
    background: var(--_surface-raised);
    font-weight: 600;
    white-space: nowrap;
  }
  tbody:last-child tr:last-child > td,
  tbody:last-child tr:last-child > th {
    border-bottom: none;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  td.bad {
    color: var(--_danger);
    font-weight: 600;
  }
  .when {
    white-space: nowrap;
  }
  table.runs {
    font-size: 0.875em;
  }
  table.runs th,
  table.runs td {
    padding-inline: 0.5rem;
  }
  table.runs .when {
    white-space: normal;
    min-width: 7rem;
  }
  .run-status {
    font-weight: 600;
  }
  .run-status[data-status='completed'] {
    color: var(--_success);
  }
  .run-status[data-status='failed'] {
    color: var(--_danger);
  }
  .run-status[data-status='running'] {
    color: var(--_primary);
  }
  td.details {
    text-align: end;
    white-space: nowrap;
  }
  button.toggle,
  button.retry,
  .refresh {
    min-height: 2.25rem;
    padding: 0.25rem 0.75rem;
  }
  .failures-row > td {
    background: var(--_surface-raised);
    padding: calc(var(--_space) * 0.75);
  }
  .failures {
    display: grid;
    gap: 0.5rem;
  }
  .failures table {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .record {
    display: grid;
  }
  .reason {
    max-width: 32rem;
  }
  .retry-cell {
    display: grid;
    gap: 0.25rem;
    justify-items: start;
    min-width: 9rem;
  }
  .outcome {
    font-size: 0.875em;
  }
  .outcome[data-outcome='synced'] {
    color: var(--_success);
    font-weight: 600;
  }
  .outcome[data-outcome='failed'],
  .outcome[data-outcome='error'] {
    color: var(--_danger);
  }
  tr.resolved .reason {
    color: var(--_muted);
    text-decoration: line-through;
  }
  .conflict {
    display: grid;
    gap: 0.5rem;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .conflict[aria-busy='true'] {
    opacity: 0.7;
  }
  .conflict tbody th {
    white-space: nowrap;
    font-weight: 600;
  }
  .conflict thead th:not(:first-child) {
    width: 45%;
  }
  td.choice label {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    cursor: pointer;
    border-radius: var(--_radius);
    padding: 0.25rem 0.375rem;
    border: 1px solid transparent;
  }
  td.choice input {
    width: auto;
    min-height: 0;
    margin: 0.2rem 0 0;
    accent-color: var(--_primary);
  }
  td.choice.chosen label {
    border-color: var(--_primary);
    background: color-mix(in srgb, var(--_primary) 10%, var(--_surface));
  }
  td.choice .value {
    overflow-wrap: anywhere;
  }
  tr.missing th {
    color: var(--_danger);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 1rem;
  }
  .more {
    text-align: center;
  }
`;
