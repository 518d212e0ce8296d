import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nextEvent } from '../../test-support/dom.js';
import { apiBase, mockApi, orgId } from '../../test-support/msw.js';
import { webhookDelivery, webhookEndpoint, webhooksMock } from '../../test-support/webhooks-mock-api.js';
import './define.js';
import type { CrewWebhooks } from './webhooks.js';

async function mount(locale = 'en-AU') {
  const el = await fixture<CrewWebhooks>(
    html`<crew-webhooks api-base=${apiBase} org=${orgId} access-token="at_test" locale=${locale}></crew-webhooks>`,
  );
  await waitUntil(
    () => !el.shadowRoot!.querySelector('.state.loading'),
    'the element never finished loading',
  );
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewWebhooks, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLElement>(el: CrewWebhooks, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(selector),
];
const text = (el: Element | ShadowRoot) => el.textContent!.replace(/\s+/g, ' ');

describe('<crew-webhooks>', () => {
  it('lists the endpoints with their events, and says which one was switched off and why', async () => {
    const mock = webhooksMock({
      endpoints: [
        webhookEndpoint(1),
        webhookEndpoint(2, {
          enabled: false,
          disabledReason: 'Every delivery failed for 5 days.',
          failingSince: '2031-02-20T10:00:00Z',
        }),
      ],
    });
    await mockApi(...mock.handlers);
    const el = await mount();
    const items = $$(el, 'li.endpoint');
    expect(items).to.have.length(2);
    expect(text(items[0]!))
      .to.contain('https://erp1.example.com/crewkit')
      .and.contain('Appointment booked, Appointment cancelled');
    expect(text(items[1]!))
      .to.contain('Switched off: Every delivery failed for 5 days.')
      .and.contain('Failing since');
    await expect(el).to.be.accessible();
  });

  it('adds an endpoint and shows its secret once, until the user says it is stored', async () => {
    const mock = webhooksMock();
    await mockApi(...mock.handlers);
    const el = await mount();
    expect(text($(el, '.state.empty'))).to.contain('No endpoints yet');
    $<HTMLInputElement>(el, 'input[name="url"]').value = 'https://erp.example.com/hooks';
    $<HTMLInputElement>(el, 'input[value="appointment.created"]').click();
    const created = nextEvent(el, 'crew-webhook-endpoint-created');
    $<HTMLButtonElement>(el, 'form[part="add-form"] button[type="submit"]').click();
    expect((await created).endpoint.url).to.equal('https://erp.example.com/hooks');
    await waitUntil(() => el.shadowRoot!.querySelector('.secret'));
    expect(mock.state.requests.at(-1)).to.deep.include({
      method: 'POST',
      body: { url: 'https://erp.example.com/hooks', events: ['appointment.created'], enabled: true },
    });
    const secret = $<HTMLInputElement>(el, '.secret input').value;
    expect(secret).to.match(/^whsec_/);
    expect(el.shadowRoot!.activeElement?.id).to.equal('secret-title');
    await expect(el).to.be.accessible();
    [...$$<HTMLButtonElement>(el, '.secret button')].find((b) => b.textContent!.includes('stored'))!.click();
    await waitUntil(() => !el.shadowRoot!.querySelector('.secret'));
    expect(text(el.shadowRoot!)).not.to.contain(secret);
    expect($$(el, 'li.endpoint')).to.have.length(1);
  });

  it('refuses to add without an event, and shows the server’s reason for a refused URL by the form', async () => {
    const mock = webhooksMock();
    await mockApi(...mock.handlers);
    const el = await mount();
    $<HTMLInputElement>(el, 'input[name="url"]').value = 'http://erp.example.com/hooks';
    $<HTMLButtonElement>(el, 'form[part="add-form"] button[type="submit"]').click();
    await waitUntil(() => $(el, '.field-error').textContent!.trim());
    expect($(el, '.field-error').textContent).to.contain('Choose at least one event');
    expect(mock.state.requests.filter((r) => r.method === 'POST')).to.have.length(0);
    $<HTMLInputElement>(el, 'input[value="customer.created"]').click();
    $<HTMLButtonElement>(el, 'form[part="add-form"] button[type="submit"]').click();
    await waitUntil(() => $(el, '.field-error').textContent!.includes('https'));
    expect($(el, '.field-error').textContent).to.contain('URL: must use https');
  });

  it('rotates a secret and says until when the old one still signs', async () => {
    const mock = webhooksMock({ endpoints: [webhookEndpoint(1)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    const rotated = nextEvent(el, 'crew-webhook-secret-rotated');
    $<HTMLButtonElement>(el, 'button.rotate').click();
    expect((await rotated).endpoint.previousSecretExpiresAt).to.equal('2031-03-05T23:00:00Z');
    await waitUntil(() => el.shadowRoot!.querySelector('.secret'));
    expect(text($(el, '.secret'))).to.contain('The previous secret also signs until');
  });

  it('opens the delivery log with the receiver’s answers, and sends one delivery or everything since a time again', async () => {
    const endpoint = webhookEndpoint(1);
    const mock = webhooksMock({
      endpoints: [endpoint],
      deliveries: {
        [endpoint.id]: [
          webhookDelivery(endpoint, 1),
          webhookDelivery(endpoint, 2, {
            status: 'pending',
            attempts: 2,
            nextAttemptAt: '2031-03-05T00:00:00Z',
            attemptLog: [
              {
                at: '2031-03-04T22:00:00Z',
                responseStatus: 500,
                durationMs: 30,
                error: 'answered 500',
                responseExcerpt: 'boom',
              },
              {
                at: '2031-03-04T22:01:00Z',
                responseStatus: null,
                durationMs: 15000,
                error: 'timed out',
                responseExcerpt: null,
              },
            ],
          }),
        ],
      },
    });
    await mockApi(...mock.handlers);
    const el = await mount();
    const toggle = $<HTMLButtonElement>(el, 'button.toggle');
    toggle.click();
    await waitUntil(() => $$(el, 'tr.delivery').length === 2);
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const rows = $$(el, 'tr.delivery');
    expect(text(rows[0]!)).to.contain('Delivered').and.contain('200 ok');
    expect(text(rows[1]!)).to.contain('Retrying').and.contain('No answer (timed out)');
    await expect(el).to.be.accessible();

    const replayed = nextEvent(el, 'crew-webhook-replayed');
    rows[1]!.querySelector<HTMLButtonElement>('button.replay')!.click();
    expect((await replayed).replayed).to.equal(1);
    await waitUntil(() => $$(el, 'tr.delivery').length === 3);
    expect(text($(el, '.notice'))).to.contain('1 event queued to send again');

    $<HTMLInputElement>(el, 'input[name="since"]').value = '2031-03-01T09:00';
    const all = nextEvent(el, 'crew-webhook-replayed');
    $<HTMLButtonElement>(el, '.deliveries form button[type="submit"]').click();
    expect((await all).replayed).to.equal(2);
    expect(mock.state.requests.filter((r) => r.path.endsWith('/replay')).at(-1)?.body).to.deep.equal({
      since: new Date('2031-03-01T09:00').toISOString(),
    });
  });

  it('switches an endpoint off and on, and deletes it only after a second click', async () => {
    const mock = webhooksMock({ endpoints: [webhookEndpoint(1)] });
    await mockApi(...mock.handlers);
    const el = await mount();
    $<HTMLButtonElement>(el, 'button.switch').click();
    await waitUntil(() => text($(el, 'li.endpoint')).includes('Switched off'));
    $<HTMLButtonElement>(el, 'button.switch').click();
    await waitUntil(() => text($(el, 'li.endpoint')).includes('Sending'));
    $<HTMLButtonElement>(el, 'button.remove').click();
    await waitUntil(() => $(el, 'button.remove').textContent!.includes('Delete https://erp1'));
    expect(mock.state.requests.some((r) => r.method === 'DELETE')).to.equal(false);
    $<HTMLButtonElement>(el, 'button.remove').click();
    await waitUntil(() => $$(el, 'li.endpoint').length === 0);
    expect(text($(el, '.notice'))).to.contain('Deleted https://erp1.example.com/crewkit');
  });

  it('speaks German', async () => {
    await mockApi(...webhooksMock({ endpoints: [webhookEndpoint(1)] }).handlers);
    const el = await mount('de-DE');
    expect(text(el.shadowRoot!)).to.contain('Webhook-Endpunkte').and.contain('Termin gebucht');
  });
});
