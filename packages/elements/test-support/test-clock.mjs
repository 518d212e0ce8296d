// @ts-check
/**
 * The element tests' clock. Every run sets "now" — the browser's and the e2e server's — to one
 * instant, so a test sees the same calendar on any day and in any zone of the machine. The default
 * is the evening the suite first failed (30 November in London, already 1 December in Sydney);
 * `CREWKIT_TEST_NOW` (and `TZ` for the machine's zone) pick another edge: `npm run test:elements:edges`
 * runs the date-dependent files at month, year and daylight-saving edges.
 */
export const defaultTestNow = '2026-11-30T19:50:00Z';

/** The instant this run calls "now", from `CREWKIT_TEST_NOW` or the default. */
export function testNow(env = process.env) {
  const now = env.CREWKIT_TEST_NOW ?? defaultTestNow;
  if (Number.isNaN(Date.parse(now))) throw new Error(`CREWKIT_TEST_NOW is not an ISO instant: ${now}`);
  return now;
}

/**
 * Moves `scope.Date` so that it reads `to` at this moment and runs on from there at the real pace
 * (timers, timeouts and animation frames are untouched, so waiting still works). `new Date(x)`,
 * `Date.parse` and `Date.UTC` are unchanged; only the readings of "now" move. Written to run both
 * in Node and inlined into the test page, so it depends on nothing but its arguments.
 *
 * @param {typeof globalThis} scope
 * @param {string} to
 */
export function shiftClock(scope, to) {
  const RealDate = scope.Date;
  const offset = RealDate.parse(to) - RealDate.now();
  const now = () => RealDate.now() + offset;
  scope.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });
}

/**
 * Serves the `crew-edge-run` command: whether this is one of the calendar-edge runs of
 * `npm run test:elements:edges` (it sets `CREWKIT_TEST_EDGE=1` with the zone and "now"). Tests
 * whose repetitions exercise the same date logic (at every viewport width, say) run them all in the
 * main run and one of them at each edge.
 *
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function testClockPlugin() {
  return {
    name: 'crew-test-clock',
    executeCommand({ command }) {
      if (command === 'crew-edge-run') return process.env.CREWKIT_TEST_EDGE === '1';
      return undefined;
    },
  };
}
