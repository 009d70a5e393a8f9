/**
 * Tokenizer statistics on held-out text (spec 1.7): bytes per token, unigram Shannon entropy
 * H = -sum_t p(t) log2 p(t) over emitted tokens and redundancy R = 1 - H / log2 |V|.
 * They apply to any TrainedTokenizer.
 */
import type { TrainedTokenizer } from './core.js';

export interface TextTokenStats {
  readonly documents: number;
  readonly bytes: number;
  readonly tokens: number;
  /** Occurrences of each id. */
  readonly counts: Float64Array;
  /** Wall time spent in encode. */
  readonly encodeSeconds: number;
}

export function tokenStats(tokenizer: TrainedTokenizer, texts: readonly string[]): TextTokenStats {
  const counts = new Float64Array(tokenizer.vocabSize);
  const utf8 = new TextEncoder();
  let bytes = 0;
  let tokens = 0;
  let encodeSeconds = 0;
  for (const text of texts) {
    bytes += utf8.encode(text).length;
    const start = performance.now();
    const ids = tokenizer.encode(text);
    encodeSeconds += (performance.now() - start) / 1000;
    tokens += ids.length;
    for (const id of ids) counts[id]++;
  }
  return { documents: texts.length, bytes, tokens, counts, encodeSeconds };
}

/** Shannon entropy in bits of the distribution proportional to `counts` (0 for no mass). */
export function unigramEntropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      const p = counts[i] / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** 1 - H / log2 |V|: 0 when every token is equally likely, 1 when one token takes all mass. */
export function redundancy(entropyBits: number, vocabSize: number): number {
  return vocabSize > 1 ? 1 - entropyBits / Math.log2(vocabSize) : 0;
}
