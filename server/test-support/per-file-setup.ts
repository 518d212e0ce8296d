// Runs before each test file. Files share a worker's modules (vitest `isolate: false`), so state a
// module keeps for the life of a process starts afresh here for each file.
import { setPasswordHashCostForTests } from '../src/auth/passwords.js';
import { resetIdClock } from '../src/lib/ids.js';

resetIdClock();
// Passwords hashed by tests use scrypt at a small cost (N=2^10 instead of 2^15: well under a
// millisecond instead of ~40 ms a hash). passwords.test.ts checks the real cost.
setPasswordHashCostForTests({ N: 2 ** 10, r: 8, p: 1 });
