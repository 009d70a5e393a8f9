import { straightThrough, tf } from '@labbench/tensor';

/**
 * The DSMoE gate (spec §3.2-3.3). q = sigmoid(h Y) [N, n]; G(q) = q if q > tau else 0 (the gate
 * VALUE is kept, not 1); S(q) has the value G(q) and the identity as its derivative.
 */

/** 0/1 mask [N, n] of q > tau, with no gradient (comparisons have none in tfjs; built inside a customGrad). */
export function activeMask(q: tf.Tensor, tau: number): tf.Tensor {
  const op = tf.customGrad((x, save) => {
    void save;
    return { value: tf.cast(tf.greater(x as tf.Tensor, tau), 'float32'), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(q);
}

/** G(q) with its natural gradient (mask * dy): the no-STE ablation, and the literal sparsity loss. */
export function thresholded(q: tf.Tensor, tau: number): tf.Tensor {
  return tf.mul(q, activeMask(q, tau));
}

/** S(q): forward G(q), backward identity (eq. 11), on the shared straight-through op. */
export function straightThroughGate(q: tf.Tensor, tau: number): tf.Tensor {
  return straightThrough(q, (x) => tf.mul(x, tf.cast(tf.greater(x, tau), 'float32')));
}

/** Rescale n / max(#active, 1) per token: [N, 1]. */
export function rescale(mask: tf.Tensor, experts: number): tf.Tensor {
  return tf.div(experts, tf.maximum(tf.sum(mask, -1, true), 1));
}
