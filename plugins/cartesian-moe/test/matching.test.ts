import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, resolveArm, type ModelFactory } from '@labbench/core';
import { initBackend } from '@labbench/tensor';
import moePlugin from '@labbench/plugin-moe';
import { cartesianMoeModel, cartesianStudy } from '../src/index.js';

// The study's arms are built from the moe plugin's model and this one; tests reach the sibling
// plugin's source directly (workspace packages are not linked to each other).
const factories: Record<string, ModelFactory<any>> = { moe: moePlugin.models![0], 'cartesian-moe': cartesianMoeModel };

for (const profile of [PROFILES.smoke, PROFILES.quick, PROFILES.full]) {
  test(`cartesian-moe study (${profile.name} sizes): every arm's total and active parameters are within 1% of the baseline's`, async () => {
    await initBackend('cpu');
    const sizes = new Map<string, { total: number; active: number }>();
    for (const armId of Object.keys(cartesianStudy.arms)) {
      const arm = resolveArm(cartesianStudy, armId);
      const model = factories[arm.model].create({ ...profile.model, ...arm.modelConfig }, { vocabSize: profile.vocabSize, seqLen: profile.seqLen, seed: 0 });
      sizes.set(armId, model.params());
      model.dispose();
    }
    const base = sizes.get(cartesianStudy.baseline!)!;
    for (const [armId, p] of sizes) {
      assert.ok(Math.abs(p.total / base.total - 1) < 0.01, `${armId}: total ${p.total} vs ${base.total}`);
      assert.ok(Math.abs(p.active / base.active - 1) < 0.01, `${armId}: active ${p.active} vs ${base.active}`);
    }
  });
}
