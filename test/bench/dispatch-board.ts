/**
 * Dispatch board first render in Chromium: 50 technicians × 7 days × 400 visits, timed by the
 * browser (performance.measure from adding the element to its `crew-ready`, which fires after the
 * first render with data), and the time to re-render after a scroll (off-screen lanes are not
 * rendered, so a scroll renders a new slice). The API is answered in the page from fixtures, so
 * the figure is the element's own work: parsing, layout maths, Lit rendering, style and layout.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/dispatch-board.ts
 */
import { cpus, loadavg } from 'node:os';
import { build } from 'esbuild';
import { chromium } from 'playwright';

const runs = Number(process.env.BENCH_RUNS ?? 7);
/** Fresh pages, each timed once: a single cold sample on a shared machine swings by ±50 ms. */
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 7);
/** A network's round trip for the page's API calls (0: the element's own work alone). */
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 0);

const page = `
const latency = ${latencyMs};
import '../../packages/elements/src/dispatch-board/define.ts';
import { boardCalendar } from '../../packages/elements/test-support/board-fixtures.ts';

const calendar = boardCalendar({ technicians: 50, days: 7, visits: 400 });
const items = [
  { id: '0190f3c4-0000-7000-8000-000000000011', name: 'Leaking tap repair' },
  { id: '0190f3c4-0000-7000-8000-000000000012', name: 'Blocked drain clearing' },
];
const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
// The API, answered in the page: what is timed is the element, not a network.
window.fetch = async (input) => {
  const url = new URL(typeof input === 'string' ? input : input.url);
  if (url.pathname.endsWith('/appointments/calendar-view') && !performance.getEntriesByName('calendar-requested').length)
    performance.mark('calendar-requested');
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
  if (url.pathname.endsWith('/appointments/calendar-view')) return json(calendar);
  if (url.pathname.endsWith('/services/items')) return json({ data: items, nextCursor: null });
  if (url.pathname.endsWith('/appointments')) return json({ data: [], nextCursor: null });
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'not_found', requestId: 'x' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
};

window.renderBoard = () =>
  new Promise((resolve) => {
    document.body.replaceChildren();
    const board = document.createElement('crew-dispatch-board');
    Object.assign(board, { apiBase: 'https://api.example', org: '0190f3c4-1111-7000-8000-000000000001', accessToken: 'at', locale: 'en' });
    board.setAttribute('view', 'week');
    board.setAttribute('date', '2031-03-04');
    board.setAttribute('timezone', 'Australia/Sydney');
    board.addEventListener('crew-ready', () => {
      // The frame after: style and layout of what was rendered are part of "shown".
      requestAnimationFrame(() => setTimeout(() => {
        performance.mark('board-shown');
        const measure = performance.measure('board-first-render', 'board-start', 'board-shown');
        const requested = performance.measure('board-request', 'board-start', 'calendar-requested');
        resolve({ ms: measure.duration, requestMs: requested.duration, lanes: board.shadowRoot.querySelectorAll('.lane').length, visits: board.shadowRoot.querySelectorAll('.lane .visit').length });
      }));
    }, { once: true });
    performance.clearMarks();
    performance.clearMeasures();
    performance.mark('board-start');
    document.body.append(board);
  });

window.scrollBoard = async () => {
  const board = document.querySelector('crew-dispatch-board');
  const scroller = board.shadowRoot.querySelector('.lanes');
  const times = [];
  const scripts = [];
  for (let i = 1; i <= 20; i++) {
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const start = performance.now();
    scroller.scrollTop = (i % 2 ? i * 56 * 2 : scroller.scrollHeight - i * 56);
    scroller.dispatchEvent(new Event('scroll'));
    await board.updateComplete;
    scripts.push(performance.now() - start);
    // Forces style and layout of the new slice, as the next frame would.
    board.shadowRoot.querySelector('.lanes').getBoundingClientRect();
    board.shadowRoot.querySelector('.lane:last-of-type')?.offsetWidth;
    times.push(performance.now() - start);
  }
  return { times, scripts };
};
`;

const bundle = await build({
  stdin: { contents: page, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
  bundle: true,
  format: 'esm',
  write: false,
  target: 'es2022',
  conditions: ['crewkit-source', 'browser', 'production'],
  define: { 'process.env.NODE_ENV': '"production"' },
  minify: true,
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  type Result = { ms: number; requestMs: number; lanes: number; visits: number };
  const render = (tab: import('playwright').Page) =>
    tab.evaluate(() => (window as unknown as { renderBoard(): Promise<Result> }).renderBoard());
  const open = async () => {
    const tab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await tab.setContent('<!doctype html><html><body></body></html>');
    await tab.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
    await tab.waitForFunction(() => 'renderBoard' in window);
    return tab;
  };
  const colds: Result[] = [];
  for (let i = 0; i < coldRuns; i++) {
    const fresh = await open();
    colds.push(await render(fresh));
    await fresh.close();
  }
  const tab = await open();
  const results: Result[] = [];
  for (let i = 0; i < runs; i++) results.push(await render(tab));
  const { times: scrolls, scripts } = await tab.evaluate(() =>
    (window as unknown as { scrollBoard(): Promise<{ times: number[]; scripts: number[] }> }).scrollBoard(),
  );
  scripts.sort((a, b) => a - b);
  const first = results[0]!;
  const warm = results
    .slice(1)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  scrolls.sort((a, b) => a - b);
  console.log(
    `\nDispatch board, 50 technicians × 7 days × 400 visits, Chromium (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, API round trip ${latencyMs} ms)`,
  );
  console.log(`lanes rendered: ${first.lanes} of 50; visits rendered: ${first.visits} of 400`);
  const cold = colds.map((r) => r.ms).sort((a, b) => a - b);
  const requested = colds.map((r) => r.requestMs).sort((a, b) => a - b);
  const mid = (list: number[]) => list[Math.floor(list.length / 2)]!;
  console.log(
    `first render, cold page: median ${mid(cold).toFixed(1)} ms, min ${cold[0]!.toFixed(1)}, max ${cold.at(-1)!.toFixed(1)} (${cold.length} fresh pages; calendar requested after median ${mid(requested).toFixed(1)} ms)`,
  );
  console.log(`first render, the one cold page the later mounts run on: ${first.ms.toFixed(1)} ms`);
  console.log(
    `first render, later mounts: median ${warm[Math.floor(warm.length / 2)]!.toFixed(1)} ms, max ${warm.at(-1)!.toFixed(1)} ms (${warm.length} runs)`,
  );
  console.log(
    `scroll to a new slice of lanes, rendered: median ${scripts[10]!.toFixed(1)} ms, max ${scripts.at(-1)!.toFixed(1)} ms; with style and layout: median ${scrolls[10]!.toFixed(1)} ms, max ${scrolls.at(-1)!.toFixed(1)} ms`,
  );
} finally {
  await browser.close();
}
