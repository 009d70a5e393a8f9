import { Transpose, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel, runKernel } from '../kernel.js';

/**
 * Merges dimensions that stay adjacent under the permutation and drops size-1 ones:
 * [8,128,3,4,64] with [2,0,3,1,4] stays rank 5, but [8,128,4,64] with [0,2,1,3] is rank 4, etc.
 */
export function simplifyTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // drop size-1 dims and renumber the rest, so dims around a dropped one can merge
  const kept = shape.map((d, i) => (d !== 1 ? i : -1)).filter((i) => i >= 0);
  const dims = kept.map((i) => shape[i]);
  const keep = perm.filter((p) => shape[p] !== 1).map((p) => kept.indexOf(p));
  // groups of input dims that appear consecutively in the output
  const groups: number[][] = [];
  for (const p of keep) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else groups.push([p]);
  }
  const order = [...groups].sort((x, y) => x[0] - y[0]);
  const newShape = order.map((g) => g.reduce((prod, d) => prod * dims[d], 1));
  const newPerm = groups.map((g) => order.indexOf(g));
  return { shape: newShape, perm: newPerm };
}

/** Transposes with merged dims; rank <= 4 after merging runs the stock kernel, higher ranks a strided copy. */
export function transposeKernel(stockTranspose: KernelConfig): KernelConfig {
  return defineKernel<{ x: TensorInfo }, { perm: number[] }>(Transpose, 'wasm', ({ inputs: { x }, attrs: { perm }, backend: w }) => {
    const simple = simplifyTranspose(x.shape, perm);
    const outShape = perm.map((p) => x.shape[p]);
    if (simple.shape.length <= 4 || x.dtype !== 'float32') {
      const merged = { dataId: x.dataId, shape: simple.shape.length > 0 ? simple.shape : [1], dtype: x.dtype };
      const out = runKernel(stockTranspose, { x: merged }, { perm: simple.shape.length > 0 ? simple.perm : [0] }, w);
      return { ...out, shape: outShape };
    }
    const out = w.makeOutput(outShape, x.dtype);
    const src = w.typedArrayFromHeap(x);
    const dst = w.typedArrayFromHeap(out);
    const s = simple.shape;
    const rank = s.length;
    const inStrides = new Array<number>(rank);
    for (let d = rank - 1, st = 1; d >= 0; d--) {
      inStrides[d] = st;
      st *= s[d];
    }
    const oShape = simple.perm.map((p) => s[p]);
    const oStrides = simple.perm.map((p) => inStrides[p]); // input stride of each output dim
    const inner = oShape[rank - 1];
    const innerStride = oStrides[rank - 1];
    const idx = new Array<number>(rank - 1).fill(0);
    let o = 0;
    const total = dst.length;
    while (o < total) {
      let base = 0;
      for (let d = 0; d < rank - 1; d++) base += idx[d] * oStrides[d];
      if (innerStride === 1) dst.set(src.subarray(base, base + inner), o);
      else for (let j = 0; j < inner; j++) dst[o + j] = src[base + j * innerStride];
      o += inner;
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d] < oShape[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  });
}
