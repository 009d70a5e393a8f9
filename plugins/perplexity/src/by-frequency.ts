import { DEFAULT_FREQUENCY_SHARES, documentSeries, frequencyBucketName, frequencyBuckets, type EvalDocument, type Evaluator, type MetricRecord, type RollingScore, type Scorer } from '@labbench/core';

// A bucket's perplexity rests on at least this many tokens at the campaign profile (issue #17);
// smaller budgets still report the bucket and flag it (details.belowMinimum).
export const MIN_BUCKET_TOKENS = 2000;

async function score(scorer: Scorer, documents: readonly EvalDocument[]): Promise<RollingScore[]> {
  return scorer.rollingLogLikelihood(documents.map((d) => d.text), { keepTokens: true });
}

function bucketRecords(scorer: Scorer, scores: readonly RollingScore[], ids: readonly string[], buckets: Int32Array, domain: string, shares: readonly number[]): MetricRecord[] {
  const k = shares.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  // per document and bucket: NLL sum and token count (the bootstrap's unit is the document)
  const docSums = scores.map(() => new Float64Array(k));
  const docCounts = scores.map(() => new Float64Array(k));
  scores.forEach((s, d) => {
    if (!s.tokenIds || !s.tokenLogProbs) return;
    for (let j = 0; j < s.tokenIds.length; j++) {
      const b = buckets[s.tokenIds[j]] ?? k - 1;
      sums[b] += s.tokenLogProbs[j];
      counts[b] += 1;
      docSums[d][b] -= s.tokenLogProbs[j];
      docCounts[d][b] += 1;
    }
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const records: MetricRecord[] = [];
  for (let b = 0; b < k; b++) {
    if (counts[b] === 0) continue;
    const name = frequencyBucketName(b, k);
    const series = documentSeries(docCounts.map((c) => c[b]), (d) => docSums[d][b] / docCounts[d][b], 'exp-weighted-mean', ids);
    records.push({
      board: 'ppl', metric: `${domain}.freq_${name}.token_ppl`, value: Math.exp(-sums[b] / counts[b]), direction: 'lower', n: counts[b],
      details: {
        protocol: 'rolling-disjoint', window: scorer.maxLength, domain, bucket: name, shares, share: counts[b] / total, bucketing: 'ranked by training count; shares of in-domain evaluation tokens',
        tokens: counts[b], documents: series.perDocument.length, minTokens: MIN_BUCKET_TOKENS, belowMinimum: counts[b] < MIN_BUCKET_TOKENS,
        ...series,
      },
    });
  }
  return records;
}

/**
 * Token perplexity per frequency bucket, from the per-token log-probabilities of the rolling
 * protocol. Token types are ranked by their training count (`subject.tokenCounts`) and cut, through
 * core's `frequencyBuckets`, so the buckets cover 80% / 15% / 5% of the in-domain evaluation tokens
 * (MiLe's analysis); the same buckets are applied out of domain. Each record's details give the
 * share of the evaluated tokens that fell in the bucket, its token and document counts (flagged
 * below MIN_BUCKET_TOKENS) and the per-document series a bootstrap resamples (per-document.ts).
 */
export const perplexityByFrequency: Evaluator = {
  id: 'ppl-by-frequency',
  description: 'Token perplexity per frequency bucket (types ranked by training count; buckets cover 80% / 15% / 5% of in-domain evaluation tokens), in-domain and out-of-domain.',
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.scorer || !subject.tokenCounts) return [];
    const shares = (context.options.shares as readonly number[] | undefined) ?? DEFAULT_FREQUENCY_SHARES;
    const inDomainDocs = await context.data.inDomain();
    const inDomain = await score(subject.scorer, inDomainDocs);
    const mass = new Float64Array(subject.tokenCounts.length);
    for (const s of inDomain) for (const id of s.tokenIds ?? []) mass[id] += 1;
    const buckets = frequencyBuckets(subject.tokenCounts, shares, mass);
    const outOfDomainDocs = await context.data.outOfDomain();
    const outOfDomain = await score(subject.scorer, outOfDomainDocs);
    return [
      ...bucketRecords(subject.scorer, inDomain, inDomainDocs.map((d) => d.id), buckets, 'id', shares),
      ...bucketRecords(subject.scorer, outOfDomain, outOfDomainDocs.map((d) => d.id), buckets, 'ood', shares),
    ];
  },
};
