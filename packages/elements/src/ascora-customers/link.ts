import type { Crewkit } from '@crewkit/sdk';
import { css, html, nothing } from 'lit';
import { type ElementError, unwrap } from '../shared/api.js';
import type { AscoraLink, AscoraRecordLink } from './events.js';
import type { LinkTerms } from './locales/en.js';

/*
 * What the customer-sync panel and the jobs panel share: how a link reads, and the one call that
 * pushes or pulls a record on demand.
 */

export function syncRecord(
  client: Crewkit,
  orgId: string,
  way: 'push' | 'pull',
  recordType: 'customer' | 'appointment',
  recordId: string,
): Promise<AscoraRecordLink> {
  const path =
    way === 'push'
      ? '/api/v1/organizations/{orgId}/ascora/records/push'
      : '/api/v1/organizations/{orgId}/ascora/records/pull';
  return unwrap(client.POST(path, { params: { path: { orgId } }, body: { recordType, recordId } }));
}

/** The error in the user's words, with the server's reason when it gave one (Ascora's refusal, say). */
export function describe(text: string, failure: ElementError): string {
  const detail = failure.problem?.detail;
  return detail ? `${text} (${detail})` : text;
}

/** The state as a badge (words, not colour alone), with the last error under it. */
export function linkBadge(t: LinkTerms, link: AscoraLink | null | undefined, when: (iso: string) => string) {
  const state = link?.state ?? 'none';
  return html`<span class="link-state" data-state=${state}>${t.linkState[state]}</span>
    ${link?.lastSyncedAt ? html`<small class="muted">${t.lastSynced(when(link.lastSyncedAt))}</small>` : nothing}
    ${link?.lastError ? html`<small class="link-error">${link.lastError}</small>` : nothing}`;
}

export const linkStyles = css`
  .base {
    display: grid;
    gap: var(--_space);
  }
  h3,
  p {
    margin: 0;
  }
  h3 {
    font-size: 1.125rem;
  }
  .section-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
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
  }
  td small {
    display: block;
  }
  .muted {
    color: var(--_muted);
  }
  .mono {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
  }
  .visit {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .link-state {
    display: inline-block;
    padding: 0 0.5em;
    border-radius: 999px;
    border: 1px solid var(--_border);
    white-space: nowrap;
  }
  .link-state[data-state='linked'] {
    color: var(--_success);
    border-color: currentColor;
  }
  .link-state[data-state='conflict'],
  .link-state[data-state='error'],
  .link-error {
    color: var(--_danger);
  }
  .link-state[data-state='conflict'],
  .link-state[data-state='error'] {
    border-color: currentColor;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .row-message {
    color: var(--_danger);
  }
  ul.visits {
    margin: 0;
    padding-inline-start: 1.1em;
  }
`;
