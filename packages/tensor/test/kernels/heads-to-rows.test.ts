import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { fusedHeadsToRows } from '../../src/backend/kernels/heads-to-rows.js';
import { onEachBackend } from './helpers.js';

/** Parity of LabbenchHeadsToRows (and its gradient, LabbenchRowsToHeads) with transpose + reshape: bit for bit (pure copies). */
const composed = (x: tf.Tensor) => {
  const [b, h, t, dh] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b * t, h * dh]);
};
const bits = (x: tf.Tensor) => Buffer.from((x.dataSync() as Float32Array).buffer);

test('LabbenchHeadsToRows and its gradient equal transpose + reshape (values, shapes and gradient, bit for bit) on wasm and cpu', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({
      b: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: 4 }),
      t: fc.integer({ min: 1, max: 12 }),
      dh: fc.integer({ min: 1, max: 9 }),
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(shapes, ({ b, h, t, dh, seed }) =>
        tf.tidy(() => {
          const x = tf.randomNormal([b, h, t, dh], 0, 1, 'float32', seed);
          const w = tf.randomNormal([b * t, h * dh], 0, 1, 'float32', seed + 1);
          const got = fusedHeadsToRows(x);
          assert.ok(got, `the kernel is registered on ${backend}`);
          const want = composed(x);
          const gGot = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fusedHeadsToRows(v)!, w)))(x);
          const gWant = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(composed(v), w)))(x);
          return (
            got.shape.join() === want.shape.join() && bits(got).equals(bits(want)) && gGot.shape.join() === x.shape.join() && bits(gGot).equals(bits(gWant))
          );
        }),
      ),
      { numRuns: 30 },
    );
  });
});

test('fusedHeadsToRows declines what it does not handle (the caller composes stock ops)', async () => {
  await onEachBackend(() => {
    tf.tidy(() => {
      assert.equal(fusedHeadsToRows(tf.zeros([2, 3, 4])), undefined);
      assert.equal(fusedHeadsToRows(tf.zeros([1, 2, 3, 4], 'int32')), undefined);
    });
  });
});
