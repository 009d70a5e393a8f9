import * as tf from '#tfjs';
import { ADAM_UPDATE, SOFTMAX_CROSS_ENTROPY } from '../backend/kernel-names.js';
import { fusedRmsNorm } from '../backend/kernels/rms-norm.js';

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
 * Sums the rows of x [M, ...] into n segments by segment id (ids [M] int32, each in [0, n)): the
 * forward of tf.unsortedSegmentSum, whose gradient is just gather(dy, ids). tfjs's stock gradient
 * also masks negative ids, with a full-size broadcast logicalAnd and a where: a sixth of a
 * CartesianMoE training step, for ids that are never negative here.
 */
export function sumRows<T extends tf.Tensor>(x: T, ids: tf.Tensor1D, n: number): T {
  const op = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([ids]);
    return { value: tf.unsortedSegmentSum(input as tf.Tensor, ids, n), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.gather(dy, saved[0]) };
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
  // one fused kernel and its gradient where registered (wasm, cpu): backend/kernels/rms-norm.ts
  return fusedRmsNorm(x, gain, eps) ?? tf.tidy(() => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), gain));
}

/** SiLU(a) * b, the SwiGLU gate. */
export function swiglu(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(a, tf.sigmoid(a)), b);
}

// Kernel names live in one list (backend/kernel-names.ts), shared with @labbench/tensor-native.
export { ADAM_UPDATE, SOFTMAX_CROSS_ENTROPY };

/**
 * Fused sparse softmax-cross-entropy: one kernel pass gives the per-row loss and its gradient
 * (softmax - onehot), so neither log-probabilities nor a one-hot matrix are materialised.
 * @param logits [N, V] float32; @param targets [N] int32 (outside [0, V), e.g. -1: loss 0, no gradient)
 * @returns nll [N]
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const backendName = tf.getBackend();
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, backendName)) return composedCrossEntropy(logits, targets);
  const ids = targets.dtype === 'int32' ? targets : tf.cast(targets, 'int32');
  const op = tf.customGrad((x, save) => {
    const [nll, grad] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits: x as tf.Tensor, targets: ids }, {}) as unknown as [tf.Tensor1D, tf.Tensor2D];
    (save as tf.GradSaveFunc)([grad]);
    return { value: nll, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.expandDims(dy, 1)) };
  });
  const nll = op(logits) as tf.Tensor1D;
  if (ids !== targets) ids.dispose();
  return nll;
}

/** The same loss from stock ops (log-softmax and a one-hot mask): the reference and the fallback. */
export function composedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // [N, V]
    const oneHot = oneHotFloat(targets, logits.shape[1]); // [N, V]; rows of -1 are all zero
    return tf.neg(tf.sum(tf.mul(logProbs, oneHot), -1)) as tf.Tensor1D; // [N]
  });
}

/**
 * Per-position cross-entropy from logits, with -1 targets contributing 0 (the fused kernel).
 * @param logits [N, V]; @param targets [N] int32
 * @returns { nll [N] (0 at padding), valid [N] (1 or 0) }
 */
export function tokenCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): { nll: tf.Tensor1D; valid: tf.Tensor1D } {
  return tf.tidy(() => {
    const nll = softmaxCrossEntropy(logits, targets); // [N]
    const valid = tf.cast(tf.greaterEqual(targets, 0), 'float32') as tf.Tensor1D; // [N]
    return { nll, valid };
  });
}

export interface AdamUpdateConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled weight decay (0: plain Adam). */
  readonly weightDecay: number;
  /** Bias corrections 1 - beta1^t and 1 - beta2^t. */
  readonly c1: number;
  readonly c2: number;
  /** Gradient scale (global-norm clipping); 1 for none. */
  readonly gradScale: number;
}

/**
 * One Adam(W) update in a single kernel pass instead of about a dozen elementwise kernels:
 * m' = b1 m + (1 - b1) s g, v' = b2 v + (1 - b2) (s g)^2, x' = x - lr ((m'/c1) / (sqrt(v'/c2) + eps) + wd x).
 * @returns [x', m', v'] (new tensors; the inputs are unchanged)
 */
export function adamUpdate(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, config: AdamUpdateConfig): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (tf.getKernel(ADAM_UPDATE, tf.getBackend())) {
    return tf.engine().runKernel(ADAM_UPDATE, { x, g, m, v }, config as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  return tf.tidy(() => {
    const { learningRate, beta1, beta2, epsilon, weightDecay, c1, c2, gradScale } = config;
    const sg = gradScale === 1 ? g : tf.mul(g, gradScale);
    const m2 = tf.add(tf.mul(m, beta1), tf.mul(sg, 1 - beta1));
    const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(sg), 1 - beta2));
    let update = tf.div(tf.div(m2, c1), tf.add(tf.sqrt(tf.div(v2, c2)), epsilon));
    if (weightDecay > 0) update = tf.add(update, tf.mul(x, weightDecay));
    return [tf.sub(x, tf.mul(update, learningRate)), m2, v2] as [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}
