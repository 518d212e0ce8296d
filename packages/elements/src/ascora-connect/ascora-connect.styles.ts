import { css } from 'lit';

export const ascoraConnectStyles = css`
  section {
    display: grid;
    gap: var(--_space);
  }
  h2,
  h3 {
    margin: 0;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.0625rem;
  }
  p {
    margin: 0;
  }
  .header {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.75);
  }
  .badge {
    display: inline-block;
    padding: 0.125rem 0.625rem;
    border-radius: 999px;
    font-size: 0.8125em;
    font-weight: 600;
    border: 1px solid color-mix(in srgb, var(--_badge) 55%, var(--_surface));
    background: color-mix(in srgb, var(--_badge) 16%, var(--_surface));
  }
  .badge.on {
    --_badge: var(--_success);
  }
  .badge.off {
    --_badge: var(--_muted);
  }
  .card {
    display: grid;
    gap: calc(var(--_space) * 0.75);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .status {
    grid-template-columns: 1fr auto;
    align-items: center;
    background: var(--_surface-raised);
  }
  .muted {
    color: var(--_muted);
  }
  .field {
    display: grid;
    gap: 0.25rem;
    font-size: 0.875em;
    color: var(--_muted);
  }
  .field input,
  .field select,
  .field .fixed {
    color: var(--_text);
    font-size: 1rem;
  }
  .field .fixed {
    min-height: 2.75rem;
    display: flex;
    align-items: center;
  }
  .field small {
    font-size: 0.8125rem;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
    gap: calc(var(--_space) * 0.75);
  }
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  legend {
    padding: 0;
    margin-bottom: 0.5rem;
    font-weight: 600;
  }
  details summary {
    cursor: pointer;
    color: var(--_primary);
    width: fit-content;
  }
  details[open] summary {
    margin-bottom: 0.5rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.75rem;
  }
  button.danger {
    color: var(--_danger);
    border-color: color-mix(in srgb, var(--_danger) 60%, var(--_surface));
  }
  dialog button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_surface);
    font-weight: 600;
  }
  .message.error {
    color: var(--_danger);
  }
  .sync-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
  }
  .run-status {
    font-weight: 600;
    margin-inline-end: 0.5rem;
  }
  .run-status[data-status='failed'] {
    color: var(--_danger);
  }
  .run-status[data-status='completed'] {
    color: var(--_success);
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(6.5rem, 1fr));
    gap: 0.5rem;
    margin: 0;
  }
  .count {
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .count dt {
    font-size: 0.8125em;
    color: var(--_muted);
  }
  .count dd {
    margin: 0;
    font-size: 1.25rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .count[data-count='failed'] dd:not(:empty) {
    color: var(--_text);
  }
  .progress {
    display: grid;
    gap: 0.375rem;
  }
  .track {
    position: relative;
    height: 0.5rem;
    border-radius: 999px;
    overflow: hidden;
    background: var(--_surface-raised);
    border: 1px solid var(--_border);
  }
  .bar {
    height: 100%;
    background: var(--_primary);
    transition: inline-size var(--_duration);
  }
  .track.indeterminate .bar {
    position: absolute;
    inline-size: 35%;
    animation: crew-slide 1.4s ease-in-out infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .track.indeterminate .bar {
      animation: none;
      inline-size: 100%;
      opacity: 0.4;
    }
  }
  @keyframes crew-slide {
    from {
      inset-inline-start: -35%;
    }
    to {
      inset-inline-start: 100%;
    }
  }
  dialog .actions {
    margin-top: var(--_space);
  }
  @media (max-width: 30rem) {
    .status {
      grid-template-columns: 1fr;
    }
  }
`;
