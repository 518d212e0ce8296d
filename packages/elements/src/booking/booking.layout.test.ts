import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import {
  appointmentFor,
  availabilityFor,
  catalogHandlers,
  holdFor,
  items,
  technicians,
} from '../../test-support/fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, publishableKey } from '../../test-support/msw.js';
import { registerTranslation } from '../shared/localize.js';
import './define.js';
import type { CrewBooking } from './booking.js';

/*
 * What a visitor sees and touches: the layout at phone, tablet and desktop widths, the colour
 * scheme, a host page's styles, touch targets, the month the calendar opens on and the languages.
 */

const widths = [320, 768, 1280] as const;

const $ = <E extends Element = HTMLElement>(el: CrewBooking, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector) as E;
const $$ = <E extends Element = HTMLElement>(el: CrewBooking, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<E>(selector),
];
const text = (el: CrewBooking) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const heading = (el: CrewBooking) => $(el, 'h2')?.textContent?.trim();
const until = (el: CrewBooking, what: string, check: () => unknown) =>
  waitUntil(check, `waited for ${what}; the widget shows: ${text(el).slice(0, 300)}`, { timeout: 4000 });
const button = (el: CrewBooking, label: string) =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.includes(label))!;
const box = (element: Element) => element.getBoundingClientRect();

/** Weekday slots at 09:00, 13:30 and 18:00 (UTC): one per part of the day. */
function threeSlotDays(url: URL, booked: (date: string) => boolean = () => false) {
  const availability = availabilityFor(url);
  for (const day of availability.days) {
    if (day.slots.length === 0) continue;
    if (booked(day.date)) {
      day.slots = [];
      day.reason = 'fully_booked';
    } else {
      day.slots = ['09:00', '13:30', '18:00'].map((time) => ({
        start: `${day.date}T${time}:00+00:00`,
        available: 1,
      }));
    }
  }
  return availability;
}

function handlers(booked?: (date: string) => boolean, appointmentExtra: Record<string, unknown> = {}) {
  return [
    ...catalogHandlers,
    http.get(api('/technicians/availability'), ({ request }) =>
      HttpResponse.json(threeSlotDays(new URL(request.url), booked)),
    ),
    http.post(api('/holds'), async ({ request }) => {
      const body = (await request.json()) as { start: string };
      return HttpResponse.json(holdFor(body.start), { status: 201 });
    }),
    http.delete(api('/holds/:holdId'), () => new HttpResponse(null, { status: 204 })),
    http.post(api('/appointments'), async ({ request }) => {
      const body = (await request.json()) as { start: string };
      return HttpResponse.json(
        { ...appointmentFor(holdFor(body.start)), ...appointmentExtra },
        { status: 201 },
      );
    }),
  ];
}

const mount = (options: { locale?: string; theme?: string; timezone?: string; service?: boolean } = {}) =>
  fixture<CrewBooking>(html`<crew-booking
    api-base=${apiBase}
    org=${orgId}
    publishable-key=${publishableKey}
    timezone=${options.timezone ?? 'UTC'}
    locale=${options.locale ?? 'en'}
    theme=${options.theme ?? ''}
    service=${options.service === false ? '' : items[0]!.id}
    technician=${technicians[0]!.id}
  ></crew-booking>`);

/** On the date step with a day's times shown, the step's entrance finished (boxes measured mid-slide are off by a fraction). */
async function onDateStep(el: CrewBooking) {
  await until(el, 'the times of a day', () => $(el, '.slot'));
  await Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished));
}

afterEach(async () => {
  await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  await setViewport({ width: 800, height: 600 });
  document.body.style.margin = '';
  document.getElementById('host-styles')?.remove();
});

describe('<crew-booking> layout', () => {
  it('is light on a dark-mode visitor’s system unless the host asks otherwise', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    await mockApi(...handlers());
    const light = await mount();
    const auto = await mount({ theme: 'auto' });
    const dark = await mount({ theme: 'dark' });
    const surface = (el: CrewBooking) => getComputedStyle($(el, '.container')).backgroundColor;
    expect(surface(light)).to.equal('rgb(255, 255, 255)');
    expect(surface(auto)).to.equal('rgb(18, 23, 34)');
    expect(surface(dark)).to.equal('rgb(18, 23, 34)');
    await emulateMedia({ colorScheme: 'light' });
    expect(surface(auto)).to.equal('rgb(255, 255, 255)');
    expect(surface(dark)).to.equal('rgb(18, 23, 34)');
  });

  it('keeps a host page’s inherited text styles out, and lets --crew-* properties in', async () => {
    const style = document.createElement('style');
    style.id = 'host-styles';
    style.textContent =
      '* { font-size: 30px !important; line-height: 90px; font-family: "URW Bookman", serif; letter-spacing: 3px; }';
    document.head.append(style);
    await setViewport({ width: 320, height: 800 });
    await mockApi(...handlers());
    const el = await mount({ service: false });
    await until(el, 'the services', () => $(el, '.option'));
    const name = getComputedStyle($(el, '.option-name'));
    expect(name.fontSize).to.equal('16px');
    expect(name.lineHeight).not.to.equal('90px');
    expect(name.fontFamily).not.to.contain('Bookman');
    expect(name.letterSpacing).to.equal('normal');
    for (const card of $$(el, '.option')) {
      expect(card.scrollWidth, 'a service card’s width').to.be.at.most(card.clientWidth);
    }
    el.style.setProperty('--crew-font-size', '18px');
    expect(getComputedStyle($(el, '.option-name')).fontSize).to.equal('18px');
  });

  for (const width of widths) {
    it(`gives every button of the date step at least 44 × 44 px at ${width} px`, async () => {
      // A phone page edge to edge; a 320 px page with side margins of its own has no room for seven 44 px days.
      document.body.style.margin = '0';
      await setViewport({ width, height: 900 });
      await mockApi(...handlers());
      const el = await mount();
      await onDateStep(el);
      const small = $$(el, 'button')
        .filter((b) => box(b).width > 0)
        .map((b) => ({ label: b.getAttribute('aria-label') ?? b.textContent!.trim(), ...box(b).toJSON() }))
        .filter((b) => b.width < 44 || b.height < 44)
        .map((b) => `${b.label} ${Math.round(b.width)}×${Math.round(b.height)}`);
      expect(small).to.deep.equal([]);
    });
  }

  for (const width of widths) {
    it(`groups the day’s times into morning, afternoon and evening without wrapping a label at ${width} px`, async () => {
      await setViewport({ width, height: 900 });
      await mockApi(...handlers());
      const el = await mount({ locale: 'en-US' });
      await onDateStep(el);
      expect($$(el, '.slot-group h4').map((h) => h.textContent!.trim())).to.deep.equal([
        'Morning',
        'Afternoon',
        'Evening',
      ]);
      for (const slot of $$(el, '.slot')) {
        const range = document.createRange();
        range.selectNodeContents(slot);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        expect(lines.size, `lines of “${slot.textContent!.trim()}”`).to.equal(1);
        expect(slot.scrollWidth).to.be.at.most(slot.clientWidth);
      }
    });
  }

  it('groups the times by their hour in a language that writes other digits', async () => {
    await mockApi(...handlers());
    const el = await mount({ locale: 'ar-EG' });
    await onDateStep(el);
    expect($$(el, '.slot-group')).to.have.length(3);
    expect($(el, '.slot').textContent).to.match(/[٠-٩]/);
  });

  it('puts the calendar, the day’s times and the service summary side by side on a desktop', async () => {
    await setViewport({ width: 1280, height: 900 });
    await mockApi(...handlers());
    const el = await mount();
    await onDateStep(el);
    const calendar = box($(el, '.calendar'));
    const times = box($(el, '.times'));
    const summary = box($(el, '.aside'));
    expect(times.left, 'times right of the calendar').to.be.at.least(calendar.right);
    expect(Math.abs(times.top - calendar.top), 'times level with the calendar').to.be.below(80);
    expect(summary.right, 'summary left of the calendar').to.be.at.most(calendar.left);
    expect($(el, '.aside').textContent!.replace(/\s+/g, ' '))
      .to.contain('Leaking tap repair')
      .and.to.contain('1 hr')
      .and.to.contain('$149.00');
  });

  it('stacks the times under the calendar on a phone', async () => {
    document.body.style.margin = '0';
    await setViewport({ width: 320, height: 900 });
    await mockApi(...handlers());
    const el = await mount();
    await onDateStep(el);
    expect(box($(el, '.times')).top).to.be.at.least(box($(el, '.calendar')).bottom);
  });

  it('opens on the first month with a free day in the business’s zone', async () => {
    // The rest of this month in Pago Pago (UTC−11) is fully booked; next month is free.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Pago_Pago' }).format(new Date());
    const [year, month] = today.split('-').map(Number) as [number, number];
    const nextMonth = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
    await mockApi(...handlers((date) => date < nextMonth));
    const el = await mount({ timezone: 'Pacific/Pago_Pago' });
    await onDateStep(el);
    const firstFree = $(el, '.day[aria-disabled="false"]').dataset.date!;
    expect(firstFree >= nextMonth).to.equal(true);
    expect($(el, '#month').textContent).to.equal(
      new Intl.DateTimeFormat('en', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(
        new Date(`${nextMonth}T12:00:00Z`),
      ),
    );
    expect($(el, '.day[tabindex="0"]').dataset.date).to.equal(firstFree);
  });

  it('says why a month has nothing free and offers the next free day', async () => {
    // Everything before the 14th of next month is fully booked.
    const now = new Date();
    const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 14))
      .toISOString()
      .slice(0, 10);
    await mockApi(...handlers((date) => date < cutoff));
    const el = await mount();
    await onDateStep(el);
    button(el, '‹').click(); // back to this month, with nothing free
    await until(el, 'the empty month', () => $(el, '[part~="state-empty"]'));
    expect(text(el)).to.contain('No free days this month. Fully booked.');
    const offer = button(el, 'Next free day');
    expect(offer.textContent).to.match(/Next free day: \w+day, \w+ \d+/);
    offer.click();
    await until(el, 'the next free day', () => $(el, 'td[aria-selected="true"] .day'));
    expect($(el, 'td[aria-selected="true"] .day').dataset.date! >= cutoff).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('ends with the business, the visit, its address, calendar links and what happens next', async () => {
    const address = {
      line1: '12 Harbour St',
      city: 'Sydney',
      region: 'NSW',
      postalCode: '2000',
      country: 'AU',
    };
    await mockApi(...handlers(undefined, { address }));
    const el = await mount();
    await onDateStep(el);
    $(el, '.slot').click();
    await until(el, 'the details', () => $(el, '#name'));
    for (const [field, value] of Object.entries({
      name: 'Bea Visitor',
      email: 'bea@example.com',
      line1: '8 Quay St',
      city: 'Sydney',
    })) {
      const input = $<HTMLInputElement>(el, `#${field}`);
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    $<HTMLButtonElement>(el, 'button[type="submit"]').click();
    await until(el, 'the review', () => button(el, 'Confirm booking'));
    button(el, 'Confirm booking').click();
    await until(el, 'the confirmation', () => $(el, '[part="reference"]'));
    const done = text(el);
    expect(done).to.contain('Harbour City Plumbing').and.to.contain('Leaking tap repair');
    expect(done).to.contain('12 Harbour St').and.to.contain('Sydney');
    expect(done).to.contain('What happens next');
    const links = $$<HTMLAnchorElement>(el, '[part~="add-to-calendar"]');
    expect(links.map((a) => a.textContent!.trim())).to.deep.equal(['Google', 'Outlook', '.ics']);
    const google = new URL(links[0]!.href);
    expect(google.origin).to.equal('https://calendar.google.com');
    expect(google.searchParams.get('text')).to.equal('Leaking tap repair — Harbour City Plumbing');
    expect(google.searchParams.get('dates')).to.match(/^\d{8}T\d{6}Z\/\d{8}T\d{6}Z$/);
    expect(google.searchParams.get('location')).to.contain('12 Harbour St');
    const outlook = new URL(links[1]!.href);
    expect(outlook.origin).to.equal('https://outlook.live.com');
    expect(outlook.searchParams.get('subject')).to.equal('Leaking tap repair — Harbour City Plumbing');
    expect(links[2]!.download).to.equal('HK7-3PQ.ics');
    await expect(el).to.be.accessible();
  });

  it('moves between steps with a short transition, and without one for a visitor who asks for less motion', async () => {
    await mockApi(...handlers());
    const el = await mount();
    await onDateStep(el);
    expect(getComputedStyle($(el, '.step')).animationName).not.to.equal('none');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle($(el, '.step')).animationName).to.equal('none');
  });
});

describe('<crew-booking> languages', () => {
  const languages = [
    { locale: 'fr', date: 'Choisissez une date', weekStart: 'lundi', price: /149,00\s\$AU/ },
    { locale: 'es', date: 'Elige una fecha', weekStart: 'lunes', price: /149,00\sAUD/ },
    { locale: 'en-US', date: 'Choose a date', weekStart: 'Sunday', price: /A\$149\.00/ },
  ];
  for (const { locale, date, weekStart, price } of languages) {
    it(`speaks ${locale}, with its week, dates and currency`, async () => {
      await mockApi(...handlers());
      const el = await mount({ locale });
      await onDateStep(el);
      expect(heading(el)).to.equal(date);
      expect($(el, '.calendar th').getAttribute('abbr')).to.equal(weekStart);
      expect($(el, '.aside').textContent).to.match(price);
    });
  }

  it('takes a language the host page registers, and the host’s own wording for a string', async () => {
    registerTranslation('crew-booking', 'it', { chooseDate: 'Scegli una data' });
    registerTranslation('crew-booking', 'en', { morning: 'Before noon' });
    await mockApi(...handlers());
    const it = await mount({ locale: 'it' });
    const en = await mount({ locale: 'en' });
    await onDateStep(it);
    await onDateStep(en);
    expect(heading(it)).to.equal('Scegli una data');
    // A string the host left out comes from English.
    expect(text(it)).to.contain('Afternoon');
    expect($(en, '.slot-group h4').textContent!.trim()).to.equal('Before noon');
    registerTranslation('crew-booking', 'en', { morning: 'Morning' });
  });
});

describe('<crew-booking> by keyboard alone, with axe', () => {
  let edgeRun = false;
  before(async () => {
    edgeRun = await executeServerCommand<boolean, undefined>('crew-edge-run');
  });

  for (const locale of ['en', 'de', 'fr', 'es']) {
    for (const width of widths) {
      it(`books in ${locale} at ${width} px with the keyboard only and no axe violation`, async function () {
        // At the calendar edges (test:elements:edges) what differs is the date logic — the day in
        // focus, the week's start in this language — and the width changes only the layout, not
        // the tab order: there, every language at the phone's width; all widths in the main run.
        if (edgeRun && width !== widths[0]) this.skip();
        document.body.style.margin = '0';
        await setViewport({ width, height: 900 });
        await mockApi(...handlers());
        const el = await mount({ locale, service: false });
        /** Tabs until `selector` has focus (as a visitor would), then presses `key`. */
        const reach = async (selector: string, key = 'Enter') => {
          for (let i = 0; i < 40 && !el.shadowRoot!.activeElement?.matches(selector); i++) {
            await sendKeys({ press: 'Tab' });
          }
          expect(el.shadowRoot!.activeElement?.matches(selector), `focus on ${selector}`).to.equal(true);
          await sendKeys({ press: key });
        };
        await until(el, 'the services', () => $(el, '.option'));
        await expect(el).to.be.accessible();
        await reach('.option');
        await until(el, 'the calendar', () => $(el, '.slot'));
        await expect(el).to.be.accessible();
        await reach('.day[tabindex="0"]');
        await reach('.slot');
        await until(el, 'the details', () => $(el, '#name'));
        await expect(el).to.be.accessible();
        await reach('#name', 'B');
        await sendKeys({ type: 'ea Visitor' });
        await sendKeys({ press: 'Tab' });
        await sendKeys({ type: 'bea@example.com' });
        await reach('#line1', '8');
        await sendKeys({ type: ' Quay St' });
        await reach('#city', 'S');
        await sendKeys({ type: 'ydney' });
        await reach('button[type="submit"]');
        await until(el, 'the review', () => $(el, '.primary:not([type="submit"])'));
        await expect(el).to.be.accessible();
        await reach('.primary');
        await until(el, 'the confirmation', () => $(el, '[part="reference"]'));
        await expect(el).to.be.accessible();
      });
    }
  }
});
