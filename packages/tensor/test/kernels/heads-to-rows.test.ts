import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as native from '@labbench/tensor-native';
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

test(`headsToRows loop: ${native.available ? 'the native copy equals the index formula both ways (any row stride and offset), on 1 and 2 threads' : 'JS only (addon not built)'}`, (t) => {
  const loop = native.binding?.headsToRows;
  if (!native.binding || !loop) {
    t.skip('addon without the headsToRows loop');
    return;
  }
  const b = native.binding;
  const sizes = fc.record({
    batch: fc.integer({ min: 1, max: 16 }),
    heads: fc.integer({ min: 1, max: 8 }),
    time: fc.integer({ min: 1, max: 128 }),
    dh: fc.integer({ min: 1, max: 64 }),
    // rows of `parts` blocks of H * Dh, this part at block `at` (SplitHeads' fused QKV: 3 parts)
    parts: fc.integer({ min: 1, max: 3 }),
    at: fc.nat(2),
    seed: fc.nat(),
  });
  fc.assert(
    fc.property(sizes, ({ batch, heads, time, dh, parts, at, seed }) => {
      const n = batch * heads * time * dh;
      const [d, part] = [heads * dh, at % parts];
      const src = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed));
      const want = new Float32Array(n * parts); // rows[b * T + t, part * D + h * Dh + e] = heads[b, h, t, e]; the other parts untouched (0)
      for (let bb = 0; bb < batch; bb++)
        for (let h = 0; h < heads; h++)
          for (let tt = 0; tt < time; tt++)
            for (let e = 0; e < dh; e++) want[(bb * time + tt) * parts * d + part * d + h * dh + e] = src[((bb * heads + h) * time + tt) * dh + e];
      return [1, 2].every((threads) => {
        b.setThreads(threads);
        const rows = new Float32Array(n * parts);
        if (parts === 1 && at === 0)
          loop(rows, src, batch, heads, time, dh, true); // the defaults
        else loop(rows, src, batch, heads, time, dh, true, parts * d, part * d);
        const back = new Float32Array(n);
        loop(rows, back, batch, heads, time, dh, false, parts * d, part * d);
        return Buffer.from(rows.buffer).equals(Buffer.from(want.buffer)) && Buffer.from(back.buffer).equals(Buffer.from(src.buffer));
      });
    }),
    { numRuns: 20 },
  );
  b.setThreads(2);
});
