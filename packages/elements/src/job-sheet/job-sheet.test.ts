import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import {
  jobSheet,
  partsList,
  sheetCompleted,
  sheetInProgress,
  visitId,
} from '../../test-support/job-sheet-fixtures.js';
import { manualClock } from '../../test-support/manual-clock.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import { type Clock, systemClock } from '../shared/clock.js';
import './define.js';
import type { CrewJobSheet } from './job-sheet.js';

const sheetPath = api(`/appointments/${visitId}/job-sheet`);
const storageKey = `crewkit:job-sheet:${orgId}:${visitId}`;
const partsHandler = http.get(api('/parts'), () => HttpResponse.json({ data: partsList, nextCursor: null }));

async function mount(locale = 'en', clock: Clock = systemClock) {
  const el = await fixture<CrewJobSheet>(
    html`<crew-job-sheet
      api-base=${apiBase}
      org=${orgId}
      appointment-id=${visitId}
      access-token="at_test"
      locale=${locale}
      .clock=${clock}
    ></crew-job-sheet>`,
  );
  await waitUntil(() => !el.shadowRoot!.querySelector('.state.loading'), 'the sheet never loaded');
  return el;
}

const $ = (el: CrewJobSheet, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector)!;
const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
const button = (el: CrewJobSheet, label: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === label);

/**
 * Waits for the element's colour transitions: a button that just changed (Pause into Resume) is
 * still fading in, and axe once read its half-way blue. The check is of the colours it settles on.
 */
const settled = (el: Element) =>
  Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished));

describe('<crew-job-sheet>', () => {
  afterEach(() => localStorage.clear());

  it('shows a visit with nothing recorded yet: the timer at zero, the checklist to tick, empty notes, photos and parts', async () => {
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(jobSheet())),
      partsHandler,
    );
    const el = await mount();
    expect(text($(el, '.head')))
      .to.contain('Job sheet')
      .and.contain('Scheduled');
    expect(text($(el, '.figures')))
      .to.contain('Travel')
      .and.contain('0 min');
    expect(button(el, 'On my way')).to.exist;
    expect(button(el, 'Start work')).to.exist;
    expect(el.shadowRoot!.querySelectorAll('.checklist input[type="checkbox"]')).to.have.length(2);
    expect(text($(el, '[aria-labelledby="notes-title"]'))).to.contain('No notes yet.');
    const camera = $(el, 'input[type="file"]') as HTMLInputElement;
    expect([camera.accept, camera.getAttribute('capture')]).to.deep.equal(['image/*', 'environment']);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('counts the running stretch of work on from when the sheet was read', async () => {
    const clock = manualClock();
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
    );
    const el = await mount('en', clock);
    const work = () => text($(el, '.figures div:nth-child(2) dd'));
    expect(work()).to.equal('40 min');
    clock.advance(5 * 60_000);
    await el.updateComplete;
    expect(work()).to.equal('45 min');
    el.remove();
    expect(clock.pending).to.equal(0);
  });

  it('reads the sheet again shortly before its download links expire, so thumbnails keep showing', async () => {
    const clock = manualClock(Date.parse('2026-11-30T23:00:00.000Z'));
    let reads = 0;
    await mockApi(
      http.get(sheetPath, () => {
        reads++;
        return HttpResponse.json(sheetInProgress());
      }),
      partsHandler,
    );
    const el = await mount('en', clock);
    expect(reads).to.equal(1);
    // The links in the fixture expire at 23:25.
    clock.advance(24 * 60_000);
    expect(reads).to.equal(1);
    clock.advance(60_000);
    await waitUntil(() => reads === 2, 'the sheet was not read again');
    el.remove();
  });

  it('shows the server’s refusal to complete, naming what is missing, in place', async () => {
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
      http.put(api(`/appointments/${visitId}/status`), () =>
        problem(409, 'conflict', { missing: ['signature', 'photos'] }),
      ),
    );
    const el = await mount();
    const failed = nextEvent(el, 'crew-error');
    button(el, 'Complete visit')!.click();
    expect((await failed).error.code).to.equal('conflict');
    await el.updateComplete;
    const refusal = $(el, '[part="refusal"]');
    expect(refusal.getAttribute('role')).to.equal('alert');
    expect(text(refusal)).to.contain('the customer’s signature').and.contain('at least 1 photo');
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('runs the timer from taps made offline, and sends them in order with the times they were tapped', async () => {
    const tappedAt = Date.parse('2026-11-30T22:00:00.000Z');
    const clock = manualClock(tappedAt);
    let reachable = true;
    const received: Array<{ body: unknown; key: string | null }> = [];
    await mockApi(
      http.get(sheetPath, () => {
        if (!reachable) return HttpResponse.error();
        // Once the taps arrived, the server measures from them too.
        return HttpResponse.json(
          received.length === 0
            ? jobSheet()
            : jobSheet({
                status: 'paused',
                labour: {
                  ...jobSheet().labour,
                  workMinutes: 25,
                  pausedMinutes: 5,
                  derived: { travelMinutes: 0, workMinutes: 25, pausedMinutes: 5 },
                  runningSince: new Date(tappedAt + 25 * 60_000).toISOString(),
                  runningStatus: 'paused',
                },
              }),
        );
      }),
      partsHandler,
      http.put(api(`/appointments/${visitId}/status`), async ({ request }) => {
        if (!reachable) return HttpResponse.error();
        const body = (await request.json()) as { status: string };
        received.push({ body, key: request.headers.get('Idempotency-Key') });
        return HttpResponse.json({ id: visitId, status: body.status });
      }),
    );
    const el = await mount('en', clock);
    const figure = (n: number) => text($(el, `.figures div:nth-child(${n}) dd`));

    reachable = false;
    window.dispatchEvent(new Event('offline'));
    button(el, 'Start work')!.click();
    await waitUntil(() => button(el, 'Pause'), 'the tap did not show as started');
    expect(text($(el, '.head'))).to.contain('In progress');
    clock.advance(25 * 60_000);
    await el.updateComplete;
    expect(figure(2)).to.equal('25 min');
    button(el, 'Pause')!.click();
    await waitUntil(() => button(el, 'Resume work'), 'the pause did not show');
    clock.advance(5 * 60_000);
    await el.updateComplete;
    expect([figure(2), figure(3)]).to.deep.equal(['25 min', '5 min']);
    expect(text($(el, '.timer'))).to.contain('Waiting to send');
    expect(JSON.parse(localStorage.getItem(storageKey)!)).to.have.length(2);
    expect(received).to.deep.equal([]);
    await settled(el);
    await expect(el).to.be.accessible();

    reachable = true;
    const synced = nextEvent(el, 'crew-edits-synced');
    window.dispatchEvent(new Event('online'));
    await synced;
    expect(received.map((r) => r.body)).to.deep.equal([
      { status: 'in_progress', occurredAt: new Date(tappedAt).toISOString() },
      { status: 'paused', occurredAt: new Date(tappedAt + 25 * 60_000).toISOString() },
    ]);
    const keys = received.map((r) => r.key);
    expect(keys.every(Boolean) && new Set(keys).size === 2).to.equal(true);
    await el.updateComplete;
    expect(text($(el, '.head'))).to.contain('Paused');
    expect(text($(el, '.timer'))).not.to.contain('Waiting to send');
    el.remove();
  });

  it('lets the office correct the labour time with a reason, and keeps it from technicians', async () => {
    let askedWho = 0;
    const me = (role: string) =>
      http.get(`${apiBase}/api/v1/auth/me`, () => {
        askedWho++;
        return HttpResponse.json({
          kind: 'user',
          organizationId: orgId,
          user: {
            id: '0190f3c4-7777-7000-8000-000000000001',
            organizationId: orgId,
            email: 'office@example.com',
            name: 'Olu',
            role,
            createdAt: '2026-11-01T00:00:00.000Z',
            updatedAt: '2026-11-01T00:00:00.000Z',
          },
        });
      });
    let sent: unknown;
    await mockApi(
      me('dispatcher'),
      http.get(sheetPath, () => HttpResponse.json(sheetCompleted())),
      partsHandler,
      http.put(api(`/appointments/${visitId}/job-sheet/labour`), async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(sheetCompleted().labour);
      }),
    );
    const el = await mount();
    await waitUntil(() => el.shadowRoot!.querySelector('.labour-form'), 'the office saw no correction');
    const form = $(el, '.labour-form') as HTMLFormElement;
    (form.elements.namedItem('travelMinutes') as HTMLInputElement).value = '15';
    (form.elements.namedItem('workMinutes') as HTMLInputElement).value = '';
    (form.elements.namedItem('reason') as HTMLInputElement).value = 'Started the drive late';
    const synced = nextEvent(el, 'crew-edits-synced');
    form.requestSubmit();
    await el.updateComplete;
    expect(text($(el, '.figures div:nth-child(1) dd'))).to.equal('15 min');
    await synced;
    expect(sent).to.deep.equal({ travelMinutes: 15, workMinutes: null, reason: 'Started the drive late' });
    await settled(el);
    await expect(el).to.be.accessible();
    el.remove();

    await mockApi(
      me('technician'),
      http.get(sheetPath, () => HttpResponse.json(sheetCompleted())),
      partsHandler,
    );
    const technicians = await mount();
    expect(askedWho).to.equal(2);
    expect(technicians.shadowRoot!.querySelector('.labour-form')).to.equal(null);
  });

  it('shows a completed, signed sheet without the timer buttons, in German', async () => {
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetCompleted())),
      partsHandler,
    );
    const el = await mount('de');
    expect(text($(el, '.head'))).to.contain('Abgeschlossen');
    expect(text($(el, '.signed'))).to.contain('Unterschrieben von Olivia Hart');
    expect(button(el, 'Pause')).to.equal(undefined);
    expect(button(el, 'Einsatz abschließen')).to.equal(undefined);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('sends edits left on the device by an earlier page once, with the keys they were made with', async () => {
    const waiting = [
      {
        key: '0190f3c4-aaaa-7000-8000-000000000001',
        kind: 'note',
        body: 'Left offline',
        visibility: 'internal',
      },
      { key: '0190f3c4-aaaa-7000-8000-000000000002', kind: 'checklist', checklistKey: 'test', done: true },
    ];
    localStorage.setItem(storageKey, JSON.stringify(waiting));
    const received: string[] = [];
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
      http.post(api(`/appointments/${visitId}/job-sheet/notes`), ({ request }) => {
        received.push(`note ${request.headers.get('Idempotency-Key')}`);
        return HttpResponse.json(
          {
            id: '0190f3c4-6666-7000-8000-000000000009',
            authorKind: 'technician',
            author: 'user:tech',
            visibility: 'internal',
            body: 'Left offline',
            createdAt: '2026-11-30T22:50:00.000Z',
          },
          { status: 201 },
        );
      }),
      http.put(api(`/appointments/${visitId}/job-sheet/checklist/test`), async ({ request }) => {
        received.push(`checklist ${JSON.stringify(await request.json())}`);
        return HttpResponse.json({
          key: 'test',
          label: 'Tested for leaks',
          done: true,
          checkedBy: 'user:tech',
          checkedAt: '2026-11-30T22:50:00.000Z',
        });
      }),
    );
    const el = await mount();
    await waitUntil(() => text($(el, '.sync')).startsWith('All changes saved'), text($(el, '.sync')));
    expect(received).to.deep.equal([`note ${waiting[0]!.key}`, 'checklist {"done":true}']);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('keeps an edit the server could not take for now (signed out) instead of dropping it', async () => {
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
      http.post(api(`/appointments/${visitId}/job-sheet/notes`), () => problem(401, 'unauthorized')),
    );
    const el = await mount();
    const form = $(el, '.note-form') as HTMLFormElement;
    (form.elements.namedItem('body') as HTMLTextAreaElement).value = 'Keep me';
    const failed = nextEvent(el, 'crew-error');
    form.requestSubmit();
    expect((await failed).error.code).to.equal('unauthorized');
    await waitUntil(() => button(el, 'Send now'), 'no way to send again');
    expect(JSON.parse(localStorage.getItem(storageKey)!)).to.have.length(1);
    expect(text($(el, '.notes')))
      .to.contain('Keep me')
      .and.contain('Waiting to send');
  });

  it('sends a stopped edit again by itself, after pauses that grow, until it gets through; and stops when removed', async () => {
    const clock = manualClock();
    // A broken server; no connection (the SDK tries three times within the round); signed out.
    const answers = [
      () => problem(500, 'internal_error'),
      () => HttpResponse.error(),
      () => HttpResponse.error(),
      () => HttpResponse.error(),
      () => problem(401, 'unauthorized'),
    ];
    const keys: (string | null)[] = [];
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
      http.post(api(`/appointments/${visitId}/job-sheet/notes`), ({ request }) => {
        keys.push(request.headers.get('Idempotency-Key'));
        const failure = answers.shift();
        if (failure) return failure();
        return HttpResponse.json(
          {
            id: '0190f3c4-6666-7000-8000-00000000000a',
            authorKind: 'technician',
            author: 'user:tech',
            visibility: 'internal',
            body: 'Boiler pressure low',
            createdAt: '2026-11-30T22:50:00.000Z',
          },
          { status: 201 },
        );
      }),
    );
    const el = await mount('en', clock);
    const form = $(el, '.note-form') as HTMLFormElement;
    (form.elements.namedItem('body') as HTMLTextAreaElement).value = 'Boiler pressure low';
    form.requestSubmit();
    await waitUntil(() => keys.length === 1 && button(el, 'Send now'), 'the first round did not stop');
    // Each round waits out its pause, 2 s, then 4 s, then 8 s, and not a moment less.
    for (const [pause, sent] of [
      [2_000, 4],
      [4_000, 5],
    ] as const) {
      const before = keys.length;
      clock.advance(pause - 1);
      await el.updateComplete;
      expect(keys).to.have.length(before);
      clock.advance(1);
      await waitUntil(() => keys.length === sent && button(el, 'Send now'), `round to request ${sent}`);
    }
    clock.advance(7_999);
    await el.updateComplete;
    expect(keys).to.have.length(5);
    clock.advance(1);
    await waitUntil(() => text($(el, '.sync')).startsWith('All changes saved'), text($(el, '.sync')));
    // One edit, one key, however many rounds it took; and nothing more is planned.
    expect(keys).to.have.length(6);
    expect(new Set(keys).size).to.equal(1);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    clock.advance(120_000);
    expect(keys).to.have.length(6);
    el.remove();
    expect(clock.pending).to.equal(0);
  });

  it('sends at once when the connection returns while a round is still failing, not after the pause', async () => {
    const clock = manualClock();
    let reachable = false;
    let release = () => {};
    const answered = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const keys: (string | null)[] = [];
    await mockApi(
      http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
      partsHandler,
      http.post(api(`/appointments/${visitId}/job-sheet/notes`), async ({ request }) => {
        asked++;
        if (!reachable) {
          // The first attempt hangs until the test lets it fail (with an answer the SDK does not
          // retry within the round): the connection returns meanwhile.
          await answered;
          return problem(401, 'unauthorized');
        }
        keys.push(request.headers.get('Idempotency-Key'));
        return HttpResponse.json(
          {
            id: '0190f3c4-6666-7000-8000-00000000000b',
            authorKind: 'technician',
            author: 'user:tech',
            visibility: 'internal',
            body: 'Meter read',
            createdAt: '2026-11-30T22:50:00.000Z',
          },
          { status: 201 },
        );
      }),
    );
    const el = await mount('en', clock);
    const synced = nextEvent(el, 'crew-edits-synced');
    const form = $(el, '.note-form') as HTMLFormElement;
    (form.elements.namedItem('body') as HTMLTextAreaElement).value = 'Meter read';
    form.requestSubmit();
    await waitUntil(() => asked === 1, 'the first round did not ask');
    reachable = true;
    window.dispatchEvent(new Event('online'));
    release();
    // No clock advanced: the round after the failed one is not the 2 s automatic one.
    await synced;
    expect(keys).to.have.length(1);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    el.remove();
  });

  it('reads a sheet it could not load offline as soon as the connection returns, and is ready then', async () => {
    let reachable = false;
    await mockApi(
      http.get(sheetPath, () => (reachable ? HttpResponse.json(sheetInProgress()) : HttpResponse.error())),
      partsHandler,
    );
    const el = await mount();
    expect(text($(el, '.state.error'))).to.not.equal('');
    reachable = true;
    const ready = nextEvent(el, 'crew-ready');
    window.dispatchEvent(new Event('online'));
    await ready;
    expect(text($(el, '.head'))).to.contain('In progress');
  });

  it('says which attribute is missing instead of calling the API', async () => {
    const el = await fixture<CrewJobSheet>(
      html`<crew-job-sheet api-base=${apiBase} org=${orgId} access-token="at_test" locale="en"></crew-job-sheet>`,
    );
    await el.updateComplete;
    expect($(el, '.state.error')).to.exist;
  });
});
