import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ContractError, check } from '@labbench/core';
import { describeModelContract } from '@labbench/tensor/testing';
import { denseModel, knockoutDense } from '../src/model.js';
import { denseBaseline } from '../src/studies.js';

const tiny = { dModel: 16, layers: 2, heads: 2, ffnHidden: 16 };
const context = { vocabSize: 50, seqLen: 8, seed: 3 };

// Both knock-outs must still be ordinary trainable models (gradients, no tensor leak, params).
describeModelContract({ ...denseModel, id: 'dense (ffn knocked out)' }, knockoutDense('ffn', tiny));
describeModelContract({ ...denseModel, id: 'dense (attention knocked out in layer 1)' }, knockoutDense('attention', tiny, [1]));

test('dense knockout: ffn leaves one hidden unit whatever the scale; the params drop by the FFN', () => {
  const config = knockoutDense('ffn', { ...tiny, ffnHiddenScale: 1.5, activation: 'relu' });
  assert.deepEqual(config, { ...tiny, ffnHidden: 1, activation: 'relu' });
  tf.setBackend('cpu');
  const full = denseModel.create(tiny, context);
  const knocked = denseModel.create(knockoutDense('ffn', tiny), context);
  // SwiGLU FFN: 3 D F weights per layer; F 16 -> 1
  assert.equal(full.params().total - knocked.params().total, tiny.layers * 3 * tiny.dModel * (16 - 1));
  full.dispose();
  knocked.dispose();
});

test('dense knockout: the configs pass the dense schema; unknown components are ContractErrors naming the factory', () => {
  for (const config of [knockoutDense('ffn', tiny), knockoutDense('attention', tiny), knockoutDense('attention', tiny, [0])]) {
    assert.equal(check('study', { ...denseBaseline, arms: { k: { modelConfig: config } } }).length, 0);
  }
  assert.throws(() => knockoutDense('routing', tiny), (e: unknown) => e instanceof ContractError && /model 'dense'/.test(e.message) && /'routing'/.test(e.message));
  assert.throws(() => denseModel.create({ ...tiny, attentionFreeLayers: [2] }, context), ConfigError);
});

test('dense knockout: for any ids, without attention in every layer a position\'s logits ignore all other tokens', () => {
  tf.setBackend('cpu');
  const model = denseModel.create(knockoutDense('attention', tiny), context);
  const withAttention = denseModel.create(tiny, context);
  assert.equal(model.params().total, withAttention.params().total - tiny.layers * 4 * tiny.dModel * tiny.dModel);
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 49 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 49 }), (ids, other) => {
    const changed = [other, ...ids.slice(1)]; // only the first token differs
    const [a, b] = tf.tidy(() => [ids, changed].map((row) => model.forward(tf.tensor2d([row], [1, 8], 'int32'), { training: false }).logits.arraySync() as number[][][]));
    for (let t = 1; t < 8; t++) a[0][t].forEach((v, i) => assert.ok(Math.abs(v - b[0][t][i]) < 1e-5, `t=${t}`));
  }), { numRuns: 20 });
  model.dispose();
  withAttention.dispose();
});
