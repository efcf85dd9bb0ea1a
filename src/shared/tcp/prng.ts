// A small seeded pseudo-random source (mulberry32), so injected faults replay identically.
// Not for cryptography: 32 bits of state, good enough to spread losses evenly.

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
}

export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Mixes a seed with a string (a connection id, a direction) into a new 32-bit seed (FNV-1a). */
export function deriveSeed(seed: number, salt: string): number {
  let h = (2166136261 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < salt.length; i++) {
    h ^= salt.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  h ^= seed >>> 16;
  return Math.imul(h, 2246822519) >>> 0;
}
