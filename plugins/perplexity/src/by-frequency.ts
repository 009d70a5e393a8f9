import { frequencyBuckets, type EvalDocument, type Evaluator, type MetricRecord, type Scorer } from '@labbench/core';

/** Bucket names, high to low training frequency (MiLe's 80% / 15% / 5% analysis). */
const BUCKET_NAMES = ['high', 'medium', 'low'] as const;
const DEFAULT_SHARES = [0.8, 0.15, 0.05];

/**
 * Token perplexity per frequency bucket, from the per-token log-probabilities of the rolling
 * protocol. Buckets come from the cell's training token counts (`subject.tokenCounts`) through core's
 * `frequencyBuckets`: sorted by training count, cut where the cumulative share of occurrences
 * crosses 80% and 95%. Each record's details give the share of the evaluated tokens in the bucket.
 */
async function bucketRecords(scorer: Scorer, documents: readonly EvalDocument[], buckets: Int8Array, domain: string, shares: readonly number[]): Promise<MetricRecord[]> {
  const k = shares.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  const scores = await scorer.rollingLogLikelihood(documents.map((d) => d.text), { keepTokens: true });
  for (const s of scores) {
    if (!s.tokenIds || !s.tokenLogProbs) continue;
    for (let j = 0; j < s.tokenIds.length; j++) {
      const b = buckets[s.tokenIds[j]] ?? k - 1;
      sums[b] += s.tokenLogProbs[j];
      counts[b] += 1;
    }
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const records: MetricRecord[] = [];
  for (let b = 0; b < k; b++) {
    if (counts[b] === 0) continue;
    const name = k === 3 ? BUCKET_NAMES[b] : `bucket${b}`;
    records.push({
      board: 'ppl', metric: `${domain}.freq_${name}.token_ppl`, value: Math.exp(-sums[b] / counts[b]), direction: 'lower', n: counts[b],
      details: { protocol: 'rolling-disjoint', window: scorer.maxLength, domain, bucket: name, trainShares: shares, evalShare: counts[b] / total, bucketing: 'training token counts' },
    });
  }
  return records;
}

export const perplexityByFrequency: Evaluator = {
  id: 'ppl-by-frequency',
  description: 'Token perplexity per training-frequency bucket (80% / 15% / 5% of training occurrences), in-domain and out-of-domain.',
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.scorer || !subject.tokenCounts) return [];
    const shares = (context.options.shares as number[] | undefined) ?? DEFAULT_SHARES;
    const buckets = frequencyBuckets(subject.tokenCounts, shares);
    return [
      ...(await bucketRecords(subject.scorer, await context.data.inDomain(), buckets, 'id', shares)),
      ...(await bucketRecords(subject.scorer, await context.data.outOfDomain(), buckets, 'ood', shares)),
    ];
  },
};
