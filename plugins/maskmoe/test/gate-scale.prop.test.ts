import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { claimGates, resolveArm, type ModelFactory } from '@labbench/core';
import { initBackend, tf, type DecoderLM, type RoutedExperts } from '@labbench/tensor';
import moePlugin from '@labbench/plugin-moe';
import { maskMoeModel, maskMoeStudy } from '../src/index.js';

// SMoE and Hash arms use the moe plugin's model (tests reach the sibling plugin's source directly).
const factories: Record<string, ModelFactory<any>> = { moe: moePlugin.models![0], maskmoe: maskMoeModel };
const VOCAB = 60;
const tiny = { dModel: 8, layers: 2, heads: 2, ffnHidden: 8 };
const counts = Float64Array.from({ length: VOCAB }, (_, i) => 500 / (i + 1)); // Zipf: a frequent head and a rare tail

/** Routing of layer 0 of a study arm at tiny size, on arbitrary hidden states and token ids. */
function gatesOf(armId: string, ids: number[], hidden: number[]): number[][] {
  const arm = resolveArm(maskMoeStudy, armId);
  const model = factories[arm.model].create({ ...tiny, ...arm.modelConfig }, { vocabSize: VOCAB, seqLen: 8, seed: 4, tokenCounts: counts }) as DecoderLM;
  const routed = (model.layers[0].feedForward as unknown as { routed: RoutedExperts }).routed;
  const gates = tf.tidy(() => routed.route(tf.tensor2d(hidden, [ids.length, tiny.dModel]), tf.tensor1d(ids, 'int32')).gates.arraySync());
  model.dispose();
  return gates;
}

const batch = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    ids: fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: n, maxLength: n }),
    hidden: fc.array(
      fc.integer({ min: -300, max: 300 }).map((v) => v / 100),
      { minLength: n * tiny.dModel, maxLength: n * tiny.dModel },
    ),
  }),
);

test('maskmoe study: for any tokens, SMoE, hash and MaskMoE (rare and frequent tokens) route each token to one expert with gate exactly 1', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(batch, ({ ids, hidden }) =>
      ['smoe', 'hash', 'maskmoe', 'maskmoe-vfreq2', 'maskmoe-vfreq8'].every((armId) => {
        const gates = gatesOf(armId, ids, hidden);
        return gates.every((row) => row.filter((g) => g !== 0).length === 1 && row.reduce((a, b) => a + b, 0) === 1);
      }),
    ),
    { numRuns: 10 },
  );
});

test('maskmoe study v1 gates (top-1 not renormalised): SMoE gates are below 1 while hash and rare-token gates are 1, the confound v2 removes', async () => {
  await initBackend('cpu');
  const arm = resolveArm(maskMoeStudy, 'smoe');
  const model = factories.moe.create(
    { ...tiny, ...arm.modelConfig, renormalize: 'k>1' },
    { vocabSize: VOCAB, seqLen: 8, seed: 4, tokenCounts: counts },
  ) as DecoderLM;
  const routed = (model.layers[0].feedForward as unknown as { routed: RoutedExperts }).routed;
  const gates = tf.tidy(() =>
    routed.route(tf.randomNormal([16, tiny.dModel], 0, 1, 'float32', 2) as tf.Tensor2D, tf.zeros([16], 'int32') as tf.Tensor1D).gates.arraySync(),
  );
  model.dispose();
  assert.ok(
    gates.every((row) => Math.max(...row) < 1),
    'v1 SMoE gates (the raw top-1 probability) are below 1',
  );
});

test("maskmoe study: claims and gates name the study's arms (knock-out arms included), with exactly one headline", () => {
  const arms = new Set([...Object.keys(maskMoeStudy.arms), ...(maskMoeStudy.knockouts ?? []).map((k) => `knockout-${k.component}`)]);
  assert.equal(maskMoeStudy.claims!.filter((c) => c.role === 'headline').length, 1);
  for (const c of maskMoeStudy.claims!) {
    assert.ok(arms.has(c.method) && arms.has(c.baseline), c.id);
    assert.deepEqual(claimGates(maskMoeStudy, c).unknown, [], c.id);
  }
  for (const g of maskMoeStudy.gates ?? []) assert.ok(arms.has(g.arm) && (g.kind !== 'margin' || arms.has(g.than)), g.id);
  assert.ok(!maskMoeStudy.claims!.some((c) => c.metric.startsWith('fluctuation')), 'rare tokens cannot fluctuate by construction: not a claim');
});
