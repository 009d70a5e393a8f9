import { definePlugin, type LossFunction } from '@labbench/core';
import { tf, tokenCrossEntropy } from '@labbench/tensor';

/** Mean next-token cross-entropy (nats) over non-padding targets. */
export const crossEntropy: LossFunction<Record<string, never>> = {
  id: 'cross-entropy',
  description: 'Mean token cross-entropy over non-padding targets.',
  defaults: {},
  configSchema: { type: 'object', additionalProperties: false },
  compute(logits, targets) {
    return tf.tidy(() => {
      const [b, t, v] = logits.shape;
      const { nll, valid } = tokenCrossEntropy(tf.reshape(logits, [b * t, v]) as tf.Tensor2D, tf.reshape(targets, [b * t]) as tf.Tensor1D);
      const loss = tf.div(tf.sum(nll), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
      return { loss };
    });
  },
};

export default definePlugin({ id: 'cross-entropy', losses: [crossEntropy] });
