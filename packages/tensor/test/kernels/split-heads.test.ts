import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { fusedSplitHeads } from '../../src/backend/kernels/split-heads.js';
import { onEachBackend } from './helpers.js';

/** Parity of LabbenchSplitHeads (and its gradient, LabbenchMergeHeads) with split + reshape + transpose: bit for bit (pure copies). */
const composed = (qkv: tf.Tensor, heads: number) => {
  const [b, t, d3] = qkv.shape;
  return tf.split(qkv, 3, 2).map((x) => tf.transpose(tf.reshape(x, [b, t, heads, d3 / 3 / heads]), [0, 2, 1, 3]));
};

test('LabbenchSplitHeads and its gradient equal split + reshape + transpose (values and gradient, bit for bit) on wasm and cpu', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({ b: fc.integer({ min: 1, max: 4 }), t: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 4 }), dh: fc.integer({ min: 1, max: 9 }), seed: fc.nat(1000), used: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) });
    fc.assert(fc.property(shapes, ({ b, t, h, dh, seed, used }) => tf.tidy(() => {
      const qkv = tf.randomNormal([b, t, 3 * h * dh], 0, 1, 'float32', seed);
      const w = [0, 1, 2].map((i) => tf.randomNormal([b, h, t, dh], 0, 1, 'float32', seed + 1 + i));
      // a weighted sum of the parts in use: an unused part gets a zero gradient
      const loss = (parts: tf.Tensor[]) => tf.addN(parts.map((p, i) => tf.sum(tf.mul(p, used[i] ? w[i] : 0))));
      const got = fusedSplitHeads(qkv, h)!;
      const want = composed(qkv, h);
      const same = (x: tf.Tensor, y: tf.Tensor) => Buffer.compare(Buffer.from((x.dataSync() as Float32Array).buffer), Buffer.from((y.dataSync() as Float32Array).buffer)) === 0;
      const gGot = tf.grad((x: tf.Tensor) => loss(fusedSplitHeads(x, h)!))(qkv);
      const gWant = tf.grad((x: tf.Tensor) => loss(composed(x, h)))(qkv);
      return got.every((p, i) => same(p, want[i]) && p.shape.join() === want[i].shape.join()) && same(gGot, gWant);
    })), { numRuns: 30 });
    assert.ok(tf.getKernel('LabbenchSplitHeads', backend));
  });
});
