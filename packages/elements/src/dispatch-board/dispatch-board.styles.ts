import { css } from 'lit';

export const dispatchBoardStyles = css`
  section {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 0.75);
  }
  .period,
  .views {
    display: flex;
    align-items: center;
    gap: 0.25rem;
  }
  .period h2 {
    font-size: 1.125rem;
    margin: 0 0 0 0.5rem;
  }
  .views button[aria-pressed='true'] {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
  }
  .undo {
    margin-inline-start: auto;
  }
  .board {
    display: grid;
    grid-template-columns: minmax(10rem, 14rem) 1fr;
    gap: calc(var(--_space) * 0.75);
    align-items: start;
  }
  .queue {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.5);
    max-height: var(--crew-dispatch-board-max-height, 36rem);
    overflow: auto;
  }
  .queue h3,
  .day-lane h3 {
    font-size: 1rem;
    margin: 0 0 0.5rem;
  }
  .queue ul,
  .day-list ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.375rem;
  }
  .muted,
  .legend {
    color: var(--_muted);
    font-size: 0.875em;
    margin: 0;
  }
  .grid {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }
  .axis {
    display: grid;
    grid-template-columns: 9rem 1fr;
    font-size: 0.75rem;
    color: var(--_muted);
  }
  .axis-track {
    position: relative;
    height: 2.25rem;
  }
  .axis-day {
    position: absolute;
    top: 0;
    bottom: 0;
    border-inline-start: 1px solid var(--_border);
  }
  .day-name {
    display: block;
    padding-inline-start: 0.25rem;
    font-weight: 600;
    color: var(--_text);
  }
  .hour {
    position: absolute;
    bottom: 0;
    transform: translateX(-50%);
  }
  .lanes {
    max-height: var(--crew-dispatch-board-max-height, 36rem);
    overflow-y: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .lane {
    display: grid;
    grid-template-columns: 9rem 1fr;
    box-sizing: border-box;
    border-bottom: 1px solid var(--_border);
    transition: background-color var(--_duration);
    /* A lane's contents never affect another's layout: scrolling lays out only the new slice. */
    contain: layout paint style;
  }
  .lane-name {
    padding: 0 0.5rem;
    display: flex;
    align-items: center;
    font-size: 0.875rem;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .track {
    position: relative;
    overflow: hidden;
    background-image: repeating-linear-gradient(
      to right,
      var(--_border) 0 1px,
      transparent 1px calc(100% / var(--days, 1))
    );
  }
  .carrying .lane.fits {
    background: color-mix(in srgb, var(--_success) 14%, transparent);
  }
  .carrying .lane.target {
    outline: 2px solid var(--_primary);
    outline-offset: -2px;
  }
  .hours {
    position: absolute;
    top: 0;
    bottom: 0;
    background: color-mix(in srgb, var(--_primary) 7%, transparent);
  }
  .time-off {
    position: absolute;
    top: 0;
    bottom: 0;
    background: repeating-linear-gradient(
      45deg,
      color-mix(in srgb, var(--_muted) 25%, transparent) 0 4px,
      transparent 4px 8px
    );
  }
  .visit {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    justify-content: center;
    gap: 0;
    min-height: 0;
    padding: 0.125rem 0.375rem;
    font-size: 0.75rem;
    line-height: 1.2;
    text-align: start;
    overflow: hidden;
    white-space: nowrap;
    background: color-mix(in srgb, var(--_primary) 16%, var(--_surface));
    border: 1px solid var(--_primary);
    touch-action: none;
    cursor: grab;
    width: 100%;
  }
  .visit.placed {
    position: absolute;
    top: 0.375rem;
    bottom: 0.375rem;
    min-width: 1.5rem;
  }
  .visit[data-status='requested'] {
    border-style: dashed;
  }
  .visit[aria-disabled='true'] {
    cursor: default;
    background: color-mix(in srgb, var(--_muted) 14%, var(--_surface));
    border-color: var(--_muted);
  }
  .visit.carried {
    opacity: 0.5;
  }
  .visit:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  .reference {
    font-weight: 600;
  }
  .ghost {
    position: absolute;
    top: 0.375rem;
    bottom: 0.375rem;
    border: 2px dashed var(--_primary);
    border-radius: var(--_radius);
    font-size: 0.75rem;
    padding: 0 0.25rem;
    pointer-events: none;
  }
  .refusal {
    position: absolute;
    top: 0;
    z-index: 2;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.375rem;
    max-width: 30%;
    min-width: 16rem;
    padding: 0.25rem 0.5rem;
    font-size: 0.75rem;
    background: var(--_surface);
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    color: var(--_text);
  }
  .refusal button {
    min-height: 0;
    padding: 0.125rem 0.375rem;
    font-size: 0.75rem;
  }
  .day-list {
    display: grid;
    gap: var(--_space);
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
