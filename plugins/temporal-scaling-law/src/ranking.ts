import { type MetricRecord, type ResultRecord, type StudySummary } from '@labbench/core';
import { kendallTau } from './rank.js';

const PREDICTORS = ['tsl', 'power_law', 'early'] as const;

/**
 * Mixture ranking (spec 6.3 application): across the study's arms (one training mixture each),
 * Kendall tau between each predictor's final loss, computed from the early window only, and the true
 * final loss. Records `<split>.rank_tau.<predictor>` on the scaling board, per seed.
 */
export function mixtureRanking(study: string): StudySummary {
  return {
    id: 'tsl-mixture-ranking',
    study,
    summarize(records: readonly ResultRecord[]): MetricRecord[] {
      const out: MetricRecord[] = [];
      for (const split of ['id', 'ood']) {
        const value = (arm: string, name: string) => records.find((r) => r.arm === arm && r.metric === `${split}.final_loss.${name}`)?.value;
        const arms = [...new Set(records.map((r) => r.arm))].filter((a) => value(a, 'true') !== undefined).sort();
        if (arms.length < 3) continue;
        const truth = arms.map((a) => value(a, 'true')!);
        for (const p of PREDICTORS) {
          const predicted = arms.map((a) => value(a, p) ?? Number.NaN);
          if (predicted.some((x) => !Number.isFinite(x))) continue;
          out.push({
            board: 'scaling', metric: `${split}.rank_tau.${p}`, value: kendallTau(predicted, truth), direction: 'higher', n: arms.length,
            details: { arms, predicted, truth, predictor: p, note: 'Kendall tau-b between predicted (from the early window) and true final validation loss across arms' },
          });
        }
      }
      return out;
    },
  };
}
