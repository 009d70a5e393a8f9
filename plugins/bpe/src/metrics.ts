/**
 * The `tokenizer-metrics` evaluator (spec 6.1, tokenizer board): vocabulary and scaffold
 * statistics from the training record in the tokenizer file, and per held-out source the bytes
 * per token, unigram entropy and redundancy, plus encode throughput.
 *
 * In-domain sources are measured on their whole test split (Brown: 28 documents, 341k
 * characters), not on the profile's evaluation caps: the statistics are deterministic, so their
 * only noise is which documents are measured, and every record carries the per-document values
 * (`details.perDocument`, `details.perDocumentWeights`, same document order for every arm) that a
 * document-level bootstrap needs. Option `heldOut: 'profile'` restores the old capped sets.
 */
import type { EvalContext, EvalDocument, EvalSubject, Evaluator, MetricRecord, TrainedTokenizer } from './core.js';
import { configError } from './errors.js';
import { documentSurprisal, redundancy, tokenStats, unigramEntropy } from './tokenizer-stats.js';
import type { TrainingStats } from './training-stats.js';

/** Where in-domain documents come from: every test-split document (default), or the profile's capped set. */
export type HeldOutDocuments = 'test-split' | 'profile';

/** Loads the whole test split of the in-domain corpora (lazily: most processes never need it). */
async function wholeTestSplit(): Promise<EvalDocument[]> {
  const { corpus, IN_DOMAIN_SOURCES } = await import('@labbench/corpora');
  return IN_DOMAIN_SOURCES.flatMap((source) => corpus(source).filter((d) => d.split === 'test').map((d) => ({ source, id: d.id, text: d.text })));
}

/** The evaluator, with the loader of whole test splits injectable (tests pass small documents). */
export function createTokenizerMetrics(loadTestSplit: () => Promise<readonly EvalDocument[]> = wholeTestSplit): Evaluator {
  return {
    id: 'tokenizer-metrics',
    description: 'Vocabulary size, scaffold count/share, frequency change of replaced tokens, and per held-out source (in-domain: whole test split) bytes per token, unigram entropy and redundancy with per-document values; encode throughput.',
    boards: ['tokenizer'],
    requires: 'tokenizer',
    evaluate: (subject, context) => evaluate(subject, context, loadTestSplit),
  };
}

export const tokenizerMetrics: Evaluator = createTokenizerMetrics();

const round = (x: number) => Number(x.toPrecision(7));

async function evaluate(subject: EvalSubject, context: EvalContext, loadTestSplit: () => Promise<readonly EvalDocument[]>): Promise<MetricRecord[]> {
  const tokenizer = subject.tokenizer;
  const heldOut = (context.options.heldOut ?? 'test-split') as HeldOutDocuments;
  if (heldOut !== 'test-split' && heldOut !== 'profile') {
    throw configError('tokenizer-metrics › options.heldOut', `must be 'test-split' or 'profile', got ${JSON.stringify(heldOut)}.`,
      "Default 'test-split' measures every in-domain test document; 'profile' uses the profile's capped evaluation set.");
  }
  const records: MetricRecord[] = [...vocabularyRecords(tokenizer)];
  const inDomain = groupBySource(heldOut === 'test-split' ? await loadTestSplit() : await context.data.inDomain());
  const outOfDomain = groupBySource(await context.data.outOfDomain());
  let bytes = 0;
  let seconds = 0;
  for (const [split, groups] of [['in-domain', inDomain], ['out-of-domain', outOfDomain]] as const) {
    for (const [source, docs] of groups) {
      // a source held out in both splits gets a suffix so that metric names stay unique
      const task = split === 'out-of-domain' && inDomain.has(source) ? `${source}-ood` : source;
      const texts = split === 'in-domain' && heldOut === 'test-split' ? docs.map((d) => d.text) : capped(docs, context);
      const stats = tokenStats(tokenizer, texts);
      bytes += stats.bytes;
      seconds += stats.encodeSeconds;
      if (stats.tokens === 0) {
        context.log(`tokenizer-metrics: ${task} has no text after the profile's limits; skipped.`);
        continue;
      }
      records.push(...sourceRecords(task, split, stats, tokenizer.vocabSize));
    }
  }
  if (seconds > 0) {
    records.push({ board: 'tokenizer', metric: 'encode.mb_per_s', value: bytes / 1e6 / seconds, direction: 'none', n: bytes,
      details: { note: 'wall time of encode over the held-out texts above, first pass (cold cache)' } });
  }
  return records;
}

/**
 * Bytes per token, entropy and redundancy of one source, each with its per-document values and
 * weights (tokens per document). Documents without tokens (empty text) are left out of both.
 */
function sourceRecords(task: string, split: string, stats: ReturnType<typeof tokenStats>, vocabSize: number): MetricRecord[] {
  const kept = stats.documentTokens.map((t, d) => (t > 0 ? d : -1)).filter((d) => d >= 0);
  const weights = kept.map((d) => stats.documentTokens[d]);
  const surprisal = documentSurprisal(stats.counts, kept.map((d) => stats.documentIds[d]));
  const entropy = unigramEntropy(stats.counts);
  const log2V = Math.log2(vocabSize);
  const details = { split, documents: kept.length, bytes: stats.bytes, tokens: stats.tokens, perDocumentWeights: weights, weighting: 'tokens per document' };
  return [
    { board: 'tokenizer', metric: `${task}.bytes_per_token`, value: stats.bytes / stats.tokens, direction: 'higher', n: stats.tokens,
      details: { ...details, perDocument: kept.map((d) => round(stats.documentBytes[d] / stats.documentTokens[d])) } },
    { board: 'tokenizer', metric: `${task}.unigram_entropy`, value: entropy, direction: 'higher', n: stats.tokens,
      details: { ...details, unit: 'bits', perDocument: surprisal.map(round),
        perDocumentNote: 'mean surprisal -log2 p(t) of the document\'s tokens under the pooled unigram distribution (first-order decomposition of the entropy)' } },
    { board: 'tokenizer', metric: `${task}.redundancy`, value: redundancy(entropy, vocabSize), direction: 'lower', n: stats.tokens,
      details: { ...details, perDocument: surprisal.map((h) => round(vocabSize > 1 ? 1 - h / log2V : 0)) } },
  ];
}

/** Records read from the tokenizer file's training statistics (bpe / scaffold-bpe files only). */
function vocabularyRecords(tokenizer: TrainedTokenizer): MetricRecord[] {
  const json = tokenizer.toJSON();
  const records: MetricRecord[] = [
    { board: 'tokenizer', metric: 'vocab.size', value: tokenizer.vocabSize, direction: 'none', n: 1, details: { type: json.type } },
  ];
  const stats = (json.type === 'bpe' || json.type === 'scaffold-bpe') ? (json.stats as TrainingStats | null) : null;
  if (!stats) return records;
  records.push(
    { board: 'tokenizer', metric: 'vocab.scaffold_count', value: stats.scaffoldCount, direction: 'none', n: 1 },
    { board: 'tokenizer', metric: 'vocab.scaffold_share', value: stats.scaffoldShare, direction: 'none', n: 1,
      details: { definition: 'scaffold tokens among the tokens plain BPE with the same N would have, divided by N' } },
  );
  if (stats.avgFreqChange !== null) {
    records.push({ board: 'tokenizer', metric: 'vocab.avg_freq_change', value: stats.avgFreqChange, direction: 'higher', n: stats.replacedCount,
      details: { replacedMeanFreq: stats.replacedMeanFreq, addedMeanFreq: stats.addedMeanFreq, addedCount: stats.addedCount,
        definition: 'mean training frequency of tokens added in place of scaffold tokens / mean BPE frequency of the replaced tokens - 1' } });
  }
  if (stats.exhausted) {
    records.push({ board: 'tokenizer', metric: 'vocab.exhausted', value: 1, direction: 'none', n: 1,
      details: { note: 'the training corpus ran out of pairs before reaching the requested vocabulary size' } });
  }
  return records;
}

function groupBySource(docs: readonly EvalDocument[]): Map<string, EvalDocument[]> {
  const groups = new Map<string, EvalDocument[]>();
  for (const doc of docs) {
    const group = groups.get(doc.source);
    if (group) group.push(doc);
    else groups.set(doc.source, [doc]);
  }
  return groups;
}

/** At most `limits.documents` documents and `limits.maxChars` characters per source, in order. */
function capped(docs: readonly EvalDocument[], context: EvalContext): string[] {
  const { documents, maxChars } = context.limits;
  const texts: string[] = [];
  let chars = 0;
  for (const doc of docs) {
    if (texts.length >= documents || chars >= maxChars) break;
    const text = doc.text.length > maxChars - chars ? doc.text.slice(0, maxChars - chars) : doc.text;
    texts.push(text);
    chars += text.length;
  }
  return texts;
}
