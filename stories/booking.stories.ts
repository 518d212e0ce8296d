import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/booking/define.js';
import {
  appointmentFor,
  availabilityFor,
  catalogHandlers,
  holdFor,
  technicians,
} from '../packages/elements/test-support/fixtures.js';
import { api, apiBase, orgId, problem, publishableKey } from '../packages/elements/test-support/msw.js';

/** The whole booking API, answering like the reference server (a short delay, so loading states show). */
const bookingApi = [
  ...catalogHandlers,
  http.get(api('/technicians/availability'), async ({ request }) => {
    await delay(300);
    return HttpResponse.json(availabilityFor(new URL(request.url)));
  }),
  http.post(api('/holds'), async ({ request }) => {
    const body = (await request.json()) as { start: string; technicianId: string | null };
    return HttpResponse.json(holdFor(body.start, body.technicianId ?? technicians[0]!.id), { status: 201 });
  }),
  http.delete(api('/holds/:holdId'), () => new HttpResponse(null, { status: 204 })),
  http.post(api('/appointments'), async ({ request }) => {
    await delay(400);
    const body = (await request.json()) as {
      start: string;
      customer: { email: string };
      siteAddress?: Record<string, string>;
    };
    const booked = appointmentFor(holdFor(body.start));
    // As the reference server answers a booking widget: the site it sent, and the confirmation on its way.
    const to = body.customer.email.replace(/^(.)[^@]*/, '$1***');
    return HttpResponse.json(
      {
        ...booked,
        siteAddress: body.siteAddress ? { ...body.siteAddress, mapsUrl: booked.siteAddress!.mapsUrl } : null,
        notifications: [{ channel: 'email', type: 'confirmation', to }],
      },
      { status: 201 },
    );
  }),
];

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark' | 'auto';
  timezone: string;
  style: string;
}

const meta: Meta<Args> = {
  title: 'Elements/crew-booking',
  component: 'crew-booking',
  args: { locale: 'en', theme: '', timezone: '', style: '' },
  argTypes: {
    locale: {
      control: 'select',
      options: ['en', 'en-AU', 'en-US', 'de', 'de-AT', 'fr', 'fr-CA', 'es', 'es-MX'],
    },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark', 'auto'] },
  },
  render: ({ locale, theme, timezone, style }) => html`<crew-booking
    api-base=${apiBase}
    org=${orgId}
    publishable-key=${publishableKey}
    locale=${locale}
    theme=${theme || nothing}
    timezone=${timezone || nothing}
    style=${style || nothing}
  ></crew-booking>`,
  parameters: { msw: { handlers: bookingApi } },
};
export default meta;

type Story = StoryObj<Args>;

/** The full flow, with every call answered: choose, hold, fill in, confirm. */
export const Success: Story = {};

/** The catalog never arrives. */
export const Loading: Story = {
  parameters: {
    msw: { handlers: [http.get(api('/booking-profile'), () => delay('infinite')), ...bookingApi] },
  },
};

/** Nothing can be booked online. */
export const Empty: Story = {
  parameters: {
    msw: {
      handlers: [
        http.get(api('/services/items'), () => HttpResponse.json({ data: [], nextCursor: null })),
        ...bookingApi,
      ],
    },
  },
};

/** The key is used from a site it does not allow: the error is shown from its code. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: {
      handlers: [http.get(api('/booking-profile'), () => problem(403, 'origin_not_allowed')), ...bookingApi],
    },
  },
};

/** Every chosen time is taken: the widget offers the alternatives from the 409. */
export const SlotTaken: Story = {
  parameters: {
    msw: {
      handlers: [
        http.post(api('/holds'), async ({ request }) => {
          const { start } = (await request.json()) as { start: string };
          const later = new Date(Date.parse(start) + 90 * 60_000).toISOString();
          return problem(409, 'slot_unavailable', { slotReason: 'taken', alternatives: [later] });
        }),
        ...bookingApi,
      ],
    },
  },
};

/** The host site's brand, through `--crew-*` custom properties and `::part`. */
export const Themed: Story = {
  args: {
    style: [
      '--crew-color-primary: #0f766e',
      '--crew-color-surface-raised: #f0fdfa',
      '--crew-color-border: #99d5cc',
      '--crew-font-family: Georgia, serif',
      '--crew-radius: 0',
      '--crew-spacing: 1.25rem',
    ].join(';'),
  },
};

/** The dark scheme: `theme="dark"`, or `theme="auto"` for a visitor whose system is dark. */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

/** Another language: German, with German dates and prices. */
/** A host that knows its visitor (signed in on its own site) passes their saved address in. */
export const SavedAddress: Story = {
  render: () => html`<crew-booking
    api-base=${apiBase}
    org=${orgId}
    publishable-key=${publishableKey}
    .address=${{ line1: '3 Ferry Rd', city: 'Balmain', region: 'NSW', postalCode: '2041', country: 'AU' }}
  ></crew-booking>`,
};

export const German: Story = { args: { locale: 'de' } };

/** French: Monday first, `149,00 $AU`, 24-hour times. */
export const French: Story = { args: { locale: 'fr' } };

/** Spanish. */
export const Spanish: Story = { args: { locale: 'es' } };

/** At 320 px, the narrowest phone. */
export const Narrow: Story = {
  decorators: [(story) => html`<div style="width:320px">${story()}</div>`],
};
