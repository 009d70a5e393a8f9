/**
 * Per-position scores from raw logits, computed on the host in one pass per row instead of a
 * chain of [N, V] tensor ops (log-softmax, one-hot, compare, exp, products): the forward pass
 * reads its logits back once and every statistic comes from that copy. Sums run in float64, so
 * the values are at least as accurate as float32 log-softmax.
 *
 * Shapes: N positions, V vocabulary; logits are row-major [N, V].
 */

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
 * larger logits, plus one.
 */
export function scorePositions(logits: Float32Array, vocab: number, targets: Int32Array, needs: ScoreNeeds, out: PositionScores, offset = 0): void {
  const n = targets.length;
  const exps = needs.distribution ? new Float64Array(vocab) : undefined; // exp(l_v - max), kept for p_v
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
        entropy -= p * lp;
        second += p * lp * lp;
      }
      out.ranks[offset + i] = rank;
      out.entropies[offset + i] = entropy;
      out.variances[offset + i] = Math.max(0, second - entropy * entropy);
    }
  }
}
