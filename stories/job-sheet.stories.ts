import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { delay, HttpResponse, http } from 'msw';
import '../packages/elements/src/job-sheet/define.js';
import {
  jobSheet,
  partsList,
  pictureUrl,
  sheetCompleted,
  sheetInProgress,
  visitId,
} from '../packages/elements/test-support/job-sheet-fixtures.js';
import { api, apiBase, orgId, problem } from '../packages/elements/test-support/msw.js';

interface Args {
  locale: string;
  theme: '' | 'light' | 'dark';
}

const sheetPath = api(`/appointments/${visitId}/job-sheet`);
const queueKey = `crewkit:job-sheet:${orgId}:${visitId}`;
const partsHandler = http.get(api('/parts'), () => HttpResponse.json({ data: partsList, nextCursor: null }));

/** The sheet answers with `sheet`; edits are accepted and change nothing shown (a demo, not a server). */
const serving = (sheet: ReturnType<typeof jobSheet>) => [
  http.get(sheetPath, () => HttpResponse.json(sheet)),
  partsHandler,
  http.all(api(`/appointments/${visitId}/*`), () => HttpResponse.json({}, { status: 200 })),
];

const meta: Meta<Args> = {
  title: 'Elements/crew-job-sheet',
  component: 'crew-job-sheet',
  args: { locale: 'en', theme: '' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'en-AU', 'de', 'fr', 'es'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  // Edits waiting on the device belong to the story that put them there.
  loaders: [async () => localStorage.removeItem(queueKey)],
  render: ({ locale, theme }) => html`<crew-job-sheet
    api-base=${apiBase}
    org=${orgId}
    appointment-id=${visitId}
    access-token="at_storybook"
    locale=${locale}
    theme=${theme || nothing}
  ></crew-job-sheet>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Loading: Story = {
  parameters: { msw: { handlers: [http.get(sheetPath, () => delay('infinite')), partsHandler] } },
};

/** A scheduled visit, nothing recorded yet: on my way or start work. */
export const Empty: Story = { parameters: { msw: { handlers: serving(jobSheet()) } } };

/** Work running (the timer counts on), a customer-visible note, a photo, a part from the list. */
export const InProgress: Story = { parameters: { msw: { handlers: serving(sheetInProgress()) } } };

/**
 * No connection: a note, a tick, a part and a photo made offline wait on the device with their
 * Idempotency-Keys, marked "waiting to send" (taps on the timer and Complete wait the same way,
 * with the time they were tapped).
 */
export const OfflineWithQueuedEdits: Story = {
  name: 'Offline with queued edits',
  loaders: [
    async () =>
      localStorage.setItem(
        queueKey,
        JSON.stringify([
          {
            key: '0190f3c4-aaaa-7000-8000-000000000001',
            kind: 'note',
            body: 'Hot water cylinder is 14 years old; recommend replacement.',
            visibility: 'customer',
          },
          {
            key: '0190f3c4-aaaa-7000-8000-000000000002',
            kind: 'checklist',
            checklistKey: 'test',
            done: true,
          },
          {
            key: '0190f3c4-aaaa-7000-8000-000000000003',
            kind: 'addPart',
            body: { name: 'PTFE tape', quantity: 1 },
          },
          {
            key: '0190f3c4-aaaa-7000-8000-000000000004',
            kind: 'attachment',
            fileName: 'after.jpg',
            content: 'AA==',
            preview: pictureUrl('#067647', 'after'),
          },
        ]),
      ),
  ],
  parameters: {
    msw: {
      handlers: [
        http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
        partsHandler,
        http.all(api(`/appointments/${visitId}/*`), () => HttpResponse.error()),
      ],
    },
  },
};

/** "Complete visit" pressed: the server answers 409 with what the completion rules still miss. */
export const CompletionRefused: Story = {
  name: 'Completion refused',
  parameters: {
    msw: {
      handlers: [
        http.get(sheetPath, () => HttpResponse.json(sheetInProgress())),
        partsHandler,
        http.put(api(`/appointments/${visitId}/status`), () =>
          problem(409, 'conflict', { missing: ['signature', 'checklist'] }),
        ),
      ],
    },
  },
  play: async ({ canvasElement }) => {
    const sheet = canvasElement.querySelector('crew-job-sheet')!;
    const complete = () =>
      [...(sheet.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.closest('.complete'));
    for (let i = 0; i < 100 && !complete(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    complete()?.click();
  },
};

/** Completed and signed (drawn), with the signer, the time and the photo. */
export const CompletedAndSigned: Story = {
  name: 'Completed and signed',
  parameters: { msw: { handlers: serving(sheetCompleted()) } },
};

export const ErrorState: Story = {
  name: 'Error',
  parameters: { msw: { handlers: [http.get(sheetPath, () => problem(503, 'unavailable')), partsHandler] } },
};

export const German: Story = {
  args: { locale: 'de' },
  parameters: { msw: { handlers: serving(sheetInProgress()) } },
};
