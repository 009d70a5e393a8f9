import { tf } from '@labbench/tensor';

/**
 * How NSAR's threshold is read: `rms` (default) compares |a| with tau x RMS(a) of the same layer
 * and batch, so NSAR does not move when the activations of a layer are rescaled; `absolute`
 * compares |a| with tau itself (the first version). Why: with sum-normalised gates each expert's
 * output is weighted by about 1/K, which training offsets by growing W_g / W_u; an absolute tau
 * then counts that rescaling as "less sparse" and NSAR rose with K for that reason alone.
 */
export type NsarThreshold = 'rms' | 'absolute';

/**
 * NSAR(tau), the non-sparse activation rate (spec §2.5): the share of activation-function outputs
 * a [N, F] whose magnitude exceeds tau (x RMS(a) in `rms` mode), for each tau. Returns [numTaus]
 * float32, non-increasing in tau.
 */
export function nsar(activations: tf.Tensor, taus: readonly number[], threshold: NsarThreshold = 'rms'): tf.Tensor1D {
  return tf.tidy(() => {
    const magnitude = tf.abs(activations); // [N, F]
    const unit = threshold === 'rms' ? tf.sqrt(tf.mean(tf.square(activations))) : tf.scalar(1); // scalar
    return tf.stack(taus.map((tau) => tf.mean(tf.cast(tf.greater(magnitude, tf.mul(unit, tau)), 'float32')))) as tf.Tensor1D; // [numTaus]
  });
}

/** Metric name of one threshold: `nsar.rms0.5` (relative) or `nsar.tau0.1` (absolute). */
export function nsarName(threshold: NsarThreshold, tau: number): string {
  return `nsar.${threshold === 'rms' ? 'rms' : 'tau'}${tau}`;
}

/** v1's absolute thresholds, still reported beside the scale-free NSAR so a run shows both readings. */
export const ABSOLUTE_TAUS: readonly number[] = [0.01, 0.05, 0.1, 0.2];

/**
 * The FFN's NSAR forward stats: `ffn.nsar` in the configured mode and, in `rms` mode, v1's
 * absolute reading `ffn.nsarAbsolute` at ABSOLUTE_TAUS (a comparison, never a claim).
 */
export function nsarStats(activations: tf.Tensor, taus: readonly number[], threshold: NsarThreshold): Record<string, tf.Tensor> {
  const stats: Record<string, tf.Tensor> = { 'ffn.nsar': nsar(activations, taus, threshold) };
  if (threshold === 'rms') stats['ffn.nsarAbsolute'] = nsar(activations, ABSOLUTE_TAUS, 'absolute');
  return stats;
}
