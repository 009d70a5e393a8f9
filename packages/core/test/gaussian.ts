import { deriveSeed, Rng } from '../src/random.js';

/** Seeded standard-normal draws (Box-Muller) for simulation tests. */
export function gaussian(seed: number): () => number {
  // hashed: xoroshiro streams from consecutive small seeds start out correlated
  const rng = new Rng(deriveSeed(seed, 'gaussian'));
  return () => {
    const u = 1 - rng.float(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  };
}

/**
 * `k` binomial standard deviations of a rate p over n trials: the tolerance of a simulated rate.
 * Three give a false alarm about 0.3% of the time near p = 0.5 (more as p nears 0 or 1): for tests
 * on a fixed seed. A property over random seeds uses `binomialAcceptance` (@labbench/core/testing).
 */
export const binomialTolerance = (p: number, n: number, k = 3) => k * Math.sqrt((p * (1 - p)) / n);

