// Runs the date-dependent element tests again with the machine's zone and the tests' "now" set to
// calendar edges (see packages/elements/test-support/test-clock.mjs): the visitor's day in another
// month or year than the business's, and days when clocks change. `npm run test:elements` covers
// the default instant in the machine's own zone. With `CREWKIT_TEST_EDGE=1` set here, tests that repeat
// the same date logic at each viewport width run it at one width (the `crew-edge-run` command).
import { spawnSync } from 'node:child_process';

// The date-dependent files. The widget's screenshots are of one instant and skip themselves away
// from it: not loaded here at all.
const files = [
  'packages/elements/src/booking/{booking,booking.e2e,booking.layout,ics}.test.ts',
  'packages/elements/src/appointment-list/*.test.ts',
];
const edges = [
  // 30 Nov in London, 1 Dec in Sydney (the demo's zone): the month the visitor sees is not the business's.
  { zone: 'Australia/Sydney', now: '2026-11-30T19:50:00Z' },
  // 31 Dec everywhere west of the date line, already 1 Jan 2027 in Kiritimati (UTC+14).
  { zone: 'Pacific/Kiritimati', now: '2026-12-31T10:30:00Z' },
  // Sydney's clocks go back at 03:00 on 4 April 2027; still 3 April in New York, on summer time since March.
  { zone: 'America/New_York', now: '2027-04-03T15:30:00Z' },
];

for (const { zone, now } of edges) {
  console.log(`\nElement tests with the machine in ${zone} at ${now}`);
  const run = spawnSync('npx', ['wtr', '--config', 'web-test-runner.config.mjs', '--files', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TZ: zone, CREWKIT_TEST_NOW: now, CREWKIT_TEST_EDGE: '1' },
  });
  if (run.status !== 0) {
    console.error(`Element tests failed with the machine in ${zone} at ${now}`);
    process.exit(run.status ?? 1);
  }
}
