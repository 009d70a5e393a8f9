import * as tf from '@tensorflow/tfjs';
import type { ContinuationRequest, ContinuationScore, GenerationOptions, LanguageModel, RollingScore, Scorer, TokenScores, TrainedTokenizer } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import { oneHotFloat } from '../ops/index.js';

/** One scored row: input ids and targets (-1 = not scored), both of length T. */
interface Row {
  readonly ids: Int32Array;
  readonly targets: Int32Array;
}

interface RowScores {
  readonly logProbs: Float32Array;
  readonly ranks: Int32Array;
  readonly entropies: Float32Array;
  readonly secondMoments: Float32Array;
  readonly argmax: Int32Array;
}

/**
 * lm-eval's three requests (plus per-token scores for detectors) over a causal LanguageModel.
 * Every sequence starts with the end-of-text token as its context, and long texts are scored in
 * disjoint windows of the model's context length (each token predicted once, with only its
 * window's prefix), as lm-eval's rolling log-likelihood does.
 */
export class CausalScorer implements Scorer {
  constructor(private readonly model: LanguageModel, private readonly tokenizer: TrainedTokenizer, readonly maxLength: number, private readonly batchSize: number) {}

  /** Forward passes over rows in batches; returns per-position scores of each row. */
  private scoreRows(rows: readonly Row[]): RowScores[] {
    const T = this.maxLength;
    const out: RowScores[] = [];
    for (let start = 0; start < rows.length; start += this.batchSize) {
      const chunk = rows.slice(start, start + this.batchSize);
      const ids = new Int32Array(chunk.length * T);
      const targets = new Int32Array(chunk.length * T);
      chunk.forEach((r, i) => { ids.set(r.ids, i * T); targets.set(r.targets, i * T); });
      const [lp, rk, ent, m2, am] = tf.tidy(() => {
        const logits = tf.reshape(this.model.forward(tf.tensor2d(ids, [chunk.length, T], 'int32'), { training: false }).logits, [chunk.length * T, -1]);
        const logProbs = tf.logSoftmax(logits); // [N, V]
        const y = tf.tensor1d(targets, 'int32');
        const target = tf.sum(tf.mul(logProbs, oneHotFloat(y, logProbs.shape[1]!)), -1); // [N]
        const rank = tf.add(tf.sum(tf.cast(tf.greater(logProbs, tf.expandDims(target, 1)), 'int32'), -1), 1); // [N]
        const p = tf.exp(logProbs);
        const entropy = tf.neg(tf.sum(tf.mul(p, logProbs), -1)); // [N]
        const second = tf.sum(tf.mul(p, tf.square(logProbs)), -1); // E[(ln p)^2], [N]
        return [target, rank, entropy, second, tf.argMax(logProbs, -1)].map((t) => t.dataSync());
      });
      chunk.forEach((_, i) => out.push({
        logProbs: Float32Array.from(lp.subarray(i * T, (i + 1) * T) as Float32Array),
        ranks: Int32Array.from(rk.subarray(i * T, (i + 1) * T) as Int32Array),
        entropies: Float32Array.from(ent.subarray(i * T, (i + 1) * T) as Float32Array),
        secondMoments: Float32Array.from(m2.subarray(i * T, (i + 1) * T) as Float32Array),
        argmax: Int32Array.from(am.subarray(i * T, (i + 1) * T) as Int32Array),
      }));
    }
    return out;
  }

  /** Disjoint windows over [eos, ...tokens]; every token is a target exactly once. */
  private windows(tokens: Int32Array): Row[] {
    const T = this.maxLength;
    const seq = new Int32Array(tokens.length + 1);
    seq[0] = this.tokenizer.eosId;
    seq.set(tokens, 1);
    const rows: Row[] = [];
    for (let start = 0; start < tokens.length; start += T) {
      const length = Math.min(T, tokens.length - start);
      const ids = new Int32Array(T).fill(this.tokenizer.eosId);
      const targets = new Int32Array(T).fill(-1);
      ids.set(seq.subarray(start, start + length));
      targets.set(seq.subarray(start + 1, start + 1 + length));
      rows.push({ ids, targets });
    }
    return rows;
  }

  /** Per-token scores in order, gathered from the windows of each text. */
  private perToken(texts: readonly string[]): { tokens: Int32Array; scores: RowScores[]; rows: Row[] }[] {
    const prepared = texts.map((text) => {
      const tokens = this.tokenizer.encode(text);
      return { tokens, rows: this.windows(tokens) };
    });
    const scored = this.scoreRows(prepared.flatMap((p) => p.rows));
    let offset = 0;
    return prepared.map((p) => {
      const scores = scored.slice(offset, offset + p.rows.length);
      offset += p.rows.length;
      return { ...p, scores };
    });
  }

  async rollingLogLikelihood(texts: readonly string[], options: { keepTokens?: boolean } = {}): Promise<RollingScore[]> {
    return this.perToken(texts).map(({ tokens, scores, rows }, i) => {
      const logProbs = new Float32Array(tokens.length);
      let k = 0;
      scores.forEach((s, r) => rows[r].targets.forEach((t, j) => { if (t >= 0) logProbs[k++] = s.logProbs[j]; }));
      const logLikelihood = logProbs.reduce((a, b) => a + b, 0);
      const bytes = Buffer.byteLength(texts[i], 'utf8');
      return options.keepTokens ? { logLikelihood, tokens: tokens.length, bytes, tokenLogProbs: logProbs, tokenIds: tokens } : { logLikelihood, tokens: tokens.length, bytes };
    });
  }

  async tokenScores(texts: readonly string[]): Promise<TokenScores[]> {
    return this.perToken(texts).map(({ tokens, scores, rows }) => {
      const n = tokens.length;
      const result = { tokenIds: tokens, logProbs: new Float32Array(n), ranks: new Int32Array(n), entropies: new Float32Array(n), expectedLogProbs: new Float32Array(n), varianceLogProbs: new Float32Array(n) };
      let k = 0;
      scores.forEach((s, r) => rows[r].targets.forEach((t, j) => {
        if (t < 0) return;
        result.logProbs[k] = s.logProbs[j];
        result.ranks[k] = s.ranks[j];
        result.entropies[k] = s.entropies[j];
        result.expectedLogProbs[k] = -s.entropies[j];
        result.varianceLogProbs[k] = Math.max(0, s.secondMoments[j] - s.entropies[j] * s.entropies[j]);
        k++;
      }));
      return result;
    });
  }

  async logLikelihood(requests: readonly ContinuationRequest[]): Promise<ContinuationScore[]> {
    const T = this.maxLength;
    const rows = requests.map(({ context, continuation }) => {
      const ctx = this.tokenizer.encode(context);
      const cont = this.tokenizer.encode(continuation).subarray(0, T); // a continuation longer than T is cut
      const seq = new Int32Array(1 + ctx.length + cont.length);
      seq[0] = this.tokenizer.eosId;
      seq.set(ctx, 1);
      seq.set(cont, 1 + ctx.length);
      const window = seq.subarray(Math.max(0, seq.length - (T + 1))); // keep the last T + 1 tokens
      const ids = new Int32Array(T).fill(this.tokenizer.eosId);
      const targets = new Int32Array(T).fill(-1);
      ids.set(window.subarray(0, window.length - 1));
      const contStart = window.length - 1 - cont.length;
      targets.set(window.subarray(1 + contStart), contStart);
      return { ids, targets, length: cont.length };
    });
    const scores = this.scoreRows(rows);
    return rows.map((row, i) => {
      let logLikelihood = 0;
      let isGreedy = true;
      row.targets.forEach((t, j) => {
        if (t < 0) return;
        logLikelihood += scores[i].logProbs[j];
        if (scores[i].argmax[j] !== t) isGreedy = false;
      });
      return { logLikelihood, isGreedy, tokens: row.length };
    });
  }

  async generate(prompts: readonly string[], options: GenerationOptions): Promise<string[]> {
    const T = this.maxLength;
    const results: string[] = [];
    for (const [index, prompt] of prompts.entries()) {
      const rng = new Rng(deriveSeed(options.seed, `generate#${index}`));
      const seq = [this.tokenizer.eosId, ...this.tokenizer.encode(prompt)];
      const generated: number[] = [];
      for (let n = 0; n < options.maxTokens; n++) {
        const window = seq.slice(-T);
        const logits = tf.tidy(() => {
          const ids = tf.tensor2d(window, [1, window.length], 'int32');
          const out = this.model.forward(ids, { training: false }).logits; // [1, t, V]
          return tf.squeeze(tf.slice(out, [0, window.length - 1, 0], [1, 1, -1])).dataSync() as Float32Array;
        });
        const next = sampleToken(logits, options, rng);
        if (next === this.tokenizer.eosId) break;
        seq.push(next);
        generated.push(next);
      }
      results.push(this.tokenizer.decode(generated));
    }
    return results;
  }
}

/** Greedy, temperature, top-k and nucleus (top-p) sampling from one row of logits, on the host. */
export function sampleToken(logits: Float32Array, options: GenerationOptions, rng: Rng): number {
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  if (options.topK && options.topK > 0) order = order.slice(0, options.topK);
  const max = logits[order[0]];
  let weights = order.map((i) => Math.exp((logits[i] - max) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  weights = weights.map((w) => w / total);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < weights.length && cumulative < options.topP) cumulative += weights[keep++];
    order = order.slice(0, Math.max(1, keep));
    weights = weights.slice(0, order.length);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let u = rng.float() * sum;
  for (let i = 0; i < order.length; i++) {
    u -= weights[i];
    if (u <= 0) return order[i];
  }
  return order[order.length - 1];
}
