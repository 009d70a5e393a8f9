import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainingPlan, TrainingStart } from '@labbench/core';
import { DecoderLM, decoderDefaults, initBackend, phaseSchedule, trainModel } from '../src/index.js';
import { tinyRequest } from '../src/testing/index.js';

const context = { vocabSize: 257, seqLen: 16, seed: 2 };
const config = { ...decoderDefaults, dModel: 8, layers: 1, heads: 2, ffnHidden: 8, seqLen: 16 };
const factory = { id: 'plan-test', kind: 'causal' as const, description: '', defaults: decoderDefaults, create: () => new DecoderLM(config, context) };

/** A decoder whose plan trains only the final norm for the first half, then everything. */
class PlannedDecoder extends DecoderLM {
  started?: TrainingStart;
  beginTraining(start: TrainingStart): TrainingPlan {
    this.started = start;
    return { stats: { 'plan.before': 1.5 }, phases: [{ name: 'norm', fraction: 0.5, variables: [this.finalNorm] }, { name: 'all', fraction: 0.5, variables: this.variables }] };
  }
}

test('trainModel: without a plan, one phase over every variable and all steps (the default loop)', async () => {
  await initBackend('cpu');
  const model = new DecoderLM(config, context);
  assert.deepEqual(phaseSchedule(model, undefined, 7).map((p) => [p.name, p.start, p.end, p.variables.length]), [['all', 0, 7, model.variables.length]]);
  model.dispose();
});

test('trainModel: a model\'s plan gets the stream first, its stats land in modelStats, and a phase leaves other variables bit for bit unchanged', async () => {
  await initBackend('cpu');
  const model = new PlannedDecoder(config, context);
  const request = tinyRequest(factory, {}, 2);
  const before = new Map(model.variables.map((v) => [v.name, Array.from(v.dataSync())]));
  // 4 steps split 50/50 between the phases
  const phases = phaseSchedule(model, model.beginTraining({ trainTokens: request.trainTokens, seqLen: 16, batchSize: 2, steps: 4, seed: 0 }), 4);
  assert.deepEqual(phases.map((p) => [p.name, p.start, p.end]), [['norm', 0, 2], ['all', 2, 4]]);
  // a one-phase plan over the final norm only: every other variable must stay bit for bit unchanged
  const oneStage = new (class extends DecoderLM {
    beginTraining(): TrainingPlan {
      return { stats: { 'plan.before': 1.5 }, phases: [{ name: 'norm', fraction: 1, variables: [this.finalNorm] }] };
    }
  })(config, context);
  const snapshot = new Map(oneStage.variables.map((v) => [v.name, Array.from(v.dataSync())]));
  const { record } = await trainModel(request, oneStage);
  assert.equal(record.modelStats['plan.before'], 1.5);
  for (const v of oneStage.variables) {
    const same = JSON.stringify(Array.from(v.dataSync())) === JSON.stringify(snapshot.get(v.name));
    assert.equal(same, v !== oneStage.finalNorm, v.name);
  }
  const trained = await trainModel(request, model);
  assert.equal(model.started?.steps, 2);
  assert.ok(model.variables.some((v) => v !== model.finalNorm && JSON.stringify(Array.from(v.dataSync())) !== JSON.stringify(before.get(v.name))), 'phase 2 trains everything');
  assert.ok(trained.record.trainLoss.every((p) => Number.isFinite(p.value)));
  model.dispose();
  oneStage.dispose();
});

test('phaseSchedule: fractions that do not sum to 1, or variables of another model, are refused with the reason', async () => {
  await initBackend('cpu');
  const model = new DecoderLM(config, context);
  const other = new DecoderLM(config, context);
  assert.throws(() => phaseSchedule(model, { phases: [{ name: 'a', fraction: 0.5, variables: model.variables }] }, 4), /sum to 1/);
  assert.throws(() => phaseSchedule(model, { phases: [{ name: 'a', fraction: 1, variables: other.variables }] }, 4), /not one/);
  model.dispose();
  other.dispose();
});
