import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPasswordHashCost } from '../../test-support/password-cost.js';
import { hashPassword, passwordHashCost, setPasswordHashCostForTests, verifyPassword } from './passwords.js';

// The other test files hash at a small cost (test-support/per-file-setup.ts); this one at the real one.
describe('passwords', () => {
  beforeAll(() => setPasswordHashCostForTests(undefined));
  afterAll(() => setPasswordHashCostForTests(testPasswordHashCost));

  it('are hashed with scrypt at N=2^15, r=8, p=1 and a fresh salt, the cost written into the hash', async () => {
    expect(passwordHashCost).toEqual({ N: 32768, r: 8, p: 1 });
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = first.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64url')).toHaveLength(32);
    expect(second).not.toBe(first);
    expect(first).not.toContain('correct horse');
  });

  it('verify the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('compare in Unicode normal form, so a password typed on another keyboard still matches', async () => {
    // "é" as one code point and as "e" plus a combining accent.
    const stored = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('verify with the cost a hash records, so hashes made before a change of cost still work', async () => {
    setPasswordHashCostForTests({ N: 2 ** 12, r: 8, p: 1 });
    const older = await hashPassword('open sesame');
    setPasswordHashCostForTests(undefined);
    expect(older.split('$').slice(0, 4)).toEqual(['scrypt', '4096', '8', '1']);
    expect(await verifyPassword('open sesame', older)).toBe(true);
    expect(await verifyPassword('open sesame!', older)).toBe(false);
  });

  it('refuse a stored value that is not one of our hashes', async () => {
    for (const stored of [
      '',
      'plain',
      'bcrypt$10$x$y',
      'scrypt$$8$1$c2FsdA$aGFzaA',
      'scrypt$32768$8$1$c2FsdA',
    ])
      expect(await verifyPassword('plain', stored), stored).toBe(false);
  });
});
