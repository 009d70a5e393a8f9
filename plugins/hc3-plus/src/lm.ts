import type { LanguageModel, TrainedTokenizer } from '@labbench/core';
import { Rng } from '@labbench/core';
import { sampleToken, tf } from '@labbench/tensor';

/** A decoding setting of the grid (spec 6.4): greedy, temperature 0.7 and 1.0, top-k 40, top-p 0.9. */
export interface Decoding {
  readonly id: string;
  readonly temperature: number;
  readonly topK?: number;
  readonly topP?: number;
}
export const DECODINGS: readonly Decoding[] = [
  { id: 'greedy', temperature: 0 },
  { id: 't0.7', temperature: 0.7 },
  { id: 't1.0', temperature: 1 },
  { id: 'topk40', temperature: 1, topK: 40 },
  { id: 'topp0.9', temperature: 1, topP: 0.9 },
];

/**
 * A next-token model over one tokenizer's ids, as the benchmark's generators see it (the n-gram
 * model and the transformers implement it alike). Contexts start after the end-of-text token.
 */
export interface TokenLM {
  readonly id: string;
  readonly vocabSize: number;
  /** ln p(next | context) over the vocabulary, one [V] array per context. */
  nextLogProbs(contexts: readonly Int32Array[]): Float32Array[];
  /** Sum over t of ln p(tokens[t] | context, tokens[<t]), per item. */
  sequenceLogProb(items: readonly { readonly context: Int32Array; readonly tokens: Int32Array }[]): number[];
}

/** Rows of [eos, ...context] cut to the model's window T, right-padded with eos. */
function windowRows(sequences: readonly Int32Array[], eos: number, T: number): { ids: Int32Array; lengths: number[]; starts: number[] } {
  const ids = new Int32Array(sequences.length * T).fill(eos);
  const lengths: number[] = [];
  const starts: number[] = [];
  sequences.forEach((s, i) => {
    const full = new Int32Array(s.length + 1);
    full[0] = eos;
    full.set(s, 1);
    const start = Math.max(0, full.length - T);
    ids.set(full.subarray(start), i * T);
    lengths.push(full.length - start);
    starts.push(start);
  });
  return { ids, lengths, starts };
}

/** A causal transformer as a TokenLM; contexts longer than its window keep their last T - 1 tokens. */
export function transformerLM(id: string, model: LanguageModel, tokenizer: TrainedTokenizer, seqLen: number, batchSize = 16): TokenLM {
  const V = tokenizer.vocabSize;
  const T = seqLen;
  /**
   * Log-probs of a batch of rows at flat (row * T + position) * V + token indices (or whole rows
   * of V). The log-softmax runs on the K rows read, not on all B * T: generation reads one
   * position per row, and the softmax over [B * T, V] cost more than a third of each step.
   */
  const gathered = (ids: Int32Array, rows: number, positions: readonly number[], tokens?: readonly number[]): Float32Array => tf.tidy(() => {
    const logits = model.forward(tf.tensor2d(ids, [rows, T], 'int32'), { training: false }).logits; // [B, T, V]
    const rowsRead = tf.gather(tf.reshape(logits, [rows * T, V]), tf.tensor1d(Int32Array.from(positions), 'int32')); // [K, V]
    const at = tf.logSoftmax(rowsRead); // [K, V]
    if (!tokens) return at.dataSync() as Float32Array;
    const flat = Int32Array.from(tokens, (token, k) => k * V + token);
    return tf.gather(tf.reshape(at, [-1]), tf.tensor1d(flat, 'int32')).dataSync() as Float32Array; // [K]
  });
  return {
    id, vocabSize: V,
    nextLogProbs(contexts) {
      const out: Float32Array[] = [];
      for (let b = 0; b < contexts.length; b += batchSize) {
        const chunk = contexts.slice(b, b + batchSize);
        const { ids, lengths } = windowRows(chunk, tokenizer.eosId, T);
        const lp = gathered(ids, chunk.length, lengths.map((length, i) => i * T + length - 1));
        chunk.forEach((_, i) => out.push(lp.slice(i * V, (i + 1) * V)));
      }
      return out;
    },
    sequenceLogProb(items) {
      const out: number[] = [];
      for (let b = 0; b < items.length; b += batchSize) {
        const chunk = items.slice(b, b + batchSize);
        const full = chunk.map(({ context, tokens }) => { const s = new Int32Array(context.length + tokens.length); s.set(context); s.set(tokens, context.length); return s; });
        // the window must hold every scored token and its predecessor: keep the last T + 1 of [eos, ...]
        const { ids, starts } = windowRows(full.map((s) => s.subarray(0, s.length - 1)), tokenizer.eosId, T);
        const positions: number[] = [];
        const targets: number[] = [];
        const owner: number[] = [];
        chunk.forEach(({ context, tokens }, i) => {
          for (let k = 0; k < tokens.length; k++) {
            const pos = context.length + k - starts[i]; // row position predicting tokens[k]
            if (pos < 0) continue; // fell out of the window (continuation longer than T)
            positions.push(i * T + pos);
            targets.push(tokens[k]);
            owner.push(i);
          }
        });
        const sums = new Array(chunk.length).fill(0);
        if (positions.length > 0) gathered(ids, chunk.length, positions, targets).forEach((lp, k) => { sums[owner[k]] += lp; });
        out.push(...sums);
      }
      return out;
    },
  };
}

/**
 * Samples continuations of several contexts in lock-step (one batched call per step), each with its
 * own seeded stream; a sequence stops after its own token budget (end-of-text is never sampled).
 * With `wordStarts`, the first token is drawn among those ids only.
 */
export function generateTokens(lm: TokenLM, contexts: readonly Int32Array[], maxTokens: readonly number[], decoding: Decoding, seeds: readonly number[], eos: number, wordStarts?: ReadonlySet<number>): Int32Array[] {
  const outputs: number[][] = contexts.map(() => []);
  const rngs = seeds.map((s) => new Rng(s));
  const active = new Set(contexts.map((_, i) => i).filter((i) => maxTokens[i] > 0));
  while (active.size > 0) {
    const ids = [...active];
    const probs = lm.nextLogProbs(ids.map((i) => concat(contexts[i], outputs[i])));
    ids.forEach((i, k) => {
      const lp = probs[k];
      lp[eos] = -Infinity; // fill the requested length: end-of-text is never sampled mid-text
      // the first token must start a new word (the human text after the same context does), or the
      // machine text would open with a word fragment or punctuation: an artefact, not a style
      if (wordStarts && outputs[i].length === 0) for (let t = 0; t < lp.length; t++) if (!wordStarts.has(t)) lp[t] = -Infinity;
      const next = sampleAllowed(lp, decoding, rngs[i]);
      outputs[i].push(next);
      if (outputs[i].length >= maxTokens[i]) active.delete(i);
    });
  }
  return outputs.map((o) => Int32Array.from(o));
}

/**
 * Samples among the tokens whose log-prob is finite (masked ones are -Infinity): the sampler sees
 * only the allowed tokens, so no masked token can come out of a rounding fall-through or an
 * ordering of infinities.
 */
export function sampleAllowed(logProbs: Float32Array, decoding: Decoding, rng: Rng): number {
  const ids: number[] = [];
  for (let t = 0; t < logProbs.length; t++) if (Number.isFinite(logProbs[t])) ids.push(t);
  if (ids.length === 0) return 0;
  const allowed = Float32Array.from(ids, (t) => logProbs[t]);
  return ids[sampleToken(allowed, { maxTokens: 1, temperature: decoding.temperature, topK: decoding.topK, topP: decoding.topP, seed: 0 }, rng)];
}

/** Token ids that decode to a space followed by a letter or digit (tokens that start a new word). */
const wordStartCache = new WeakMap<TrainedTokenizer, Set<number>>();
export function wordStartTokens(tokenizer: TrainedTokenizer): Set<number> {
  let found = wordStartCache.get(tokenizer);
  if (!found) {
    found = new Set();
    for (let id = 0; id < tokenizer.vocabSize; id++) if (id !== tokenizer.eosId && /^ [\p{L}\p{N}"'(]/u.test(tokenizer.decode([id]))) found.add(id);
    wordStartCache.set(tokenizer, found);
  }
  return found;
}

/**
 * Token ids that may follow a complete word, each with whether its text starts with whitespace
 * (which ends the word for good) rather than punctuation (after which the word could still be glued on).
 */
const boundaryCache = new WeakMap<TrainedTokenizer, Map<number, boolean>>();
export function boundaryTokens(tokenizer: TrainedTokenizer): Map<number, boolean> {
  let found = boundaryCache.get(tokenizer);
  if (!found) {
    found = new Map();
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      if (id === tokenizer.eosId) continue;
      const text = tokenizer.decode([id]);
      // only whitespace that survives normalisation separates words (\v, \f and other controls are removed)
      if (/^[ \t\n\r.,;:!?'")\]-]/u.test(text)) found.set(id, /^[ \t\n\r]/u.test(text));
    }
    boundaryCache.set(tokenizer, found);
  }
  return found;
}

export function concat(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
