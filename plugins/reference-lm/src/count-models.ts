import { DataError, bitsPerByte, type TrainedTokenizer } from '@labbench/core';

/**
 * Count language models over token ids: the floor every neural LM on a board must beat.
 *
 * - Unigram, add-k: p(w) = (c(w) + k) / (N + k V). Never zero, so it scores any text.
 * - Bigram, interpolated Witten-Bell (Witten & Bell 1991; Chen & Goodman 1998, eq. 14):
 *     p(w | v) = (c(v, w) + T(v) p_uni(w)) / (c(v) + T(v))
 *   where c(v) is how often v occurs as a history (followed by anything), T(v) how many distinct
 *   tokens follow v, and p_uni the add-k unigram. A history never seen (c(v) = 0) backs off to
 *   p_uni. Sums to 1 over the vocabulary for every v because the unigram does.
 *
 * Chosen over Kneser-Ney because it has no discount to tune and is exact to check by hand.
 */
export interface CountModel {
  readonly kind: 'unigram' | 'bigram';
  readonly vocabSize: number;
  /** Tokens the model was trained on. */
  readonly trainedTokens: number;
  /** Natural-log probability of `next` after `prev` (the unigram ignores `prev`). */
  logProb(prev: number, next: number): number;
}

export interface UnigramOptions {
  /** Add-k smoothing constant (default 1: Laplace). */
  readonly k?: number;
}

function checkIds(tokens: Int32Array, vocabSize: number, where: string): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new DataError(where, `vocabSize must be a positive integer, got ${vocabSize}.`, 'Pass the tokenizer\'s vocabSize.');
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i];
    if (id < 0 || id >= vocabSize) {
      throw new DataError(where, `token id ${id} at position ${i} is outside the vocabulary [0, ${vocabSize}).`, 'Train on a stream encoded by the same tokenizer whose vocabSize you pass.');
    }
  }
}

/** Add-k unigram over `tokens` (ids in [0, vocabSize)). */
export function trainUnigram(tokens: Int32Array, vocabSize: number, options: UnigramOptions = {}): CountModel {
  const k = options.k ?? 1;
  if (!(k > 0)) throw new DataError('trainUnigram', `k must be > 0, got ${k}.`, 'Use k = 1 (Laplace) or a small positive value such as 0.01.');
  checkIds(tokens, vocabSize, 'trainUnigram');
  const counts = new Float64Array(vocabSize);
  for (const id of tokens) counts[id]++;
  const denominator = tokens.length + k * vocabSize;
  const logProbs = Float64Array.from(counts, (c) => Math.log((c + k) / denominator));
  return { kind: 'unigram', vocabSize, trainedTokens: tokens.length, logProb: (_prev, next) => logProbs[next] };
}

/** Interpolated Witten-Bell bigram over `tokens`, backing off to the add-k unigram. */
export function trainWittenBellBigram(tokens: Int32Array, vocabSize: number, options: UnigramOptions = {}): CountModel {
  const unigram = trainUnigram(tokens, vocabSize, options);
  const V = vocabSize;
  const pairs = new Map<number, number>(); // prev * V + next -> c(prev, next)
  const history = new Float64Array(V); // c(v): occurrences of v followed by a token
  const types = new Float64Array(V); // T(v): distinct tokens that follow v
  for (let i = 1; i < tokens.length; i++) {
    const key = tokens[i - 1] * V + tokens[i];
    const seen = pairs.get(key) ?? 0;
    if (seen === 0) types[tokens[i - 1]]++;
    pairs.set(key, seen + 1);
    history[tokens[i - 1]]++;
  }
  return {
    kind: 'bigram',
    vocabSize,
    trainedTokens: tokens.length,
    logProb(prev, next) {
      const pUni = Math.exp(unigram.logProb(prev, next));
      const c = history[prev];
      if (c === 0) return Math.log(pUni);
      const t = types[prev];
      return Math.log(((pairs.get(prev * V + next) ?? 0) + t * pUni) / (c + t));
    },
  };
}

/**
 * Sum of ln p over `tokens` with `start` as the context of the first one. Scoring a document as
 * the perplexity evaluator does means start = the end-of-text id: its rolling windows begin with
 * it, and every later window's first input is the previous token, so a bigram always sees it.
 */
export function logLikelihood(model: CountModel, tokens: Int32Array, start: number): number {
  let total = 0;
  let prev = start;
  for (const id of tokens) {
    total += model.logProb(prev, id);
    prev = id;
  }
  return total;
}

export interface TextScore {
  readonly logLikelihood: number;
  readonly tokens: number;
  readonly bytes: number;
  readonly bitsPerByte: number;
  readonly tokenPerplexity: number;
}

/** Scores texts document by document (each encoded alone, context starting at end-of-text). */
export function scoreBitsPerByte(model: CountModel, tokenizer: TrainedTokenizer, texts: readonly string[]): TextScore {
  let ll = 0;
  let tokens = 0;
  let bytes = 0;
  for (const text of texts) {
    const ids = tokenizer.encode(text);
    ll += logLikelihood(model, ids, tokenizer.eosId);
    tokens += ids.length;
    bytes += Buffer.byteLength(text, 'utf8');
  }
  return { logLikelihood: ll, tokens, bytes, bitsPerByte: bitsPerByte(ll, bytes), tokenPerplexity: Math.exp(-ll / tokens) };
}
