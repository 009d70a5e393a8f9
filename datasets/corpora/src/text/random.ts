import { Rng, deriveSeed } from '../core.js';

export type { Rng };

/**
 * Core's seeded generator, on a stream derived from (seed, purpose): two purposes never share a
 * stream, so adding a draw in one set cannot shift another set's sample.
 */
export function createRng(seed: number, purpose: string): Rng {
  return new Rng(deriveSeed(seed, purpose));
}

/** Integer in [0, n). */
export const randomInt = (rng: Rng, n: number): number => rng.int(0, n - 1);

/** Fisher-Yates on a copy. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  return rng.shuffle(items.slice());
}

/** `k` distinct items in a seeded order (all of them when k >= length). */
export function sample<T>(items: readonly T[], k: number, rng: Rng): T[] {
  return shuffled(items, rng).slice(0, Math.max(0, k));
}
