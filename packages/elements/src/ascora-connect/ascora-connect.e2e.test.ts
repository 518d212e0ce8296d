import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { e2eServer } from '../../test-support/e2e.js';
import '../ascora-sync/define.js';
import type { CrewAscoraSync } from '../ascora-sync/ascora-sync.js';
import type { CrewAscoraConnect } from './ascora-connect.js';
import './define.js';

/**
 * Against a real reference server with the demo organization, which starts out not connected to
 * Ascora: the panels read the real routes, and a key that the "Ascora" behind the given address
 * refuses is reported by its code and not saved. Last, the organization is connected through the
 * form to the fake Ascora the harness started, and synced by the server's own job queue.
 */
describe('<crew-ascora-connect> and <crew-ascora-sync> against the reference server', () => {
  async function signIn() {
    const server = await e2eServer();
    const { data: tokens } = await createCrewkit({ baseUrl: server.url }).auth.login(server.login);
    expect(tokens, 'the demo owner can sign in').to.exist;
    return { server, getAccessToken: () => tokens!.accessToken };
  }

  it('shows the organization as not connected and reports a refused key without saving it', async function () {
    this.timeout(60_000);
    const { server, getAccessToken } = await signIn();
    const el = await fixture<CrewAscoraConnect>(
      html`<crew-ascora-connect api-base=${server.url} org=${server.orgId} .getAccessToken=${getAccessToken} locale="en"></crew-ascora-connect>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('input[name="apiKey"]'), 'no key form', {
      timeout: 10_000,
    });
    expect(el.shadowRoot!.textContent).to.contain('Not connected');

    const root = el.shadowRoot!;
    root.querySelector<HTMLInputElement>('input[name="apiKey"]')!.value = 'e2e-key-0123456789';
    // This server is no Ascora: its 404 for Ascora's probe is a refusal (or, at worst, "unreachable").
    root.querySelector<HTMLInputElement>('input[name="baseUrl"]')!.value = `${server.url}/not-ascora`;
    const reported = nextEvent(el, 'crew-error');
    root.querySelector<HTMLButtonElement>('form.connect button[type="submit"]')!.click();
    const { error } = await reported;
    expect(['ascora_rejected', 'ascora_unavailable']).to.include(error.code);
    await waitUntil(() => root.querySelector('#key-message'));
    expect(root.querySelector('#key-message')!.textContent).to.match(
      /Ascora (did not accept|could not be reached)/,
    );

    const client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });
    const { data: status } = await client.GET('/api/v1/organizations/{orgId}/ascora/status', {
      params: { path: { orgId: server.orgId } },
    });
    expect(status!.connected, 'a refused key is not saved').to.equal(false);
  });

  it('reads the real history and conflict queue', async function () {
    this.timeout(60_000);
    const { server, getAccessToken } = await signIn();
    const el = await fixture<CrewAscoraSync>(
      html`<crew-ascora-sync api-base=${server.url} org=${server.orgId} .getAccessToken=${getAccessToken} locale="en"></crew-ascora-sync>`,
    );
    await waitUntil(() => !el.shadowRoot!.querySelector('.state.loading'), 'never loaded', {
      timeout: 10_000,
    });
    expect(el.shadowRoot!.querySelector('.state.error'), 'both lists load').to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('No syncs yet.').and.contain('No conflicts waiting.');
    await expect(el).to.be.accessible();
  });

  // Runs last: it connects the demo organization, which the tests above expect unconnected.
  it('connects with a key Ascora accepts, then syncs now with live progress and shows the counts', async function () {
    this.timeout(120_000);
    const { server, getAccessToken } = await signIn();
    const el = await fixture<CrewAscoraConnect>(
      html`<crew-ascora-connect api-base=${server.url} org=${server.orgId} .getAccessToken=${getAccessToken} locale="en" poll-interval="250"></crew-ascora-connect>`,
    );
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('input[name="apiKey"]'), 'no key form', { timeout: 10_000 });
    root.querySelector<HTMLInputElement>('input[name="apiKey"]')!.value = server.ascora.apiKey;
    root.querySelector<HTMLInputElement>('input[name="baseUrl"]')!.value = server.ascora.url;
    const connected = nextEvent(el, 'crew-ascora-connected');
    const firstSync = nextEvent(el, 'crew-sync-completed');
    root.querySelector<HTMLButtonElement>('form.connect button[type="submit"]')!.click();
    const { status } = await connected;
    expect(status).to.include({ connected: true, baseUrl: server.ascora.url });
    await waitUntil(() => root.querySelector('[part="status"]'), 'no connected view', { timeout: 10_000 });
    expect(root.querySelector('[part="status"]')!.textContent).to.contain('Connected');
    expect(root.querySelector('input[name="apiKey"]'), 'the key form is gone').to.equal(null);

    // Connecting queued the first sync: the server's queue runs it and the element follows it.
    const first = (await firstSync).run;
    expect(first).to.include({ status: 'completed', trigger: 'connect' });
    expect(first.counts.created, 'the fake Ascora’s 12 customers and 8 jobs came over').to.be.at.least(20);

    const queued = nextEvent(el, 'crew-sync-queued');
    const synced = nextEvent(el, 'crew-sync-completed');
    root.querySelector<HTMLButtonElement>('button.sync-now')!.click();
    await queued;
    await waitUntil(() => root.querySelector('[part="progress"] [role="progressbar"]'), 'no progress shown');
    expect(root.querySelector<HTMLButtonElement>('button.sync-now')!.disabled).to.equal(true);
    const { run } = await synced;
    expect(run).to.include({ status: 'completed', trigger: 'manual' });
    await waitUntil(() => !root.querySelector('[part="progress"]'), 'the progress stays', {
      timeout: 10_000,
    });
    const shown = Object.fromEntries(
      [...root.querySelectorAll('[part="counts"] .count')].map((count) => [
        count.getAttribute('data-count'),
        Number(count.querySelector('dd')!.textContent!.replace(/\D/g, '')),
      ]),
    );
    // Nothing changed since the first sync: every record is seen again and skipped.
    expect(shown).to.deep.include({ created: run.counts.created, failed: 0 });
    expect(shown.skipped).to.equal(run.counts.skipped).and.to.be.at.least(20);
    await expect(el).to.be.accessible();

    const history = await fixture<CrewAscoraSync>(
      html`<crew-ascora-sync api-base=${server.url} org=${server.orgId} .getAccessToken=${getAccessToken} locale="en"></crew-ascora-sync>`,
    );
    await waitUntil(
      () => history.shadowRoot!.querySelectorAll('tr.run').length === 2,
      'the runs are not listed',
      {
        timeout: 10_000,
      },
    );
    expect(history.shadowRoot!.querySelector('tr.run')!.textContent).to.contain('Started by hand');
  });
});
