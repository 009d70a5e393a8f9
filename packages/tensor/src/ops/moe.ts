import * as tf from '#tfjs';
import { stopGradient } from './index.js';

/**
 * Mixture-of-experts mechanisms shared by the MoE plugins (moe, cartesian-moe, maskmoe): the
 * load-balancing loss and the router statistics. Shapes: N tokens, E experts.
 */

/**
 * DeepSpeed / GShard load-balancing loss, unscaled: `E * sum_e me_e * ce_e / a`, where
 * `me_e = mean_t p_{t,e}` (differentiable), `ce_e = mean_t assigned_{t,e}` (no gradient) and `a`
 * is the mean number of assignments per token (1 for a top-1 mask, k for a top-k mask, as
 * DeepSpeed divides by k for k > 2). Its minimum, 1, is reached when routing is uniform.
 *
 * @param probs    [N, E] router probabilities (float32 softmax)
 * @param assigned [N, E] 0/1 assignment mask (DeepSpeed: top-1 for k <= 2, top-k for k > 2)
 * @returns scalar (multiply by the coefficient, default 0.01, before adding it to the loss)
 */
export function loadBalancingLoss(probs: tf.Tensor2D, assigned: tf.Tensor2D): tf.Scalar {
  const experts = probs.shape[1];
  return tf.tidy(() => {
    const a = stopGradient(assigned);
    const me = tf.mean(probs, 0); // [E]
    const ce = tf.mean(a, 0); // [E]
    const perToken = tf.maximum(tf.mean(tf.sum(a, 1)), 1e-9); // assignments per token
    return tf.div(tf.mul(tf.sum(tf.mul(me, ce)), experts), perToken) as tf.Scalar;
  });
}

/** Router statistics of one routed sub-layer, as tensors (`area.metric` names are the caller's). */
export interface RouterStats {
  /** [E] tokens that selected each expert. */
  readonly tokensPerExpert: tf.Tensor1D;
  /** max(tokensPerExpert) / mean(tokensPerExpert); 1 is perfectly balanced. */
  readonly loadImbalance: tf.Scalar;
  /** Mean over tokens of the router distribution's entropy (nats). */
  readonly routerEntropy: tf.Scalar;
  /** Experts no token selected. */
  readonly unusedExperts: tf.Scalar;
  /** [N] index of the highest-gate selected expert per token (-1 when none was selected), float32. */
  readonly top1: tf.Tensor1D;
}

/**
 * @param probs    [N, E] router probabilities
 * @param selected [N, E] 0/1 mask of the experts that process each token
 */
export function routerStats(probs: tf.Tensor2D, selected: tf.Tensor2D): RouterStats {
  return tf.tidy(() => {
    const tokensPerExpert = tf.sum(selected, 0) as tf.Tensor1D; // [E]
    const loadImbalance = tf.div(tf.max(tokensPerExpert), tf.maximum(tf.mean(tokensPerExpert), 1e-9)) as tf.Scalar;
    const logP = tf.log(tf.maximum(probs, 1e-30));
    const routerEntropy = tf.mean(tf.neg(tf.sum(tf.mul(probs, logP), 1))) as tf.Scalar;
    const unusedExperts = tf.sum(tf.cast(tf.equal(tokensPerExpert, 0), 'float32')) as tf.Scalar;
    // the selected expert with the largest probability; rows with nothing selected give -1
    const scored = tf.add(tf.mul(probs, selected), tf.mul(tf.sub(selected, 1), 2)); // [N, E], unselected < -1
    const any = tf.greater(tf.sum(selected, 1), 0); // [N]
    const top1 = tf.where(any, tf.cast(tf.argMax(scored, 1), 'float32'), tf.fill([probs.shape[0]], -1)) as tf.Tensor1D;
    return { tokensPerExpert, loadImbalance, routerEntropy, unusedExperts, top1 };
  });
}
