import { tf } from '@labbench/tensor';

/**
 * NSAR(tau), the non-sparse activation rate (spec §2.5): the share of activation-function outputs
 * a [N, F] whose magnitude exceeds tau, for each tau. Returns [numTaus] float32, non-increasing.
 */
export function nsar(activations: tf.Tensor, taus: readonly number[]): tf.Tensor1D {
  return tf.tidy(() => {
    const magnitude = tf.abs(activations); // [N, F]
    return tf.stack(taus.map((tau) => tf.mean(tf.cast(tf.greater(magnitude, tau), 'float32')))) as tf.Tensor1D; // [numTaus]
  });
}
