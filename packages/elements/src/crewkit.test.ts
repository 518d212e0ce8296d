// The one script tag as a host page uses it: the BUILT dist/crewkit.js (run `npm run build:elements`
// first), not these sources, because what is under test is how the build splits the elements into
// chunks and what the browser fetches. The page has its own document, so the loader starts fresh.
import { expect, waitUntil } from '@open-wc/testing';
import { catalogHandlers, items } from '../test-support/fixtures.js';
import { api, apiBase, HttpResponse, http, mockApi, orgId, publishableKey } from '../test-support/msw.js';

const loaderUrl = new URL('../dist/crewkit.js', import.meta.url).href;
// The test framework's own modules fill the default buffer of 250 entries before a chunk is fetched.
performance.setResourceTimingBufferSize(10_000);

/** The chunk files the page has fetched so far, by name without their hash (`booking`, `core`). */
function fetchedChunks(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => /\/dist\/chunks\/(.+)-[\w-]{8}\.js$/.exec(new URL(entry.name).pathname)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

const upgraded = (el: Element) => waitUntil(() => el.shadowRoot, `<${el.localName}> was never upgraded`);

describe('crewkit.js, the one script tag', () => {
  before(async () => {
    const built = await fetch(loaderUrl, { method: 'HEAD' });
    if (!built.ok) throw new Error(`${loaderUrl} is not built: run \`npm run build:elements\` first.`);
  });

  it('fetches only the booking widget and the shared core for a page with <crew-booking>, then the list when one is added', async () => {
    const listedWith: (string | null)[] = [];
    await mockApi(
      ...catalogHandlers,
      http.get(api('/technicians'), () => HttpResponse.json({ data: [], nextCursor: null })),
      http.get(api('/appointments'), ({ request }) => {
        listedWith.push(request.headers.get('authorization'));
        return HttpResponse.json({ data: [], nextCursor: null });
      }),
    );
    // The markup a host writes, in the document before the script runs.
    const booking = document.createElement('crew-booking');
    for (const [name, value] of Object.entries({
      'api-base': apiBase,
      org: orgId,
      'publishable-key': publishableKey,
      timezone: 'UTC',
      locale: 'en',
    }))
      booking.setAttribute(name, value);
    document.body.append(booking);

    const crewkit = await import(/* @vite-ignore */ loaderUrl);
    await upgraded(booking);
    await waitUntil(
      () => booking.shadowRoot!.textContent!.includes(items[0]!.name),
      'the booking widget never listed the services',
    );
    expect(fetchedChunks()).to.deep.equal(['booking', 'core']);
    expect(customElements.get('crew-appointment-list')).to.equal(undefined);
    expect(crewkit.tags).to.include.members(['crew-booking', 'crew-job-list', 'crew-job-sheet']);

    // Added later, inside other markup, as a single-page app's next view would; its token callback
    // set at once, before the element's chunk has arrived (as examples/erp does).
    const view = document.createElement('section');
    view.innerHTML = `<h2>Today</h2><crew-job-list api-base="${apiBase}" org="${orgId}" locale="en"></crew-job-list>`;
    const list = view.querySelector('crew-job-list')!;
    Object.assign(list, { getAccessToken: () => 'at_from_callback' });
    document.body.append(view);
    await upgraded(list);
    await waitUntil(() => listedWith.length > 0, 'the list never asked for its appointments');
    expect(listedWith[0]).to.equal('Bearer at_from_callback');
    expect(fetchedChunks()).to.deep.equal(['appointment-list', 'booking', 'core', 'staff']);
    expect(list).to.be.instanceOf(await crewkit.load('crew-job-list'));
    // The alias and its new name share one chunk: defining one defined both.
    expect(customElements.get('crew-appointment-list')).to.not.equal(undefined);
    expect(customElements.get('crew-job-sheet')).to.equal(undefined);

    booking.remove();
    view.remove();
  });

  it('defines on request an element the loader cannot see, and names the tags it has when asked for one it has not', async () => {
    const crewkit = await import(/* @vite-ignore */ loaderUrl);
    // Inside a host component's shadow root: the document-level observer does not look there.
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<crew-job-sheet></crew-job-sheet>';
    document.body.append(host);
    expect(customElements.get('crew-job-sheet')).to.equal(undefined);

    const JobSheet = await crewkit.load('crew-job-sheet');
    expect(host.shadowRoot!.querySelector('crew-job-sheet')).to.be.instanceOf(JobSheet);
    expect(fetchedChunks()).to.include('job-sheet');

    const refusal = await crewkit.load('crew-calendar').catch((error: Error) => error);
    expect(refusal).to.be.instanceOf(Error);
    expect(refusal.message).to.contain('<crew-calendar>').and.contain('<crew-booking>');
    host.remove();
  });
});
