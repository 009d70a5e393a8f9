import { perplexityByFrequency } from './by-frequency.js';
import { bitsPerByte, definePlugin, standardError, type EvalDocument, type Evaluator, type MetricRecord, type Scorer } from '@labbench/core';

/**
 * Perplexity protocol (recorded in every record's details): each document is scored alone, in
 * disjoint windows of the model's context length starting from the end-of-text token (lm-eval's
 * rolling log-likelihood). Token perplexity is per source and tokenizer; bits per byte compares
 * across tokenizers. Sources are reported apart, never pooled, plus an `all` row per domain.
 */
async function scoreDocuments(scorer: Scorer, documents: readonly EvalDocument[], domain: string): Promise<MetricRecord[]> {
  const bySource = new Map<string, EvalDocument[]>();
  for (const d of documents) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
  const records: MetricRecord[] = [];
  const all = { ll: 0, tokens: 0, bytes: 0, docBpb: [] as number[] };
  const protocol = { protocol: 'rolling-disjoint', window: scorer.maxLength, scope: 'document', domain };
  for (const [source, docs] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const scores = await scorer.rollingLogLikelihood(docs.map((d) => d.text));
    const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
    const tokens = scores.reduce((a, s) => a + s.tokens, 0);
    const bytes = scores.reduce((a, s) => a + s.bytes, 0);
    const docBpb = scores.filter((s) => s.bytes > 0).map((s) => bitsPerByte(s.logLikelihood, s.bytes));
    all.ll += ll; all.tokens += tokens; all.bytes += bytes; all.docBpb.push(...docBpb);
    const details = { ...protocol, source, documents: docs.length };
    records.push(
      { board: 'ppl', metric: `${domain}.${source}.bits_per_byte`, value: bitsPerByte(ll, bytes), stderr: standardError(docBpb), direction: 'lower', n: bytes, details },
      { board: 'ppl', metric: `${domain}.${source}.token_ppl`, value: Math.exp(-ll / tokens), direction: 'lower', n: tokens, details },
    );
  }
  if (all.bytes > 0) {
    const details = { ...protocol, source: 'all', documents: documents.length };
    records.push(
      { board: 'ppl', metric: `${domain}.all.bits_per_byte`, value: bitsPerByte(all.ll, all.bytes), stderr: standardError(all.docBpb), direction: 'lower', n: all.bytes, details },
      { board: 'ppl', metric: `${domain}.all.token_ppl`, value: Math.exp(-all.ll / all.tokens), direction: 'lower', n: all.tokens, details },
      { board: 'ppl', metric: `${domain}.all.byte_ppl`, value: Math.exp(-all.ll / all.bytes), direction: 'lower', n: all.bytes, details },
    );
  }
  return records;
}

export const perplexity: Evaluator = {
  id: 'perplexity',
  description: 'Token perplexity, byte perplexity and bits per byte per held-out source, in-domain and out-of-domain.',
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.scorer) return [];
    const inDomain = await context.data.inDomain();
    const outOfDomain = await context.data.outOfDomain();
    return [...(await scoreDocuments(subject.scorer, inDomain, 'id')), ...(await scoreDocuments(subject.scorer, outOfDomain, 'ood'))];
  },
};

export default definePlugin({ id: 'perplexity', evaluators: [perplexity, perplexityByFrequency] });
