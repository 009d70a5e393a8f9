import { createRequire } from 'node:module';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import { DataError } from './errors.js';

type Dist = (x: number, a: number, b?: number) => number;
let distributions: { normalDist: Dist; normalInv: Dist; tDist: Dist; tInv: Dist } | undefined;
/**
 * The @stdlib distributions, loaded on first use: they are about a hundred small CommonJS modules,
 * and commands that compute no statistics (`labbench list`) should not pay for loading them.
 */
function stdlib() {
  if (!distributions) {
    const require = createRequire(import.meta.url);
    distributions = {
      normalDist: require('@stdlib/stats-base-dists-normal-cdf'),
      normalInv: require('@stdlib/stats-base-dists-normal-quantile'),
      tDist: require('@stdlib/stats-base-dists-t-cdf'),
      tInv: require('@stdlib/stats-base-dists-t-quantile'),
    };
  }
  return distributions;
}

/** Quantile of Student's t with `df` degrees of freedom (df may be fractional, e.g. Satterthwaite's). */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return Number.isFinite(df) ? stdlib().tInv(p, df) : stdlib().normalInv(p, 0, 1);
}

/** Cumulative distribution of Student's t; the normal one for df = Infinity. */
export function tCdf(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return Number.isFinite(df) ? stdlib().tDist(x, df) : stdlib().normalDist(x, 0, 1);
}

/** Two-sided p-value of a t statistic. */
export function tTwoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** Standard normal quantile. */
export function normalQuantile(p: number): number {
  return stdlib().normalInv(p, 0, 1);
}

/** Standard normal cumulative distribution. */
export function normalCdf(x: number): number {
  return stdlib().normalDist(x, 0, 1);
}

/** t quantile for a two-sided 95% interval with `df` degrees of freedom (NaN below 1). */
export function tCritical95(df: number): number {
  return df < 1 ? Number.NaN : tQuantile(0.975, df);
}

export interface Summary {
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  readonly sd: number;
  readonly n: number;
  /** 95% confidence interval of the mean over the values (Student's t); equal to the mean for n = 1. */
  readonly ciLow: number;
  readonly ciHigh: number;
}

/** Mean and 95% t-interval over seeds. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const m = ssMean(values as number[]);
  if (values.length === 1) return { mean: m, sd: 0, n: 1, ciLow: m, ciHigh: m };
  const sd = sampleStandardDeviation(values as number[]);
  const half = (tCritical95(values.length - 1) * sd) / Math.sqrt(values.length);
  return { mean: m, sd, n: values.length, ciLow: m - half, ciHigh: m + half };
}

/**
 * Mean and 95% interval of a positive, ratio-like quantity (perplexity, a ratio): the t-interval
 * is built on the logs and mapped back, so it never reaches zero or below. `mean` stays the
 * arithmetic mean; the interval is that of the geometric mean, which is what a log-normal-ish
 * spread calls for. Falls back to `summarize` when a value is not positive.
 */
export function summarizePositive(values: readonly number[]): Summary {
  if (values.length < 2 || values.some((v) => !(v > 0))) return summarize(values);
  return summarizeOnScale(values, Math.log, Math.exp);
}

/** The arithmetic mean and sd, with the t-interval built on `forward(values)` and mapped back by `back`. */
function summarizeOnScale(values: readonly number[], forward: (x: number) => number, back: (y: number) => number): Summary {
  const onScale = summarize(values.map(forward));
  return { ...summarize(values), ciLow: back(onScale.ciLow), ciHigh: back(onScale.ciHigh) };
}

/**
 * Metrics that are positive by construction and compared as ratios: perplexities (`*ppl`,
 * `*perplexity`), percentage errors (`*mape`, `*max_ape`) and ratios (`*ratio`). Their intervals
 * over seeds are built on the log scale (`summarizePositive`), so a board never shows a perplexity
 * interval below zero (a plain t-interval over two seeds, t = 12.7, easily does).
 */
const RATIO_LIKE_METRIC = /(?:^|[._-])(?:ppl|perplexity|mape|max_ape|ratio)$/;

export function isRatioLikeMetric(metric: string): boolean {
  return RATIO_LIKE_METRIC.test(metric);
}

/**
 * Metrics that live in [0, 1]: accuracies (`*acc`, `*accuracy`), AUROC, TPR at 1% FPR, mean
 * reciprocal rank and recall at k (`*mrr`, `*r10@k`).
 */
const UNIT_INTERVAL_METRIC = /(?:^|[._-])(?:acc|accuracy|auroc|tpr_at_1fpr|mrr|r\d+@\d+)$/;

export function isUnitIntervalMetric(metric: string): boolean {
  return UNIT_INTERVAL_METRIC.test(metric);
}

const logit = (p: number): number => Math.log(p / (1 - p));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Mean and 95% interval of a quantity in [0, 1] (an accuracy, an AUROC): the t-interval is built
 * on the logits and mapped back, so it stays inside (0, 1); `mean` stays the arithmetic mean. When
 * a value is exactly 0 or 1 (no logit), the plain interval is cut to [0, 1].
 */
export function summarizeUnitInterval(values: readonly number[]): Summary {
  if (values.length >= 2 && values.every((v) => v > 0 && v < 1)) return summarizeOnScale(values, logit, expit);
  const plain = summarize(values);
  return { ...plain, ciLow: Math.max(0, plain.ciLow), ciHigh: Math.min(1, plain.ciHigh) };
}

/**
 * The interval over seeds a board shows for `metric`: log scale for ratio-like metrics, logit
 * scale for metrics in [0, 1], else Student's t.
 */
export function summarizeMetric(metric: string, values: readonly number[]): Summary {
  if (isRatioLikeMetric(metric)) return summarizePositive(values);
  if (isUnitIntervalMetric(metric)) return summarizeUnitInterval(values);
  return summarize(values);
}

/** Standard error of a mean of per-item values. */
export function standardError(values: readonly number[]): number {
  return values.length < 2 ? 0 : sampleStandardDeviation(values as number[]) / Math.sqrt(values.length);
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting half (Mann-Whitney U). O(n log n). A NaN score is a DataError: it has
 * no rank (a sort comparator returning NaN leaves the order undefined).
 */
export function auroc(scores: readonly number[], labels: readonly (0 | 1 | boolean)[]): number {
  const bad = scores.findIndex((s) => Number.isNaN(s));
  if (bad >= 0) throw new DataError(`auroc scores[${bad}]`, `score is NaN (${scores.length} scores).`, 'Fix the detector that produced it, or drop the item before scoring; a NaN score has no rank.');
  if (labels.length !== scores.length) throw new DataError('auroc labels', `${labels.length} labels for ${scores.length} scores.`, 'Pass one label per score.');
  const items = scores.map((s, i) => ({ s, y: labels[i] ? 1 : 0 })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j].s === items[i].s) j++;
    const midRank = (i + 1 + j) / 2; // average 1-based rank of the tie group
    for (let k = i; k < j; k++) if (items[k].y === 1) { positives++; rankSum += midRank; }
    i = j;
  }
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Bits per byte from a total natural-log likelihood and a byte count. */
export function bitsPerByte(totalLogLikelihood: number, bytes: number): number {
  return -totalLogLikelihood / bytes / Math.LN2;
}

/**
 * Holm's step-down adjusted p-values (same order as the input): sort ascending, multiply the
 * i-th smallest (0-based) by m - i, carry the running maximum, cap at 1. A hypothesis is rejected
 * at family-wise level alpha when its adjusted p is below alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
