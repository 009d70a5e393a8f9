/**
 * Tokenizer statistics on held-out text (spec 1.7): bytes per token, unigram Shannon entropy
 * H = -sum_t p(t) log2 p(t) over emitted tokens and redundancy R = 1 - H / log2 |V|.
 * They apply to any TrainedTokenizer.
 *
 * Each statistic also comes per document, as the weighted mean the pooled value is, so a
 * document-level bootstrap can give these deterministic metrics an interval:
 * - bytes per token = sum bytes / sum tokens = mean of bytes_d / tokens_d weighted by tokens_d;
 * - entropy = (1 / T) sum_t -log2 p(t) over every emitted token = mean over documents of their mean
 *   surprisal under the pooled p, weighted by tokens_d. Resampling documents with p held at the
 *   pooled estimate is the first-order (influence-function) approximation of recomputing p per
 *   resample: the plug-in entropy's derivative in a document's weight is exactly its centred
 *   surprisal sum, since sum_t c_t d(log p_t) = 0.
 * - redundancy = 1 - entropy / log2 |V|, per document likewise.
 */
import type { TrainedTokenizer } from './core.js';

export interface TextTokenStats {
  readonly documents: number;
  readonly bytes: number;
  readonly tokens: number;
  /** Occurrences of each id. */
  readonly counts: Float64Array;
  /** Per document, in input order: UTF-8 bytes and tokens. */
  readonly documentBytes: number[];
  readonly documentTokens: number[];
  /** Per document: the encoded ids (for per-document surprisal under the pooled distribution). */
  readonly documentIds: Int32Array[];
  /** Wall time spent in encode. */
  readonly encodeSeconds: number;
}

export function tokenStats(tokenizer: TrainedTokenizer, texts: readonly string[]): TextTokenStats {
  const counts = new Float64Array(tokenizer.vocabSize);
  const utf8 = new TextEncoder();
  const documentBytes: number[] = [];
  const documentTokens: number[] = [];
  const documentIds: Int32Array[] = [];
  let encodeSeconds = 0;
  for (const text of texts) {
    documentBytes.push(utf8.encode(text).length);
    const start = performance.now();
    const ids = tokenizer.encode(text);
    encodeSeconds += (performance.now() - start) / 1000;
    documentTokens.push(ids.length);
    documentIds.push(ids);
    for (const id of ids) counts[id]++;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return { documents: texts.length, bytes: sum(documentBytes), tokens: sum(documentTokens), counts, documentBytes, documentTokens, documentIds, encodeSeconds };
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

/**
 * Mean surprisal -log2 p(t) of each document's tokens under the pooled distribution `counts`
 * (NaN for a document without tokens). Their token-weighted mean is unigramEntropy(counts).
 */
export function documentSurprisal(counts: ArrayLike<number>, documents: readonly Int32Array[]): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return documents.map((ids) => {
    let bits = 0;
    for (const id of ids) bits -= Math.log2(counts[id] / total);
    return ids.length > 0 ? bits / ids.length : Number.NaN;
  });
}
