/**
 * Per-position scores from raw logits, computed on the host in one pass per row instead of a
 * chain of [N, V] tensor ops (log-softmax, one-hot, compare, exp, products): the forward pass
 * reads its logits back once and every statistic comes from that copy. Sums run in float64, so
 * the values are at least as accurate as float32 log-softmax.
 *
 * Shapes: N positions, V vocabulary; logits are row-major [N, V].
 *
 * With the native kernels in use (wasm + @labbench/tensor-native) the rows are scored by the
 * addon's `logitStats` (float32 exponentials, float64 sums, rows split over the addon's threads):
 * the JS loop's Math.exp over the vocabulary was the largest single item of an evaluation profile.
 * Without them, `scorePositionsJs` below runs.
 */
import { nativeLogitStats } from '../backend/select.js';

/** The addon's row loop (@labbench/tensor-native's logitStats; flags: 1 argmax, 2 distribution). */
export type NativeLogitStats = (logits: Float32Array, targets: Int32Array, logProbs: Float32Array, argmax: Int32Array, ranks: Int32Array, entropies: Float32Array, variances: Float32Array, rows: number, cols: number, offset: number, flags: number) => void;

/** Which statistics a caller needs beyond the target's log-probability. */
export interface ScoreNeeds {
  /** argmax id per position (greedy check of continuations). */
  readonly argmax?: boolean;
  /** rank of the target (1 = most likely), entropy and variance of ln p (detectors). */
  readonly distribution?: boolean;
}

/** Scores of the scored positions of one batch; unscored positions (target -1) stay 0. */
export interface PositionScores {
  readonly logProbs: Float32Array;
  readonly argmax: Int32Array;
  readonly ranks: Int32Array;
  readonly entropies: Float32Array;
  /** Var[ln p] under the model's own distribution. */
  readonly variances: Float32Array;
}

export function allocateScores(n: number): PositionScores {
  return { logProbs: new Float32Array(n), argmax: new Int32Array(n), ranks: new Int32Array(n), entropies: new Float32Array(n), variances: new Float32Array(n) };
}

/**
 * Fills `out` at positions [0, n) of `logits` [n, V] whose target is >= 0, writing at
 * `out[offset + i]`. Ties: argmax takes the first maximum (as tf.argMax); rank counts strictly
 * larger logits, plus one. Natively when the native kernels are in use, else in JS.
 */
export function scorePositions(logits: Float32Array, vocab: number, targets: Int32Array, needs: ScoreNeeds, out: PositionScores, offset = 0): void {
  const native = nativeLogitStats();
  if (!native) {
    scorePositionsJs(logits, vocab, targets, needs, out, offset);
    return;
  }
  const flags = (needs.argmax ? 1 : 0) | (needs.distribution ? 2 : 0);
  native(logits, targets, out.logProbs, out.argmax, out.ranks, out.entropies, out.variances, targets.length, vocab, offset, flags);
}

/** exp(l_v - max) of the row being scored, kept for p_v; grown as needed, shared by every call. */
let scratch = new Float64Array(0);

/** The JS loop (wasm without the addon, cpu, tensorflow); `scorePositions` with the same results up to float32 exp. */
export function scorePositionsJs(logits: Float32Array, vocab: number, targets: Int32Array, needs: ScoreNeeds, out: PositionScores, offset = 0): void {
  const n = targets.length;
  if (needs.distribution && scratch.length < vocab) scratch = new Float64Array(vocab);
  const exps = needs.distribution ? scratch : undefined;
  for (let i = 0; i < n; i++) {
    const target = targets[i];
    if (target < 0) continue;
    const base = i * vocab;
    let max = logits[base];
    let best = 0;
    for (let v = 1; v < vocab; v++) {
      const x = logits[base + v];
      if (x > max) { max = x; best = v; }
    }
    let sum = 0;
    if (exps) {
      for (let v = 0; v < vocab; v++) sum += exps[v] = Math.exp(logits[base + v] - max);
    } else {
      for (let v = 0; v < vocab; v++) sum += Math.exp(logits[base + v] - max);
    }
    const lse = max + Math.log(sum); // ln sum_v exp(l_v)
    const targetLogit = logits[base + target];
    out.logProbs[offset + i] = targetLogit - lse;
    if (needs.argmax) out.argmax[offset + i] = best;
    if (exps) {
      // one more pass, no exp: p_v = exps[v] / sum; float64 keeps E[(ln p)^2] - H^2 free of cancellation at these sizes
      let rank = 1;
      let entropy = 0; // -sum p ln p
      let second = 0; // sum p (ln p)^2
      for (let v = 0; v < vocab; v++) {
        const x = logits[base + v];
        if (x > targetLogit) rank++;
        const lp = x - lse;
        const p = exps[v] / sum;
        if (p === 0) continue; // a -Infinity logit (masked id): p ln p -> 0, not 0 * -inf
        entropy -= p * lp;
        second += p * lp * lp;
      }
      out.ranks[offset + i] = rank;
      out.entropies[offset + i] = entropy;
      out.variances[offset + i] = Math.max(0, second - entropy * entropy);
    }
  }
}
