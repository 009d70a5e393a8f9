import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, resolveArm, type ModelFactory } from '@labbench/core';
import { initBackend } from '@labbench/tensor';
import moePlugin from '@labbench/plugin-moe';
import { maskMoeModel, maskMoeStudy } from '../src/index.js';

// SMoE and Hash arms use the moe plugin's model (tests reach the sibling plugin's source directly).
const factories: Record<string, ModelFactory<any>> = { moe: moePlugin.models![0], maskmoe: maskMoeModel };

test("maskmoe study (smoke and quick sizes): every arm's total and active parameters are within 1% of the baseline's", async () => {
  await initBackend('cpu');
  for (const profile of [PROFILES.smoke, PROFILES.quick]) {
    const counts = Float64Array.from({ length: profile.vocabSize }, (_, i) => 1000 / (i + 1));
    const sizes = new Map<string, { total: number; active: number }>();
    for (const armId of Object.keys(maskMoeStudy.arms)) {
      const arm = resolveArm(maskMoeStudy, armId);
      const model = factories[arm.model].create(
        { ...profile.model, ...arm.modelConfig },
        { vocabSize: profile.vocabSize, seqLen: profile.seqLen, seed: 0, tokenCounts: counts },
      );
      sizes.set(armId, model.params());
      model.dispose();
    }
    const base = sizes.get(maskMoeStudy.baseline!)!;
    for (const [armId, p] of sizes) {
      assert.ok(Math.abs(p.total / base.total - 1) < 0.01, `${profile.name} ${armId}: total ${p.total} vs ${base.total}`);
      assert.ok(Math.abs(p.active / base.active - 1) < 0.01, `${profile.name} ${armId}: active ${p.active} vs ${base.active}`);
    }
  }
});
