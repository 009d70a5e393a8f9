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
 * on a fixed seed. A property over random seeds uses `binomialAcceptance`.
 */
export const binomialTolerance = (p: number, n: number, k = 3) => k * Math.sqrt((p * (1 - p)) / n);

/**
 * The counts of n Bernoulli(p) trials a correct simulation lands in except with probability at
 * most `alpha` (at most alpha / 2 in each tail), from the exact binomial distribution. For a
 * property checked over many random seeds: k standard deviations are not such a bound when p is
 * near 0 or 1 (at p = 0.95, n = 400, four of them fail 1.4e-4 of the time, not 6e-5).
 */
export function binomialAcceptance(p: number, n: number, alpha: number): [number, number] {
  // log pmf by the ratio pmf(k + 1) / pmf(k) = (n - k) / (k + 1) · p / (1 - p); 0 < p < 1
  const logPmf = [n * Math.log1p(-p)];
  for (let k = 0; k < n; k++) logPmf.push(logPmf[k] + Math.log((n - k) / (k + 1)) + Math.log(p / (1 - p)));
  const top = Math.max(...logPmf);
  const pmf = logPmf.map((l) => Math.exp(l - top));
  const total = pmf.reduce((a, b) => a + b, 0);
  let lo = 0;
  for (let below = pmf[0] / total; below <= alpha / 2; below += pmf[lo] / total) lo++;
  let hi = n;
  for (let above = pmf[n] / total; above <= alpha / 2; above += pmf[hi] / total) hi--;
  return [lo, hi];
}
