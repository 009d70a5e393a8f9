import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContractError } from '@labbench/core';
import { ParameterFactory, RoutedExperts, initBackend, softmaxTopK, tf, type RoutedLayerOptions } from '@labbench/tensor';
import { smallRoutedLayer, tokenRows } from '@labbench/tensor/testing';
import { moeModel, randomRouting, type MoeConfig } from '../src/index.js';

const D = 8;

function layer(options: Partial<RoutedLayerOptions>, seed = 3) {
  const params = new ParameterFactory(seed);
  return { layer: new RoutedExperts(params, 'ffn', smallRoutedLayer({ dModel: D, ...options })), params };
}

const tokens = tokenRows(D, 8);

test('renormalised top-1 (k = 1): for any tokens the gate is exactly 1, and the router still gets a non-zero gradient', async () => {
  await initBackend('cpu');
  const { layer: l, params } = layer({ policy: softmaxTopK('always') });
  fc.assert(
    fc.property(tokens, (x) => {
      const gates = tf.tidy(() => l.route(tf.tensor2d(x, [x.length, D]), tf.zeros([x.length], 'int32') as tf.Tensor1D).gates.arraySync());
      return gates.every((row) => row.filter((g) => g !== 0).length === 1 && row.reduce((a, b) => a + b, 0) === 1);
    }),
    { numRuns: 25 },
  );
  const grad = tf.tidy(() => {
    const x = tf.randomNormal([6, D], 0, 1, 'float32', 5) as tf.Tensor2D;
    const context = { layer: 0, training: true, tokenIds: tf.zeros([6], 'int32') as tf.Tensor1D, batch: 1, time: 6, shared: new Map() };
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(l.apply(x, context, 'moe').y)) as tf.Scalar, [l.router!]);
    return tf.max(tf.abs(grads[l.router!.name])).dataSync()[0];
  });
  assert.ok(grad > 0, 'the router learns through d(log p) although the gate value is 1');
  params.variables.forEach((v) => v.dispose());
});

test('random routing (the routing knock-out): no router, for any tokens and k exactly k distinct experts with equal gates 1/k, deterministic in evaluation', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(tokens, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (x, k, seed) => {
      const { layer: l, params } = layer({ topK: k, policy: randomRouting(seed) });
      const route = () =>
        tf.tidy(() => {
          const r = l.route(tf.tensor2d(x, [x.length, D]), tf.zeros([x.length], 'int32') as tf.Tensor1D);
          return { selected: r.selected.arraySync(), gates: r.gates.arraySync() };
        });
      const [a, b] = [route(), route()];
      params.variables.forEach((v) => v.dispose());
      return (
        l.router === undefined &&
        JSON.stringify(a) === JSON.stringify(b) &&
        a.selected.every(
          (row, t) => row.filter((s) => s === 1).length === k && a.gates[t].every((g, i) => (row[i] === 1 ? Math.abs(g - 1 / k) < 1e-6 : g === 0)),
        )
      );
    }),
    { numRuns: 25 },
  );
});

test('random routing shared by two sub-layers (CartesianMoE A and B): each call of a training step draws anew, and the draws depend only on the step and the call, so a fresh policy (a resumed training) repeats them', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 50 }), (seed, step) => {
      const draw = (policy: ReturnType<typeof randomRouting>, s: number) =>
        tf.tidy(() => Array.from(policy.decide({ tokenIds: tf.zeros([16], 'int32') as tf.Tensor1D, experts: 4, k: 1, training: true, step: s }).scores!.dataSync()));
      const shared = randomRouting(seed);
      const [a, b] = [draw(shared, step), draw(shared, step)];
      const fresh = randomRouting(seed);
      draw(fresh, step + 7); // a fresh policy that has seen another step first
      return JSON.stringify(a) !== JSON.stringify(b) && JSON.stringify(draw(fresh, step)) === JSON.stringify(a) && JSON.stringify(draw(fresh, step)) === JSON.stringify(b);
    }),
    { numRuns: 20 },
  );
});

test('random routing: over many tokens every expert is picked about equally often (chi-square below the 0.999 quantile)', async () => {
  await initBackend('cpu');
  const { layer: l, params } = layer({ topK: 1, policy: randomRouting(11) });
  const counts = tf.tidy(() =>
    Array.from(tf.sum(l.route(tf.zeros([4000, D]) as tf.Tensor2D, tf.zeros([4000], 'int32') as tf.Tensor1D).selected, 0).dataSync()),
  );
  const expected = 4000 / 4;
  const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 16.27, `chi2 ${chi2} (counts ${counts}); 16.27 = scipy.stats.chi2.ppf(0.999, 3)`);
  params.variables.forEach((v) => v.dispose());
});

test('moe.knockout: routing becomes uniform random routing (no router variables); other components are a ContractError', async () => {
  await initBackend('cpu');
  const config = moeModel.knockout!('routing', { experts: 4, topK: 2 });
  assert.deepEqual(config, { experts: 4, topK: 2, routing: 'random' });
  const tiny = { dModel: 8, layers: 2, heads: 2, ffnHidden: 8 };
  const model = moeModel.create({ ...tiny, ...config } as Partial<MoeConfig>, { vocabSize: 20, seqLen: 4, seed: 1 });
  assert.ok(!model.variables.some((v) => v.name.includes('router')));
  const learned = moeModel.create({ ...tiny, experts: 4, topK: 2 }, { vocabSize: 20, seqLen: 4, seed: 1 });
  assert.ok(learned.variables.some((v) => v.name.includes('router')));
  model.dispose();
  learned.dispose();
  assert.throws(() => moeModel.knockout!('attention', {}), ContractError);
});
