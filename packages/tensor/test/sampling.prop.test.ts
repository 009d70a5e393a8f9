import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { sampleToken } from '../src/index.js';
import { descendingOrder } from '../src/eval/sampling.js';

/** The ranking before the native sort: a comparator sort of every id. */
const comparatorOrder = (logits: Float32Array) => Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);

// few distinct values, signed zeros and infinities, so ties and the float32 bit patterns' edge cases come up
const logit = fc.oneof(fc.float({ noNaN: true, min: -50, max: 50 }), fc.constantFrom(0, -0, 1, -1, 2.5, -Infinity, Infinity, 1e-30, -1e-30));
const logits = fc.array(logit, { minLength: 1, maxLength: 300 }).map((xs) => Float32Array.from(xs));

// rows the sampler can draw from (a finite logit), and every option it reads
const samplable = logits.filter((xs) => xs.some(Number.isFinite));
const options = fc.record({
  maxTokens: fc.constant(1),
  temperature: fc.constantFrom(0, 0.5, 1, 2),
  seed: fc.constant(0),
  topK: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  topP: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
});

/**
 * A deviation of a frequency of n Bernoulli(p) draws from p that has probability below `delta`
 * (Bernstein's inequality). A fixed number of standard errors is not such a bound when n·p is
 * small: with p = 1.8e-4 and 4,000 draws, 5 counts (expected 0.73) exceed 5 standard errors,
 * and P(count >= 5) = 9.4e-4 (scipy.stats.binom.sf(4, 4000, 1.824e-4)); CI failed on it once.
 */
const bernsteinTolerance = (p: number, n: number, delta: number) => {
  const log = Math.log(2 / delta);
  return Math.sqrt((2 * p * (1 - p) * log) / n) + (2 * log) / (3 * n) + 1e-12;
};

test('descendingOrder: for any float32 logits, the order of the comparator sort (value descending, ties by id)', () => {
  fc.assert(
    fc.property(logits, (xs) => {
      assert.deepEqual(descendingOrder(xs), comparatorOrder(xs));
    }),
    { numRuns: 500 },
  );
});

test('sampleToken: for any logits, options and seed, the same token as the comparator-sort sampler', () => {
  fc.assert(
    fc.property(samplable, options, fc.integer(), (xs, o, seed) => {
      const [a, b] = [new Rng(seed), new Rng(seed)];
      for (let k = 0; k < 3; k++) assert.equal(sampleToken(xs, o, a), sampleToken(xs, o, b, comparatorOrder));
    }),
    { numRuns: 500 },
  );
});

test('sampleToken: for any logits, options and seed, the token is among the top-k logits (ties kept), and greedy or top-1 gives the first largest', () => {
  fc.assert(
    fc.property(samplable, options, fc.integer(), (xs, o, seed) => {
      const token = sampleToken(xs, o, new Rng(seed));
      const k = o.topK && o.topK > 0 ? Math.min(o.topK, xs.length) : xs.length;
      const kth = [...xs].sort((a, b) => b - a)[k - 1];
      assert.ok(xs[token] >= kth, `token ${token} (logit ${xs[token]}) below the k-th largest ${kth}`);
      if (o.temperature <= 0 || o.topK === 1) assert.equal(token, xs.indexOf(Math.max(...xs)));
    }),
    { numRuns: 500 },
  );
});

test('sampleToken: for any few logits and temperature, untruncated draws follow softmax(logits / T) (within a Bernstein bound at 1e-7 per id)', () => {
  const few = fc.array(fc.float({ noNaN: true, min: -4, max: 4 }), { minLength: 2, maxLength: 6 }).map((xs) => Float32Array.from(xs));
  fc.assert(
    fc.property(few, fc.constantFrom(0.5, 1, 2), fc.integer(), (xs, temperature, seed) => {
      const draws = 4000;
      const rng = new Rng(seed);
      const counts = new Array<number>(xs.length).fill(0);
      for (let k = 0; k < draws; k++) counts[sampleToken(xs, { maxTokens: 1, temperature, seed: 0 }, rng)]++;
      const max = Math.max(...xs);
      const weights = [...xs].map((x) => Math.exp((x - max) / temperature));
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, i) => {
        const p = w / total;
        assert.ok(Math.abs(counts[i] / draws - p) <= bernsteinTolerance(p, draws, 1e-7), `id ${i}: frequency ${counts[i] / draws}, softmax ${p}`);
      });
    }),
    { numRuns: 60 },
  );
});
