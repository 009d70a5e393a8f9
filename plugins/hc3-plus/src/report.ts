import type { MetricRecord } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { accuracyAt, aurocOf, bestThreshold, bootstrapCi, downsampleCurve, rocCurve, tprAtFpr } from './detection-metrics.js';
import type { Sample } from './corpus.js';
import type { TaskId } from './tasks.js';

/**
 * Detection records. Every per-detector number is one of a few metrics (`auroc`, `tpr_at_1fpr`)
 * with `details.facets = { task, detector, generator, decoding }` (strings; `all` when not
 * restricted), so the board has one row per facet combination instead of one column per name.
 * Zero-shot detectors' per-generator records add `setting` (`white-box` when the scorer generated
 * the text, else `black-box`): a claim selects the white-box records by that facet.
 */
export interface Facets {
  readonly task: string;
  readonly detector: string;
  readonly generator: string;
  readonly decoding: string;
  readonly setting?: 'white-box' | 'black-box';
}

/** One detector's scores (higher = machine) for every sample it scored, by sample id. */
export interface DetectorScores {
  /** Facet name, e.g. `loglik@lm-a` (zero-shot with its scorer) or `char-tfidf-lr/from-all`. */
  readonly id: string;
  readonly family: 'zero-shot' | 'trained' | 'control';
  /** Scoring model of zero-shot detectors (white-box on the samples it generated itself). */
  readonly scorer?: string;
  /** Tasks a trained detector was fitted on (`all` or `A`). */
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
const ALL = 'all';
/** ROC curves in details are cut to this many points (a plot needs no more; records stay small). */
export const ROC_POINTS = 101;

/** AUROC with a bootstrap CI over source documents (the unit of the split); undefined without both classes. */
export function aurocRecord(facets: Facets, samples: readonly Sample[], d: DetectorScores, settings: ReportSettings, details: Record<string, unknown> = {}): MetricRecord | undefined {
  const scored = samples.filter((s) => d.scores.has(s.id));
  if (scored.length < 2 || !scored.some((s) => s.label === 1) || !scored.some((s) => s.label === 0)) return undefined;
  const scores = scored.map((s) => d.scores.get(s.id)!);
  const key = `${facets.task}|${facets.detector}|${facets.generator}|${facets.decoding}`;
  const ci = bootstrapCi(scored.map((s) => `${s.source}:${s.docId}`), (idx) => aurocOf(scores, labelsOf(scored), idx), { resamples: settings.resamples, seed: deriveSeed(settings.seed, key) });
  // the curve of every (task, detector[, generator]) record, for the page's ROC plots (not of the held-out decoding slice)
  const roc = facets.decoding === ALL ? downsampleCurve(rocCurve(scores, labelsOf(scored)), ROC_POINTS) : undefined;
  return {
    board: 'detection', metric: 'auroc', value: ci.value, stderr: ci.sd, direction: d.family === 'control' ? 'none' : 'higher', n: scored.length,
    details: { facets, ...details, pairs: scored.length / 2, ciLow: ci.ciLow, ciHigh: ci.ciHigh, ci: 'bootstrap 95% over source documents', resamples: ci.resamples, family: d.family, scorer: d.scorer, trainedOn: d.trainedOn, roc },
  };
}

/**
 * Records of one detector on one task's test split: AUROC over all generators (with accuracy at
 * the threshold fitted on the validation split of `thresholdTask`, in its details) and TPR at 1%
 * FPR; then AUROC per generator (white-box when the scorer is the generator) and on the held-out
 * decoding.
 */
export function detectorRecords(task: TaskId, d: DetectorScores, samples: readonly Sample[], settings: ReportSettings, heldOut: { generator: string; decoding: string }, thresholdTask: TaskId = task): MetricRecord[] {
  const test = samples.filter((s) => s.task === task && s.split === 'test' && d.scores.has(s.id));
  if (test.length === 0) return [];
  const valid = samples.filter((s) => s.task === thresholdTask && s.split === 'valid' && d.scores.has(s.id));
  const facets = (generator: string, decoding: string): Facets => ({ task, detector: d.id, generator, decoding });
  const scores = test.map((s) => d.scores.get(s.id)!);
  const threshold = valid.length > 0 ? bestThreshold(valid.map((s) => d.scores.get(s.id)!), labelsOf(valid)) : Number.NaN;
  const accuracy = d.decisions ? test.filter((s) => d.decisions!.get(s.id) === s.label).length / test.length : Number.isNaN(threshold) ? undefined : accuracyAt(scores, labelsOf(test), threshold);
  const out: (MetricRecord | undefined)[] = [
    aurocRecord(facets(ALL, ALL), test, d, settings, { split: 'test', acc: accuracy, accRule: d.decisions ? 'majority vote, ties to machine' : `threshold fitted on ${thresholdTask} validation`, threshold: d.decisions || Number.isNaN(threshold) ? undefined : threshold }),
    { board: 'detection', metric: 'tpr_at_1fpr', value: tprAtFpr(scores, labelsOf(test), 0.01), direction: 'higher', n: test.length, details: { facets: facets(ALL, ALL), split: 'test', negatives: test.length / 2 } },
  ];
  for (const generator of [...new Set(test.map((s) => s.generator))].sort()) {
    const setting = d.scorer ? (d.scorer === generator ? 'white-box' : 'black-box') : undefined;
    out.push(aurocRecord({ ...facets(generator, ALL), ...(setting ? { setting } : {}) }, test.filter((s) => s.generator === generator), d, settings, { split: 'test', heldOut: generator === heldOut.generator }));
  }
  out.push(aurocRecord(facets(ALL, heldOut.decoding), test.filter((s) => s.decoding === heldOut.decoding), d, settings, { split: 'test', heldOut: true }));
  return out.filter((r): r is MetricRecord => r !== undefined && Number.isFinite(r.value));
}
