import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { type E2eServer, e2eServer } from '../../test-support/e2e.js';
import './define.js';
import type { CrewBooking } from './booking.js';

const $ = (el: CrewBooking, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector);
const heading = (el: CrewBooking) => $(el, 'h2')?.textContent?.trim();
const button = (el: CrewBooking, label: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) =>
    b.textContent!.includes(label),
  )!;
const until = (el: CrewBooking, what: string, check: () => unknown) =>
  waitUntil(
    check,
    `waited for ${what}; the widget shows: ${el.shadowRoot!.textContent!.replace(/\s+/g, ' ')}`,
    {
      timeout: 10_000,
    },
  );

describe('<crew-booking> against a real reference server', () => {
  let server: E2eServer;
  before(async function () {
    this.timeout(90_000); // the first test to ask starts the server: transpile, migrate, seed
    server = await e2eServer();
  });

  it('books the demo plumber from the first free time and shows the reference', async () => {
    const el = await fixture<CrewBooking>(html`<crew-booking
      api-base=${server.url}
      org=${server.orgId}
      publishable-key=${server.publishableKey}
      timezone="Australia/Sydney"
      locale="en-AU"
    ></crew-booking>`);
    await until(el, 'the demo catalog', () => heading(el) === 'Choose a service');
    expect(el.shadowRoot!.textContent).to.contain('Hot water & gas');
    expect(el.shadowRoot!.textContent).not.to.contain('Site quote (internal)');
    button(el, 'Leaking tap repair').click();

    await until(el, 'the demo technicians', () => heading(el) === 'Who should come?');
    expect(el.shadowRoot!.textContent).to.contain('Priya Raman');
    button(el, 'Any available technician').click();

    // Late in a month every remaining day may be past the notice or a weekend: look one month on.
    await until(
      el,
      'the month',
      () => $(el, '.day[aria-disabled="false"]') || $(el, '[part~="state-empty"]'),
    );
    if (!$(el, '.day[aria-disabled="false"]')) button(el, 'Try next month').click();
    await until(el, 'a bookable day', () => $(el, '.day[aria-disabled="false"]'));
    $(el, '.day[aria-disabled="false"]')!.click();
    await until(el, 'the times', () => $(el, '.slot'));
    $(el, '.slot')!.click();

    await until(el, 'the details step', () => heading(el) === 'Your details');
    for (const [id, value] of Object.entries({
      name: 'Bea E2E',
      email: 'bea.e2e@example.com',
      line1: '8 Quay St',
      city: 'Sydney',
    })) {
      const input = $(el, `#${id}`) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    await el.updateComplete;
    button(el, 'Continue').click();
    await until(el, 'the review step', () => heading(el) === 'Check and confirm');
    const confirmed = nextEvent(el, 'crew-booking-confirmed');
    button(el, 'Confirm booking').click();
    const { appointment } = await confirmed;

    expect(appointment.status).to.equal('scheduled');
    await until(el, 'the confirmation', () => heading(el) === 'You are booked in');
    expect($(el, '[part="reference"]')!.textContent).to.equal(appointment.reference);
    // The real server's answer: the demo business emails confirmations, to the address typed.
    expect($(el, '[part="sent"]')!.textContent).to.equal('We’ll email a confirmation to b***@example.com.');
    expect(appointment.siteAddress).to.include({ line1: '8 Quay St', city: 'Sydney' });
    await expect(el).to.be.accessible();
  });
});
