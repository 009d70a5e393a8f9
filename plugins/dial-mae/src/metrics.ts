/**
 * Response-selection metrics over ranked candidate lists (one positive per context).
 * Ties are broken deterministically: by score (higher first), then by the original candidate
 * order (the reference implementation's secondary key), so a tied positive ranks after the tied
 * candidates listed before it.
 */

/** 1-based rank of candidate `label` among `scores`. */
export function rankOf(scores: ArrayLike<number>, label: number): number {
  const s = scores[label];
  let rank = 1;
  for (let j = 0; j < scores.length; j++) {
    if (j === label) continue;
    if (scores[j] > s || (scores[j] === s && j < label)) rank++;
  }
  return rank;
}

export interface SelectionMetrics {
  readonly r1: number;
  readonly r2: number;
  readonly r5: number;
  readonly mrr: number;
  readonly n: number;
  /** Standard errors over contexts (binomial for recalls, sample sd / sqrt(n) for MRR). */
  readonly stderr: { readonly r1: number; readonly r2: number; readonly r5: number; readonly mrr: number };
}

/** R10@1, R10@2, R10@5 (share of positives ranked in the top k) and MRR (mean 1/rank) from ranks. */
export function selectionMetrics(ranks: readonly number[]): SelectionMetrics {
  const n = ranks.length;
  const recall = (k: number) => ranks.filter((r) => r <= k).length / Math.max(1, n);
  const reciprocal = ranks.map((r) => 1 / r);
  const mrr = reciprocal.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const binomial = (p: number) => Math.sqrt((p * (1 - p)) / Math.max(1, n));
  const variance = n > 1 ? reciprocal.reduce((a, x) => a + (x - mrr) ** 2, 0) / (n - 1) : 0;
  const [r1, r2, r5] = [recall(1), recall(2), recall(5)];
  return { r1, r2, r5, mrr, n, stderr: { r1: binomial(r1), r2: binomial(r2), r5: binomial(r5), mrr: Math.sqrt(variance / Math.max(1, n)) } };
}

/** Dot product of two vectors (the bi-encoder's score s(c, r) = f_c(c) . f_r(r)). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
