import type { ScryptCost } from '../src/auth/passwords.js';

/** The scrypt cost passwords hashed by the server's test files use (the real one is N=2^15). */
export const testPasswordHashCost: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
