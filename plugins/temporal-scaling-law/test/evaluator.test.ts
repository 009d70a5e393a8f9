import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStudySummary, claimGates, resolveArm, type EvalContext, type EvalSubject, type PositionCurve, type ResultRecord } from '@labbench/core';
import { kendallTau } from '../src/rank.js';
import plugin from '../src/index.js';
import { mixtureRanking } from '../src/ranking.js';
import { temporalScalingLawStudy } from '../src/studies.js';

function training(checkpoints: number, floor: number): NonNullable<EvalSubject['training']> {
  const positionLosses: PositionCurve[] = [];
  for (let k = 1; k <= checkpoints; k++) {
    const step = 25 * k;
    for (const split of ['in-domain', 'out-of-domain'] as const) {
      const extra = split === 'out-of-domain' ? 0.5 : 0;
      positionLosses.push({ step, tokens: step * 100, split, losses: Array.from({ length: 32 }, (_, j) => floor + extra + (1 + 10 * step ** -0.5) / (1 + 0.1 * (j + 1))) });
    }
  }
  return { steps: 25 * checkpoints, tokens: 0, wallSeconds: 0, trainLoss: [], validLoss: [], positionLosses, modelStats: {} };
}

const context = (options: Record<string, unknown>): EvalContext => ({
  seed: 0, limits: { documents: 1, items: 1, maxChars: 1 }, options, log: () => {},
  data: { inDomain: async () => [], outOfDomain: async () => [], set: async () => [] },
});

test('temporal-scaling-law evaluator: writes finite scaling records for both splits, with the curves as data', async () => {
  const evaluator = plugin.evaluators![0];
  const records = await evaluator.evaluate({ tokenizer: {} as never, training: training(12, 3) }, context({ fitFraction: 0.5 }));
  assert.ok(records.every((r) => r.board === 'scaling'));
  for (const prefix of ['id', 'ood']) {
    const mape = records.find((r) => r.metric === `${prefix}.tsl.future_mape`)!;
    assert.ok(Number.isFinite(mape.value) && mape.value < 1, `${prefix} MAPE ${mape.value}`);
    assert.equal((mape.details as { steps: number[] }).steps.length, 12);
    assert.ok(records.some((r) => r.metric === `${prefix}.power_law.future_mape`));
  }
});

test('temporal-scaling-law evaluator: fewer than 3 checkpoints give no records', async () => {
  const records = await plugin.evaluators![0].evaluate({ tokenizer: {} as never, training: training(2, 3) }, context({}));
  assert.equal(records.length, 0);
});

test('kendallTau: identical order 1, reversed -1, one swap of three 1/3', () => {
  assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(kendallTau([1, 2, 3], [1, 3, 2]) - 1 / 3) < 1e-12);
});

test('mixtureRanking: applyStudySummary adds per-seed tau records on a summary arm, replacing earlier ones', () => {
  const provenance = { cellKey: '0'.repeat(64), configHash: '0'.repeat(64), paramsTotal: 1, paramsActive: 1, flopsPerTokenTrain: 1, flopsPerTokenInference: 1, tokens: 1, backend: 'cpu', nativeKernels: false, labbenchVersion: '0', plugins: {}, gitCommit: 'x', date: new Date(0).toISOString(), profile: 'smoke' } as const;
  const rec = (arm: string, metric: string, value: number): ResultRecord => ({ schema: 'labbench.result/v1', study: 'temporal-scaling-law', studyVersion: 1, arm, seed: 0, board: 'scaling', metric, value, direction: 'lower', n: 1, provenance });
  const records = ['a', 'b', 'c', 'd'].flatMap((arm, k) => [
    rec(arm, 'id.final_loss.true', k), rec(arm, 'id.final_loss.tsl', k + 0.1), rec(arm, 'id.final_loss.power_law', 3 - k), rec(arm, 'id.final_loss.early', k),
  ]);
  const once = applyStudySummary(records, mixtureRanking('temporal-scaling-law'));
  const twice = applyStudySummary(once, mixtureRanking('temporal-scaling-law'));
  const taus = twice.filter((r) => r.arm === 'summary');
  assert.equal(taus.length, 3);
  assert.equal(taus.find((r) => r.metric === 'id.rank_tau.tsl')!.value, 1);
  assert.equal(taus.find((r) => r.metric === 'id.rank_tau.power_law')!.value, -1);
});

/** Curves from the law with a0(t) and a2(t) on different power laws, so the mean loss is not a single power law in t. */
function lawTraining(steps: readonly number[], warmupSteps: number, warmupLoss?: (j: number) => number): NonNullable<EvalSubject['training']> {
  const positionLosses: PositionCurve[] = [];
  for (const step of steps) {
    for (const split of ['in-domain', 'out-of-domain'] as const) {
      const a0 = 1 + 30 * step ** -0.8;
      const a2 = (split === 'in-domain' ? 3 : 3.5) + 4 * step ** -0.3;
      const losses = Array.from({ length: 32 }, (_, j) => (step <= warmupSteps && warmupLoss ? warmupLoss(j) : a0 / (1 + 0.2 * (j + 1)) + a2));
      positionLosses.push({ step, tokens: step * 100, split, losses });
    }
  }
  return { steps: steps[steps.length - 1], tokens: 0, wallSeconds: 0, warmupSteps, schedule: 'constant', trainLoss: [], validLoss: [], positionLosses, modelStats: {} };
}
const value = (records: { metric: string; value: number }[], metric: string) => records.find((r) => r.metric === metric)!.value;

test('temporal-scaling-law evaluator: checkpoints inside warmup are left out of the series (v1 fitted them)', async () => {
  const steps = Array.from({ length: 24 }, (_, k) => 25 * (k + 1));
  // inside warmup the curve is flat at 7 nats: nothing the law's trajectories continue
  const subject = { tokenizer: {} as never, training: lawTraining(steps, 60, () => 7) };
  const records = await plugin.evaluators![0].evaluate(subject, context({ fitFraction: 0.25 }));
  const mape = records.find((r) => r.metric === 'id.tsl.future_mape')!;
  const details = mape.details as { steps: number[]; warmupCheckpointsExcluded: number; warmupSteps: number };
  assert.deepEqual(details.steps, steps.filter((s) => s > 60));
  assert.equal(details.warmupCheckpointsExcluded, 2);
  assert.ok(mape.value < 0.5, `MAPE ${mape.value}`);
  assert.equal(value(records, 'id.fit.window_params_at_bound'), 0);
  assert.ok(value(records, 'id.fit_r2.window_min') > 0.999);
  // includeWarmup restores the old series, whose first checkpoints are the flat warmup ones
  const old = await plugin.evaluators![0].evaluate(subject, context({ fitFraction: 0.25, includeWarmup: true }));
  assert.equal((old.find((r) => r.metric === 'id.tsl.future_mape')!.details as { steps: number[] }).steps[0], 25);
  assert.ok(value(old, 'id.fit_r2.window_min') < 0.9);
});

test('temporal-scaling-law evaluator: on an identified law the two predictors of the claim differ, and the gates pass', async () => {
  const steps = Array.from({ length: 24 }, (_, k) => 25 * (k + 1));
  const records = await plugin.evaluators![0].evaluate({ tokenizer: {} as never, training: lawTraining(steps, 0) }, context({ fitFraction: 0.25 }));
  for (const prefix of ['id', 'ood']) {
    assert.ok(value(records, `${prefix}.tsl_vs_power_law.max_rel_diff`) > 1e-3, prefix);
    assert.notEqual(value(records, `${prefix}.tsl.future_mape`), value(records, `${prefix}.power_law.future_mape`));
    assert.ok(value(records, `${prefix}.tsl.future_mape`) < value(records, `${prefix}.power_law.future_mape`), prefix);
  }
});

test('temporal-scaling-law evaluator: flat per-position curves (no context use) make the law a constant, TSL equal to the power law, and fail the gates', async () => {
  // why v1 reported MAPE 3.783 vs 3.783: a0 -> 0, so Lbar = a2(t), fitted by the same power family
  const steps = Array.from({ length: 24 }, (_, k) => 25 * (k + 1));
  const positionLosses: PositionCurve[] = steps.flatMap((step) => (['in-domain', 'out-of-domain'] as const).map((split) => ({
    step, tokens: step * 100, split, losses: Array.from({ length: 32 }, (_, j) => 5 + 3 * step ** -0.5 + 1e-4 * Math.sin(7 * j + step)),
  })));
  const training = { steps: 600, tokens: 0, wallSeconds: 0, warmupSteps: 0, trainLoss: [], validLoss: [], positionLosses, modelStats: {} };
  const records = await plugin.evaluators![0].evaluate({ tokenizer: {} as never, training }, context({ fitFraction: 0.25 }));
  assert.ok(value(records, 'id.tsl_vs_power_law.max_rel_diff') < 1e-3);
  const gates = temporalScalingLawStudy.gates!;
  const r2Gate = gates.find((g) => g.id === 'id-fit-r2')!;
  assert.ok(r2Gate.kind === 'bound' && value(records, r2Gate.metric) < r2Gate.atLeast!);
});

test('study temporal-scaling-law: constant learning rate after warmup, one headline claim comparing two different predictors, gates that exist', () => {
  for (const arm of Object.keys(temporalScalingLawStudy.arms)) assert.equal(resolveArm(temporalScalingLawStudy, arm).train?.schedule, 'constant', arm);
  const claims = temporalScalingLawStudy.claims!;
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  for (const claim of claims) {
    assert.notEqual(claim.baselineMetric ?? claim.metric, claim.metric, claim.id);
    assert.ok(claim.paper.figure && claim.paper.source);
    assert.ok((claim.gates ?? []).length >= 2, claim.id);
    assert.deepEqual(claimGates(temporalScalingLawStudy, claim).unknown, [], claim.id);
  }
});
