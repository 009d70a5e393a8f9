import * as prand from 'pure-rand';

/** A seeded random source (xoroshiro128+ from pure-rand): the same seed, the same sequence. */
export class Rng {
  private generator: prand.RandomGenerator;

  constructor(seed: number) {
    this.generator = prand.xoroshiro128plus(seed | 0);
  }

  /** The generator's position, to continue the same sequence later (resumed training). */
  state(): number[] {
    return [...this.generator.getState()];
  }

  /** Continues from a position `state()` returned. */
  restore(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 4 || !state.every(Number.isInteger)) throw new Error(`Rng.restore: expected the four integers Rng.state() returns, got ${JSON.stringify(state)}.`);
    this.generator = prand.xoroshiro128plus.fromState(state);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.generator);
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return prand.unsafeUniformIntDistribution(0, 0xffffffff, this.generator) / 4294967296;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Derives a child seed from a seed and a label, so separate streams stay independent. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
