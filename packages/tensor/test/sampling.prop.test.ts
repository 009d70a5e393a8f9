import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng, type GenerationOptions } from '@labbench/core';
import { sampleToken } from '../src/index.js';
import { descendingOrder } from '../src/eval/sampling.js';

/** The sampler before the sort was replaced: a comparator sort of every id. */
function referenceSample(logits: Float32Array, options: GenerationOptions, rng: Rng): number {
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  if (options.topK && options.topK > 0) order = order.slice(0, options.topK);
  const max = logits[order[0]];
  let weights = order.map((i) => Math.exp((logits[i] - max) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  weights = weights.map((w) => w / total);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < weights.length && cumulative < options.topP) cumulative += weights[keep++];
    order = order.slice(0, Math.max(1, keep));
    weights = weights.slice(0, order.length);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let u = rng.float() * sum;
  for (let i = 0; i < order.length; i++) {
    u -= weights[i];
    if (u <= 0) return order[i];
  }
  return order[order.length - 1];
}

// few distinct values, signed zeros and infinities, so ties and the float32 bit patterns' edge cases come up
const logit = fc.oneof(fc.float({ noNaN: true, min: -50, max: 50 }), fc.constantFrom(0, -0, 1, -1, 2.5, -Infinity, Infinity, 1e-30, -1e-30));
const logits = fc.array(logit, { minLength: 1, maxLength: 300 }).map((xs) => Float32Array.from(xs));

test('descendingOrder: for any float32 logits, the order of the comparator sort (value descending, ties by id)', () => {
  fc.assert(fc.property(logits, (xs) => {
    assert.deepEqual(descendingOrder(xs), Array.from(xs.keys()).sort((a, b) => xs[b] - xs[a] || a - b));
  }), { numRuns: 500 });
});

test('sampleToken: for any logits, options and seed, the same token as the comparator-sort sampler', () => {
  const options = fc.record({
    maxTokens: fc.constant(1), temperature: fc.constantFrom(0, 0.5, 1, 2), seed: fc.constant(0),
    topK: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), topP: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
  });
  fc.assert(fc.property(logits.filter((xs) => xs.some(Number.isFinite)), options, fc.integer(), (xs, o, seed) => {
    const [a, b] = [new Rng(seed), new Rng(seed)];
    for (let k = 0; k < 3; k++) assert.equal(sampleToken(xs, o, a), referenceSample(xs, o, b));
  }), { numRuns: 500 });
});
