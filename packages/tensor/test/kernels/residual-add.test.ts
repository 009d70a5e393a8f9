import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { residualAdd } from '../../src/backend/kernels/residual-add.js';
import { onEachBackend } from './helpers.js';

/**
 * Parity of LabbenchResidualAdd with reshape + add: bit for bit (the kernel runs the backend's stock
 * Add), values and gradients, including a stream used again after the add (the gradient passes dy
 * through for x: tfjs must accumulate the second use into a new tensor, not into dy) and chains
 * of adds as in the decoder.
 */
const bits = (x: tf.Tensor) => Buffer.from((x.dataSync() as Float32Array).buffer);
const stock = (x: tf.Tensor, y: tf.Tensor) => tf.add(x, tf.reshape(y, x.shape));

/** A decoder-like chain: x1 = x + f(x) as [N, D], x2 = x1 + g(x1), loss weighted; every tensor used twice. */
function chain(add: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, x: tf.Tensor, y: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const [b, t, d] = x.shape;
  const x1 = add(x, tf.mul(tf.reshape(tf.tanh(x), [b * t, d]), y));
  const x2 = add(x1, tf.sin(x1));
  const x3 = add(x2, x2); // both addends the same tensor
  return tf.sum(tf.mul(tf.add(x3, x1), w));
}

test('LabbenchResidualAdd and its gradient equal reshape + add (bit for bit) on wasm and cpu', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({ b: fc.integer({ min: 1, max: 4 }), t: fc.integer({ min: 1, max: 9 }), d: fc.integer({ min: 1, max: 17 }), seed: fc.nat(1000) });
    fc.assert(
      fc.property(shapes, ({ b, t, d, seed }) =>
        tf.tidy(() => {
          assert.ok(tf.getKernel('LabbenchResidualAdd', backend));
          const x = tf.randomNormal([b, t, d], 0, 1, 'float32', seed);
          const y = tf.randomNormal([b * t, d], 0, 1, 'float32', seed + 1);
          const w = tf.randomNormal([b, t, d], 0, 1, 'float32', seed + 2);
          const got = residualAdd(x, y);
          const want = stock(x, y);
          const [gx, gy] = tf.grads((u: tf.Tensor, v: tf.Tensor) => chain(residualAdd, u, v, w))([x, y]);
          const [wx, wy] = tf.grads((u: tf.Tensor, v: tf.Tensor) => chain(stock, u, v, w))([x, y]);
          return (
            got.shape.join() === x.shape.join() &&
            bits(got).equals(bits(want)) &&
            gx.shape.join() === x.shape.join() &&
            gy.shape.join() === y.shape.join() &&
            bits(gx).equals(bits(wx)) &&
            bits(gy).equals(bits(wy))
          );
        }),
      ),
      { numRuns: 30 },
    );
  });
});

test('residualAdd leaves no tensor behind and broadcasts through tf.add when the sizes differ', async () => {
  await onEachBackend(() => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.ones([2, 3, 4]);
      tf.grads((u: tf.Tensor) => tf.sum(residualAdd(u, tf.ones([6, 4]))))([x]);
      assert.deepEqual(Array.from(residualAdd(x, tf.ones([4])).dataSync()), new Array(24).fill(2));
    });
    assert.equal(tf.memory().numTensors, before);
  });
});
