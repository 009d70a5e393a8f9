import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStudySummary, type EvalContext, type EvalSubject, type PositionCurve, type ResultRecord } from '@labbench/core';
import { kendallTau } from '../src/rank.js';
import plugin from '../src/index.js';
import { mixtureRanking } from '../src/ranking.js';

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
