import { css } from 'lit';

export const invoicesStyles = css`
  .base {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  .section-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    flex-wrap: wrap;
  }
  h3,
  h4,
  p {
    margin: 0;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid color-mix(in srgb, currentColor 15%, transparent);
  }
  td.num,
  th.num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    padding: 0 0.4rem;
    border-radius: 999px;
    border: 1px solid currentColor;
    margin-inline-start: 0.4rem;
  }
  .history {
    margin: 0;
    padding-inline-start: 1.2rem;
    display: grid;
    gap: 0.2rem;
  }
  .history time,
  .history .actor,
  .history-state {
    color: color-mix(in srgb, currentColor 70%, transparent);
  }
  .overdue {
    color: var(--crew-color-danger, #b42318);
  }
  .detail {
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    border-radius: var(--crew-radius, 0.5rem);
  }
  dl {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25rem 1rem;
    margin: 0;
    justify-self: end;
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  label {
    display: grid;
    gap: 0.2rem;
  }
  .notice[data-error] {
    color: var(--crew-color-danger, #b42318);
  }
`;
