import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/catalog-editor/define.js';
import { categories, items } from '../packages/elements/test-support/fixtures.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

const tier = {
  id: '0190f3c4-6666-7000-8000-000000000001',
  itemId: items[0]!.id,
  name: 'Winter',
  price: { amountMinor: 15900, currency: 'AUD' },
  validFrom: '2031-06-01',
  validTo: '2031-08-31',
  createdAt: '2026-01-01T00:00:00Z',
};

/** The tap repair as a business that inspects its work sets it up: a checklist and completion rules. */
const withChecklist = [
  {
    ...items[0]!,
    checklist: [
      { key: 'isolate-water', label: 'Isolate the water supply' },
      { key: 'replace-washer', label: 'Replace washer or cartridge' },
      { key: 'test-for-leaks', label: 'Test for leaks with the supply on' },
    ],
    completionRules: { signatureRequired: true, minimumPhotos: 2, checklistComplete: true },
  },
  ...items.slice(1),
];

function catalogApi(tierAnswer: 'accept' | 'overlap' = 'accept', catalog: typeof items = items) {
  return [
    http.get(api('/services/categories'), () => HttpResponse.json({ data: categories })),
    http.get(api('/services/items'), () => HttpResponse.json({ data: catalog, nextCursor: null })),
    http.get(api('/services/items/:id/pricing'), () =>
      HttpResponse.json({
        data: [tier],
        priceInForce: { on: '2031-03-04', price: items[0]!.basePrice, tierId: null },
      }),
    ),
    http.patch(api('/services/categories/:id'), async ({ request, params }) =>
      HttpResponse.json({
        ...categories.find((c) => c.id === params.id)!,
        ...((await request.json()) as object),
      }),
    ),
    http.patch(api('/services/items/:id'), async ({ request, params }) =>
      HttpResponse.json({
        ...catalog.find((i) => i.id === params.id)!,
        ...((await request.json()) as object),
      }),
    ),
    http.patch(api('/services/items/:id/pricing/:tierId'), async ({ request }) => {
      await delay(300);
      if (tierAnswer === 'overlap') return problem(409, 'conflict');
      const body = (await request.json()) as { priceMinor: number };
      return HttpResponse.json({
        ...tier,
        ...body,
        price: { amountMinor: body.priceMinor, currency: 'AUD' },
      });
    }),
  ];
}

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

const meta: Meta<Args> = {
  title: 'Elements/crew-catalog-editor',
  component: 'crew-catalog-editor',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'de'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: ({ locale, theme }) => html`<crew-catalog-editor
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
  ></crew-catalog-editor>`,
  parameters: { msw: { handlers: catalogApi() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Drag a category or service onto a category; choose a service to edit it and its tiers. */
export const Success: Story = {};

/** The catalog never arrives. */
export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/services/categories'), () => delay('infinite'))] } },
};

/**
 * A service with its job-sheet checklist and completion rules (choose "Leaking tap repair"): lines
 * are added, reordered with ↑ ↓, removed, and saved with the service.
 */
export const Checklist: Story = {
  parameters: { msw: { handlers: catalogApi('accept', withChecklist) } },
  play: async ({ canvasElement }) => {
    const editor = canvasElement.querySelector('crew-catalog-editor')!;
    await customElements.whenDefined('crew-catalog-editor');
    for (let i = 0; i < 50 && !editor.shadowRoot?.querySelector('button.item'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    editor.shadowRoot?.querySelector<HTMLButtonElement>('button.item')?.click();
  },
};

/** Saving a tier is refused because it would overlap another: the server's reason is shown. */
export const Conflict: Story = {
  parameters: { msw: { handlers: catalogApi('overlap') } },
};

/** German. */
export const German: Story = { args: { locale: 'de' } };
