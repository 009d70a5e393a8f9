import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LanguageModel, ObjectiveOptions } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { initBackend, tf, trainModel } from '../src/index.js';
import { tinyRequest } from '../src/testing/index.js';

/** A one-variable "model" whose own objective is (w - 3)^2; forward would fail if the trainer called it. */
function objectiveModel(calls: { training: boolean[]; tokenizer: unknown[] }): LanguageModel {
  const w = tf.variable(tf.scalar(0), true, `hook-test/w${Math.random()}`);
  return {
    kind: 'encoder', config: {}, variables: [w],
    forward: () => { throw new Error('forward must not be called when objective is present'); },
    objective: (ids: tf.Tensor2D, targets: tf.Tensor2D, options: ObjectiveOptions) => {
      assert.deepEqual(ids.shape, targets.shape);
      calls.training.push(options.training);
      calls.tokenizer.push(options.tokenizer);
      const loss = tf.square(tf.sub(w, 3)) as tf.Scalar;
      return { loss, stats: { 'hook.w': tf.clone(w) } };
    },
    params: () => ({ total: 1, active: 1 }),
    flopsPerToken: () => ({ train: 0, inference: 0 }),
    dispose: () => w.dispose(),
  };
}

test('trainModel: a model with objective() is trained on it instead of loss.compute; validation uses it with training=false', async () => {
  await initBackend('cpu');
  const calls = { training: [] as boolean[], tokenizer: [] as unknown[] };
  const model = objectiveModel(calls);
  const request = tinyRequest({ id: 'x', kind: 'encoder', description: '', defaults: {}, create: () => model }, {}, 40);
  const tokenizer = byteTokenizer();
  const before = tf.memory().numTensors;
  const { record } = await trainModel({ ...request, tokenizer, budget: { ...request.budget, learningRate: 0.1, warmupSteps: 1, weightDecay: 0, checkpoints: 2 } }, model);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assert.equal(calls.training.filter((t) => t).length, 40);
  assert.ok(calls.training.some((t) => !t), 'validation did not call the objective');
  assert.ok(calls.tokenizer.every((t) => t === tokenizer));
  assert.ok((record.trainLoss.at(-1)?.value ?? Number.NaN) < (record.trainLoss[0].value ?? Number.NaN), 'the objective did not decrease');
  assert.equal(record.validLoss.length, 2);
  assert.equal(record.positionLosses.length, 0, 'next-token position curves make no sense for an own objective');
  assert.equal(typeof record.modelStats['hook.w'], 'number');
  model.dispose();
});
