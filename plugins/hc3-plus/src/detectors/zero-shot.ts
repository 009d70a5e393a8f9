import type { LanguageModel, Scorer, TokenScores, TrainedTokenizer } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { tf } from '@labbench/tensor';
import { DECODINGS, type TokenLM } from '../lm.js';
import { substituteWords } from './perturb.js';

/**
 * Zero-shot statistics of a scoring LM over a candidate text (spec 6.4 "Leaderboard, zero-shot").
 * Every score is oriented a priori so that higher means "machine" (no sign is fitted on data).
 */
export const ZERO_SHOT = ['loglik', 'logrank', 'entropy', 'lrr', 'detectgpt', 'fast-detectgpt', 'binoculars'] as const;
export type ZeroShotId = (typeof ZERO_SHOT)[number];

// GLTR's rank buckets scaled to our small vocabularies: top-1, top-3, top-10, top-100, the rest.
export const GLTR_EDGES = [1, 3, 10, 100] as const;

export interface ZeroShotFeatures {
  readonly scores: Readonly<Record<ZeroShotId, number>>;
  /** Share of tokens per GLTR rank bucket. */
  readonly gltr: readonly number[];
}

function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

/** Rank histogram over GLTR_EDGES (shares of tokens). */
export function gltrHistogram(ranks: Int32Array): number[] {
  const counts = new Array(GLTR_EDGES.length + 1).fill(0);
  for (const r of ranks) {
    const bucket = GLTR_EDGES.findIndex((edge) => r <= edge);
    counts[bucket === -1 ? GLTR_EDGES.length : bucket]++;
  }
  return counts.map((c) => c / Math.max(1, ranks.length));
}

/**
 * Fast-DetectGPT's analytic conditional probability curvature with the scorer as its own sampling
 * model: (sum_t ln p(x_t) - sum_t E[ln p]) / sqrt(sum_t Var[ln p]).
 */
export function fastDetectGptCurvature(s: TokenScores): number {
  let observed = 0;
  let expected = 0;
  let variance = 0;
  for (let t = 0; t < s.logProbs.length; t++) { observed += s.logProbs[t]; expected += s.expectedLogProbs[t]; variance += s.varianceLogProbs[t]; }
  return (observed - expected) / Math.sqrt(Math.max(variance, 1e-12));
}

/** Log-likelihood / log-rank ratio (LRR): -mean ln p / mean ln rank; higher for machine text. */
export function logRankRatio(s: TokenScores): number {
  const logRank = mean(Array.from(s.ranks, (r) => Math.log(r)));
  return -mean(s.logProbs) / Math.max(logRank, 1e-6);
}

/**
 * Binoculars' denominator: the mean over positions of the cross-entropy -sum_v p_perf(v) ln p_obs(v)
 * between the other model's next-token distribution (weights) and the scoring model's log-probs,
 * as in the reference code (its perplexity and cross-entropy use the same model's log-probs). Texts are scored in
 * one window of T tokens after end-of-text (longer texts: their first T tokens).
 */
export function crossPerplexities(observer: LanguageModel, performer: LanguageModel, tokenizer: TrainedTokenizer, texts: readonly string[], T: number, batchSize = 16): number[] {
  const out: number[] = [];
  for (let b = 0; b < texts.length; b += batchSize) {
    const chunk = texts.slice(b, b + batchSize);
    const ids = new Int32Array(chunk.length * T).fill(tokenizer.eosId);
    const lengths = chunk.map((text, i) => {
      const tokens = tokenizer.encode(text).subarray(0, T - 1);
      ids.set(tokens, i * T + 1);
      return tokens.length;
    });
    const perPosition = tf.tidy(() => {
      const x = tf.tensor2d(ids, [chunk.length, T], 'int32');
      const obs = tf.logSoftmax(observer.forward(x, { training: false }).logits); // [B, T, V]
      const perf = tf.softmax(performer.forward(x, { training: false }).logits); // [B, T, V]
      return tf.neg(tf.sum(tf.mul(perf, obs), -1)).dataSync(); // [B, T]
    });
    // positions 0..len-1 predict the text's tokens 1..len (position j predicts token j)
    chunk.forEach((_, i) => out.push(mean(perPosition.subarray(i * T, i * T + lengths[i]))));
  }
  return out;
}

/**
 * DetectGPT's normalised perturbation discrepancy: (ll(x) - mean ll(x~)) / sd ll(x~), with ll the
 * mean token log-likelihood under the scorer and x~ random in-context word substitutions (15% of
 * the content words, proposed by `perturber` at temperature 1).
 */
export async function detectGptDiscrepancies(scorer: Scorer, perturber: TokenLM, tokenizer: TrainedTokenizer, texts: readonly string[], perturbations: number, seed: number): Promise<number[]> {
  const sampling = DECODINGS.find((d) => d.id === 't1.0')!;
  const variants = texts.map((text, i) => Array.from({ length: perturbations }, (_, k) =>
    substituteWords(perturber, tokenizer, { prompt: '', text, seed: deriveSeed(seed, `perturb#${i}`) }, sampling, 0.15, `perturb#${k}`)));
  const all = [...texts, ...variants.flat()];
  const scored = await scorer.rollingLogLikelihood(all);
  const meanLl = scored.map((s) => s.logLikelihood / Math.max(1, s.tokens));
  return texts.map((_, i) => {
    const lls = meanLl.slice(texts.length + i * perturbations, texts.length + (i + 1) * perturbations);
    const mu = mean(lls);
    const sd = Math.sqrt(lls.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, lls.length - 1));
    return (meanLl[i] - mu) / Math.max(sd, 1e-6);
  });
}

/** All zero-shot features of `texts` under one scorer (observer) with `performer` for Binoculars. */
export async function zeroShotFeatures(args: {
  scorer: Scorer; observer: LanguageModel; performer: LanguageModel; perturber: TokenLM; tokenizer: TrainedTokenizer;
  texts: readonly string[]; perturbations: number; seed: number;
  /** Texts DetectGPT scores (its perturbations cost most of the evaluation); the others get NaN. Default: all. */
  detectGptOn?: (index: number) => boolean;
}): Promise<ZeroShotFeatures[]> {
  const { scorer, tokenizer, texts } = args;
  const tokenScores = await scorer.tokenScores(texts);
  const cross = crossPerplexities(args.observer, args.performer, tokenizer, texts, scorer.maxLength);
  const chosen = texts.flatMap((_, i) => (args.detectGptOn?.(i) ?? true ? [i] : []));
  const scored = await detectGptDiscrepancies(scorer, args.perturber, tokenizer, chosen.map((i) => texts[i]), args.perturbations, args.seed);
  const discrepancies = new Array<number>(texts.length).fill(Number.NaN);
  chosen.forEach((i, k) => { discrepancies[i] = scored[k]; });
  return tokenScores.map((s, i) => {
    const logPpl = -mean(s.logProbs);
    return {
      scores: {
        loglik: -logPpl,
        logrank: -mean(Array.from(s.ranks, (r) => Math.log(r))),
        entropy: -mean(s.entropies),
        lrr: logRankRatio(s),
        detectgpt: discrepancies[i],
        'fast-detectgpt': fastDetectGptCurvature(s),
        binoculars: -logPpl / cross[i], // low perplexity relative to cross-perplexity: machine
      },
      gltr: gltrHistogram(s.ranks),
    };
  });
}
