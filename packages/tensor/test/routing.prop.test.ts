import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { argmaxMask, initBackend, routeTokens, tf } from '../src/index.js';

// The routing primitive every routed plugin builds on: logits [n, N], optional visibility [n, N].
const input = fc.record({ n: fc.integer({ min: 1, max: 6 }), N: fc.integer({ min: 2, max: 6 }) }).chain(({ n, N }) =>
  fc.record({
    logits: fc.array(
      fc.array(
        fc.integer({ min: -400, max: 400 }).map((v) => v / 100),
        { minLength: N, maxLength: N },
      ),
      { minLength: n, maxLength: n },
    ),
    // every token sees at least one expert (a mask never hides all of them)
    visible: fc.array(
      fc.array(fc.constantFrom(0, 1), { minLength: N, maxLength: N }).map((row) => (row.includes(1) ? row : [1, ...row.slice(1)])),
      { minLength: n, maxLength: n },
    ),
    k: fc.integer({ min: 1, max: N }),
    renormalize: fc.boolean(),
    excludeTop: fc.boolean(),
  }),
);

test('routeTokens: for any logits, visibility, k and switches, invisible experts get probability 0 and are never selected, |I| = min(k, eligible), renormalised gates sum to 1', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(input, ({ logits, visible, k, renormalize, excludeTop }) => {
      const out = tf.tidy(() => {
        const r = routeTokens(
          {
            logits: tf.tensor2d(logits),
            visible: tf.tensor2d(visible),
            gates: renormalize ? 'renormalize' : 'raw',
            exclude: excludeTop ? (ranking) => argmaxMask(ranking) : undefined,
          },
          k,
        );
        return { probs: r.probs.arraySync(), selected: r.selected.arraySync(), gates: r.gates.arraySync(), eligible: r.visible.arraySync() };
      });
      return logits.every((_, t) => {
        const visibleCount = visible[t].reduce((a, b) => a + b, 0);
        const eligibleCount = out.eligible[t].reduce((a, b) => a + b, 0);
        const chosen = out.selected[t].reduce((a, b) => a + b, 0);
        const gateSum = out.gates[t].reduce((a, b) => a + b, 0);
        return (
          out.probs[t].every((p, i) => visible[t][i] === 1 || p === 0) &&
          out.selected[t].every((s, i) => s === 0 || out.eligible[t][i] === 1) &&
          eligibleCount === visibleCount - (excludeTop ? 1 : 0) &&
          chosen === Math.min(k, eligibleCount) &&
          (!renormalize || chosen === 0 || Math.abs(gateSum - 1) < 1e-5)
        );
      });
    }),
    { numRuns: 60 },
  );
});

test('routeTokens: with k = 1 and renormalised gates the gate is exactly 1 and its gradient reaches the logits (d log p), unlike p / p', async () => {
  await initBackend('cpu');
  const logits = tf.tensor2d([
    [0.3, -1, 2, 0.5],
    [1, 1.5, -0.2, 0],
  ]);
  const weights = tf.tensor2d([
    [1, 2, 3, 4],
    [4, 3, 2, 1],
  ]);
  const gates = routeTokens({ logits, gates: 'renormalize' }, 1).gates.arraySync();
  assert.ok(gates.every((row) => row.filter((g) => g !== 0).length === 1 && row.reduce((a, b) => a + b, 0) === 1));
  const grad = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(routeTokens({ logits: l as tf.Tensor2D, gates: 'renormalize' }, 1).gates, weights)))(logits);
  assert.ok(tf.max(tf.abs(grad)).dataSync()[0] > 0);
  tf.dispose([logits, weights, grad]);
});
