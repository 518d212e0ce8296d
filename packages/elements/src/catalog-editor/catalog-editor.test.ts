import type { components } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import { categories, items } from '../../test-support/fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, problem } from '../../test-support/msw.js';
import './define.js';
import { type CrewCatalogEditor, checklistOf } from './catalog-editor.js';

type Tier = components['schemas']['PricingTier'];

const [plumbing, drains] = categories as [
  components['schemas']['ServiceCategory'],
  components['schemas']['ServiceCategory'],
];
const tap = items[0] as components['schemas']['ServiceItem'];

const winter: Tier = {
  id: '0190f3c4-6666-7000-8000-000000000001',
  itemId: tap.id,
  name: 'Winter',
  price: { amountMinor: 15900, currency: 'AUD' },
  validFrom: '2031-06-01',
  validTo: '2031-08-31',
  createdAt: '2026-01-01T00:00:00Z',
};

/** The catalog API, recording every change it is sent. */
function catalogApi(options: { refuseTier?: boolean } = {}) {
  const changes: Array<{ path: string; body: Record<string, unknown> }> = [];
  const record = async (request: Request) => {
    const body = (await request.json()) as Record<string, unknown>;
    changes.push({ path: new URL(request.url).pathname.split(`/organizations/${orgId}`)[1]!, body });
    return body;
  };
  const handlers = [
    http.get(api('/services/categories'), () => HttpResponse.json({ data: categories })),
    http.get(api('/services/items'), () => HttpResponse.json({ data: items, nextCursor: null })),
    http.get(api('/services/items/:id/pricing'), () =>
      HttpResponse.json({
        data: [winter],
        priceInForce: { on: '2031-03-04', price: tap.basePrice, tierId: null },
      }),
    ),
    http.patch(api('/services/categories/:id'), async ({ request, params }) => {
      const body = await record(request);
      return HttpResponse.json({ ...categories.find((c) => c.id === params.id)!, ...body });
    }),
    http.patch(api('/services/items/:id'), async ({ request, params }) => {
      const body = await record(request);
      const item = items.find((i) => i.id === params.id)!;
      return HttpResponse.json({ ...item, ...body });
    }),
    http.patch(api('/services/items/:id/pricing/:tierId'), async ({ request }) => {
      const body = await record(request);
      if (options.refuseTier) return problem(409, 'conflict');
      return HttpResponse.json({
        ...winter,
        ...body,
        price: { amountMinor: body.priceMinor, currency: 'AUD' },
      });
    }),
  ];
  return { handlers, changes };
}

async function mount() {
  await setViewport({ width: 1280, height: 900 });
  const el = await fixture<CrewCatalogEditor>(
    html`<crew-catalog-editor api-base=${apiBase} org=${orgId} access-token="at_test" locale="en-AU"></crew-catalog-editor>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('.tree'), 'the catalog never loaded');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrewCatalogEditor, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
/** The row of a category or service by its own name (its "Move to" menu names the others). */
const rowOf = (el: CrewCatalogEditor, name: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('.row')].find(
    (row) => row.querySelector('.category-name, button.item')?.textContent?.trim() === name,
  )!;
const centre = (element: Element): [number, number] => {
  const box = element.getBoundingClientRect();
  return [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)];
};

describe('<crew-catalog-editor>', () => {
  it('shows the category tree with its services', async () => {
    await mockApi(...catalogApi().handlers);
    const el = await mount();
    const text = $(el, '.tree').textContent!;
    expect(text).to.contain('General plumbing').and.contain('Drains').and.contain('Leaking tap repair');
    await expect(el).to.be.accessible();
  });

  it('moves a category dragged onto another under it', async () => {
    const server = catalogApi();
    await mockApi(...server.handlers);
    const el = await mount();
    const from = centre(rowOf(el, 'Drains').querySelector('.grip')!);
    await sendMouse({ type: 'move', position: from });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [from[0] + 8, from[1] + 8] });
    await sendMouse({
      type: 'move',
      position: centre(rowOf(el, 'General plumbing').querySelector('.category-name')!),
    });
    await sendMouse({ type: 'up' });
    await waitUntil(() => server.changes.length === 1, 'nothing was sent');
    expect(server.changes[0]).to.deep.equal({
      path: `/services/categories/${drains.id}`,
      body: { parentId: plumbing.id },
    });
    await waitUntil(() => $(el, '.notice').textContent!.includes('Drains moved to General plumbing'));
  });

  it('moves a service with its “Move to” menu (the keyboard path)', async () => {
    const server = catalogApi();
    await mockApi(...server.handlers);
    const el = await mount();
    const menu = rowOf(el, 'Leaking tap repair').querySelector<HTMLSelectElement>('select')!;
    expect(menu.getAttribute('aria-label')).to.equal('Move Leaking tap repair to');
    menu.value = drains.id;
    menu.dispatchEvent(new Event('change'));
    await waitUntil(() => server.changes.length === 1);
    expect(server.changes[0]).to.deep.equal({
      path: `/services/items/${tap.id}`,
      body: { categoryId: drains.id },
    });
  });

  it('saves a service’s duration, buffers, skills and price', async () => {
    const server = catalogApi();
    await mockApi(...server.handlers);
    const el = await mount();
    rowOf(el, 'Leaking tap repair').querySelector<HTMLButtonElement>('button.item')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('form[aria-label="Edit Leaking tap repair"]'));
    const form = $<HTMLFormElement>(el, 'form[aria-label="Edit Leaking tap repair"]');
    form.querySelector<HTMLInputElement>('[name="durationMinutes"]')!.value = '75';
    form.querySelector<HTMLInputElement>('[name="basePrice"]')!.value = '159.50';
    form.querySelector<HTMLTextAreaElement>('[name="skills"]')!.value = 'plumbing 3\ngas 2';
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(() => server.changes.length === 1);
    expect(server.changes[0]!.body).to.deep.include({
      durationMinutes: 75,
      basePriceMinor: 15950,
      requiredSkills: [
        { skill: 'plumbing', minProficiency: 3 },
        { skill: 'gas', minProficiency: 2 },
      ],
    });
    await waitUntil(() => $(el, '.notice').textContent!.includes('Leaking tap repair saved.'));
    await expect(el).to.be.accessible();
  });

  it('sends the checklist with each new line keyed by its label, and the completion rules', async () => {
    const server = catalogApi();
    await mockApi(...server.handlers);
    const el = await mount();
    rowOf(el, 'Leaking tap repair').querySelector<HTMLButtonElement>('button.item')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('form[aria-label="Edit Leaking tap repair"]'));
    const add = [...el.shadowRoot!.querySelectorAll('button')].find(
      (b) => b.textContent!.trim() === 'Add a line',
    )!;
    for (const label of ['Turn off the water', 'Test for leaks']) {
      add.click();
      await el.updateComplete;
      const input = el.shadowRoot!.querySelector<HTMLInputElement>('ol.checklist li:last-child input')!;
      input.value = label;
      input.dispatchEvent(new Event('input'));
    }
    const form = $<HTMLFormElement>(el, 'form[aria-label="Edit Leaking tap repair"]');
    form.querySelector<HTMLInputElement>('[name="signatureRequired"]')!.click();
    form.querySelector<HTMLInputElement>('[name="minimumPhotos"]')!.value = '1';
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(() => server.changes.length === 1);
    expect(server.changes[0]!.body).to.deep.include({
      checklist: [
        { key: 'turn-off-the-water', label: 'Turn off the water' },
        { key: 'test-for-leaks', label: 'Test for leaks' },
      ],
      completionRules: { signatureRequired: true, minimumPhotos: 1, checklistComplete: false },
    });
    await expect(el).to.be.accessible();
  });

  it('keeps a stored line’s key when it is relabelled, and never gives two lines one key', () => {
    expect(
      checklistOf([
        { key: 'flue', label: 'Check the flue and vents', isNew: false },
        { key: 'new-1', label: 'Flue', isNew: true },
        { key: 'new-2', label: 'Flue!', isNew: true },
        { key: 'new-3', label: '   ', isNew: true },
        { key: 'new-4', label: 'Ölstand prüfen', isNew: true },
      ]),
    ).to.deep.equal([
      { key: 'flue', label: 'Check the flue and vents' },
      { key: 'flue-2', label: 'Flue' },
      { key: 'flue-3', label: 'Flue!' },
      { key: 'olstand-prufen', label: 'Ölstand prüfen' },
    ]);
  });

  it('edits a pricing tier’s price and dates, and says so when it would overlap another', async () => {
    const server = catalogApi({ refuseTier: true });
    await mockApi(...server.handlers);
    const el = await mount();
    rowOf(el, 'Leaking tap repair').querySelector<HTMLButtonElement>('button.item')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector(`form[data-tier="${winter.id}"]`));
    const tier = $<HTMLFormElement>(el, `form[data-tier="${winter.id}"]`);
    tier.querySelector<HTMLInputElement>('[name="price"]')!.value = '149.00';
    tier.querySelector<HTMLInputElement>('[name="validTo"]')!.value = '2031-09-30';
    tier.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(() => server.changes.length === 1);
    expect(server.changes[0]).to.deep.equal({
      path: `/services/items/${tap.id}/pricing/${winter.id}`,
      body: { name: 'Winter', priceMinor: 14900, validFrom: '2031-06-01', validTo: '2031-09-30' },
    });
    await waitUntil(() => $(el, '.notice.error').textContent!.includes('overlaps another tier'));
    expect($(el, '.notice.error').getAttribute('role')).to.equal('alert');
  });
});
