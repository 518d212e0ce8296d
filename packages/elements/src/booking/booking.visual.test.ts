import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import {
  appointmentFor,
  availabilityFor,
  catalogHandlers,
  holdFor,
  items,
  technicians,
} from '../../test-support/fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, publishableKey } from '../../test-support/msw.js';
import './define.js';
import type { CrewBooking } from './booking.js';

/*
 * The visual check: each step at phone, tablet and desktop widths, light and dark, against the
 * baselines in __screenshots__ (see test-support/screenshot-plugin.mjs for the threshold). A layout
 * regression — a wrapped label, a column that drops below another, a colour gone wrong — fails here.
 * Deterministic: the tests' fixed clock, a named font (DejaVu Sans, as installed with Chromium on
 * Linux), no motion, and fixed answers from the mocked API (the hold's expiry included).
 */

const $ = <E extends Element = HTMLElement>(el: CrewBooking, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector) as E;
const text = (el: CrewBooking) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const until = (el: CrewBooking, what: string, check: () => unknown) =>
  waitUntil(check, `waited for ${what}; the widget shows: ${text(el).slice(0, 300)}`, { timeout: 4000 });

const handlers = [
  ...catalogHandlers,
  http.get(api('/technicians/availability'), ({ request }) => {
    const availability = availabilityFor(new URL(request.url));
    for (const day of availability.days) {
      if (day.slots.length === 0) continue;
      day.slots = ['08:00', '09:30', '11:00', '12:30', '14:00', '15:30', '17:00', '18:30'].map((time) => ({
        start: `${day.date}T${time}:00+00:00`,
        available: 1,
      }));
    }
    return HttpResponse.json(availability);
  }),
  http.post(api('/holds'), async ({ request }) => {
    const body = (await request.json()) as { start: string };
    return HttpResponse.json({ ...holdFor(body.start), expiresAt: '2026-11-30T20:05:00Z' }, { status: 201 });
  }),
  http.delete(api('/holds/:holdId'), () => new HttpResponse(null, { status: 204 })),
  http.post(api('/appointments'), async ({ request }) => {
    const body = (await request.json()) as { start: string };
    const address = {
      line1: '12 Harbour St',
      city: 'Sydney',
      region: 'NSW',
      postalCode: '2000',
      country: 'AU',
    };
    const notifications = [{ channel: 'email', type: 'confirmation', to: 'b***@example.com' }];
    return HttpResponse.json(
      { ...appointmentFor(holdFor(body.start)), address, notifications },
      { status: 201 },
    );
  }),
];

/** Waits for the step's entrance to end, then compares the widget with its baseline. */
async function matches(el: CrewBooking, name: string) {
  await Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished));
  (document.activeElement as HTMLElement | null)?.blur();
  const result = await executeServerCommand<{ ok: boolean; message: string }, object>('crew-screenshot', {
    name,
    selector: `crew-booking[data-shot="${el.dataset.shot}"]`,
    folder: 'packages/elements/src/booking',
  });
  expect(result.ok, result.message).to.equal(true);
}

describe('<crew-booking> looks as reviewed', () => {
  before(async function () {
    if (!(await executeServerCommand<boolean, undefined>('crew-screenshot-enabled'))) this.skip();
  });

  beforeEach(async () => {
    document.body.style.margin = '0';
    await emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });
  });

  afterEach(async () => {
    document.body.style.margin = '';
    document.body.style.background = '';
    await emulateMedia({ reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const width of [320, 768, 1280]) {
      it(`at ${width} px in ${theme}: every step from service to confirmation`, async () => {
        await setViewport({ width, height: 1600 });
        document.body.style.background = theme === 'dark' ? '#000' : '#fff';
        await mockApi(...handlers);
        const shot = `${theme}-${width}`;
        const el = await fixture<CrewBooking>(html`<crew-booking
          data-shot=${shot}
          style="--crew-font-family: 'DejaVu Sans'"
          api-base=${apiBase}
          org=${orgId}
          publishable-key=${publishableKey}
          timezone="UTC"
          locale="en-AU"
          theme=${theme}
          technician=${technicians[0]!.id}
        ></crew-booking>`);
        const name = (step: string) => `booking-${step}-${width}-${theme}`;

        await until(el, 'the services', () => $(el, '.option'));
        await matches(el, name('1-service'));

        [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.option')]
          .find((b) => b.textContent!.includes(items[0]!.name))!
          .click();
        await until(el, 'the times', () => $(el, '.slot'));
        await matches(el, name('2-date'));

        $(el, '.slot').click();
        await until(el, 'the details', () => $(el, '#name'));
        for (const [field, value] of Object.entries({
          name: 'Bea Visitor',
          email: 'bea@example.com',
          line1: '8 Quay St',
          postalCode: '2000',
          city: 'Sydney',
        })) {
          const input = $<HTMLInputElement>(el, `#${field}`);
          input.value = value;
          input.dispatchEvent(new Event('input'));
        }
        await el.updateComplete;
        await matches(el, name('3-details'));

        $<HTMLButtonElement>(el, 'button[type="submit"]').click();
        await until(el, 'the review', () => $(el, '.summary'));
        await matches(el, name('4-confirm'));

        $<HTMLButtonElement>(el, '.actions .primary').click();
        await until(el, 'the confirmation', () => $(el, '[part="reference"]'));
        await matches(el, name('5-done'));
      });
    }
  }
});
