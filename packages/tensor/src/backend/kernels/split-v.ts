import { SplitV, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel, sizeOf } from '../kernel.js';

/**
 * SplitV as one pass of contiguous block copies per part (wasm's goes through a generic strided
 * Slice per part; the fused QKV split of every attention layer hits it). Types other than float32
 * and int32 go to the stock kernel.
 */
export function blockSplit(stockSplit: KernelConfig): KernelConfig {
  return defineKernel<{ x: TensorInfo }, { numOrSizeSplits: number | number[]; axis: number | number[] }>(SplitV, 'wasm', ({ inputs: { x }, attrs, backend: w, raw }) => {
    const { numOrSizeSplits, axis } = attrs;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return stockSplit.kernelFunc(raw);
    const rank = x.shape.length;
    const a = ((Array.isArray(axis) ? axis[0] : axis) + rank) % rank;
    const len = x.shape[a];
    let sizes: number[];
    if (typeof numOrSizeSplits === 'number') {
      if (len % numOrSizeSplits !== 0) return stockSplit.kernelFunc(raw);
      sizes = new Array(numOrSizeSplits).fill(len / numOrSizeSplits);
    } else {
      sizes = [...numOrSizeSplits];
      const unknown = sizes.indexOf(-1);
      if (unknown >= 0) sizes[unknown] = len - sizes.reduce((p, d) => p + (d === -1 ? 0 : d), 0);
    }
    const outer = sizeOf(x.shape.slice(0, a));
    const inner = sizeOf(x.shape.slice(a + 1));
    const outs = sizes.map((size) => w.makeOutput(x.shape.map((d, i) => (i === a ? size : d)), x.dtype));
    const src = w.typedArrayFromHeap(x); // after the allocations (they may grow the heap)
    let start = 0;
    for (const [p, size] of sizes.entries()) {
      const dst = w.typedArrayFromHeap(outs[p]);
      const block = size * inner;
      for (let o = 0; o < outer; o++) {
        const from = (o * len + start) * inner;
        dst.set(src.subarray(from, from + block), o * block);
      }
      start += size;
    }
    return outs;
  });
}
