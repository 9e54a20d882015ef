/**
 * Deterministic randomness for the fakes, so a test run with a given seed is reproducible.
 *
 * `mulberry32` is a tiny 32-bit PRNG; `hash32` (FNV-1a) turns strings into seeds so a decision
 * can be derived from "what the request was" rather than "when it arrived".
 */

/** A function returning floats uniformly distributed in [0, 1). */
export type Random = () => number;

/** The mulberry32 PRNG seeded with a 32-bit integer. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string (UTF-16 code units), optionally continuing from `seed`. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One uniform draw in [0, 1) determined only by `seed` and `key`. */
export function drawFor(seed: number, key: string): number {
  return mulberry32(hash32(key, (0x811c9dc5 ^ seed) >>> 0))();
}
