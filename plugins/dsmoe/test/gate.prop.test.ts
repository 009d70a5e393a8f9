import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, tf } from '@labbench/tensor';
import { activeMask, rescale, straightThroughGate, thresholded } from '../src/index.js';

const gates = fc.array(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 12 });

test('straightThroughGate: for any q and tau, the forward value equals G(q) exactly and lies in {0} or (tau, 1)', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(gates, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (q, tau) => {
      const [s, g] = tf.tidy(() => {
        const x = tf.tensor1d(q);
        return [Array.from(straightThroughGate(x, tau).dataSync()), Array.from(thresholded(x, tau).dataSync())];
      });
      const qf = q.map(Math.fround);
      return s.every((v, i) => v === g[i] && v === (qf[i] > Math.fround(tau) ? qf[i] : 0) && (v === 0 || (v > Math.fround(tau) && v < 1)));
    }),
    { numRuns: 50 },
  );
});

test('straightThroughGate: for any q, the backward pass is the identity (custom op, not G), and G alone passes only active gates', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(gates, (q) => {
      const upstream = q.map((_, i) => i + 1);
      const [ste, plain] = tf.tidy(() => {
        const x = tf.tensor1d(q);
        const w = tf.tensor1d(upstream);
        return [
          Array.from(
            tf
              .grad((t: tf.Tensor) => tf.sum(tf.mul(straightThroughGate(t, 0.5), w)))(x)
              .dataSync(),
          ),
          Array.from(
            tf
              .grad((t: tf.Tensor) => tf.sum(tf.mul(thresholded(t, 0.5), w)))(x)
              .dataSync(),
          ),
        ];
      });
      return ste.every((g, i) => g === upstream[i]) && plain.every((g, i) => g === (Math.fround(q[i]) > 0.5 ? upstream[i] : 0));
    }),
    { numRuns: 40 },
  );
});

test('rescale: for any mask [N, n], the factor is n / max(#active, 1) and #active lies in [0, n]', async () => {
  await initBackend('cpu');
  const input = fc
    .integer({ min: 1, max: 8 })
    .chain((n) => fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }));
  fc.assert(
    fc.property(input, (q) => {
      const n = q[0].length;
      const [factor, mask] = tf.tidy(() => {
        const m = activeMask(tf.tensor2d(q), 0.5);
        return [Array.from(rescale(m, n).dataSync()), m.arraySync() as number[][]];
      });
      return mask.every((row, i) => {
        const active = row.reduce((a, b) => a + b, 0);
        return active >= 0 && active <= n && Math.abs(factor[i] - n / Math.max(active, 1)) < 1e-6;
      });
    }),
    { numRuns: 40 },
  );
  assert.ok(true);
});
