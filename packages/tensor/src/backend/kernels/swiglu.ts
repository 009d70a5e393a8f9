import * as tf from '#tfjs';
import { type BackendName, hostKernel } from '../kernel.js';
import { SWIGLU, SWIGLU_GRAD } from '../kernel-names.js';

/**
 * SwiGLU of a fused gate/up projection in one kernel, its gradient in another. The composed op
 * splits [N, 2F] into two copies, runs sigmoid and two products, and its gradient concatenates the
 * halves back: about ten kernels. Gate is the first half of each row, value the second (as
 * `tf.split(up, 2, 1)`).
 */

/** y[r, j] = g * sigmoid(g) * v with g = x[r, j], v = x[r, F + j]. */
export function swigluRows(x: Float32Array, y: Float32Array, rows: number, hidden: number): void {
  for (let r = 0; r < rows; r++) {
    const xo = 2 * r * hidden;
    const yo = r * hidden;
    for (let j = 0; j < hidden; j++) {
      const g = x[xo + j];
      y[yo + j] = (g / (1 + Math.exp(-g))) * x[xo + hidden + j];
    }
  }
}

/** d gate = dy * v * s * (1 + g * (1 - s)), d value = dy * g * s, with s = sigmoid(g). */
export function swigluGradRows(dy: Float32Array, x: Float32Array, dx: Float32Array, rows: number, hidden: number): void {
  for (let r = 0; r < rows; r++) {
    const xo = 2 * r * hidden;
    const yo = r * hidden;
    for (let j = 0; j < hidden; j++) {
      const g = x[xo + j];
      const v = x[xo + hidden + j];
      const s = 1 / (1 + Math.exp(-g));
      const d = dy[yo + j];
      dx[xo + j] = d * v * s * (1 + g * (1 - s));
      dx[xo + hidden + j] = d * g * s;
    }
  }
}

/** The kernel; `rows` is the JS loop above or @labbench/tensor-native's (the same signature). */
export function swigluKernel(backendName: BackendName, rows: typeof swigluRows = swigluRows) {
  return hostKernel(SWIGLU, backendName, ['x'], ([x]) => [[x[0], x[1] / 2]], ([x], [y], [shape]) => rows(x, y, shape[0], shape[1] / 2));
}

export function swigluGradKernel(backendName: BackendName, rows: typeof swigluGradRows = swigluGradRows) {
  return hostKernel(SWIGLU_GRAD, backendName, ['dy', 'x'], ([, x]) => [x], ([dy, x], [dx], [, shape]) => rows(dy, x, dx, shape[0], shape[1] / 2));
}

/**
 * silu(gate) * value of a packed [N, 2F] projection with its gradient, or undefined when the
 * active backend has no such kernel (the caller splits and composes).
 */
export function fusedSwiGlu(x: tf.Tensor2D): tf.Tensor2D | undefined {
  if (!tf.getKernel(SWIGLU, tf.getBackend()) || x.dtype !== 'float32' || x.shape[1] % 2 !== 0) return undefined;
  const op = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor]);
    return {
      value: tf.engine().runKernel(SWIGLU, { x: input as tf.Tensor }, {}) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(SWIGLU_GRAD, { dy, x: saved[0] }, {}) as tf.Tensor,
    };
  });
  return op(x) as tf.Tensor2D;
}
