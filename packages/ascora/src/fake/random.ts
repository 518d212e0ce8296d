/** A seeded PRNG (mulberry32): the same seed gives the same fake data on every machine and run. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const random = {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (probability: number) => next() < probability,
    /** A GUID shaped like .NET's `Guid.NewGuid()` (version 4, RFC variant), lower case. */
    guid(): string {
      let hex = '';
      for (let i = 0; i < 4; i++)
        hex += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
  return random;
}
export type Random = ReturnType<typeof createRandom>;
