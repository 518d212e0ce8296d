import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { CrewBooking } from '../booking/booking.js';
import '../booking/define.js';
import { nextEvent } from '../../test-support/dom.js';
import { type E2eServer, e2eServer } from '../../test-support/e2e.js';

/*
 * What a host developer sees when the booking widget is set up wrongly, against a real server and
 * across origins (the page and the API are on different ports), so the browser's CORS rules apply:
 * a refusal the page may not read would surface as "We could not reach the server".
 */

const text = (el: CrewBooking) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const until = (el: CrewBooking, what: string, check: () => unknown) =>
  waitUntil(check, `waited for ${what}; the widget shows: ${text(el).slice(0, 300)}`, { timeout: 10_000 });
const heading = (el: CrewBooking) => el.shadowRoot!.querySelector('h2')?.textContent?.trim();

describe('<crew-booking> set up wrongly, against a real reference server', () => {
  let server: E2eServer;
  let owner: ReturnType<typeof createCrewkit>;
  before(async function () {
    this.timeout(90_000); // the first test to ask starts the server: transpile, migrate, seed
    server = await e2eServer();
    const signIn = createCrewkit({ baseUrl: server.url });
    const { data: tokens } = await signIn.auth.login(server.login);
    owner = createCrewkit({
      baseUrl: server.url,
      organizationId: server.orgId,
      getAccessToken: () => tokens!.accessToken,
    });
  });

  async function mount(publishableKey: string) {
    const el = document.createElement('crew-booking');
    Object.assign(el, { apiBase: server.url, org: server.orgId, publishableKey, locale: 'en' });
    const failed = nextEvent(el, 'crew-error');
    const mounted = await fixture<CrewBooking>(html`${el}`);
    return { el: mounted, failed };
  }

  it('says online booking is not enabled for a website its key does not allow, then works once it does', async () => {
    const { data: key } = await owner.apiKeys.create({
      kind: 'publishable',
      name: 'Another website',
      allowedOrigins: ['https://elsewhere.example'],
    });
    const { el, failed } = await mount(key!.secret);
    const { error } = await failed;
    expect(error.code).to.equal('origin_not_allowed');
    expect(error.status).to.equal(403);
    await until(el, 'the error', () => el.shadowRoot!.querySelector('[part~="state-error"]'));
    expect(text(el)).to.contain('Online booking is not enabled for this website.');
    expect(text(el)).not.to.contain('could not reach');
    await expect(el).to.be.accessible();

    // The owner allows this page's origin on the same key; nothing on the page changes.
    const { error: refused } = await owner.apiKeys.update(key!.id, {
      allowedOrigins: ['https://elsewhere.example', location.origin],
    });
    expect(refused).to.equal(undefined);
    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Try again'))!.click();
    await until(el, 'the catalog', () => heading(el) === 'Choose a service');
  });

  it('says the booking page is not set up correctly for a revoked publishable key', async () => {
    const { data: key } = await owner.apiKeys.create({
      kind: 'publishable',
      name: 'Retired website',
      allowedOrigins: [location.origin],
    });
    await owner.apiKeys.revoke(key!.id);
    const { el, failed } = await mount(key!.secret);
    const { error } = await failed;
    expect(error.code).to.equal('invalid_publishable_key');
    await until(el, 'the error', () => el.shadowRoot!.querySelector('[part~="state-error"]'));
    expect(text(el)).to.contain('This booking page is not set up correctly.');
  });
});
