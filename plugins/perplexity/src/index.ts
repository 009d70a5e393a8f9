import { perplexityByFrequency } from './by-frequency.js';
import { bitsPerByte, defineBoard, definePlugin, standardError, type EvalDocument, type Evaluator, type MetricRecord, type RollingScore, type Scorer } from '@labbench/core';
import { bitsPerByteSeries, byteNllSeries, tokenNllSeries } from './per-document.js';

/**
 * Perplexity protocol (recorded in every record's details): each document is scored alone, in
 * disjoint windows of the model's context length starting from the end-of-text token (lm-eval's
 * rolling log-likelihood). Token perplexity is per source and tokenizer; bits per byte compares
 * across tokenizers. Sources are reported apart, never pooled, plus an `all` row per domain.
 * Every record's `n` is its evaluation tokens; its details give documents, tokens, bytes, the
 * document ids and the per-document values (per-document.ts).
 */
async function scoreDocuments(scorer: Scorer, documents: readonly EvalDocument[], domain: string): Promise<MetricRecord[]> {
  const bySource = new Map<string, EvalDocument[]>();
  for (const d of documents) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
  const records: MetricRecord[] = [];
  const all = { scores: [] as RollingScore[], ids: [] as string[] };
  const protocol = { protocol: 'rolling-disjoint', window: scorer.maxLength, scope: 'document', domain };
  const sources = [...bySource].sort(([a], [b]) => a.localeCompare(b));
  // one scorer call over every document: the model runs in full batches across sources
  const ordered = sources.flatMap(([, docs]) => docs);
  const scored = await scorer.rollingLogLikelihood(ordered.map((d) => d.text));
  let offset = 0;
  for (const [source, docs] of sources) {
    const scores = scored.slice(offset, offset + docs.length);
    offset += docs.length;
    all.scores.push(...scores);
    all.ids.push(...docs.map((d) => d.id));
    records.push(...recordsFor(`${domain}.${source}`, scores, docs.map((d) => d.id), { ...protocol, source }, false));
  }
  if (all.scores.length > 0) records.push(...recordsFor(`${domain}.all`, all.scores, all.ids, { ...protocol, source: 'all' }, true));
  return records;
}

/**
 * Bits per byte and token perplexity (plus byte perplexity for `all`) of a set of documents. `n` is
 * the number of evaluation tokens; details give documents, tokens and bytes, and the per-document
 * series (per-document.ts) a bootstrap over documents resamples.
 */
function recordsFor(prefix: string, scores: readonly RollingScore[], ids: readonly string[], protocol: Record<string, unknown>, withBytePpl: boolean): MetricRecord[] {
  const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  const bytes = scores.reduce((a, s) => a + s.bytes, 0);
  if (bytes === 0 || tokens === 0) return [];
  const counts = { ...protocol, documents: scores.length, tokens, bytes };
  const bpb = bitsPerByteSeries(scores, ids);
  const out: MetricRecord[] = [
    { board: 'ppl', metric: `${prefix}.bits_per_byte`, value: bitsPerByte(ll, bytes), stderr: standardError(bpb.perDocument), direction: 'lower', n: tokens, details: { ...counts, ...bpb } },
    { board: 'ppl', metric: `${prefix}.token_ppl`, value: Math.exp(-ll / tokens), direction: 'lower', n: tokens, details: { ...counts, ...tokenNllSeries(scores, ids) } },
  ];
  if (withBytePpl) out.push({ board: 'ppl', metric: `${prefix}.byte_ppl`, value: Math.exp(-ll / bytes), direction: 'lower', n: tokens, details: { ...counts, ...byteNllSeries(scores, ids) } });
  return out;
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

export default definePlugin({
  id: 'perplexity',
  evaluators: [perplexity, perplexityByFrequency],
  boards: [defineBoard({ id: 'ppl', title: 'Language modelling: held-out bits per byte and perplexity', headline: 'id.all.bits_per_byte', direction: 'lower' })],
});
