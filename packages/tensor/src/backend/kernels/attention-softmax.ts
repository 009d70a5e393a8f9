import * as tf from '#tfjs';
import { Softmax, type TensorInfo } from '#tfjs';
import { type BackendName, defineKernel, hostKernel, runKernel, sizeOf } from '../kernel.js';
import { ATTENTION_SOFTMAX, ATTENTION_SOFTMAX_GRAD } from '../kernel-names.js';
import { stockWasmKernel } from '../registry.js';

/**
 * The attention softmax, softmax(scale * scores + causal mask), as one kernel, and its gradient as
 * another. Composed, it is a product, an add of a [T, T] mask broadcast over [B, H] and a softmax,
 * and backward about six kernels. Masked entries (key after query) are exactly 0, as exp(-1e9)
 * was.
 */

interface Attrs {
  scale: number;
  causal: boolean;
}

/** scale * s with masked entries set to -Infinity, into `out` (the softmax's input). */
function scaleAndMask(s: Float32Array, out: Float32Array, rows: number, tq: number, tk: number, scale: number, causal: boolean): void {
  for (let r = 0; r < rows; r++) {
    const off = r * tk;
    // query i sees keys up to i + (tk - tq): the last tq keys are the queries' own positions
    const last = causal ? (r % tq) + tk - tq : tk - 1;
    for (let j = 0; j <= last && j < tk; j++) out[off + j] = s[off + j] * scale;
    for (let j = Math.max(0, last + 1); j < tk; j++) out[off + j] = Number.NEGATIVE_INFINITY;
  }
}

/** Softmax rows in float64 (the cpu kernel; wasm runs its SIMD Softmax after `scaleAndMask`). */
function softmaxRows(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) if (x[off + j] > max) max = x[off + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = x[off + j] === Number.NEGATIVE_INFINITY ? 0 : Math.exp(x[off + j] - max);
      y[off + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) y[off + j] /= sum;
  }
}

/** d scores = scale * p * (dy - sum_j dy * p) per row. */
export function attentionSoftmaxGradRows(dy: Float32Array, p: Float32Array, ds: Float32Array, rows: number, cols: number, scale: number): void {
  for (let r = 0, off = 0; r < rows; r++, off += cols) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dy[off + j] * p[off + j];
    for (let j = 0; j < cols; j++) ds[off + j] = scale * p[off + j] * (dy[off + j] - dot);
  }
}

const dims = (shape: number[]) => ({ tq: shape[shape.length - 2], tk: shape[shape.length - 1], rows: sizeOf(shape) / shape[shape.length - 1] });

/** A native attention softmax: probs = softmax(scale * scores) per row, causal mask (@labbench/tensor-native). */
export type AttentionSoftmaxRows = (scores: Float32Array, probs: Float32Array, rows: number, tq: number, tk: number, scale: number, causal: boolean) => void;

export function attentionSoftmaxKernel(backendName: BackendName, native?: AttentionSoftmaxRows) {
  if (native) {
    return hostKernel<Attrs>(ATTENTION_SOFTMAX, backendName, ['scores'], ([s]) => [s], ([s], [p], [shape], { scale, causal }) => {
      const { tq, tk, rows } = dims(shape);
      native(s, p, rows, tq, tk, scale, causal);
    });
  }
  if (backendName === 'cpu') {
    return hostKernel<Attrs>(ATTENTION_SOFTMAX, 'cpu', ['scores'], ([s]) => [s], ([s], [p], [shape], { scale, causal }) => {
      const { tq, tk, rows } = dims(shape);
      scaleAndMask(s, p, rows, tq, tk, scale, causal);
      softmaxRows(p, p, rows, tk);
    });
  }
  const softmax = stockWasmKernel(Softmax);
  return defineKernel<{ scores: TensorInfo }, Attrs>(ATTENTION_SOFTMAX, 'wasm', ({ inputs: { scores }, attrs: { scale, causal }, backend: w }) => {
    const { tq, tk, rows } = dims([...scores.shape]);
    const masked = w.makeOutput([rows, tk], 'float32');
    scaleAndMask(w.typedArrayFromHeap(scores), w.typedArrayFromHeap(masked), rows, tq, tk, scale, causal);
    if (!softmax) {
      const view = w.typedArrayFromHeap(masked);
      softmaxRows(view, view, rows, tk);
      return { ...masked, shape: [...scores.shape] };
    }
    // XNNPACK's SIMD softmax; exp(-inf - max) is 0 and the diagonal keeps every row's max finite
    const p = runKernel(softmax, { logits: masked }, { dim: 1 }, w);
    w.disposeData(masked.dataId);
    return { ...p, shape: [...scores.shape] };
  });
}

export function attentionSoftmaxGradKernel(backendName: BackendName, rows: typeof attentionSoftmaxGradRows = attentionSoftmaxGradRows) {
  return hostKernel<{ scale: number }>(ATTENTION_SOFTMAX_GRAD, backendName, ['dy', 'probs'], ([, p]) => [p], ([dy, p], [ds], [shape], { scale }) =>
    rows(dy, p, ds, sizeOf(shape) / shape[shape.length - 1], shape[shape.length - 1], scale));
}

/**
 * softmax(scale * scores + causal mask) over the last axis with its gradient, or undefined when
 * the active backend has no such kernel (the caller composes it).
 */
export function fusedAttentionSoftmax(scores: tf.Tensor, scale: number, causal: boolean): tf.Tensor | undefined {
  if (!tf.getKernel(ATTENTION_SOFTMAX, tf.getBackend()) || scores.dtype !== 'float32' || scores.rank < 2) return undefined;
  const op = tf.customGrad((s, save) => {
    const p = tf.engine().runKernel(ATTENTION_SOFTMAX, { scores: s as tf.Tensor }, { scale, causal }) as tf.Tensor;
    (save as tf.GradSaveFunc)([p]);
    return { value: p, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(ATTENTION_SOFTMAX_GRAD, { dy, probs: saved[0] }, { scale }) as tf.Tensor };
  });
  return op(scores);
}
