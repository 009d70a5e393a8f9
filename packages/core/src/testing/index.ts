import type { TokenizerJSON, TrainedTokenizer } from '../contracts/tokenizer.js';

/**
 * A byte-level tokenizer for tests: ids 0-255 are UTF-8 bytes, 256 is end-of-text. Every string
 * round-trips; it needs no training, so model and evaluator tests do not depend on a BPE plugin.
 */
export function byteTokenizer(): TrainedTokenizer {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  return {
    id: 'bytes',
    vocabSize: 257,
    eosId: 256,
    encode: (text) => Int32Array.from(encoder.encode(text)),
    decode: (ids) => decoder.decode(Uint8Array.from(Array.from(ids).filter((i) => i < 256))),
    toJSON: (): TokenizerJSON => ({ type: 'bytes', version: 1 }),
  };
}

/**
 * The counts of n Bernoulli(p) trials a correct simulation lands in except with probability at
 * most `alpha` (at most alpha / 2 in each tail), from the exact binomial distribution: the
 * acceptance region of a statistical property checked over random seeds. k standard deviations
 * are not such a bound when n p is small or p is near 1 (at p = 0.95, n = 400, four of them fail
 * 1.4e-4 of the time, not 6e-5; at p = 1.8e-4, n = 4000, five fail 9.4e-4 of the time).
 */
export function binomialAcceptance(p: number, n: number, alpha: number): [number, number] {
  if (p <= 0) return [0, 0];
  if (p >= 1) return [n, n];
  // log pmf by the ratio pmf(k + 1) / pmf(k) = (n - k) / (k + 1) · p / (1 - p)
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
