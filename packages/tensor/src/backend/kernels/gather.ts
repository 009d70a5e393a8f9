import { GatherV2, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel, heapInt32, sizeOf } from '../kernel.js';

/**
 * GatherV2 along axis 0 (every embedding lookup) as one block copy per index; wasm's generic
 * kernel walks every element through index arithmetic (13 ms for 1 MB in a quick forward pass).
 * Other axes, batch dims and dtypes go to the stock kernel; out-of-range indices too (it reports them).
 */
export function rowGather(stockGather: KernelConfig): KernelConfig {
  return defineKernel<{ x: TensorInfo; indices: TensorInfo }, { axis: number; batchDims: number }>(GatherV2, 'wasm', ({ inputs: { x, indices }, attrs: { axis, batchDims }, backend: w, raw }) => {
    if ((axis !== 0 && axis !== -x.shape.length) || (batchDims ?? 0) !== 0 || x.dtype !== 'float32' || indices.dtype !== 'int32' || x.shape.length < 1) return stockGather.kernelFunc(raw);
    const rows = x.shape[0];
    const inner = sizeOf(x.shape.slice(1));
    const ids = heapInt32(w, indices);
    for (let i = 0; i < ids.length; i++) if (ids[i] < 0 || ids[i] >= rows) return stockGather.kernelFunc(raw);
    const out = w.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
    // views after the allocation (it may grow the heap)
    const src = w.typedArrayFromHeap(x);
    const dst = w.typedArrayFromHeap(out);
    const idx = heapInt32(w, indices);
    for (let i = 0; i < idx.length; i++) dst.set(src.subarray(idx[i] * inner, (idx[i] + 1) * inner), i * inner);
    return out;
  });
}
