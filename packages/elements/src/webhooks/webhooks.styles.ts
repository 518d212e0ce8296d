import { css } from 'lit';

export const webhooksStyles = css`
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
  ul.endpoints {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  li.endpoint {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
    display: grid;
    gap: 0.5rem;
  }
  .endpoint-url {
    font-family: ui-monospace, monospace;
    overflow-wrap: anywhere;
  }
  .muted {
    opacity: 0.8;
    font-size: 0.875rem;
  }
  .badge {
    display: inline-block;
    padding: 0 0.5rem;
    border-radius: 999px;
    font-size: 0.8125rem;
    border: 1px solid currentColor;
  }
  .badge.off,
  .bad {
    color: var(--_danger);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  form {
    display: grid;
    gap: 0.75rem;
  }
  label {
    display: grid;
    gap: 0.25rem;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    display: grid;
    gap: 0.25rem;
  }
  fieldset label {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  .secret {
    border: 2px solid var(--_primary);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
    display: grid;
    gap: 0.5rem;
  }
  .secret input {
    font-family: ui-monospace, monospace;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.875rem;
  }
  .table-wrap {
    overflow-x: auto;
  }
`;
