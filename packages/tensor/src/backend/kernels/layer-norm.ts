import * as tf from '#tfjs';
import { type BackendName, hostKernel, sizeOf } from '../kernel.js';
import { LAYER_NORM, LAYER_NORM_GRAD } from '../kernel-names.js';

/**
 * LayerNorm with gain and bias as one kernel and its gradient as another (composed: moments, then
 * subtract, rsqrt, two products and an add forward and about twenty kernels backward). The ref
 * throughput model (PyTorch's GPT) uses it. Row sums in float64, values stored as float32.
 */

/** y = (x - mean) * rstd * gain + bias per row; mean and rstd saved per row. */
export function layerNormRows(x: Float32Array, gain: Float32Array, bias: Float32Array, y: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, cols: number, eps: number): void {
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[off + j];
    const mu = s / cols;
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += (x[off + j] - mu) * (x[off + j] - mu);
    const inv = 1 / Math.sqrt(ss / cols + eps);
    mean[r] = mu;
    rstd[r] = inv;
    for (let j = 0; j < cols; j++) y[off + j] = (x[off + j] - mu) * inv * gain[j] + bias[j];
  }
}

/**
 * dx = rstd * (dy g - mean(dy g) - xhat * mean(dy g xhat)) per row, xhat = (x - mean) rstd;
 * dgain = sum over rows of dy xhat, dbias = sum of dy (accumulated in row order).
 */
export function layerNormGradRows(dy: Float32Array, x: Float32Array, gain: Float32Array, mean: Float32Array, rstd: Float32Array, dx: Float32Array, dgain: Float32Array, dbias: Float32Array, rows: number, cols: number): void {
  const accG = new Float64Array(cols);
  const accB = new Float64Array(cols);
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    const mu = mean[r];
    const inv = rstd[r];
    let a = 0;
    let b = 0;
    for (let j = 0; j < cols; j++) {
      const gy = dy[off + j] * gain[j];
      a += gy;
      b += gy * (x[off + j] - mu) * inv;
    }
    a /= cols;
    b /= cols;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[off + j] - mu) * inv;
      dx[off + j] = inv * (dy[off + j] * gain[j] - a - xhat * b);
      accG[j] += dy[off + j] * xhat;
      accB[j] += dy[off + j];
    }
  }
  for (let j = 0; j < cols; j++) {
    dgain[j] = accG[j];
    dbias[j] = accB[j];
  }
}

const rowsOf = (shape: number[]) => sizeOf(shape) / shape[shape.length - 1];

/** The kernel; `rows` is the JS loop above or @labbench/tensor-native's (the same signature). */
export function layerNormKernel(backendName: BackendName, rows: typeof layerNormRows = layerNormRows) {
  return hostKernel<{ eps: number }>(LAYER_NORM, backendName, ['x', 'gain', 'bias'], ([x]) => [x, [rowsOf(x)], [rowsOf(x)]], ([x, gain, bias], [y, mean, rstd], [shape], { eps }) =>
    rows(x, gain, bias, y, mean, rstd, rowsOf(shape), shape[shape.length - 1], eps));
}

export function layerNormGradKernel(backendName: BackendName, rows: typeof layerNormGradRows = layerNormGradRows) {
  return hostKernel(LAYER_NORM_GRAD, backendName, ['dy', 'x', 'gain', 'mean', 'rstd'], ([, x, gain]) => [x, gain, gain], ([dy, x, gain, mean, rstd], [dx, dgain, dbias], [, shape]) =>
    rows(dy, x, gain, mean, rstd, dx, dgain, dbias, rowsOf(shape), shape[shape.length - 1]));
}

/** LayerNorm over the last axis with gain and bias and its gradient, or undefined without the kernel (the caller composes it). */
export function fusedLayerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor | undefined {
  if (!tf.getKernel(LAYER_NORM, tf.getBackend()) || x.dtype !== 'float32' || gain.rank !== 1 || bias.rank !== 1) return undefined;
  const op = tf.customGrad((input, g, b, save) => {
    const [y, mean, rstd] = tf.engine().runKernel(LAYER_NORM, { x: input as tf.Tensor, gain: g as tf.Tensor, bias: b as tf.Tensor }, { eps }) as unknown as tf.Tensor[];
    (save as tf.GradSaveFunc)([input as tf.Tensor, g as tf.Tensor, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sm, sr] = saved;
        return tf.engine().runKernel(LAYER_NORM_GRAD, { dy, x: sx, gain: sg, mean: sm, rstd: sr }, {}) as unknown as tf.Tensor[];
      },
    };
  });
  return op(x, gain, bias);
}
