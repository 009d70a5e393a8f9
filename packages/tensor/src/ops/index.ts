import * as tf from '@tensorflow/tfjs';

/**
 * Custom ops shared by every plugin (one mechanism, one place). Each has value, gradient and
 * leak tests in packages/tensor/test/ops.test.ts.
 */

/**
 * One-hot as float32 [..., depth]; indices outside [0, depth) give all-zero rows.
 * wasm's OneHot kernel writes the integer bit pattern when asked for float32 (1 becomes 1.4e-45),
 * so build it as int32 and cast: correct on every backend.
 */
export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(indices, depth), 'float32'));
}

/** Identity forward, zero gradient: the one customGrad every estimator builds on. */
export const stopGradient = tf.customGrad((x, save) => {
  void save;
  return { value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as <T extends tf.Tensor>(x: T) => T;

/**
 * Straight-through estimator: forward equals hard(x); the gradient passes to x as identity.
 * A custom-gradient op (not x + stopGradient(hard(x) - x)) so that `hard` may use ops without
 * gradients, such as comparisons.
 */
export function straightThrough<T extends tf.Tensor>(x: T, hard: (x: T) => tf.Tensor): T {
  const op = tf.customGrad((input, save) => {
    void save;
    return { value: hard(input as T), gradFunc: (dy: tf.Tensor) => dy };
  });
  return op(x) as T;
}

/**
 * 0/1 mask of the k largest entries along the last axis; ties go to the lower index (tfjs TopK is
 * stable). No gradient flows through the selection.
 * @param scores [..., E]
 * @returns [..., E] float32 with exactly k ones per row
 */
export function topKMask(scores: tf.Tensor, k: number): tf.Tensor {
  const experts = scores.shape[scores.shape.length - 1]!;
  if (!Number.isInteger(k) || k < 1 || k > experts) {
    throw new Error(`topKMask: k must be in [1, ${experts}] (the last dimension of scores [${scores.shape}]), got ${k}`);
  }
  if (k === experts) return tf.onesLike(scores); // every expert chosen (also avoids oneHot's depth >= 2 rule)
  return tf.tidy(() => {
    const { indices } = tf.topk(stopGradient(scores), k, true); // [..., k]
    return tf.sum(oneHotFloat(indices, experts), -2); // [..., E]
  });
}

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * gain. */
export function rmsNorm(x: tf.Tensor, gain: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), gain));
}

/** SiLU(a) * b, the SwiGLU gate. */
export function swiglu(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(a, tf.sigmoid(a)), b);
}

/**
 * Per-position cross-entropy from logits, with -1 targets contributing 0.
 * @param logits [N, V]; @param targets [N] int32
 * @returns { nll [N] (0 at padding), valid [N] (1 or 0) }
 */
export function tokenCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): { nll: tf.Tensor1D; valid: tf.Tensor1D } {
  return tf.tidy(() => {
    const vocab = logits.shape[1];
    const logProbs = tf.logSoftmax(logits); // [N, V]
    const oneHot = oneHotFloat(targets, vocab); // [N, V]; rows of -1 are all zero
    const nll = tf.neg(tf.sum(tf.mul(logProbs, oneHot), -1)) as tf.Tensor1D; // [N]
    const valid = tf.cast(tf.greaterEqual(targets, 0), 'float32') as tf.Tensor1D; // [N]
    return { nll, valid };
  });
}
