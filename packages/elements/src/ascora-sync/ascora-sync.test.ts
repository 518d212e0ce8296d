import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ascoraMock, conflict, failure, syncRun } from '../../test-support/ascora-mock-api.js';
import { nextEvent } from '../../test-support/dom.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import type { CrewAscoraSync } from './ascora-sync.js';
import './define.js';

async function mount(locale = 'en-AU', pageSize = 10) {
  const el = await fixture<CrewAscoraSync>(
    html`<crew-ascora-sync api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale} page-size=${pageSize}></crew-ascora-sync>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewAscoraSync, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLElement>(el: CrewAscoraSync, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(selector),
];
const text = (el: Element | ShadowRoot) => el.textContent!.replace(/\s+/g, ' ');

describe('<crew-ascora-sync>', () => {
  it('lists the runs newest first with their counts, and pages through older ones', async () => {
    const runs = Array.from({ length: 12 }, (_, i) => syncRun(i + 1));
    runs[0] = syncRun(1, {
      trigger: 'manual',
      counts: { created: 7, updated: 2, skipped: 990, conflicts: 1, failed: 3 },
    });
    const mock = ascoraMock({ runs });
    await mockApi(...mock.handlers);
    const el = await mount('en-AU', 10);
    const rows = () => $$(el, 'tr.run');
    expect(rows()).to.have.length(10);
    const first = rows()[0]!;
    expect(text(first)).to.contain('Started by hand').and.contain('Completed');
    expect([...first.querySelectorAll('td.num')].map((td) => td.textContent)).to.deep.equal([
      '7',
      '2',
      '990',
      '1',
      '3',
    ]);
    expect(first.querySelector('td.bad')?.textContent).to.equal('3');
    await expect(el).to.be.accessible();
    [...$$<HTMLButtonElement>(el, 'button')].find((b) => b.textContent!.includes('Load more'))!.click();
    await waitUntil(() => rows().length === 12);
    expect(mock.state.requests.filter((r) => r.path === '/ascora/logs')).to.have.length(2);
  });

  it('shows how far a running sync has got: records done of expected in the stage under way', async () => {
    const running = syncRun(1, {
      status: 'running',
      stage: 'jobs:pull',
      finishedAt: null,
      progress: [
        { stage: 'customers:pull', done: 2000, expected: 2000 },
        { stage: 'jobs:pull', done: 750, expected: 2000 },
        { stage: 'jobs:push', done: 0, expected: null },
      ],
    });
    await mockApi(...ascoraMock({ runs: [running, syncRun(2)] }).handlers);
    const el = await mount('en-AU');
    expect(text($$(el, 'tr.run')[0]!)).to.contain('750 of 2000 records');
    await expect(el).to.be.accessible();
  });

  it('opens a run’s failures with their reasons', async () => {
    const run = syncRun(1, { counts: { created: 0, updated: 0, skipped: 10, conflicts: 0, failed: 2 } });
    const mock = ascoraMock({
      runs: [run, syncRun(2, { counts: { created: 1, updated: 0, skipped: 10, conflicts: 0, failed: 0 } })],
      failures: {
        [run.id]: [
          failure(1),
          failure(2, {
            entity: 'job',
            ascoraId: null,
            localId: 'local-7',
            reason: 'Site customer is not synced.',
          }),
        ],
      },
    });
    await mockApi(...mock.handlers);
    const el = await mount();
    expect($$(el, 'button.toggle'), 'only runs with failures can be opened').to.have.length(1);
    const toggle = $<HTMLButtonElement>(el, 'button.toggle');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.failures table'));
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.getElementById(toggle.getAttribute('aria-controls')!)).to.exist;
    const failures = text($(el, '.failures'));
    expect(failures)
      .to.contain('EmailAddress is not a valid email address')
      .and.contain('Site customer is not synced.');
    expect(failures).to.contain('Crewkit local-7');
    expect($$<HTMLButtonElement>(el, 'button.retry')[0]!.getAttribute('aria-label')).to.contain(
      'Retry Customer',
    );
    await expect(el).to.be.accessible();

    toggle.click();
    await waitUntil(() => !el.shadowRoot!.querySelector('.failures'));
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
  });

  describe('retrying one failure', () => {
    const run = syncRun(1, { counts: { created: 0, updated: 0, skipped: 10, conflicts: 0, failed: 3 } });
    const customer = failure(1);
    const job = failure(2, {
      entity: 'job',
      ascoraId: 'J-20931',
      reason: 'customer C-1 is not synced to Crewkit',
    });
    const payment = failure(3, {
      entity: 'payment',
      ascoraId: 'P-1',
      reason: 'invalid record: paymentAmount',
    });
    const setup = async (locale = 'en-AU') => {
      const mock = ascoraMock({
        runs: [run],
        failures: { [run.id]: [customer, job, payment] },
        retryOutcomes: {
          [job.id]: { outcome: 'failed', reason: 'Ascora no longer has this record (JOB-NOT-FOUND)' },
          [payment.id]: { outcome: 'queued', reason: 'Ascora hands over payments only in its queue.' },
        },
      });
      await mockApi(...mock.handlers);
      const el = await mount(locale);
      $<HTMLButtonElement>(el, 'button.toggle').click();
      await waitUntil(() => el.shadowRoot!.querySelector('.failures table'));
      const row = (f: { id: string }) => $(el, `tr[data-failure="${f.id}"]`);
      const retryButton = (f: { id: string }) => row(f).querySelector<HTMLButtonElement>('button.retry');
      return { el, mock, row, retryButton };
    };

    it('marks a record that synced as resolved, without a button to retry it again', async () => {
      const { el, mock, row, retryButton } = await setup();
      const retried = nextEvent(el, 'crew-failure-retried');
      retryButton(customer)!.focus();
      retryButton(customer)!.click();
      expect((await retried).result.outcome).to.equal('synced');
      await waitUntil(() => !retryButton(customer), 'the button stays after a successful retry');
      expect(text(row(customer))).to.contain('Synced. This failure is resolved.');
      expect(row(customer).classList.contains('resolved')).to.equal(true);
      expect(text($(el, '.notice'))).to.contain(`Customer ${customer.ascoraId} synced.`);
      expect(
        el.shadowRoot!.activeElement === row(customer).querySelector('.outcome'),
        'focus moves to the outcome, not the page',
      ).to.equal(true);
      const posted = mock.state.requests.filter((r) => r.method === 'POST');
      expect(posted.map((r) => r.path)).to.deep.equal([
        `/ascora/logs/${run.id}/failures/${customer.id}/retry`,
      ]);
      expect(retryButton(job), 'other failures keep their button').to.exist;
      await expect(el).to.be.accessible();
    });

    it('shows the new reason when the record fails again, and lets the user retry once more', async () => {
      const { el, row, retryButton } = await setup();
      retryButton(job)!.click();
      await waitUntil(() => text(row(job)).includes('Failed again'));
      expect(text(row(job).querySelector('.reason')!)).to.equal(
        'Ascora no longer has this record (JOB-NOT-FOUND)',
      );
      expect(retryButton(job)!.disabled).to.equal(false);
      expect(text($(el, '.notice'))).to.contain('failed again: Ascora no longer has this record');
      await expect(el).to.be.accessible();
    });

    it('says a full sync was queued for a record that cannot be retried on its own', async () => {
      const { el, row, retryButton } = await setup();
      const queued = nextEvent(el, 'crew-sync-queued');
      retryButton(payment)!.click();
      await queued;
      await waitUntil(() => text(row(payment)).includes('full sync, which was queued'));
      expect(row(payment).classList.contains('resolved')).to.equal(false);
      expect(retryButton(payment)).to.exist;
    });

    it('shows in the row, in German, why the retry could not run', async () => {
      const mock = ascoraMock({ runs: [run], failures: { [run.id]: [customer] } });
      await mockApi(
        http.post(api('/ascora/logs/:runId/failures/:failureId/retry'), () =>
          problem(502, 'ascora_unavailable'),
        ),
        ...mock.handlers,
      );
      const el = await mount('de');
      $<HTMLButtonElement>(el, 'button.toggle').click();
      await waitUntil(() => el.shadowRoot!.querySelector('button.retry'));
      expect(text($(el, 'button.retry'))).to.contain('Erneut versuchen');
      const reported = nextEvent(el, 'crew-error');
      $<HTMLButtonElement>(el, 'button.retry').click();
      expect((await reported).error.code).to.equal('ascora_unavailable');
      await waitUntil(() => el.shadowRoot!.querySelector('.outcome[data-outcome="error"]'));
      expect(text($(el, '.outcome'))).to.contain('Ascora ist nicht erreichbar');
      expect($<HTMLButtonElement>(el, 'button.retry').disabled, 'it can be tried again').to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('says in German how a retry went', async () => {
      const { row, retryButton } = await setup('de');
      retryButton(customer)!.click();
      await waitUntil(() => text(row(customer)).includes('Dieser Fehler ist behoben'));
      retryButton(job)!.click();
      await waitUntil(() => text(row(job)).includes('Erneut fehlgeschlagen'));
    });
  });

  it('shows each differing field side by side and resolves with the choice made for every field', async () => {
    const mock = ascoraMock({ runs: [syncRun(1)], conflicts: [conflict(1), conflict(2)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    const card = () => $(el, `[data-conflict="${conflict(1).id}"]`);
    expect(text($(el, '#conflicts-title'))).to.contain('2 waiting');
    const row = card().querySelector('tr[data-field="email"]')!;
    expect(text(row)).to.contain('Email').and.contain('wil1@example.com').and.contain('w.park1@example.net');
    expect(text(card().querySelector('tr[data-field="phone"]')!)).to.contain('(empty)');
    expect(text(card().querySelector('tr[data-field="address"]')!)).to.contain(
      '12 Harbour St, Sydney, NSW, 2000, AU',
    );
    await expect(el).to.be.accessible();

    // Resolving with a field left open says so and puts the user on that field.
    const pick = (field: string, side: 'local' | 'remote') => {
      const radio = card().querySelector<HTMLInputElement>(
        `tr[data-field="${field}"] input[value="${side}"]`,
      )!;
      radio.click();
    };
    pick('email', 'local');
    card().querySelector<HTMLButtonElement>('button.resolve')!.click();
    await waitUntil(() => card().querySelector('[role="alert"]'));
    expect(text(card().querySelector('[role="alert"]')!)).to.contain('2 left');
    const phoneRadio = card().querySelector('tr[data-field="phone"] input');
    expect(el.shadowRoot!.activeElement === phoneRadio, 'the first open field has focus').to.equal(true);
    expect(mock.state.requests.some((r) => r.path.endsWith('/resolve'))).to.equal(false);

    pick('phone', 'remote');
    pick('address', 'local');
    const resolved = nextEvent(el, 'crew-conflict-resolved');
    card().querySelector<HTMLButtonElement>('button.resolve')!.click();
    const event = await resolved;
    expect(event.conflict.resolution).to.deep.equal({ email: 'local', phone: 'remote', address: 'local' });
    expect(mock.state.requests.find((r) => r.path.endsWith('/resolve'))!.body).to.deep.equal({
      choices: { email: 'local', phone: 'remote', address: 'local' },
    });
    await waitUntil(() => !el.shadowRoot!.querySelector(`[data-conflict="${conflict(1).id}"]`));
    expect(text($(el, '.notice'))).to.contain('Wilhelmina Park 1 resolved.');
    const next = $(el, `[data-conflict="${conflict(2).id}"] h4`);
    expect(el.shadowRoot!.activeElement === next, 'focus moves to the next conflict').to.equal(true);
    expect(text($(el, '#conflicts-title'))).to.contain('1 waiting');
  });

  it('keeps every field from one side in one step', async () => {
    const mock = ascoraMock({ conflicts: [conflict(1)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    [...$$<HTMLButtonElement>(el, 'button')]
      .find((b) => b.textContent!.includes('Keep all from Ascora'))!
      .click();
    await el.updateComplete;
    const checked = $$<HTMLInputElement>(el, 'input[type="radio"]')
      .filter((r) => r.checked)
      .map((r) => r.value);
    expect(checked).to.deep.equal(['remote', 'remote', 'remote']);
    const resolved = nextEvent(el, 'crew-conflict-resolved');
    $<HTMLButtonElement>(el, 'button.resolve').click();
    expect((await resolved).conflict.resolution).to.deep.equal({
      email: 'remote',
      phone: 'remote',
      address: 'remote',
    });
    await waitUntil(() => text(el.shadowRoot!).includes('No conflicts waiting.'));
    expect(el.shadowRoot!.activeElement === $(el, '#conflicts-title')).to.equal(true);
  });

  it('keeps the conflict and says why when the server refuses the resolution', async () => {
    const mock = ascoraMock({ conflicts: [conflict(1)] });
    await mockApi(
      http.post(api('/ascora/conflicts/:id/resolve'), () => problem(403, 'forbidden')),
      ...mock.handlers,
    );
    const el = await mount('de');
    [...$$<HTMLButtonElement>(el, 'button')]
      .find((b) => b.textContent!.includes('Alles aus Crewkit'))!
      .click();
    const reported = nextEvent(el, 'crew-error');
    $<HTMLButtonElement>(el, 'button.resolve').click();
    expect((await reported).error.code).to.equal('forbidden');
    await waitUntil(() => el.shadowRoot!.querySelector('.conflict [role="alert"]'));
    expect(text($(el, '.conflict [role="alert"]'))).to.contain('Dazu sind Sie nicht berechtigt');
    expect($$(el, '.conflict')).to.have.length(1);
    expect($$<HTMLInputElement>(el, 'input[type="radio"]:checked'), 'the choices are kept').to.have.length(3);
  });

  it('says when there is nothing yet', async () => {
    await mockApi(...ascoraMock().handlers);
    const el = await mount();
    expect(text(el.shadowRoot!)).to.contain('No syncs yet.').and.contain('No conflicts waiting.');
    await expect(el).to.be.accessible();
  });

  it('shows a loading state that a screen reader announces', async () => {
    await mockApi(
      http.get(api('/ascora/logs'), () => new Promise<never>(() => {})),
      http.get(api('/ascora/conflicts'), () => HttpResponse.json({ data: [], nextCursor: null })),
    );
    const el = await fixture<CrewAscoraSync>(
      html`<crew-ascora-sync api-base=${apiBase} org=${orgId} access-token="at" locale="en"></crew-ascora-sync>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.loading'));
    expect($(el, '.state.loading').getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
  });

  it('shows a failed load by its code in German, and retries', async () => {
    let fail = true;
    const mock = ascoraMock({ runs: [syncRun(1)] });
    await mockApi(
      http.get(api('/ascora/logs'), () =>
        fail ? problem(503, 'unavailable') : HttpResponse.json({ data: [syncRun(1)], nextCursor: null }),
      ),
      ...mock.handlers,
    );
    const el = document.createElement('crew-ascora-sync');
    Object.assign(el, { apiBase, org: orgId, accessToken: 'at', locale: 'de' });
    const reported = nextEvent(el, 'crew-error');
    document.body.append(el);
    try {
      expect((await reported).error.code).to.equal('unavailable');
      await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
      expect(text($(el, '.state.error'))).to.contain('ausgelastet');
      expect(text(el.shadowRoot!)).to.contain('Keine offenen Konflikte');
      await expect(el).to.be.accessible();
      fail = false;
      $<HTMLButtonElement>(el, '.state.error button').click();
      await waitUntil(() => $$(el, 'tr.run').length === 1);
      expect(text($(el, 'tr.run')))
        .to.contain('Geplant')
        .and.contain('Abgeschlossen');
    } finally {
      el.remove();
    }
  });

  it('says it is misconfigured when the host forgot the organization', async () => {
    const el = await fixture<CrewAscoraSync>(
      html`<crew-ascora-sync api-base=${apiBase} access-token="at" locale="en"></crew-ascora-sync>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.state.error'));
    expect(text(el.shadowRoot!)).to.contain('This widget is not set up correctly.');
  });
});
