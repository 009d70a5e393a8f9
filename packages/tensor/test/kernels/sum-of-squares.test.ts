import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { fusedSumOfSquares } from '../../src/backend/kernels/sum-of-squares.js';
import { close, onEachBackend } from './helpers.js';

test('LabbenchSumOfSquares equals addN(sum(square(t))) over any list of tensors, on wasm and cpu', async () => {
  await onEachBackend(() => {
    const lists = fc.array(fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(lists, fc.nat(1000), (shapes, seed) => tf.tidy(() => {
      const ts = shapes.map((s, i) => tf.randomNormal(s, 0, 3, 'float32', seed + i));
      const got = fusedSumOfSquares(ts)!.dataSync();
      const want = tf.addN(ts.map((t) => tf.sum(tf.square(t)))).dataSync();
      return close(got, want, 1e-5);
    })), { numRuns: 30 });
  });
});
