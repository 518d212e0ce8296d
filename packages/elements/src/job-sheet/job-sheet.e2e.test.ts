import { type Crewkit, createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import { nextEvent } from '../../test-support/dom.js';
import { type E2eServer, e2eServer } from '../../test-support/e2e.js';
import { manualClock } from '../../test-support/manual-clock.js';
import { systemClock } from '../shared/clock.js';
import './define.js';
import type { CrewJobSheet } from './job-sheet.js';

/**
 * Against a real reference server: a visit whose service needs a ticked checklist, a photo and a
 * signature; the sheet is filled in as a technician would, and the server's own records are read
 * back to check what arrived.
 */

const unique = () => Math.random().toString(36).slice(2, 8);

async function visitWithRules(client: Crewkit) {
  const { data: item, error } = await client.services.items.create({
    name: `Boiler service ${unique()}`,
    durationMinutes: 60,
    basePriceMinor: 12_000,
    checklist: [
      { key: 'isolate', label: 'Gas isolated' },
      { key: 'flue', label: 'Flue checked' },
    ],
    completionRules: { signatureRequired: true, minimumPhotos: 1, checklistComplete: true },
  });
  expect(error, JSON.stringify(error)).to.equal(undefined);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const { data: availability } = await client.availability.get({
    serviceItemId: item!.id,
    from: day(1),
    to: day(14),
    includeTechnicians: true,
  });
  const slot = availability!.days.flatMap((d) => d.slots).find((s) => (s.technicianIds ?? []).length > 0)!;
  const { data: visit, error: bookingError } = await client.appointments.create({
    serviceItemId: item!.id,
    start: slot.start,
    technicianId: slot.technicianIds![0]!,
    customer: { name: 'Sheet E2E', email: `sheet-${unique()}@e2e.example` },
  });
  expect(bookingError, JSON.stringify(bookingError)).to.equal(undefined);
  return visit!;
}

/** A small real PNG, as a phone camera's photo would arrive through the file input. */
async function photo(name: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#2563eb';
  context.fillRect(0, 0, 64, 48);
  context.fillStyle = '#f59e0b';
  context.fillRect(16, 12, 32, 24);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

async function attach(el: CrewJobSheet, file: File) {
  const input = $(el, 'input[type="file"]') as HTMLInputElement;
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}

const $ = (el: CrewJobSheet, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector)!;
const $$ = (el: CrewJobSheet, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(selector),
];
const button = (el: CrewJobSheet, label: string) =>
  $$(el, 'button').find((b) => b.textContent!.trim() === label) as HTMLButtonElement | undefined;
const syncText = (el: CrewJobSheet) => $(el, '.sync').textContent!.replace(/\s+/g, ' ').trim();
const allSent = (el: CrewJobSheet) => () => syncText(el).startsWith('All changes saved');

function submit(el: CrewJobSheet, formSelector: string, values: Record<string, string>) {
  const form = $(el, formSelector) as HTMLFormElement;
  for (const [name, value] of Object.entries(values)) {
    (form.elements.namedItem(name) as HTMLInputElement).value = value;
  }
  form.requestSubmit();
}

function mount(
  server: E2eServer,
  appointmentId: string,
  getAccessToken: () => string,
  clock?: CrewJobSheet['clock'],
) {
  return fixture<CrewJobSheet>(
    html`<crew-job-sheet
      api-base=${server.url}
      org=${server.orgId}
      appointment-id=${appointmentId}
      locale="en"
      .getAccessToken=${getAccessToken}
      .clock=${clock ?? systemClock}
    ></crew-job-sheet>`,
  );
}

describe('<crew-job-sheet> against the reference server', () => {
  let server: E2eServer;
  let client: Crewkit;
  let getAccessToken: () => string;

  before(async function () {
    this.timeout(240_000);
    server = await e2eServer();
    const { data: tokens } = await createCrewkit({ baseUrl: server.url }).auth.login(server.login);
    getAccessToken = () => tokens!.accessToken;
    client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });
  });

  afterEach(() => localStorage.clear());

  it('starts work, ticks the checklist, attaches a photo, is told the signature is missing, signs by drawing and completes the visit', async function () {
    this.timeout(90_000);
    await setViewport({ width: 390, height: 844 });
    const visit = await visitWithRules(client);
    const el = await mount(server, visit.id, getAccessToken);
    await waitUntil(() => button(el, 'Start work'), 'the sheet never showed the timer', { timeout: 15_000 });

    button(el, 'Start work')!.click();
    await waitUntil(() => button(el, 'Pause'), 'work never started', { timeout: 10_000 });
    // The timer runs at the tap (the change is queued, offline-first); the server has it once sent.
    await waitUntil(allSent(el), syncText(el), { timeout: 15_000 });
    expect((await client.appointments.get(visit.id)).data!.status).to.equal('in_progress');

    for (const box of $$(el, '.checklist input[type="checkbox"]')) box.click();
    await attach(el, await photo('boiler.png'));
    await waitUntil(() => $$(el, '.photos img').length === 1 && allSent(el)(), syncText(el), {
      timeout: 15_000,
    });

    button(el, 'Complete visit')!.click();
    await waitUntil(() => $(el, '[part="refusal"]'), 'completion was not refused', { timeout: 10_000 });
    expect($(el, '[part="refusal"]').textContent).to.contain('the customer’s signature');
    expect($(el, '[part="refusal"]').textContent).not.to.contain('photo');
    await expect(el).to.be.accessible();

    // Sign with the mouse, through real pointer events on the canvas.
    const pad = $(el, 'canvas') as HTMLCanvasElement;
    pad.scrollIntoView({ block: 'center' });
    const box = pad.getBoundingClientRect();
    const at = (x: number, y: number) =>
      [Math.round(box.left + box.width * x), Math.round(box.top + box.height * y)] as [number, number];
    await sendMouse({ type: 'move', position: at(0.1, 0.6) });
    await sendMouse({ type: 'down' });
    for (const [x, y] of [
      [0.2, 0.3],
      [0.3, 0.7],
      [0.45, 0.35],
      [0.6, 0.65],
      [0.8, 0.4],
    ] as const) {
      await sendMouse({ type: 'move', position: at(x, y) });
    }
    await sendMouse({ type: 'up' });
    submit(el, '.sign-form', { signerName: 'Dana Whitfield' });
    await waitUntil(() => $(el, '.signed') && allSent(el)(), syncText(el), { timeout: 10_000 });
    expect($(el, '.signed').textContent).to.contain('Signed by Dana Whitfield');

    const completed = nextEvent(el, 'crew-visit-completed');
    button(el, 'Complete visit')!.click();
    expect((await completed).appointment.status).to.equal('completed');

    const sheet = (await client.jobSheets.get(visit.id)).data!;
    expect(sheet.status).to.equal('completed');
    expect(sheet.signature).to.include({ signerName: 'Dana Whitfield', method: 'drawn' });
    expect(sheet.attachments.map((a) => a.kind)).to.deep.equal(['photo']);
    expect(sheet.checklist.every((line) => line.done)).to.equal(true);
    // The drawn image is what was stored: a PNG with ink in it, not an empty canvas.
    const image = await fetch(new URL(sheet.signature!.imageUrl!, `${server.url}/`));
    expect(image.headers.get('content-type')).to.equal('image/png');
    const bitmap = await createImageBitmap(await image.blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let ink = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) ink++;
    expect(ink).to.be.greaterThan(50);
    await expect(el).to.be.accessible();
  });

  it('keeps edits made offline on the device and sends each exactly once when the connection returns, even after an answer was lost', async function () {
    this.timeout(90_000);
    await setViewport({ width: 1280, height: 900 });
    const visit = await visitWithRules(client);
    await client.appointments.changeStatus(visit.id, { status: 'in_progress' });
    const sku = `WSH-${unique()}`;
    const { data: washer } = await client.parts.create({
      sku,
      name: 'Washer 15 mm',
      unitCostMinor: 40,
      unitPriceMinor: 150,
    });

    // The element's fetch, with a switch: offline (nothing leaves), answers lost (the request
    // reaches the server but the reply never comes back), or online. Every request that reached
    // the server is logged with its Idempotency-Key.
    let mode: 'online' | 'offline' | 'answers-lost' = 'online';
    const reached: Array<{ method: string; path: string; key: string | null }> = [];
    const realFetch = window.fetch;
    window.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(server.url)) return realFetch(request);
      if (mode === 'offline') throw new TypeError('Failed to fetch');
      const response = await realFetch(request.clone());
      if (request.method !== 'GET') {
        reached.push({
          method: request.method,
          path: new URL(request.url).pathname.split(`/appointments/${visit.id}/`)[1] ?? '',
          key: request.headers.get('Idempotency-Key'),
        });
      }
      if (mode === 'answers-lost') throw new TypeError('Failed to fetch');
      return response;
    };
    try {
      const el = await mount(server, visit.id, getAccessToken);
      await waitUntil(() => allSent(el)(), 'the sheet never loaded', { timeout: 15_000 });
      await waitUntil(() => $$(el, '#parts-list option').length > 0, 'the parts list never loaded');

      mode = 'offline';
      window.dispatchEvent(new Event('offline'));
      submit(el, '.note-form', { body: 'Customer asked for the old valve back.' });
      (
        el.shadowRoot!.querySelector('input[name="visibility"][value="customer"]') as HTMLInputElement
      ).click();
      submit(el, '.note-form', { body: 'Valve left on the porch.' });
      $$(el, '.checklist input[type="checkbox"]')[0]!.click();
      submit(el, '.part-form', { part: `Washer 15 mm (${sku})`, quantity: '2' });
      submit(el, '.part-form', { part: 'PTFE tape', quantity: '1' });
      await attach(el, await photo('valve.png'));
      await waitUntil(() => $$(el, '.photos .pending').length === 1, 'the photo was not queued');
      // Changing a part that was never sent changes the waiting addition, not a second request.
      const tape = $$(el, '.parts li').find((li) => li.textContent!.includes('PTFE tape'))!;
      const quantity = tape.querySelector('input') as HTMLInputElement;
      quantity.value = '3';
      quantity.dispatchEvent(new Event('change'));
      submit(el, '.sign-form', { signerName: 'Sam Okafor' });
      await el.updateComplete;

      expect(syncText(el)).to.contain('Offline: 7 changes wait to be sent.');
      const stored = JSON.parse(localStorage.getItem(`crewkit:job-sheet:${server.orgId}:${visit.id}`)!);
      expect(stored).to.have.length(7);
      expect($$(el, '.badge.waiting').length).to.be.greaterThan(5);
      expect(reached).to.deep.equal([]);
      expect((await client.jobSheets.get(visit.id)).data!.notes).to.deep.equal([]);
      await expect(el).to.be.accessible();

      // The connection flickers: the first note reaches the server, its answer does not come back.
      mode = 'answers-lost';
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => reached.length > 0 && syncText(el).startsWith('Offline: 7'), syncText(el), {
        timeout: 15_000,
      });
      const firstNoteKey = stored[0].key as string;
      expect(reached.every((r) => r.key === firstNoteKey)).to.equal(true);

      mode = 'online';
      const synced = nextEvent(el, 'crew-edits-synced');
      window.dispatchEvent(new Event('online'));
      await synced;
      await waitUntil(() => allSent(el)(), syncText(el), { timeout: 15_000 });
      expect(localStorage.getItem(`crewkit:job-sheet:${server.orgId}:${visit.id}`)).to.equal(null);

      // Every other edit reached the server exactly once, each with its own key.
      const later = reached.filter((r) => r.key !== firstNoteKey);
      expect(later.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'POST job-sheet/notes',
        'PUT job-sheet/checklist/isolate',
        'POST job-sheet/parts',
        'POST job-sheet/parts',
        'POST attachments',
        'PUT job-sheet/signature',
      ]);
      const postKeys = later.filter((r) => r.method === 'POST').map((r) => r.key);
      expect(new Set(postKeys).size).to.equal(postKeys.length);

      const sheet = (await client.jobSheets.get(visit.id)).data!;
      expect(sheet.notes.map((n) => [n.body, n.visibility])).to.deep.equal([
        ['Customer asked for the old valve back.', 'internal'],
        ['Valve left on the porch.', 'customer'],
      ]);
      expect(sheet.checklist.map((line) => [line.key, line.done])).to.deep.equal([
        ['isolate', true],
        ['flue', false],
      ]);
      expect(sheet.partsUsed.map((p) => [p.name, p.partId, p.quantity])).to.deep.equal([
        ['Washer 15 mm', washer!.id, 2],
        ['PTFE tape', null, 3],
      ]);
      expect(sheet.attachments.map((a) => a.fileName)).to.deep.equal(['valve.png']);
      expect(sheet.signature).to.include({ signerName: 'Sam Okafor', method: 'typed' });
      expect($$(el, '.notes li').length).to.equal(2);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('times work started and paused offline from the taps, not from when the connection returned, sending each tap once', async function () {
    this.timeout(90_000);
    await setViewport({ width: 390, height: 844 });
    const visit = await visitWithRules(client);
    // The device's clock, a second after the server booked the visit (the browser's own clock may
    // have started apart from the server's; the server refuses taps ahead of its own).
    const clock = manualClock(Date.parse(visit.createdAt) + 1000);
    const tappedStart = clock.now();

    let mode: 'online' | 'offline' | 'answers-lost' = 'online';
    const reached: Array<{ path: string; key: string | null }> = [];
    const realFetch = window.fetch;
    window.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(server.url)) return realFetch(request);
      if (mode === 'offline') throw new TypeError('Failed to fetch');
      const response = await realFetch(request.clone());
      if (request.method !== 'GET') {
        reached.push({
          path: new URL(request.url).pathname.split(`/appointments/${visit.id}/`)[1] ?? '',
          key: request.headers.get('Idempotency-Key'),
        });
      }
      if (mode === 'answers-lost') throw new TypeError('Failed to fetch');
      return response;
    };
    try {
      const el = await mount(server, visit.id, getAccessToken, clock);
      await waitUntil(() => button(el, 'Start work'), 'the sheet never showed the timer', {
        timeout: 15_000,
      });

      mode = 'offline';
      window.dispatchEvent(new Event('offline'));
      button(el, 'Start work')!.click();
      await waitUntil(() => button(el, 'Pause'), 'the tap did not start the timer');
      clock.advance(60_000);
      await el.updateComplete;
      expect($(el, '.figures div:nth-child(2) dd').textContent!.trim()).to.equal('1 min');
      button(el, 'Pause')!.click();
      await waitUntil(() => button(el, 'Resume work'), 'the pause did not show');
      expect(syncText(el)).to.contain('Offline: 2 changes wait to be sent.');
      expect(reached).to.deep.equal([]);
      expect((await client.appointments.get(visit.id)).data!.status).to.equal('scheduled');
      await expect(el).to.be.accessible();

      // The start reaches the server but its answer is lost: sent again, it must not be refused
      // as a second start, nor recorded twice.
      mode = 'answers-lost';
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => reached.length > 0 && syncText(el).startsWith('Offline: 2'), syncText(el), {
        timeout: 15_000,
      });
      mode = 'online';
      const synced = nextEvent(el, 'crew-edits-synced');
      window.dispatchEvent(new Event('online'));
      await synced;
      await waitUntil(() => allSent(el)(), syncText(el), { timeout: 15_000 });

      const keys = [...new Set(reached.map((r) => r.key))];
      expect(keys).to.have.length(2);
      expect(reached.every((r) => r.path === 'status')).to.equal(true);
      const sheet = (await client.jobSheets.get(visit.id)).data!;
      expect(sheet.status).to.equal('paused');
      expect(sheet.labour.workMinutes).to.equal(1);
      expect(sheet.labour.runningSince).to.equal(new Date(tappedStart + 60_000).toISOString());
      const history = (await client.appointments.history(visit.id)).data!.data;
      expect(history.filter((h) => h.toStatus === 'in_progress').map((h) => h.at)).to.deep.equal([
        new Date(tappedStart).toISOString(),
      ]);
      expect($(el, '.head').textContent).to.contain('Paused');
    } finally {
      window.fetch = realFetch;
    }
  });
});
