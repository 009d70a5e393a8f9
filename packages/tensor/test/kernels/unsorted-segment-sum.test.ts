import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/index.js';
import { close, wasm } from './parity.js';

/** Parity of the `unsorted-segment-sum` kernel (packages/tensor/src/backend/kernels/unsorted-segment-sum.ts) against the stock or cpu kernel. */

test('wasm UnsortedSegmentSum (the embedding gradient; wasm has none) equals the cpu backend on random shapes', async () => {
  const input = fc.record({ n: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 7 }), segments: fc.integer({ min: 1, max: 9 }), seed: fc.nat(1000) });
  await fc.assert(fc.asyncProperty(input, async ({ n, d, segments, seed }) => {
    const x = Array.from({ length: n * d }, (_, i) => Math.sin(seed + i));
    const ids = Array.from({ length: n }, (_, i) => (seed * 3 + i * 7) % segments);
    const f = () => tf.unsortedSegmentSum(tf.tensor2d(x, [n, d]), tf.tensor1d(ids, 'int32'), segments);
    await tf.setBackend('cpu');
    const want = Float32Array.from(tf.tidy(f).dataSync());
    await wasm();
    const got = Float32Array.from(tf.tidy(f).dataSync());
    return close(got, want, 1e-5);
  }), { numRuns: 30 });
});
