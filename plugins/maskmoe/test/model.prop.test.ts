import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, tf, trainModel } from '@labbench/tensor';
import { tinyRequest } from '@labbench/tensor/testing';
import moePlugin from '@labbench/plugin-moe';
import { MaskMoeFeedForward, MaskMoeLM, createMaskMoe, maskMoeModel, type MaskMoeConfig } from '../src/index.js';

// The SMoE baseline is the moe plugin's model (tests reach the sibling plugin's source directly).
const smoeModel = moePlugin.models![0];
const VOCAB = 257; // the byte tokenizer of tinyRequest
const tiny = { dModel: 8, layers: 2, heads: 2, ffnHidden: 8, experts: 4 };
const counts = Float64Array.from({ length: VOCAB }, (_, i) => (i < 8 ? 100 - i : i % 3)); // 8 frequent-ish types, a rare tail
const context = { vocabSize: VOCAB, seqLen: 8, seed: 3, tokenCounts: counts };

function build(config: Partial<MaskMoeConfig>): MaskMoeLM {
  return createMaskMoe({ ...tiny, ...config }, context) as MaskMoeLM;
}
const ffnOf = (model: MaskMoeLM) => model.layers[0].feedForward as MaskMoeFeedForward;
const idsArb = fc.array(fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 3 });
const hiddenArb = (n: number) =>
  fc.array(
    fc.integer({ min: -300, max: 300 }).map((v) => v / 100),
    { minLength: n * tiny.dModel, maxLength: n * tiny.dModel },
  );

/** Token ids of a batch (flattened) with a hidden state for each. */
const batchArb = idsArb.chain((rows) => fc.tuple(fc.constant(rows.flat()), hiddenArb(rows.flat().length)));

/** Routing of the MoE layer for token ids and arbitrary hidden states. */
function routeLayer(model: MaskMoeLM, ids: number[], hidden: number[]) {
  return tf.tidy(() => {
    const r = ffnOf(model).routed.route(tf.tensor2d(hidden, [ids.length, tiny.dModel]), tf.tensor1d(ids, 'int32'));
    return { probs: r.probs.arraySync(), selected: r.selected.arraySync(), gates: r.gates.arraySync() };
  });
}

test('MaskMoE: for any batch, masked experts get probability exactly 0, are never selected, and |I| = min(k, V_v) with gates summing to 1', async () => {
  await initBackend('cpu');
  const model = build({ topK: 2, visibleFrequent: 3 });
  const mask = model.masks.get(0)!;
  fc.assert(
    fc.property(batchArb, ([ids, hidden]) => {
      const r = routeLayer(model, ids, hidden);
      return ids.every((v, t) => {
        const visible = mask.visible.subarray(v * 4, v * 4 + 4);
        const chosen = r.selected[t].filter((s) => s === 1).length;
        return (
          r.probs[t].every((p, i) => visible[i] === 1 || p === 0) &&
          r.selected[t].every((s, i) => s === 0 || visible[i] === 1) &&
          chosen === Math.min(2, mask.counts[v]) &&
          Math.abs(r.gates[t].reduce((a, b) => a + b, 0) - 1) < 1e-5
        );
      });
    }),
    { numRuns: 25 },
  );
  model.dispose();
});

test('MaskMoE: the mask is not a variable and is unchanged by optimiser steps; rare tokens keep their single expert', async () => {
  await initBackend('cpu');
  const model = build({ topK: 1 });
  const mask = model.maskOf(0)!;
  assert.ok(!model.variables.some((v) => (v as tf.Tensor).id === mask.id));
  const before = Array.from(mask.dataSync());
  const rare = Array.from({ length: VOCAB }, (_, v) => v).filter((v) => model.masks.get(0)!.counts[v] === 1);
  const hidden = Array.from({ length: rare.length * tiny.dModel }, (_, i) => Math.sin(i));
  const routedBefore = routeLayer(model, rare, hidden).selected;
  const request = tinyRequest(maskMoeModel, { ...tiny }, 3);
  await trainModel({ ...request, budget: { ...request.budget, seqLen: 8 } }, model);
  assert.deepEqual(Array.from(mask.dataSync()), before);
  const otherHidden = hidden.map((h) => -2 * h + 0.5);
  assert.deepEqual(routeLayer(model, rare, otherHidden).selected, routedBefore);
  model.dispose();
});

test('MaskMoE with V = N for every token reproduces the SMoE model bit for bit (same seed): logits and training losses', async () => {
  await initBackend('cpu');
  const config = { ...tiny, topK: 2, sharedExperts: 0, sharedMix: 'none' };
  const smoe = smoeModel.create(config, context);
  const full = build({ topK: 2, visibleFrequent: 4, visibleRare: 4 });
  const ids = tf.tensor2d(
    [
      [1, 5, 9, 230, 2, 0],
      [7, 7, 3, 120, 18, 4],
    ],
    [2, 6],
    'int32',
  );
  const a = smoe.forward(ids, { training: false }).logits.dataSync();
  const b = full.forward(ids, { training: false }).logits.dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  const request = tinyRequest(smoeModel, config, 3);
  const budget = { ...request.budget, seqLen: 8 };
  const ra = await trainModel({ ...request, budget }, smoe);
  const rb = await trainModel({ ...request, model: maskMoeModel, budget }, full);
  assert.deepEqual(
    rb.record.trainLoss.map((p) => p.value),
    ra.record.trainLoss.map((p) => p.value),
  );
  ids.dispose();
  smoe.dispose();
  full.dispose();
});

test('MaskMoE with V = 1 for every token behaves as a hash layer: one fixed expert per token id, gate 1, output = that expert', async () => {
  await initBackend('cpu');
  const model = build({ topK: 2, visibleFrequent: 1, visibleRare: 1 });
  const mask = model.masks.get(0)!;
  fc.assert(
    fc.property(batchArb, ([ids, hidden]) => {
      const r = routeLayer(model, ids, hidden);
      const routedOk = ids.every((v, t) => {
        const expert = mask.visible.subarray(v * 4, v * 4 + 4).indexOf(1);
        return r.selected[t].every((s, i) => s === (i === expert ? 1 : 0)) && r.gates[t][expert] === 1;
      });
      const [y, single] = tf.tidy(() => {
        const x = tf.tensor2d(hidden, [ids.length, tiny.dModel]);
        const ffn = ffnOf(model);
        const onehot = tf.tensor2d(ids.map((v) => Array.from(mask.visible.subarray(v * 4, v * 4 + 4))));
        const context = { layer: 0, training: false, tokenIds: tf.tensor1d(ids, 'int32'), batch: 1, time: ids.length, shared: new Map() };
        return [ffn.apply(x, context).y.arraySync() as number[][], ffn.routed.experts.apply(x, onehot as tf.Tensor2D).arraySync() as number[][]];
      });
      return routedOk && y.every((row, t) => row.every((value, j) => Math.abs(value - single[t][j]) < 1e-6));
    }),
    { numRuns: 20 },
  );
  model.dispose();
});

test('MaskMoE: dispose frees the frozen mask tensors with the variables (no tensor left behind)', async () => {
  await initBackend('cpu');
  const before = tf.memory().numTensors;
  const model = build({ topK: 2, visibleFrequent: 3 });
  assert.ok(model.maskOf(0), 'an MoE layer has its mask');
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
