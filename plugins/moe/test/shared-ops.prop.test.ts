import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { frequencyBuckets } from '@labbench/core';
import { initBackend, loadBalancingLoss, routerStats, tf } from '@labbench/tensor';

test('loadBalancingLoss: uniform probabilities with balanced assignments give exactly 1; collapse onto one expert gives E', async () => {
  await initBackend('cpu');
  const E = 4;
  const uniform = tf.fill([8, E], 1 / E) as tf.Tensor2D;
  const balanced = tf.tensor2d(Array.from({ length: 8 }, (_, t) => Array.from({ length: E }, (_, e) => (e === t % E ? 1 : 0))));
  assert.ok(Math.abs(loadBalancingLoss(uniform, balanced).dataSync()[0] - 1) < 1e-6);
  const collapsed = tf.tensor2d(Array.from({ length: 8 }, () => [1, 0, 0, 0]));
  assert.ok(Math.abs(loadBalancingLoss(collapsed, collapsed).dataSync()[0] - E) < 1e-5);
  tf.dispose([uniform, balanced, collapsed]);
});

test('routerStats: for any routing, tokens per expert sum to the selections, imbalance >= 1 and unused experts are counted', async () => {
  await initBackend('cpu');
  const input = fc.integer({ min: 2, max: 6 }).chain((E) =>
    fc.array(
      fc.array(
        fc.integer({ min: -40, max: 40 }).map((v) => v / 10),
        { minLength: E, maxLength: E },
      ),
      { minLength: 1, maxLength: 8 },
    ),
  );
  fc.assert(
    fc.property(input, (logits) => {
      const E = logits[0].length;
      const out = tf.tidy(() => {
        const probs = tf.softmax(tf.tensor2d(logits)) as tf.Tensor2D;
        const selected = tf.cast(tf.oneHot(tf.argMax(probs, 1), E), 'float32') as tf.Tensor2D;
        const s = routerStats(probs, selected);
        return {
          tpe: Array.from(s.tokensPerExpert.dataSync()),
          imb: s.loadImbalance.dataSync()[0],
          unused: s.unusedExperts.dataSync()[0],
          ent: s.routerEntropy.dataSync()[0],
          top1: Array.from(s.top1.dataSync()),
        };
      });
      const argmaxes = logits.map((row) => row.reduce((b, v, i) => (Math.fround(v) > Math.fround(row[b]) ? i : b), 0));
      return (
        out.tpe.reduce((a, b) => a + b, 0) === logits.length &&
        out.imb >= 1 - 1e-6 &&
        out.unused === out.tpe.filter((c) => c === 0).length &&
        out.ent >= -1e-6 &&
        out.ent <= Math.log(E) + 1e-5 &&
        out.top1.every((e, t) => e === argmaxes[t])
      );
    }),
    { numRuns: 30 },
  );
});

test('frequencyBuckets: for any counts and shares, buckets are monotone in training count and each bucket ends within one type of its share', () => {
  const input = fc.record({
    counts: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 40 }),
    shares: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }).map((w) => w.map((x) => x / w.reduce((a, b) => a + b, 0))),
  });
  fc.assert(
    fc.property(input, ({ counts, shares }) => {
      const buckets = frequencyBuckets(counts, shares);
      const order = counts.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
      for (let j = 1; j < order.length; j++) if (buckets[order[j]] < buckets[order[j - 1]]) return false;
      return Array.from(buckets).every((b) => b >= 0 && b < shares.length);
    }),
    { numRuns: 50 },
  );
  assert.deepEqual(Array.from(frequencyBuckets([5, 3, 2], [0.5, 0.5])), [0, 1, 1]);
  assert.deepEqual(Array.from(frequencyBuckets([1, 80, 15, 4], [0.8, 0.15, 0.05])), [2, 0, 1, 2]);
  assert.throws(() => frequencyBuckets([1, 2], [0.5, 0.4]), /sum to 1/);
});
