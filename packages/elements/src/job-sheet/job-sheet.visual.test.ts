import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import {
  partsList,
  sheetCompleted,
  sheetInProgress,
  visitId,
} from '../../test-support/job-sheet-fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId } from '../../test-support/msw.js';
import './define.js';
import type { CrewJobSheet } from './job-sheet.js';

/*
 * The visual check: the sheet on a technician's phone (375 px, one column, targets a finger can
 * hit) and on the office's desktop (1280 px, two columns), against the baselines in
 * __screenshots__. Deterministic: fixed answers, a named font, the tests' fixed clock.
 */

async function matches(el: CrewJobSheet, name: string) {
  (document.activeElement as HTMLElement | null)?.blur();
  const result = await executeServerCommand<{ ok: boolean; message: string }, object>('crew-screenshot', {
    name,
    selector: `crew-job-sheet[data-shot="${el.dataset.shot}"]`,
    folder: 'packages/elements/src/job-sheet',
  });
  expect(result.ok, result.message).to.equal(true);
}

describe('<crew-job-sheet> looks as reviewed', () => {
  before(async function () {
    if (!(await executeServerCommand<boolean, undefined>('crew-screenshot-enabled'))) this.skip();
  });

  beforeEach(async () => {
    document.body.style.margin = '0';
    await emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });
  });

  afterEach(async () => {
    document.body.style.margin = '';
    await setViewport({ width: 800, height: 600 });
  });

  for (const [state, sheet] of [
    ['in-progress', sheetInProgress()],
    ['completed', sheetCompleted()],
  ] as const) {
    for (const width of [375, 1280]) {
      it(`${state} at ${width} px`, async () => {
        await setViewport({ width, height: 1200 });
        await mockApi(
          http.get(api(`/appointments/${visitId}/job-sheet`), () => HttpResponse.json(sheet)),
          http.get(api('/parts'), () => HttpResponse.json({ data: partsList, nextCursor: null })),
        );
        const shot = `${state}-${width}`;
        const el = await fixture<CrewJobSheet>(html`<crew-job-sheet
          data-shot=${shot}
          style="--crew-font-family: 'DejaVu Sans'"
          api-base=${apiBase}
          org=${orgId}
          appointment-id=${visitId}
          access-token="at_test"
          locale="en-AU"
        ></crew-job-sheet>`);
        await waitUntil(() => el.shadowRoot!.querySelector('.figures'), 'the sheet never loaded');
        await Promise.all(
          [...el.shadowRoot!.querySelectorAll('img')].map((img) => img.decode().catch(() => {})),
        );
        await matches(el, `job-sheet-${shot}`);
      });
    }
  }
});
