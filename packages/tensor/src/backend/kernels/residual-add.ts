import type { TensorInfo } from '#tfjs';
import * as tf from '#tfjs';
import { type BackendName, defineKernel } from '../kernel.js';
import { RESIDUAL_ADD } from '../kernel-names.js';

/**
 * A residual connection x + y in one kernel, y of x's size in any shape (the decoder adds a
 * sublayer's [N, D] or [B, T, D] output to the [B, T, D] stream). Composed it is a reshape of y,
 * an Add, and three clones tfjs saves for their gradients (the reshape's input, both addends);
 * backward the Add's two reshapes and the reshape's. Here: one kernel forward, and backward dy
 * itself for x and one reshape for y. The sum is the stock Add kernel of the backend run on y's
 * memory under x's shape, so the bits are the stock ops'.
 */

type Attrs = { yShape: number[] };

export function residualAddKernel(backendName: BackendName) {
  return defineKernel<{ x: TensorInfo; y: TensorInfo }, Attrs, typeof backendName>(RESIDUAL_ADD, backendName, ({ inputs: { x, y }, raw }) => {
    // looked up per call: the stock Add of the backend this kernel runs on (labbench does not patch Add)
    const add = tf.getKernel(tf.Add, backendName);
    if (!add) throw new Error(`${RESIDUAL_ADD}: no Add kernel on ${backendName}`);
    return add.kernelFunc({ inputs: { a: x, b: { dataId: y.dataId, shape: x.shape, dtype: y.dtype } }, backend: raw.backend, attrs: {} }) as TensorInfo;
  });
}

/** dx = dy (passed through: tfjs accumulates a second use of x into a new tensor), dy = dy in y's shape. */
export const residualAddGradConfig: tf.GradConfig = {
  kernelName: RESIDUAL_ADD,
  gradFunc: (dy, saved, attrs) => {
    void saved;
    const { yShape } = attrs as unknown as Attrs;
    return { x: () => dy as tf.Tensor, y: () => tf.reshape(dy as tf.Tensor, yShape) };
  },
};

/** x + y (y reshaped to x's shape) with its gradient; the stock reshape and add without the kernel. */
export function residualAdd<T extends tf.Tensor>(x: T, y: tf.Tensor): T {
  if (x.size !== y.size) return tf.add(x, y) as T; // a broadcast: not a residual
  if (!tf.getKernel(RESIDUAL_ADD, tf.getBackend()) || x.dtype !== 'float32' || y.dtype !== 'float32') {
    return tf.add(x, x.shape.join() === y.shape.join() ? y : tf.reshape(y, x.shape)) as T;
  }
  return tf.engine().runKernel(RESIDUAL_ADD, { x, y }, { yShape: y.shape }) as T;
}
