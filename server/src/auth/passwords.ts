import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt baseline (N=2^17, r=8, p=1) costs ~128 MiB and ~150 ms per hash on our 2-core
// machine; 2^15 keeps a login near 40 ms while staying far beyond GPU-friendly cost.
export const passwordHashCost: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
let params: ScryptCost = passwordHashCost;
const keyLength = 32;

/**
 * For test suites only: the cost of the hashes made from now on (`undefined` restores the real
 * one). A hash records its own cost, so verifying is unaffected. The server's test files create
 * thousands of owners and sign in thousands of times; at the real cost that was a third of a route
 * file's time. Nothing in the server calls this.
 */
export function setPasswordHashCostForTests(cost: ScryptCost | undefined): void {
  params = cost ?? passwordHashCost;
}

function maxmem(N: number, r: number): number {
  return 128 * N * r * 2;
}

/** Format: `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, keyLength, {
    ...params,
    maxmem: maxmem(params.N, params.r),
  });
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !N || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: maxmem(Number(N), Number(r)),
  });
  return timingSafeEqual(actual, expected);
}

// Checked when the email is unknown, so a login takes as long whether or not the account exists.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
