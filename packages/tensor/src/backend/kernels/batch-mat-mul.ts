import { BatchMatMul, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel, heapView, releaseView, runKernel, sizeOf } from '../kernel.js';
import { transposeKernel } from './transpose.js';

/** Broadcast of the batch (outer) dims of two matmul operands. */
function broadcastOuter(a: readonly number[], b: readonly number[]): number[] {
  const x = a.slice(0, -2);
  const y = b.slice(0, -2);
  const rank = Math.max(x.length, y.length);
  return Array.from({ length: rank }, (_, i) => Math.max(x[i - rank + x.length] ?? 1, y[i - rank + y.length] ?? 1));
}

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * wasm's BatchMatMul has two slow paths (see notes/tfjs-wasm.md): any transpose flag (~50x slower)
 * and any batch > 1 (a plain loop, ~2 GFLOP/s, where one 2-D matmul runs XNNPACK at ~29). Every
 * dense-layer gradient hits the first and attention hits the second. This kernel materialises
 * transposes with the fast Transpose kernel and runs a batch as one XNNPACK matmul per matrix, on
 * zero-copy views of the heap. `plain` and `transpose` are the stock kernels.
 */
export function batchMatMulKernel(plain: KernelConfig, transpose: KernelConfig): KernelConfig {
  const fastTranspose = transposeKernel(transpose);
  return defineKernel<{ a: TensorInfo; b: TensorInfo }, MatMulAttrs>(BatchMatMul, 'wasm', ({ inputs: { a, b }, attrs, backend: w }) => {
    const { transposeA, transposeB } = attrs;
    const temporaries: TensorInfo[] = [];
    const swapLast = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2], perm[perm.length - 1]];
      const out = runKernel(fastTranspose, { x: t }, { perm }, w);
      temporaries.push(out);
      return out;
    };
    const left = transposeA ? swapLast(a) : a;
    const right = transposeB ? swapLast(b) : b;
    const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
    const ra = left.shape.length;
    const rb = right.shape.length;
    const [m, k] = left.shape.slice(ra - 2);
    const n = right.shape[rb - 1];
    const batchA = sizeOf(left.shape.slice(0, -2));
    const batchB = sizeOf(right.shape.slice(0, -2));
    const sameOuter = ra === rb && left.shape.slice(0, -2).every((d, i) => d === right.shape[i]);
    let out: TensorInfo;
    if (Math.max(batchA, batchB) === 1 || !(sameOuter || batchA === 1 || batchB === 1)) {
      out = runKernel(plain, { a: left, b: right }, plainAttrs, w);
    } else if (batchB === 1) {
      // one right matrix: the batch of the left folds into its rows, a single 2-D matmul
      const rows = { dataId: left.dataId, shape: [batchA * m, k], dtype: left.dtype };
      const cols = { dataId: right.dataId, shape: [k, n], dtype: right.dtype };
      out = runKernel(plain, { a: rows, b: cols }, plainAttrs, w);
      out = { ...out, shape: [...broadcastOuter(left.shape, right.shape), m, n] };
    } else {
      const outer = broadcastOuter(left.shape, right.shape);
      const batch = Math.max(batchA, batchB);
      out = w.makeOutput([...outer, m, n], 'float32');
      const target = w.dataIdMap.get(out.dataId).memoryOffset / 4;
      for (let i = 0; i < batch; i++) {
        const av = heapView(w, left, batchA === 1 ? 0 : i * m * k, [m, k]);
        const bv = heapView(w, right, batchB === 1 ? 0 : i * k * n, [k, n]);
        const c = runKernel(plain, { a: av, b: bv }, plainAttrs, w);
        const from = w.dataIdMap.get(c.dataId).memoryOffset / 4;
        w.wasm.HEAPF32.copyWithin(target + i * m * n, from, from + m * n);
        w.disposeData(c.dataId);
        releaseView(w, av);
        releaseView(w, bv);
      }
    }
    for (const t of temporaries) w.disposeData(t.dataId);
    return out;
  });
}
