import * as tf from '#tfjs';
import { type BackendName, hostKernel, sizeOf } from '../kernel.js';
import { RMS_NORM, RMS_NORM_GRAD } from '../kernel-names.js';

/**
 * RMSNorm as one kernel and its gradient as another (the composed op is 6 kernels forward and about
 * 15 backward, each a pass over [N, D] plus broadcasts that wasm runs on a slow generic path).
 * Row sums in float64, values stored as float32.
 */

/** y = x / rms(x) * gain per row of `cols`; rinv[r] = 1 / sqrt(mean(x^2) + eps). */
export function rmsNormRows(x: Float32Array, gain: Float32Array, y: Float32Array, rinv: Float32Array, rows: number, cols: number, eps: number): void {
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += x[off + j] * x[off + j];
    const inv = 1 / Math.sqrt(ss / cols + eps);
    rinv[r] = inv;
    for (let j = 0; j < cols; j++) y[off + j] = x[off + j] * inv * gain[j];
  }
}

/**
 * dx = rinv * (dy * gain) - x * rinv^3 * mean(dy * gain * x) per row; dgain = sum over rows of
 * dy * x * rinv (accumulated in row order, so the bits do not depend on any thread split).
 */
export function rmsNormGradRows(dy: Float32Array, x: Float32Array, gain: Float32Array, rinv: Float32Array, dx: Float32Array, dgain: Float32Array, rows: number, cols: number): void {
  const acc = new Float64Array(cols);
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    const inv = rinv[r];
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dy[off + j] * gain[j] * x[off + j];
    const k = (inv * inv * inv * dot) / cols;
    for (let j = 0; j < cols; j++) {
      dx[off + j] = inv * dy[off + j] * gain[j] - x[off + j] * k;
      acc[j] += dy[off + j] * x[off + j] * inv;
    }
  }
  for (let j = 0; j < cols; j++) dgain[j] = acc[j];
}

const rowsOf = (shape: number[]) => sizeOf(shape) / shape[shape.length - 1];

/** The kernel; `rows` is the JS loop above or @labbench/tensor-native's (the same signature). */
export function rmsNormKernel(backendName: BackendName, rows: typeof rmsNormRows = rmsNormRows) {
  return hostKernel<{ eps: number }>(RMS_NORM, backendName, ['x', 'gain'], ([x]) => [x, [rowsOf(x)]], ([x, gain], [y, rinv], [shape], { eps }) =>
    rows(x, gain, y, rinv, rowsOf(shape), shape[shape.length - 1], eps));
}

export function rmsNormGradKernel(backendName: BackendName, rows: typeof rmsNormGradRows = rmsNormGradRows) {
  return hostKernel(RMS_NORM_GRAD, backendName, ['dy', 'x', 'gain', 'rinv'], ([, x, gain]) => [x, gain], ([dy, x, gain, rinv], [dx, dgain], [shape]) =>
    rows(dy, x, gain, rinv, dx, dgain, rowsOf(shape), shape[shape.length - 1]));
}

/**
 * The fused RMSNorm op with its gradient, or undefined when the active backend has no such
 * kernel (tfjs-node): the caller then composes it from stock ops.
 */
export function fusedRmsNorm(x: tf.Tensor, gain: tf.Tensor, eps: number): tf.Tensor | undefined {
  if (!tf.getKernel(RMS_NORM, tf.getBackend()) || x.dtype !== 'float32' || gain.rank !== 1) return undefined;
  const op = tf.customGrad((input, g, save) => {
    const [y, rinv] = tf.engine().runKernel(RMS_NORM, { x: input as tf.Tensor, gain: g as tf.Tensor }, { eps }) as unknown as [tf.Tensor, tf.Tensor];
    (save as tf.GradSaveFunc)([input as tf.Tensor, g as tf.Tensor, rinv]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sr] = saved;
        return tf.engine().runKernel(RMS_NORM_GRAD, { dy, x: sx, gain: sg, rinv: sr }, {}) as unknown as tf.Tensor[];
      },
    };
  });
  return op(x, gain);
}
