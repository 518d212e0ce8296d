import { css } from 'lit';

export const notificationSettingsStyles = css`
  .base,
  section,
  form {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .base {
    gap: calc(var(--_space) * 1.5);
  }
  h3,
  h4,
  h5,
  p {
    margin: 0;
  }
  h3 {
    font-size: 1.125rem;
  }
  h4,
  h5 {
    font-size: 1rem;
  }
  .muted {
    opacity: 0.8;
    font-size: 0.875rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  label {
    display: grid;
    gap: 0.25rem;
  }
  label.inline,
  td.channels label {
    display: inline-flex;
    gap: 0.375rem;
    align-items: center;
  }
  td.channels {
    display: flex;
    gap: 0.75rem;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    display: grid;
    gap: 0.5rem;
  }
  .table-wrap {
    overflow-x: auto;
  }
  th[scope='row'] {
    font-weight: normal;
    text-align: start;
  }
  .badge {
    display: inline-block;
    padding: 0 0.5rem;
    margin-inline-end: 0.5rem;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  .notice.error {
    color: var(--_danger);
  }
  .editor {
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 20rem), 1fr));
  }
  textarea {
    font-family: ui-monospace, monospace;
    resize: vertical;
  }
  .preview iframe {
    width: 100%;
    min-height: 24rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: #fff;
  }
  .preview pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: 0;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
`;
