import * as tf from '#tfjs';

/**
 * TopK has no gradient in tfjs, so a router that only takes indices from it still fails inside a
 * gradient tape. The gradient scatters dy back to the chosen positions (checked against finite
 * differences in the tests); indices carry no gradient.
 */
export const topKGradConfig: tf.GradConfig = {
  kernelName: tf.TopK,
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved) => {
    const [x, indices] = saved as [tf.Tensor, tf.Tensor];
    const values = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    return {
      x: () => {
        const n = x.shape[x.shape.length - 1]!;
        const oneHot = tf.cast(tf.oneHot(indices as tf.Tensor, n), 'float32'); // int32 then cast: see oneHotFloat // [..., k, n]
        return tf.sum(tf.mul(oneHot, tf.expandDims(values, -1)), -2);
      },
    };
  },
};
