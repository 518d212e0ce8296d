// Runs before each test file. Files share a worker's modules (vitest `isolate: false`), so state a
// module keeps for the life of a process starts afresh here for each file.
import { setPasswordHashCostForTests } from '../src/auth/passwords.js';
import { resetIdClock } from '../src/lib/ids.js';
import { testPasswordHashCost } from './password-cost.js';

resetIdClock();
// Passwords hashed by tests use scrypt at a small cost (a few milliseconds instead of ~130 ms a
// hash on the 2-core machine). passwords.test.ts checks the real cost.
setPasswordHashCostForTests(testPasswordHashCost);
