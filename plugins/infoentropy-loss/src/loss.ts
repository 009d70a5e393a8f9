import type { LossFunction, LossOutput } from '@labbench/core';
import { tf, tokenCrossEntropy } from '@labbench/tensor';
import {
  MEAN_WEIGHT_FLOOR, checkGamma, focalConfigSchema, focalDefaults, mileConfigSchema, mileDefaults,
  type FocalConfig, type MileConfig,
} from './config.js';
import { detachedEntropy, focalWeights, mileWeights } from './weights.js';

/**
 * Normalised weighted cross-entropy, shared by MiLe and focal (one code path for method and baseline):
 *   alpha = 1 / mean_valid(w);  loss = mean_valid(alpha * w_i * CE_i)
 * Padding (-1 targets) is left out of both means. w must carry no gradient.
 * @param nll [N] per-position CE (0 at padding), with gradient; w [N]; valid [N] 0/1
 */
export function normalisedWeightedLoss(nll: tf.Tensor1D, w: tf.Tensor1D, valid: tf.Tensor1D): { loss: tf.Scalar; meanWeight: tf.Scalar } {
  return tf.tidy(() => {
    const count = tf.maximum(tf.sum(valid), 1); // []
    const wValid = tf.mul(w, valid); // [N]
    const meanWeight = tf.div(tf.sum(wValid), count) as tf.Scalar; // []
    const alpha = tf.div(1, tf.maximum(meanWeight, MEAN_WEIGHT_FLOOR)); // []
    const loss = tf.div(tf.sum(tf.mul(nll, tf.mul(alpha, wValid))), count) as tf.Scalar; // []
    return { loss, meanWeight };
  });
}

function flatten(logits: tf.Tensor3D, targets: tf.Tensor2D): { z: tf.Tensor2D; y: tf.Tensor1D } {
  const [b, t, v] = logits.shape;
  return { z: tf.reshape(logits, [b * t, v]) as tf.Tensor2D, y: tf.reshape(targets, [b * t]) as tf.Tensor1D };
}

/**
 * The body MiLe and focal share: per-position CE of the flattened logits, the method's weights
 * [N] (no gradient) from the logits z [N, V], the CE and the 0/1 validity mask, then the
 * normalised weighted loss; `stats` adds the method's own statistics to the mean weight.
 */
function weightedCrossEntropy(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  weigh: (z: tf.Tensor2D, nll: tf.Tensor1D, valid: tf.Tensor1D) => { w: tf.Tensor1D; stats?: Record<string, tf.Scalar> },
): LossOutput {
  return tf.tidy(() => {
    const { z, y } = flatten(logits, targets); // [N, V], [N]
    const { nll, valid } = tokenCrossEntropy(z, y); // [N], [N]
    const { w, stats } = weigh(z, nll, valid);
    const { loss, meanWeight } = normalisedWeightedLoss(nll, w, valid);
    return { loss, stats: { 'loss.meanWeight': meanWeight, ...stats } };
  });
}

/** MiLe / InfoEntropy loss: CE_i weighted by (sigma + H_i)^gamma of the detached softmax, normalised by 1 / mean(w). */
export const mileLoss: LossFunction<MileConfig> = {
  id: 'mile',
  description: 'MiLe (InfoEntropy) loss: cross-entropy weighted by (sigma + entropy of the detached softmax)^gamma, normalised to mean weight 1.',
  defaults: mileDefaults,
  configSchema: mileConfigSchema,
  compute(logits, targets, config): LossOutput {
    const { gamma, sigma } = { ...mileDefaults, ...config };
    checkGamma('mile loss', gamma);
    return weightedCrossEntropy(logits, targets, (z, _nll, valid) => {
      const entropy = detachedEntropy(z); // [N]
      const meanEntropy = tf.div(tf.sum(tf.mul(entropy, valid)), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
      return { w: mileWeights(z, gamma, sigma), stats: { 'loss.meanEntropy': meanEntropy } };
    });
  },
};

/** Focal-loss baseline: CE_i weighted by (1 - p_t)^gamma (p_t detached), with MiLe's normalisation. */
export const focalLoss: LossFunction<FocalConfig> = {
  id: 'focal',
  description: 'Focal loss: cross-entropy weighted by (1 - p_target)^gamma (detached), normalised to mean weight 1 as in MiLe.',
  defaults: focalDefaults,
  configSchema: focalConfigSchema,
  compute(logits, targets, config): LossOutput {
    const { gamma } = { ...focalDefaults, ...config };
    checkGamma('focal loss', gamma);
    return weightedCrossEntropy(logits, targets, (_z, nll) => ({ w: focalWeights(nll, gamma) }));
  },
};
