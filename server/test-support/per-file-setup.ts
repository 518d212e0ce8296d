// Runs before each test file. Files share a worker's modules (vitest `isolate: false`), so state a
// module keeps for the life of a process starts afresh here for each file.
import { resetIdClock } from '../src/lib/ids.js';

resetIdClock();
