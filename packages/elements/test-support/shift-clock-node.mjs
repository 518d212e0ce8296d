// @ts-check
// `node --import` preload for the e2e reference server: its clock reads the tests' "now" (see
// test-clock.mjs). PGlite's `now()` reads the same JavaScript clock, so SQL and code agree.
import { shiftClock, testNow } from './test-clock.mjs';

shiftClock(globalThis, testNow());
