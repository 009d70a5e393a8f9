import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '@labbench/tensor';
import { detachedEntropy, focalLoss, mileLoss, mileWeights, normalisedWeightedLoss } from '../src/index.js';

test('detachedEntropy: uniform logits give ln V; one dominant logit gives ~0 and weight ~1', async () => {
  await initBackend('cpu');
  const h = tf.tidy(() => detachedEntropy(tf.tensor2d([[0, 0, 0, 0], [100, 0, 0, 0]])).arraySync());
  assert.ok(Math.abs(h[0] - Math.log(4)) < 1e-5);
  assert.ok(h[1] < 1e-5);
  const w = tf.tidy(() => mileWeights(tf.tensor2d([[100, 0, 0, 0]]), 1, 1).arraySync());
  assert.ok(Math.abs(w[0] - 1) < 1e-5);
});

test('normalisedWeightedLoss: alpha * w averages to 1 over the valid positions; scaling w changes nothing', async () => {
  await initBackend('cpu');
  const nll = [0.5, 2, 1, 7];
  const valid = [1, 1, 1, 0];
  const w = [1, 3, 2, 100];
  const run = (scale: number) => tf.tidy(() => normalisedWeightedLoss(tf.tensor1d(nll), tf.tensor1d(w.map((x) => x * scale)), tf.tensor1d(valid)).loss.dataSync()[0]);
  const expected = (1 * 0.5 + 3 * 2 + 2 * 1) / 2 / 3; // alpha = 1 / mean(1, 3, 2) = 1/2
  assert.ok(Math.abs(run(1) - expected) < 1e-6);
  assert.ok(Math.abs(run(7.5) - expected) < 1e-6);
});

test('mile and focal: all-padding batches give a finite zero loss, and nothing leaks', async () => {
  await initBackend('cpu');
  const before = tf.memory().numTensors;
  for (const loss of [mileLoss, focalLoss]) {
    const value = tf.tidy(() => {
      const out = loss.compute(tf.randomNormal([2, 3, 5]) as tf.Tensor3D, tf.fill([2, 3], -1, 'int32') as tf.Tensor2D, { gamma: 1 } as never);
      return out.loss.dataSync()[0];
    });
    assert.equal(value, 0);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('focal: targets predicted with probability ~1 (all weights ~0) stay finite', async () => {
  await initBackend('cpu');
  const value = tf.tidy(() => focalLoss.compute(tf.tensor3d([[[60, 0, 0], [0, 60, 0]]]), tf.tensor2d([[0, 1]], [1, 2], 'int32'), { gamma: 2 }).loss.dataSync()[0]);
  assert.ok(Number.isFinite(value));
});

test('mile: a negative gamma is rejected with the value and the fix', async () => {
  await initBackend('cpu');
  assert.throws(() => mileLoss.compute(tf.zeros([1, 1, 2]) as tf.Tensor3D, tf.zeros([1, 1], 'int32') as tf.Tensor2D, { gamma: -1, sigma: 1 }), /mile loss › gamma: gamma must be a finite number >= 0, got -1\.\n  Use 0 to recover plain cross-entropy/);
});
