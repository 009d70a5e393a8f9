/**
 * The `tokenizer-metrics` evaluator (spec 6.1, tokenizer board): vocabulary and scaffold
 * statistics from the training record in the tokenizer file, and per held-out source the bytes
 * per token, unigram entropy and redundancy, plus encode throughput.
 */
import type { EvalContext, EvalDocument, EvalSubject, Evaluator, MetricRecord, TrainedTokenizer } from './core.js';
import { redundancy, tokenStats, unigramEntropy } from './tokenizer-stats.js';
import type { TrainingStats } from './training-stats.js';

export const tokenizerMetrics: Evaluator = {
  id: 'tokenizer-metrics',
  description: 'Vocabulary size, scaffold count/share, frequency change of replaced tokens, and per held-out source bytes per token, unigram entropy and redundancy; encode throughput.',
  boards: ['tokenizer'],
  requires: 'tokenizer',
  evaluate,
};

async function evaluate(subject: EvalSubject, context: EvalContext): Promise<MetricRecord[]> {
  const tokenizer = subject.tokenizer;
  const records: MetricRecord[] = [...vocabularyRecords(tokenizer)];
  const inDomain = groupBySource(await context.data.inDomain());
  const outOfDomain = groupBySource(await context.data.outOfDomain());
  let bytes = 0;
  let seconds = 0;
  for (const [split, groups] of [['in-domain', inDomain], ['out-of-domain', outOfDomain]] as const) {
    for (const [source, docs] of groups) {
      // a source held out in both splits gets a suffix so that metric names stay unique
      const task = split === 'out-of-domain' && inDomain.has(source) ? `${source}-ood` : source;
      const texts = capped(docs, context);
      const stats = tokenStats(tokenizer, texts);
      bytes += stats.bytes;
      seconds += stats.encodeSeconds;
      if (stats.tokens === 0) {
        context.log(`tokenizer-metrics: ${task} has no text after the profile's limits; skipped.`);
        continue;
      }
      const entropy = unigramEntropy(stats.counts);
      const details = { split, documents: stats.documents, bytes: stats.bytes, tokens: stats.tokens };
      records.push(
        { board: 'tokenizer', metric: `${task}.bytes_per_token`, value: stats.bytes / stats.tokens, direction: 'higher', n: stats.tokens, details },
        { board: 'tokenizer', metric: `${task}.unigram_entropy`, value: entropy, direction: 'higher', n: stats.tokens, details: { ...details, unit: 'bits' } },
        { board: 'tokenizer', metric: `${task}.redundancy`, value: redundancy(entropy, tokenizer.vocabSize), direction: 'lower', n: stats.tokens, details },
      );
    }
  }
  if (seconds > 0) {
    records.push({ board: 'tokenizer', metric: 'encode.mb_per_s', value: bytes / 1e6 / seconds, direction: 'none', n: bytes,
      details: { note: 'wall time of encode over the held-out texts above, first pass (cold cache)' } });
  }
  return records;
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
