import { Softmax, type TensorInfo } from '#tfjs';
import { defineKernel, heapInt32, runKernel, type BackendName } from '../kernel.js';
import { SOFTMAX_CROSS_ENTROPY } from '../kernel-names.js';
import { stockWasmKernel } from '../registry.js';

// Its gradient (the saved `grad` output times dy) is in ops/index.ts's softmaxCrossEntropy.

/**
 * The fused softmax-cross-entropy kernel in plain JS over the tensors' memory (one pass per row:
 * max, sum of exponentials, loss, gradient). Outputs [nll [N], grad [N, V]].
 */
export function softmaxCrossEntropyRows(x: Float32Array, targets: Int32Array, nll: Float32Array, grad: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const t = targets[r];
    if (t < 0 || t >= cols) {
      nll[r] = 0;
      grad.fill(0, off, off + cols);
      continue;
    }
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[off + j] > max) max = x[off + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[off + j] - max);
      grad[off + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) grad[off + j] *= inv;
    grad[off + t] -= 1;
    nll[r] = Math.log(sum) + max - x[off + t];
  }
}

/**
 * Turns softmax probabilities into the loss and its gradient in place: per row only the target
 * entry changes (p - 1) and nll = -log p[target]; padding rows become zero. When p[target]
 * underflows, the row's loss is recomputed exactly from the logits.
 */
function finishCrossEntropy(x: Float32Array, targets: Int32Array, nll: Float32Array, probs: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const t = targets[r];
    if (t < 0 || t >= cols) {
      nll[r] = 0;
      probs.fill(0, off, off + cols);
      continue;
    }
    const p = probs[off + t];
    if (p > 1e-30) nll[r] = -Math.log(p);
    else {
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (x[off + j] > max) max = x[off + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(x[off + j] - max);
      nll[r] = Math.log(sum) + max - x[off + t];
    }
    probs[off + t] = p - 1;
  }
}

type Inputs = { logits: TensorInfo; targets: TensorInfo };

/**
 * The fused softmax-cross-entropy kernel, outputs [nll [N], grad [N, V]]. On wasm the stock
 * (XNNPACK, SIMD) Softmax writes the probabilities straight into the gradient's memory and a
 * JS pass touches one entry per row; on cpu a plain JS row loop.
 */
export function softmaxCrossEntropyKernel(backendName: BackendName) {
  if (backendName === 'cpu') {
    return defineKernel<Inputs, Record<string, never>, 'cpu'>(SOFTMAX_CROSS_ENTROPY, 'cpu', ({ inputs: { logits, targets }, backend: b }) => {
      const [rows, cols] = logits.shape;
      const nll = new Float32Array(rows);
      const grad = new Float32Array(rows * cols);
      softmaxCrossEntropyRows(b.readSync(logits.dataId) as Float32Array, Int32Array.from(b.readSync(targets.dataId)), nll, grad, rows, cols);
      return [b.makeTensorInfo([rows], 'float32', nll), b.makeTensorInfo([rows, cols], 'float32', grad)];
    });
  }
  const softmax = stockWasmKernel(Softmax);
  return defineKernel<Inputs>(SOFTMAX_CROSS_ENTROPY, 'wasm', ({ inputs: { logits, targets }, backend: w }) => {
    const [rows, cols] = logits.shape;
    const nll = w.makeOutput([rows], 'float32');
    if (softmax && rows * cols > 0) {
      const grad = runKernel(softmax, { logits }, { dim: 1 }, w);
      finishCrossEntropy(w.typedArrayFromHeap(logits), heapInt32(w, targets), w.typedArrayFromHeap(nll), w.typedArrayFromHeap(grad), rows, cols);
      return [nll, grad];
    }
    const grad = w.makeOutput([rows, cols], 'float32');
    softmaxCrossEntropyRows(w.typedArrayFromHeap(logits), heapInt32(w, targets), w.typedArrayFromHeap(nll), w.typedArrayFromHeap(grad), rows, cols);
    return [nll, grad];
  });
}
