import { DEFAULT_FREQUENCY_SHARES, frequencyBucketName, frequencyBuckets, type EvalDocument, type Evaluator, type MetricRecord, type TrainedTokenizer } from '@labbench/core';


function occurrences(tokenizer: TrainedTokenizer, documents: readonly EvalDocument[]): Float64Array {
  const mass = new Float64Array(tokenizer.vocabSize);
  for (const doc of documents) for (const id of tokenizer.encode(doc.text)) mass[id] += 1;
  return mass;
}

/**
 * How many evaluation tokens each frequency bucket of `ppl-by-frequency` holds, with the same
 * buckets (types ranked by training count, cut at the shares of in-domain evaluation tokens) on
 * the same documents, without scoring anything. It feeds the MiLe study's gate: a rare-token
 * perplexity over a few hundred tokens cannot decide a claim (v1's rare bucket held 144-146).
 */
export const frequencyBucketSizes: Evaluator = {
  id: 'frequency-bucket-sizes',
  description: 'Evaluation tokens per frequency bucket (the buckets of ppl-by-frequency), in-domain and out-of-domain; the input of bucket-size gates.',
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.tokenCounts) return [];
    const shares = (context.options.shares as readonly number[] | undefined) ?? DEFAULT_FREQUENCY_SHARES;
    const inDomain = occurrences(subject.tokenizer, await context.data.inDomain());
    const outOfDomain = occurrences(subject.tokenizer, await context.data.outOfDomain());
    const buckets = frequencyBuckets(subject.tokenCounts, shares, inDomain);
    const records: MetricRecord[] = [];
    for (const [domain, mass] of [['id', inDomain], ['ood', outOfDomain]] as const) {
      const sizes = new Float64Array(shares.length);
      for (let id = 0; id < mass.length; id++) sizes[buckets[id]] += mass[id];
      for (let b = 0; b < shares.length; b++) {
        const name = frequencyBucketName(b, shares.length);
        records.push({ board: 'ppl', metric: `${domain}.freq_${name}.eval_tokens`, value: sizes[b], direction: 'none', n: sizes[b], details: { shares, domain, bucket: name } });
      }
    }
    return records;
  },
};
