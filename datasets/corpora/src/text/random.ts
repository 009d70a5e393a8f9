import { fnv1a32 } from './split.js';

/** A seeded generator of floats in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: tiny, fast and good enough for sampling documents and distractors. Every stream in
 * this package is seeded from a (seed, purpose) pair, so two purposes never share a stream and
 * adding a draw in one set cannot shift another set's sample.
 */
export function createRng(seed: number, purpose = ''): Rng {
  let state = (fnv1a32(`${purpose}#${seed >>> 0}`) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export const randomInt = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** Fisher-Yates on a copy. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `k` distinct items in a seeded order (all of them when k >= length). */
export function sample<T>(items: readonly T[], k: number, rng: Rng): T[] {
  return shuffled(items, rng).slice(0, Math.max(0, k));
}
