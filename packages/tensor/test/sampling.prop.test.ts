import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { binomialAcceptance } from '@labbench/core/testing';
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

test('sampleToken: for any few logits and temperature, untruncated draws follow softmax(logits / T) (exact binomial bounds at 1e-7 per id)', () => {
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
        // not k standard errors: with p = 1.8e-4 five counts (P = 9.4e-4) pass five of them; CI failed on it
        const [lo, hi] = binomialAcceptance(p, draws, 1e-7);
        assert.ok(lo <= counts[i] && counts[i] <= hi, `id ${i}: ${counts[i]} of ${draws} draws, softmax ${p} (accepted ${lo}-${hi})`);
      });
    }),
    { numRuns: 60 },
  );
});
