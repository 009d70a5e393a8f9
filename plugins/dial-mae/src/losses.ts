import { tf, tokenCrossEntropy } from '@labbench/tensor';

/**
 * MLM loss: mean cross-entropy over masked positions only.
 * @param logits [B, L, V]; @param labels [B, L] int32, -1 where not masked
 */
export function maskedLmLoss(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const [b, l, v] = logits.shape;
  const { nll, valid } = tokenCrossEntropy(tf.reshape(logits, [b * l, v]) as tf.Tensor2D, tf.reshape(labels, [b * l]) as tf.Tensor1D); // [N], [N]
  return tf.div(tf.sum(nll), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
}

/**
 * In-batch InfoNCE (the authors' fine-tuning loss): row i of the score matrix C R^T [B, B] is a
 * softmax over the batch's responses with target i. Identical rows give ln B.
 */
export function inBatchInfoNce(scores: tf.Tensor2D): tf.Scalar {
  const n = scores.shape[0];
  const logProbs = tf.logSoftmax(scores); // [B, B]
  const diagonal = tf.sum(tf.mul(logProbs, tf.eye(n)), 1); // [B]
  return tf.neg(tf.mean(diagonal)) as tf.Scalar;
}
