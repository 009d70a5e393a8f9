import { DataError, Rng, auroc } from '@labbench/core';

/**
 * Metrics of a binary detector (label 1 = positive, here machine text; higher score = more
 * positive): the threshold rule, accuracy at a fixed threshold, TPR at a fixed false-positive rate
 * and bootstrap confidence intervals. Moved here from core: only this benchmark uses them.
 * A NaN score has no rank and no side of a threshold, so every function rejects it with a
 * DataError that names the function and the index (a silent NaN once made `auroc` hang).
 */

/** Throws a DataError naming the first NaN score, and when labels and scores differ in length. */
export function checkScores(where: string, scores: readonly number[], labels?: readonly unknown[]): void {
  const bad = scores.findIndex((s) => Number.isNaN(s));
  if (bad >= 0) {
    throw new DataError(`hc3-plus › ${where} scores[${bad}]`, `score is NaN (${scores.length} scores).`, 'Fix the detector that produced it, or leave the item out before scoring.');
  }
  if (labels && labels.length !== scores.length) {
    throw new DataError(`hc3-plus › ${where} labels`, `${labels.length} labels for ${scores.length} scores.`, 'Pass one label per score.');
  }
}

/** Fraction of items classified correctly by `score >= threshold -> 1`. NaN for no items. */
export function accuracyAt(scores: readonly number[], labels: readonly (0 | 1)[], threshold: number): number {
  checkScores('accuracyAt', scores, labels);
  if (Number.isNaN(threshold)) throw new DataError('hc3-plus › accuracyAt threshold', 'threshold is NaN.', 'Fit the threshold on scores without NaN (bestThreshold).');
  if (scores.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] >= threshold ? 1 : 0) === labels[i]) correct++;
  return correct / scores.length;
}

/**
 * The threshold that maximises accuracy on (validation) scores: a midpoint between adjacent
 * distinct scores (or just below the lowest / above the highest). Ties in accuracy go to the
 * lowest such threshold, so the rule is deterministic.
 */
export function bestThreshold(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  checkScores('bestThreshold', scores, labels);
  const sorted = [...new Set(scores)].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const candidates = [sorted[0] - 1, ...sorted.slice(1).map((s, i) => (s + sorted[i]) / 2), sorted[sorted.length - 1] + 1];
  let best = candidates[0];
  let bestAcc = -1;
  for (const t of candidates) {
    const acc = accuracyAt(scores, labels, t);
    if (acc > bestAcc) { bestAcc = acc; best = t; }
  }
  return best;
}

/**
 * True-positive rate at a false-positive rate of at most `fpr`: the threshold is the smallest
 * score that leaves at most floor(fpr * negatives) negatives strictly above it; positives count
 * when strictly above it too (so tied scores never count as detected). NaN without both classes.
 */
export function tprAtFpr(scores: readonly number[], labels: readonly (0 | 1)[], fpr: number): number {
  checkScores('tprAtFpr', scores, labels);
  const negatives = scores.filter((_, i) => labels[i] === 0).sort((a, b) => b - a);
  const positives = scores.filter((_, i) => labels[i] === 1);
  if (negatives.length === 0 || positives.length === 0) return Number.NaN;
  const allowed = Math.floor(fpr * negatives.length);
  const threshold = negatives[allowed]; // at most `allowed` negatives lie strictly above it
  return positives.filter((s) => s > threshold).length / positives.length;
}

export interface BootstrapInterval {
  readonly value: number;
  /** Percentile 95% interval over resamples (2.5% and 97.5%). */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** Standard deviation of the statistic over resamples. */
  readonly sd: number;
  readonly resamples: number;
}

/**
 * Percentile bootstrap over clusters: `clusters` lists the cluster id of every item (e.g. the
 * source document or the human passage a pair was made from), and whole clusters are resampled,
 * so items that share a source are never treated as independent. `statistic` receives the item
 * indices of one resample (with repeats) and may return NaN (dropped, e.g. one class missing).
 */
export function bootstrapCi(clusters: readonly string[], statistic: (indices: readonly number[]) => number, options: { resamples?: number; seed?: number } = {}): BootstrapInterval {
  const resamples = options.resamples ?? 500;
  const byCluster = new Map<string, number[]>();
  clusters.forEach((c, i) => { const list = byCluster.get(c); if (list) list.push(i); else byCluster.set(c, [i]); });
  const groups = [...byCluster.values()];
  const all = groups.flat();
  const value = statistic(all);
  const rng = new Rng(options.seed ?? 0);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const indices: number[] = [];
    for (let g = 0; g < groups.length; g++) indices.push(...groups[rng.int(0, groups.length - 1)]);
    const v = statistic(indices);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) return { value, ciLow: Number.NaN, ciHigh: Number.NaN, sd: Number.NaN, resamples: 0 };
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * (values.length - 1) + 0.5)))];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { value, ciLow: at(0.025), ciHigh: at(0.975), sd, resamples: values.length };
}

/** AUROC of a subset of items (by index, repeats allowed): a helper for {@link bootstrapCi}. */
export function aurocOf(scores: readonly number[], labels: readonly (0 | 1)[], indices: readonly number[]): number {
  checkScores('aurocOf', scores, labels);
  return auroc(indices.map((i) => scores[i]), indices.map((i) => labels[i]));
}

/** A ROC curve: false- and true-positive rates, both non-decreasing, from (0, 0) to (1, 1). */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
}

/**
 * The full ROC curve (sklearn.metrics.roc_curve with drop_intermediate=False, plus its (0, 0)
 * start): one point per distinct score, thresholds from the highest score down, tied scores
 * entering together (the same rule as `auroc`, whose trapezoid area this curve has).
 */
export function rocCurve(scores: readonly number[], labels: readonly (0 | 1)[]): RocCurve {
  checkScores('rocCurve', scores, labels);
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) throw new DataError('hc3-plus › rocCurve labels', `needs both classes, got ${positives} positives and ${negatives} negatives.`, 'Score at least one human and one machine text.');
  const order = scores.map((s, i) => [s, labels[i]] as const).sort((a, b) => b[0] - a[0]);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (order[i][1] === 1) tp++;
    else fp++;
    if (i + 1 < order.length && order[i + 1][0] === order[i][0]) continue; // ties enter as one point
    fpr.push(fp / negatives);
    tpr.push(tp / positives);
  }
  return { fpr, tpr };
}

/**
 * At most `maxPoints` points of a curve, evenly spaced along it, first and last kept. A subsequence
 * of a monotone curve stays monotone and keeps its ends; values are rounded to 4 decimals, which
 * is finer than any plot, so a result record stays small.
 */
export function downsampleCurve(curve: RocCurve, maxPoints = 101): RocCurve {
  const n = curve.fpr.length;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const keep = n <= maxPoints ? curve.fpr.map((_, i) => i) : Array.from({ length: maxPoints }, (_, k) => Math.round((k * (n - 1)) / (maxPoints - 1)));
  return { fpr: keep.map((i) => round(curve.fpr[i])), tpr: keep.map((i) => round(curve.tpr[i])) };
}
