import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertValid } from '@labbench/core';
import { initBackend } from '@labbench/tensor';
import { describeModelContract } from '@labbench/tensor/testing';
import plugin, { denseModel } from '../src/index.js';
import { denseBaseline } from '../src/studies.js';

// The reference plugin: every model passes the same contract suite (parameter counts,
// determinism, causality, no tensor leak over steps, perplexity >= 1), in both FFN variants.
const tiny = { dModel: 16, layers: 2, heads: 2, ffnHidden: 16 };
describeModelContract(denseModel, { ...tiny, activation: 'swiglu' });
describeModelContract({ ...denseModel, id: 'dense (relu)' }, { ...tiny, activation: 'relu', ffnHiddenScale: 1.5 });

test('dense: the plugin registers its model and study, and the study is schema-valid with claims on its own arms', () => {
  assert.equal(plugin.id, 'dense');
  assert.deepEqual(plugin.models?.map((m) => m.id), ['dense']);
  assert.deepEqual(plugin.studies?.map((s) => s.id), [denseBaseline.id]);
  assertValid('study', denseBaseline, `study '${denseBaseline.id}'`);
  assert.ok((denseBaseline.claims ?? []).length > 0);
  for (const claim of denseBaseline.claims ?? []) {
    assert.ok(claim.method in denseBaseline.arms && claim.baseline in denseBaseline.arms, `claim ${claim.id} compares arms of the study`);
  }
});

test('dense: for any width, the study\'s SwiGLU and ReLU arms have equal parameters and FLOPs per token (3DF each)', async () => {
  await initBackend('cpu');
  const arms = denseBaseline.arms;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), (headsDim, halfF, layers) => {
      const base = { dModel: 2 * headsDim, heads: 2, layers, ffnHidden: 2 * halfF };
      const context = { vocabSize: 32, seqLen: 8, seed: 1 };
      const [swiglu, relu] = [arms.swiglu, arms.relu].map((arm) => denseModel.create({ ...base, ...arm.modelConfig }, context));
      const equal = swiglu.params().total === relu.params().total && swiglu.flopsPerToken().inference === relu.flopsPerToken().inference;
      swiglu.dispose();
      relu.dispose();
      return equal;
    }),
    { numRuns: 15 },
  );
});
