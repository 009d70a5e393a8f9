import * as tf from '#tfjs';
import type { LossFunction } from '@labbench/core';
import { tokenCrossEntropy } from '../ops/index.js';

/**
 * Mean next-token cross-entropy (nats) over non-padding targets: the default training loss. It lives
 * here, once, because the trainer's callers (the cross-entropy plugin, evaluators that train their
 * own small models, tests) all need the same one.
 */
export const crossEntropyLoss: LossFunction<Record<string, never>> = {
  id: 'cross-entropy',
  description: 'Mean token cross-entropy over non-padding targets.',
  defaults: {},
  configSchema: { type: 'object', additionalProperties: false },
  compute(logits, targets) {
    return tf.tidy(() => {
      const [b, t, v] = logits.shape;
      const { nll, valid } = tokenCrossEntropy(tf.reshape(logits, [b * t, v]) as tf.Tensor2D, tf.reshape(targets, [b * t]) as tf.Tensor1D);
      return { loss: tf.div(tf.sum(nll), tf.maximum(tf.sum(valid), 1)) as tf.Scalar };
    });
  },
};
