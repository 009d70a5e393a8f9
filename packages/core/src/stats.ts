import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';

// Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; beyond 30 the normal 1.96
// is within 2% (the usual textbook table).
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t quantile for a two-sided 95% interval with `df` degrees of freedom. */
export function tCritical95(df: number): number {
  if (df < 1) return Number.NaN;
  return df <= 30 ? T_975[df - 1] : 1.96;
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

/** Standard error of a mean of per-item values. */
export function standardError(values: readonly number[]): number {
  return values.length < 2 ? 0 : sampleStandardDeviation(values as number[]) / Math.sqrt(values.length);
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting half (Mann-Whitney U). O(n log n).
 */
export function auroc(scores: readonly number[], labels: readonly (0 | 1 | boolean)[]): number {
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
