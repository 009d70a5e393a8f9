import type { MetricRecord } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { accuracyAt, aurocOf, bestThreshold, bootstrapCi, tprAtFpr } from './detection-metrics.js';
import type { Sample } from './corpus.js';
import type { TaskId } from './tasks.js';

/** One detector's scores (higher = machine) for every sample it scored, by sample id. */
export interface DetectorScores {
  /** Metric name part, e.g. `loglik@lm-a` or `char-tfidf-lr`. */
  readonly id: string;
  readonly family: 'zero-shot' | 'trained' | 'control';
  /** Scoring model of zero-shot detectors (white-box when it is the sample's generator). */
  readonly scorer?: string;
  /** Task(s) a trained detector was fitted on. */
  readonly trainedOn?: string;
  readonly scores: ReadonlyMap<string, number>;
  /** Hard decisions when the detector has its own rule (the vote); else the validation threshold. */
  readonly decisions?: ReadonlyMap<string, 0 | 1>;
}

export interface ReportSettings {
  readonly seed: number;
  readonly resamples: number;
}

const labelsOf = (xs: readonly Sample[]) => xs.map((s) => s.label);

/** AUROC with a bootstrap CI over source documents (the unit of the split). */
function aurocRecord(metric: string, samples: readonly Sample[], d: DetectorScores, settings: ReportSettings, details: Record<string, unknown>): MetricRecord | undefined {
  const scored = samples.filter((s) => d.scores.has(s.id));
  if (scored.length < 2 || !scored.some((s) => s.label === 1) || !scored.some((s) => s.label === 0)) return undefined;
  const scores = scored.map((s) => d.scores.get(s.id)!);
  const ci = bootstrapCi(scored.map((s) => `${s.source}:${s.docId}`), (idx) => aurocOf(scores, labelsOf(scored), idx), { resamples: settings.resamples, seed: deriveSeed(settings.seed, metric) });
  return { board: 'detection', metric, value: ci.value, stderr: ci.sd, direction: 'higher', n: scored.length,
    details: { ...details, ciLow: ci.ciLow, ciHigh: ci.ciHigh, ci: 'bootstrap 95% over source documents', resamples: ci.resamples, family: d.family, scorer: d.scorer, trainedOn: d.trainedOn } };
}

/**
 * Records of one detector on one task's test split: AUROC (primary) with bootstrap CI, accuracy
 * at the threshold fitted on the validation split (`thresholdTask`'s), and TPR at 1% FPR; then
 * AUROC per generator (white-box when the scorer is the generator) and on the held-out decoding.
 */
export function detectorRecords(task: TaskId, d: DetectorScores, samples: readonly Sample[], settings: ReportSettings, heldOut: { generator: string; decoding: string }, thresholdTask: TaskId = task): MetricRecord[] {
  const test = samples.filter((s) => s.task === task && s.split === 'test' && d.scores.has(s.id));
  const valid = samples.filter((s) => s.task === thresholdTask && s.split === 'valid' && d.scores.has(s.id));
  const prefix = `${task}.${d.id}${d.trainedOn && d.trainedOn !== task ? `.from-${d.trainedOn}` : ''}`;
  const base = { task, pairs: test.length / 2, split: 'test' };
  const out: (MetricRecord | undefined)[] = [aurocRecord(`${prefix}.auroc`, test, d, settings, base)];
  if (test.length > 0) {
    const scores = test.map((s) => d.scores.get(s.id)!);
    const threshold = bestThreshold(valid.map((s) => d.scores.get(s.id)!), labelsOf(valid));
    const accuracy = d.decisions ? test.filter((s) => d.decisions!.get(s.id) === s.label).length / test.length : accuracyAt(scores, labelsOf(test), threshold);
    out.push({ board: 'detection', metric: `${prefix}.acc`, value: accuracy, direction: 'higher', n: test.length,
      details: { ...base, rule: d.decisions ? 'majority vote, ties to machine' : 'threshold fitted on validation', threshold: d.decisions ? undefined : threshold, thresholdTask } });
    out.push({ board: 'detection', metric: `${prefix}.tpr_at_1fpr`, value: tprAtFpr(scores, labelsOf(test), 0.01), direction: 'higher', n: test.length, details: base });
  }
  for (const generator of [...new Set(test.map((s) => s.generator))].sort()) {
    const setting = d.scorer ? (d.scorer === generator ? 'white-box' : 'black-box') : undefined;
    out.push(aurocRecord(`${prefix}.gen-${generator}.auroc`, test.filter((s) => s.generator === generator), d, settings, { ...base, generator, setting, heldOut: generator === heldOut.generator }));
  }
  out.push(aurocRecord(`${prefix}.decoding-${heldOut.decoding}.auroc`, test.filter((s) => s.decoding === heldOut.decoding), d, settings, { ...base, decoding: heldOut.decoding, heldOut: true }));
  return out.filter((r): r is MetricRecord => r !== undefined);
}

/**
 * The paper's finding as a number: AUROC(A) - AUROC(B) of one detector on the test split, with a
 * paired bootstrap over source documents (both tasks' pairs come from the same human passages).
 * Positive means B is harder.
 */
export function gapRecord(d: DetectorScores, samples: readonly Sample[], b: TaskId, settings: ReportSettings): MetricRecord | undefined {
  const both = samples.filter((s) => (s.task === 'A' || s.task === b) && s.split === 'test' && d.scores.has(s.id));
  const scores = both.map((s) => d.scores.get(s.id)!);
  const labels = labelsOf(both);
  const statistic = (idx: readonly number[]) => aurocOf(scores, labels, idx.filter((i) => both[i].task === 'A')) - aurocOf(scores, labels, idx.filter((i) => both[i].task === b));
  if (!both.some((s) => s.task === 'A') || !both.some((s) => s.task === b)) return undefined;
  const metric = `gap.A-${b}.${d.id}.auroc`;
  const ci = bootstrapCi(both.map((s) => `${s.source}:${s.docId}`), statistic, { resamples: settings.resamples, seed: deriveSeed(settings.seed, metric) });
  return { board: 'detection', metric, value: ci.value, stderr: ci.sd, direction: 'none', n: both.length,
    details: { meaning: `AUROC on A minus AUROC on ${b}; > 0: ${b} is harder`, ciLow: ci.ciLow, ciHigh: ci.ciHigh, ci: 'paired bootstrap 95% over source documents', family: d.family, scorer: d.scorer, trainedOn: d.trainedOn } };
}
