import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nextEvent } from '../../test-support/dom.js';
import { type ManualClock, manualClock } from '../../test-support/manual-clock.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import { systemClock } from '../shared/clock.js';
import type { CrewAscoraConnect } from './ascora-connect.js';
import './define.js';
import { ascoraMock, connectedStatus, notConnected, syncRun } from '../../test-support/ascora-mock-api.js';

async function mount(locale = 'en-AU', clock?: ManualClock) {
  const el = await fixture<CrewAscoraConnect>(
    html`<crew-ascora-connect api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale} poll-interval="250" .clock=${clock ?? systemClock}></crew-ascora-connect>`,
  );
  await waitUntil(() => !el.shadowRoot!.querySelector('.state.loading'), 'the status never loaded');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewAscoraConnect, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const text = (el: CrewAscoraConnect) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const button = (el: CrewAscoraConnect, label: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === label)!;

function typeKey(el: CrewAscoraConnect, key: string) {
  const input = $<HTMLInputElement>(el, 'input[name="apiKey"]');
  input.value = key;
  input.dispatchEvent(new Event('input'));
}

describe('<crew-ascora-connect>', () => {
  it('asks for a key in a password field when the organization is not connected', async () => {
    const mock = ascoraMock({ status: notConnected });
    await mockApi(...mock.handlers);
    const el = await mount();
    const input = $<HTMLInputElement>(el, 'input[name="apiKey"]');
    expect(input.type).to.equal('password');
    expect(input.autocomplete).to.equal('off');
    expect(text(el)).to.contain('Not connected').and.contain('never shown again');
    expect(el.shadowRoot!.querySelector('form.settings'), 'no settings before connecting').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('checks the key before sending it, and shows Ascora’s refusal by its code', async () => {
    const mock = ascoraMock({ status: notConnected });
    await mockApi(...mock.handlers);
    const el = await mount();
    $<HTMLButtonElement>(el, 'form.connect button[type="submit"]').click();
    await waitUntil(() => el.shadowRoot!.querySelector('#key-message'));
    expect($(el, '#key-message').textContent).to.equal('Enter the API key.');
    expect(mock.state.requests.filter((r) => r.method === 'PUT')).to.have.length(0);

    const reported = nextEvent(el, 'crew-error');
    typeKey(el, 'bad-key-12345');
    $<HTMLButtonElement>(el, 'form.connect button[type="submit"]').click();
    expect((await reported).error.code).to.equal('ascora_rejected');
    await waitUntil(() => $(el, '#key-message')?.textContent?.includes('Ascora did not accept this key'));
    const input = $<HTMLInputElement>(el, 'input[name="apiKey"]');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.contain('key-message');
    expect(el.shadowRoot!.activeElement === input, 'the key field has focus').to.equal(true);
    expect(mock.state.requests.find((r) => r.method === 'PUT')!.body).to.deep.equal({
      apiKey: 'bad-key-12345',
      baseUrl: 'https://api.ascora.com.au',
    });
    await expect(el).to.be.accessible();
  });

  it('connects with a key Ascora accepts, forgets the key, and follows the first sync to its end', async () => {
    const mock = ascoraMock({ status: notConnected, pagesPerStage: 1 });
    await mockApi(...mock.handlers);
    const el = await mount();
    const connected = nextEvent(el, 'crew-ascora-connected');
    const completed = nextEvent(el, 'crew-sync-completed');
    typeKey(el, 'good-key-0123456789');
    $<HTMLButtonElement>(el, 'form.connect button[type="submit"]').click();
    expect((await connected).status.connected).to.equal(true);
    await waitUntil(() => el.shadowRoot!.querySelector('[role="progressbar"]'), 'no progress shown');
    expect(text(el)).to.contain('Connected to https://api.ascora.com.au');
    expect(el.shadowRoot!.querySelector('input[name="apiKey"]'), 'the key field is gone').to.equal(null);
    expect(el.shadowRoot!.innerHTML).not.to.contain('good-key-0123456789');
    const run = (await completed).run;
    expect(run.trigger).to.equal('connect');
    expect(run.status).to.equal('completed');
    await waitUntil(() => !el.shadowRoot!.querySelector('[role="progressbar"]'));
    expect($(el, '.counts [data-count="created"] dd').textContent).to.equal('4');
    expect(text(el)).to.contain('Sync finished.');
  });

  it('syncs now, showing the progress of each page until the sync ends', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)], pagesPerStage: 4 });
    await mockApi(...mock.handlers);
    const clock = manualClock();
    const el = await mount('en-AU', clock);
    expect(text(el)).to.contain('Completed').and.contain('Scheduled');
    await expect(el).to.be.accessible();
    const completed = nextEvent(el, 'crew-sync-completed');
    const queued = nextEvent(el, 'crew-sync-queued');
    button(el, 'Sync now').click();
    await queued;
    const values = new Set<string>();
    await waitUntil(
      () => {
        clock.advance(250); // the next progress check, once the last one has answered
        const bar = el.shadowRoot!.querySelector('[role="progressbar"]');
        const now = bar?.getAttribute('aria-valuenow');
        if (now) values.add(`${bar!.getAttribute('aria-valuetext')}`);
        return values.size >= 3;
      },
      'the progress did not move',
      { timeout: 10_000, interval: 10 },
    );
    expect([...values].join('|')).to.contain('Customers from Ascora: 1 of 4 pages');
    expect($(el, '[role="progressbar"]').getAttribute('aria-valuemax')).to.equal('4');
    expect($(el, '[aria-live="polite"]').textContent).to.match(/(Customers|Jobs) (from|to) Ascora/);
    expect(button(el, 'Syncing…').disabled, 'no second sync while one runs').to.equal(true);
    await expect(el).to.be.accessible();
    const ended = completed.then(() => true);
    await waitUntil(
      () => {
        clock.advance(250);
        return Promise.race([ended, Promise.resolve(false)]);
      },
      'the sync never ended',
      { timeout: 10_000, interval: 10 },
    );
    expect((await completed).run.status).to.equal('completed');
    expect(clock.pending, 'polling stopped when the sync ended').to.equal(0);
  });

  it('stops polling when it leaves the page', async () => {
    const running = syncRun(1, {
      status: 'running',
      stage: 'jobs:pull',
      page: 2,
      totalPages: 90,
      finishedAt: null,
    });
    const mock = ascoraMock({ runs: [running], pagesPerStage: 90 });
    await mockApi(...mock.handlers);
    const clock = manualClock();
    const el = await mount('en-AU', clock);
    await waitUntil(() => el.shadowRoot!.querySelector('[role="progressbar"]'), 'a running sync is followed');
    await waitUntil(
      () => {
        clock.advance(250);
        return mock.state.requests.filter((r) => r.path === '/ascora/sync/status').length >= 3;
      },
      'the progress was not checked again',
      { timeout: 10_000, interval: 10 },
    );
    await waitUntil(() => clock.pending === 1, 'the next check was never scheduled');
    el.remove();
    expect(clock.pending, 'no check is left to run').to.equal(0);
  });

  it('says why a sync cannot start', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)] });
    await mockApi(
      http.post(api('/ascora/sync'), () => problem(403, 'forbidden')),
      ...mock.handlers,
    );
    const el = await mount('de');
    const reported = nextEvent(el, 'crew-error');
    button(el, 'Jetzt abgleichen').click();
    expect((await reported).error.code).to.equal('forbidden');
    await waitUntil(() => el.shadowRoot!.querySelector('.notice[role="alert"]'));
    expect($(el, '.notice').textContent).to.contain('Dazu sind Sie nicht berechtigt');
  });

  it('saves directions, interval and conflict strategy, and refuses an interval out of range', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    const form = $<HTMLFormElement>(el, 'form.settings');
    const set = (name: string, value: string) => {
      const control = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
      control.value = value;
      control.dispatchEvent(new Event('change'));
    };
    set('syncIntervalMinutes', '2');
    button(el, 'Save settings').click();
    await waitUntil(() => el.shadowRoot!.querySelector('#settings-message'));
    expect($(el, '#settings-message').textContent).to.equal('Between 5 and 1440 minutes.');
    expect($(el, 'input[name="syncIntervalMinutes"]').getAttribute('aria-invalid')).to.equal('true');
    expect(mock.state.requests.some((r) => r.method === 'PATCH')).to.equal(false);

    set('syncIntervalMinutes', '60');
    set('customers', 'pull');
    set('payments', 'push');
    set('conflictStrategy', 'newest_wins');
    const changed = nextEvent(el, 'crew-ascora-settings-changed');
    button(el, 'Save settings').click();
    expect((await changed).settings.conflictStrategy).to.equal('newest_wins');
    expect(mock.state.requests.find((r) => r.method === 'PATCH')!.body).to.deep.equal({
      directions: { customers: 'pull', jobs: 'both', payments: 'push' },
      syncIntervalMinutes: 60,
      conflictStrategy: 'newest_wins',
      customFieldMappings: [],
    });
    await waitUntil(() => text(el).includes('Settings saved.'));
    expect(el.shadowRoot!.querySelector('#settings-message')).to.equal(null);
  });

  it('maps Crewkit fields to the Ascora custom fields named, and shows the mappings saved', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)] });
    await mockApi(...mock.handlers);
    const el = await mount('de');
    const form = $<HTMLFormElement>(el, 'form.settings');
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    expect(text(el)).to.contain('Ascora-Zusatzfelder').and.contain('Ausgeführte Arbeiten');
    field('custom:customer.phone').value = 'Site mobile';
    field('custom:job.workUndertaken').value = '  Technician report ';
    const changed = nextEvent(el, 'crew-ascora-settings-changed');
    button(el, 'Einstellungen speichern').click();
    const expected = [
      { entity: 'customer', crewkitField: 'phone', ascoraField: 'Site mobile' },
      { entity: 'job', crewkitField: 'workUndertaken', ascoraField: 'Technician report' },
    ];
    expect((await changed).settings.customFieldMappings).to.deep.equal(expected);
    expect(mock.state.status.settings!.customFieldMappings).to.deep.equal(expected);
    const again = await mount('de');
    const saved = $<HTMLFormElement>(again, 'form.settings');
    expect((saved.elements.namedItem('custom:customer.phone') as HTMLInputElement).value).to.equal(
      'Site mobile',
    );
    expect((saved.elements.namedItem('custom:job.description') as HTMLInputElement).value).to.equal('');
    await expect(again).to.be.accessible();
  });

  it('disconnects only after confirmation; Escape cancels and gives focus back', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    const disconnect = $<HTMLButtonElement>(el, 'button.disconnect');
    disconnect.focus();
    disconnect.click();
    const dialog = $<HTMLDialogElement>(el, 'dialog');
    await waitUntil(() => dialog.open);
    expect(el.shadowRoot!.activeElement?.textContent?.trim(), 'the safe choice has focus').to.equal('Cancel');
    expect(dialog.textContent).to.contain('Synced data, mappings and the sync history stay.');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'Escape did not close the dialog');
    await waitUntil(() => el.shadowRoot!.activeElement === disconnect, 'focus did not return');
    expect(mock.state.requests.some((r) => r.method === 'DELETE')).to.equal(false);

    disconnect.click();
    await waitUntil(() => dialog.open);
    const gone = nextEvent(el, 'crew-ascora-disconnected');
    $<HTMLButtonElement>(el, 'dialog button.confirm').click();
    await gone;
    await waitUntil(() => el.shadowRoot!.querySelector('input[name="apiKey"]'));
    expect(dialog.open).to.equal(false);
    expect(text(el)).to.contain('Disconnected from Ascora.').and.contain('Not connected');
    expect(el.shadowRoot!.activeElement === $(el, 'input[name="apiKey"]'), 'focus moves to the key').to.equal(
      true,
    );
    expect(mock.state.requests.filter((r) => r.method === 'DELETE')).to.have.length(1);
  });

  it('shows a loading state that a screen reader announces', async () => {
    await mockApi(
      http.get(api('/ascora/status'), () => new Promise<never>(() => {})),
      http.get(api('/ascora/sync/status'), () => HttpResponse.json({ run: null })),
    );
    const el = await fixture<CrewAscoraConnect>(
      html`<crew-ascora-connect api-base=${apiBase} org=${orgId} access-token="at" locale="en"></crew-ascora-connect>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.loading'));
    expect($(el, '.state.loading').getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
  });

  it('shows a failed load by its code in the user’s language, and retries', async () => {
    let fail = true;
    const mock = ascoraMock({ status: connectedStatus() });
    await mockApi(
      http.get(api('/ascora/status'), () =>
        fail ? problem(403, 'forbidden') : HttpResponse.json(connectedStatus()),
      ),
      ...mock.handlers,
    );
    const el = document.createElement('crew-ascora-connect');
    Object.assign(el, { apiBase, org: orgId, accessToken: 'at', locale: 'de' });
    const reported = nextEvent(el, 'crew-error');
    document.body.append(el);
    try {
      expect((await reported).error.code).to.equal('forbidden');
      await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
      expect($(el, '.state.error').textContent).to.contain('Dazu sind Sie nicht berechtigt');
      await expect(el).to.be.accessible();
      fail = false;
      $<HTMLButtonElement>(el, '.state.error button').click();
      await waitUntil(() => text(el).includes('Verbunden mit'));
      expect(text(el)).to.contain('Einstellungen').and.contain('In beide Richtungen');
      await expect(el).to.be.accessible();
    } finally {
      el.remove();
    }
  });

  it('asks the host for a fresh access token before every request', async () => {
    const tokens: Array<string | null> = [];
    await mockApi(
      http.get(api('/ascora/status'), ({ request }) => {
        tokens.push(request.headers.get('authorization'));
        return HttpResponse.json(notConnected);
      }),
      http.get(api('/ascora/sync/status'), ({ request }) => {
        tokens.push(request.headers.get('authorization'));
        return HttpResponse.json({ run: null });
      }),
    );
    let calls = 0;
    const el = document.createElement('crew-ascora-connect');
    el.setAttribute('api-base', apiBase);
    el.setAttribute('org', orgId);
    el.getAccessToken = async () => `at_fresh_${++calls}`;
    const ready = nextEvent(el, 'crew-ready');
    document.body.append(el);
    try {
      await ready;
      expect(tokens).to.have.length(2);
      expect(new Set(tokens).size, 'one fresh token per request').to.equal(2);
    } finally {
      el.remove();
    }
  });

  it('says it is misconfigured when the host forgot the organization', async () => {
    const el = await fixture<CrewAscoraConnect>(
      html`<crew-ascora-connect api-base=${apiBase} access-token="at" locale="en"></crew-ascora-connect>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
    expect(text(el)).to.contain('This widget is not set up correctly.');
  });
});
