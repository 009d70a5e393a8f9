import { stopGradient, tf } from '@labbench/tensor';
import { PROB_FLOOR } from './config.js';

/**
 * Entropy of the detached, clamped softmax (MiLe Eq. for H_i), in nats.
 *   p~ = clip(softmax(stop_gradient(z)), 1e-8, 1);  H = -sum_v p~ ln p~
 * @param logits [N, V]
 * @returns H [N], no gradient to the logits
 */
export function detachedEntropy(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.softmax(stopGradient(logits)), PROB_FLOOR, 1); // [N, V]
    return tf.neg(tf.sum(tf.mul(p, tf.log(p)), -1)) as tf.Tensor1D; // [N]
  });
}

/** MiLe weight w_i = (sigma + H_i)^gamma: [N], detached, in [1, (sigma + ln V)^gamma] for sigma = 1. */
export function mileWeights(logits: tf.Tensor2D, gamma: number, sigma: number): tf.Tensor1D {
  return tf.tidy(() => tf.pow(tf.add(detachedEntropy(logits), sigma), gamma) as tf.Tensor1D);
}

/** Focal weight w_i = (1 - p_t)^gamma with p_t = exp(-CE_i) detached: [N] in [0, 1]. */
export function focalWeights(nll: tf.Tensor1D, gamma: number): tf.Tensor1D {
  return tf.tidy(() => tf.pow(tf.relu(tf.sub(1, tf.exp(tf.neg(stopGradient(nll))))), gamma) as tf.Tensor1D);
}
