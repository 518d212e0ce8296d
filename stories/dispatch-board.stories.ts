import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/dispatch-board/define.js';
import { boardCalendar } from '../packages/elements/test-support/board-fixtures.js';
import { items } from '../packages/elements/test-support/fixtures.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

const week = boardCalendar({ technicians: 7, days: 7, visits: 60 });
const large = boardCalendar({ technicians: 50, days: 7, visits: 400 });
const allVisits = (calendar: typeof week) => calendar.lanes.flatMap((lane) => lane.appointments);

/** Free starts for every technician but the first two, each hour of each day: what lights lanes up. */
function availabilityFor(calendar: typeof week) {
  return http.get(api('/technicians/availability'), () =>
    HttpResponse.json({
      serviceItemId: items[0]!.id,
      technicianId: null,
      timeZone: 'Australia/Sydney',
      durationMinutes: 60,
      price: { amountMinor: 14900, currency: 'AUD', tierId: null },
      days: calendar.lanes[0]!.workingHours.map((span) => ({
        date: span.start.slice(0, 10),
        slots: Array.from({ length: 8 }, (_, h) => ({
          start: new Date(Date.parse(span.start) + h * 3_600_000).toISOString(),
          available: calendar.lanes.length - 2,
          technicianIds: calendar.lanes.slice(2).map((lane) => lane.technician.id),
        })),
      })),
    }),
  );
}

function boardApi(calendar: typeof week, moves: 'accept' | 'refuse' = 'accept') {
  const answerMove = async ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
    await delay(300);
    if (moves === 'refuse') {
      return problem(409, 'slot_unavailable', {
        slotReason: 'taken',
        alternatives: [allVisits(calendar)[0]!.end, allVisits(calendar)[1]!.end],
      });
    }
    const body = (await request.json()) as { technicianId?: string; start?: string };
    const visit = allVisits(calendar).find((a) => a.id === params.id)!;
    return HttpResponse.json({ ...visit, ...body, status: 'scheduled' });
  };
  return [
    http.get(api('/appointments/calendar-view'), () => HttpResponse.json(calendar)),
    http.get(api('/appointments'), () =>
      HttpResponse.json({
        data: allVisits(calendar)
          .filter((a) => a.status === 'requested')
          .slice(0, 6),
        nextCursor: null,
      }),
    ),
    http.get(api('/services/items'), () => HttpResponse.json({ data: items, nextCursor: null })),
    availabilityFor(calendar),
    http.post(api('/appointments/:id/assign-technician'), answerMove),
    http.post(api('/appointments/:id/reschedule'), answerMove),
  ];
}

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
  view: 'day' | 'week';
  style: string;
}

const meta: Meta<Args> = {
  title: 'Elements/crew-dispatch-board',
  component: 'crew-dispatch-board',
  args: { locale: 'en', theme: '', view: 'week', style: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
    view: { control: 'inline-radio', options: ['day', 'week'] },
  },
  render: ({ locale, theme, view, style }) => html`<crew-dispatch-board
    api-base=${apiBase}
    org=${orgId}
    access-token="at_storybook"
    date="2031-03-04"
    timezone="Australia/Sydney"
    view=${view}
    locale=${locale}
    theme=${theme || nothing}
    style=${style || nothing}
  ></crew-dispatch-board>`,
  parameters: { msw: { handlers: boardApi(week) } },
};
export default meta;

type Story = StoryObj<Args>;

/** A week for seven technicians: drag a visit (or a request from the queue), or pick one up with Enter. */
export const Success: Story = {};

/** One day, hour by hour. */
export const Day: Story = { args: { view: 'day' } };

/** The board never arrives. */
export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(api('/appointments/calendar-view'), () => delay('infinite'))] } },
};

/** An organization without active technicians. */
export const Empty: Story = {
  parameters: { msw: { handlers: boardApi({ ...week, lanes: [] }) } },
};

/** The dispatcher's token has expired. */
export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    msw: { handlers: [http.get(api('/appointments/calendar-view'), () => problem(401, 'unauthorized'))] },
  },
};

/**
 * Every move is refused: the lane dropped on says why (the server's `slotReason`) and offers the
 * server's alternatives. This story carries the first visit one lane down and drops it.
 */
export const Conflict: Story = {
  args: { view: 'day' },
  parameters: { msw: { handlers: boardApi(week, 'refuse') } },
  play: async ({ canvasElement }) => {
    const board = canvasElement.querySelector('crew-dispatch-board')!;
    const root = board.shadowRoot!;
    for (let i = 0; i < 100 && !root.querySelector('.lane .visit[aria-disabled="false"]'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const visit = root.querySelector<HTMLElement>('.lane .visit[aria-disabled="false"]')!;
    visit.focus();
    const press = (key: string) =>
      visit.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
    press('Enter');
    await board.updateComplete;
    press('ArrowDown');
    await board.updateComplete;
    press('Enter');
  },
};

/** Fifty technicians, a week, 400 visits: only the lanes on screen are rendered. */
export const LargeCrew: Story = {
  parameters: { msw: { handlers: boardApi(large) } },
};

/** Below 1024 px the board is a list of the day's visits per technician. */
export const Narrow: Story = {
  decorators: [(story) => html`<div style="max-width:760px">${story()}</div>`],
};

/** The dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  parameters: { backgrounds: { default: 'dark' } },
  decorators: [(story) => html`<div style="background:#0b0f17;padding:1rem">${story()}</div>`],
};

/** German. */
export const German: Story = { args: { locale: 'de' } };
