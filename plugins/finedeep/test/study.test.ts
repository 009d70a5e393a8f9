import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContractError, claimGates } from '@labbench/core';
import { finedeepModel, finedeepStudy } from '../src/index.js';

test("finedeep study: one headline, claims on the study's arms, every named gate known (core defaults included), the balanced claims against both ends of the grid", () => {
  const claims = finedeepStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  for (const c of claims) {
    assert.ok(c.method in finedeepStudy.arms && c.baseline in finedeepStudy.arms, c.id);
    assert.deepEqual(claimGates(finedeepStudy, c).unknown, [], c.id);
  }
  assert.deepEqual(
    claims
      .filter((c) => c.method === 'm4-k4' && c.metric === 'id.all.bits_per_byte')
      .map((c) => c.baseline)
      .sort(),
    ['dense', 'm1-k16', 'm16-k1'],
  );
  assert.ok(
    claims.some((c) => c.metric.startsWith('nsar.rms')),
    'NSAR claims read the scale-free threshold',
  );
});

test('finedeep knock-out: ffn is the dense layout with width 1 (no expert grid), valid for any arm; other components are a ContractError', () => {
  for (const arm of Object.values(finedeepStudy.arms)) {
    const config = finedeepModel.knockout!('ffn', arm.modelConfig ?? {});
    assert.equal(config.layout, 'dense');
    assert.equal(config.ffnHidden, 1);
    assert.ok(!('subLayers' in config) && !('expertsPerSubLayer' in config));
  }
  const model = finedeepModel.create(
    { dModel: 8, layers: 1, heads: 2, ...finedeepModel.knockout!('ffn', { subLayers: 4, expertsPerSubLayer: 4 }) },
    { vocabSize: 20, seqLen: 4, seed: 1 },
  );
  assert.ok(model.params().total > 0);
  model.dispose();
  assert.throws(() => finedeepModel.knockout!('attention', {}), ContractError);
});
