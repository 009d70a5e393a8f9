import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { ADAM_UPDATE, SOFTMAX_CROSS_ENTROPY, type AdamUpdateConfig } from '../ops/index.js';

/**
 * Kernels the wasm backend lacks or runs on a slow path, registered once for every plugin.
 * Each patch is tested against the cpu backend's kernel (packages/tensor/test/patches.test.ts).
 */

type Backend = {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: string, memoryOffset?: number, values?: ArrayLike<number>): TensorInfo;
  makeTensorInfo(shape: number[], dtype: string, values?: ArrayLike<number>): TensorInfo;
  disposeData(dataId: object): void;
  typedArrayFromHeap?(info: TensorInfo): Float32Array;
};

/** The wasm backend's internals the zero-copy patches use (tfjs-backend-wasm 4.x). */
type WasmInternals = Backend & {
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number }; delete(dataId: object): boolean };
  wasm: { HEAPF32: Float32Array; tfjs: { disposeData(id: number): void } };
};

/** The stock kernels as tfjs registered them, captured before any patch (benchmarks and parity tests compare against these). */
const stock = new Map<string, KernelConfig>();
/** Set once patchWasm has captured the stock kernels: later registrations (native) are never taken for stock. */
let stockFrozen = false;
function captureStock(name: string): KernelConfig | undefined {
  if (!stockFrozen && !stock.has(name)) {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel) stock.set(name, kernel);
  }
  return stock.get(name);
}
/** The stock wasm kernel of `name` (before labbench's patches and native kernels), if tfjs has one. */
export function stockWasmKernel(name: string): KernelConfig | undefined {
  return captureStock(name);
}

/**
 * `UnsortedSegmentSum` is the gradient of `gather` (every embedding lookup) and wasm has none.
 * A host-side loop is enough: it runs once per step over [tokens, D].
 */
function unsortedSegmentSum(): KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const w = backend as unknown as WasmInternals;
      const inner = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
      const result = w.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
      // views after the allocation (it may grow the heap); wasm's malloc does not zero
      const out = w.typedArrayFromHeap(result);
      out.fill(0);
      const values = w.typedArrayFromHeap(x);
      const ids = w.typedArrayFromHeap(segmentIds) as unknown as Int32Array;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < 0 || id >= numSegments) continue;
        const src = i * inner;
        const dst = id * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += values[src + j];
      }
      return result;
    }) as KernelFunc,
  };
}

/** Broadcast of the batch (outer) dims of two matmul operands. */
function broadcastOuter(a: readonly number[], b: readonly number[]): number[] {
  const x = a.slice(0, -2);
  const y = b.slice(0, -2);
  const rank = Math.max(x.length, y.length);
  return Array.from({ length: rank }, (_, i) => Math.max(x[i - rank + x.length] ?? 1, y[i - rank + y.length] ?? 1));
}

/** A tensor over part of another tensor's wasm memory (no copy); release it with `releaseView`. */
function heapView(backend: WasmInternals, of: TensorInfo, offsetElements: number, shape: number[]): TensorInfo {
  const base = backend.dataIdMap.get(of.dataId).memoryOffset;
  return backend.makeOutput(shape, of.dtype, base + 4 * offsetElements);
}
/** Forgets a view without freeing the memory it points into (the owner frees it). */
function releaseView(backend: WasmInternals, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/**
 * wasm's BatchMatMul has two slow paths (see notes/tfjs-wasm.md): any transpose flag (~50x slower)
 * and any batch > 1 (a plain loop, ~2 GFLOP/s, where one 2-D matmul runs XNNPACK at ~29). Every
 * dense-layer gradient hits the first and attention hits the second. This patch materialises
 * transposes with the fast Transpose kernel and runs a batch as one XNNPACK matmul per matrix, on
 * zero-copy views of the heap.
 */
function patchedMatMul(): KernelConfig | undefined {
  const plain = captureStock('BatchMatMul');
  const transpose = captureStock('Transpose');
  if (!plain || !transpose) return undefined;
  const fastTranspose = transposeKernel(transpose);
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const w = backend as unknown as WasmInternals;
      const temporaries: TensorInfo[] = [];
      const swapLast = (t: TensorInfo): TensorInfo => {
        const perm = t.shape.map((_, i) => i);
        [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2], perm[perm.length - 1]];
        const out = fastTranspose.kernelFunc({ inputs: { x: t }, attrs: { perm }, backend }) as TensorInfo;
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
      const batchA = left.shape.slice(0, -2).reduce((p, d) => p * d, 1);
      const batchB = right.shape.slice(0, -2).reduce((p, d) => p * d, 1);
      const sameOuter = ra === rb && left.shape.slice(0, -2).every((d, i) => d === right.shape[i]);
      let out: TensorInfo;
      if (Math.max(batchA, batchB) === 1 || !(sameOuter || batchA === 1 || batchB === 1)) {
        out = plain.kernelFunc({ inputs: { a: left, b: right }, attrs: plainAttrs, backend }) as TensorInfo;
      } else if (batchB === 1) {
        // one right matrix: the batch of the left folds into its rows, a single 2-D matmul
        const rows = { dataId: left.dataId, shape: [batchA * m, k], dtype: left.dtype };
        const cols = { dataId: right.dataId, shape: [k, n], dtype: right.dtype };
        out = plain.kernelFunc({ inputs: { a: rows, b: cols }, attrs: plainAttrs, backend }) as TensorInfo;
        out = { ...out, shape: [...broadcastOuter(left.shape, right.shape), m, n] };
      } else {
        const outer = broadcastOuter(left.shape, right.shape);
        const batch = Math.max(batchA, batchB);
        out = w.makeOutput([...outer, m, n], 'float32');
        const target = w.dataIdMap.get(out.dataId).memoryOffset / 4;
        for (let i = 0; i < batch; i++) {
          const av = heapView(w, left, batchA === 1 ? 0 : i * m * k, [m, k]);
          const bv = heapView(w, right, batchB === 1 ? 0 : i * k * n, [k, n]);
          const c = plain.kernelFunc({ inputs: { a: av, b: bv }, attrs: plainAttrs, backend }) as TensorInfo;
          const from = w.dataIdMap.get(c.dataId).memoryOffset / 4;
          w.wasm.HEAPF32.copyWithin(target + i * m * n, from, from + m * n);
          w.disposeData(c.dataId);
          releaseView(w, av);
          releaseView(w, bv);
        }
      }
      for (const t of temporaries) w.disposeData(t.dataId);
      return out;
    }) as KernelFunc,
  };
}

const jsActivations: Record<string, ((x: number, alpha: number) => number) | undefined> = {
  linear: undefined,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leakyrelu: (x, alpha) => (x > 0 ? x : alpha * x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
};

/**
 * wasm's stock _FusedMatMul is wrong with either transpose flag, and adds the bias wrongly when
 * the batch is > 1 (both checked against the cpu backend in the tests). It stays in use for one
 * matrix without transposes; otherwise the patched BatchMatMul runs, then bias and activation in
 * one JS pass over the output (prelu through the stock Prelu kernel).
 */
function patchedFusedMatMul(matMul: KernelConfig): KernelConfig | undefined {
  const fused = captureStock('_FusedMatMul');
  const prelu = captureStock('Prelu');
  if (!fused) return undefined;
  return {
    kernelName: '_FusedMatMul',
    backendName: 'wasm',
    kernelFunc: ((args) => {
      const { inputs, attrs, backend } = args;
      const { a, b, bias, preluActivationWeights } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
      const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
      const batch = Math.max(a.shape.slice(0, -2).reduce((p, d) => p * d, 1), b.shape.slice(0, -2).reduce((p, d) => p * d, 1));
      if (!transposeA && !transposeB && batch === 1) return fused.kernelFunc(args);
      const w = backend as unknown as WasmInternals;
      const out = matMul.kernelFunc({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend }) as TensorInfo;
      const n = out.shape[out.shape.length - 1];
      const f = jsActivations[activation ?? 'linear'];
      if (bias || f) {
        const c = w.typedArrayFromHeap(out);
        const bv = bias ? w.typedArrayFromHeap(bias) : undefined;
        const alpha = leakyreluAlpha ?? 0.2;
        for (let i = 0; i < c.length; i += n) {
          for (let j = 0; j < n; j++) {
            let v = c[i + j];
            if (bv) v += bv.length === 1 ? bv[0] : bv[j];
            c[i + j] = f ? f(v, alpha) : v;
          }
        }
      }
      if (activation === 'prelu' && preluActivationWeights && prelu) {
        const y = prelu.kernelFunc({ inputs: { x: out, alpha: preluActivationWeights }, attrs: {}, backend }) as TensorInfo;
        w.disposeData(out.dataId);
        return y;
      }
      if (!(activation in jsActivations) && activation !== 'prelu') throw new Error(`_FusedMatMul: activation '${activation}' is not supported on wasm.`);
      return out;
    }) as KernelFunc,
  };
}

/**
 * Identity without a copy. tfjs clones every tensor a gradient saves for the backward pass through
 * the Identity kernel, and wasm's copies the memory (~280 copies per step of the ref model); like
 * the cpu backend and wasm's own Reshape, share the memory and count the reference (tensors are
 * immutable; no kernel writes into its inputs).
 */
function sharedIdentity(stockIdentity: KernelConfig): KernelConfig {
  return {
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ((args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype === 'string') return stockIdentity.kernelFunc(args);
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    }) as KernelFunc,
  };
}

/** Cast to the same dtype (every gradient of a saved tensor casts dy to float32) shares the memory too. */
function sharedCast(stockCast: KernelConfig): KernelConfig {
  return {
    kernelName: 'Cast',
    backendName: 'wasm',
    kernelFunc: ((args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { dtype } = args.attrs as unknown as { dtype: string };
      if (x.dtype !== dtype || x.dtype === 'string') return stockCast.kernelFunc(args);
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    }) as KernelFunc,
  };
}

/**
 * SplitV as one pass of contiguous block copies per part (wasm's goes through a generic strided
 * Slice per part; the fused QKV split of every attention layer hits it). Types other than float32
 * and int32 go to the stock kernel.
 */
function blockSplit(stockSplit: KernelConfig): KernelConfig {
  return {
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: ((args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
      if (x.dtype !== 'float32' && x.dtype !== 'int32') return stockSplit.kernelFunc(args);
      const rank = x.shape.length;
      const a = ((Array.isArray(axis) ? axis[0] : axis) + rank) % rank;
      const len = x.shape[a];
      let sizes: number[];
      if (typeof numOrSizeSplits === 'number') {
        if (len % numOrSizeSplits !== 0) return stockSplit.kernelFunc(args);
        sizes = new Array(numOrSizeSplits).fill(len / numOrSizeSplits);
      } else {
        sizes = [...numOrSizeSplits];
        const unknown = sizes.indexOf(-1);
        if (unknown >= 0) sizes[unknown] = len - sizes.reduce((p, d) => p + (d === -1 ? 0 : d), 0);
      }
      const w = args.backend as unknown as WasmInternals;
      const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
      const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
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
    }) as KernelFunc,
  };
}

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
function transposeKernel(stockTranspose: KernelConfig): KernelConfig {
  return {
    kernelName: 'Transpose',
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { x } = inputs as { x: TensorInfo };
      const { perm } = attrs as unknown as { perm: number[] };
      const simple = simplifyTranspose(x.shape, perm);
      const outShape = perm.map((p) => x.shape[p]);
      if (simple.shape.length <= 4 || x.dtype !== 'float32') {
        const merged = { dataId: x.dataId, shape: simple.shape.length > 0 ? simple.shape : [1], dtype: x.dtype };
        const out = stockTranspose.kernelFunc({ inputs: { x: merged }, attrs: { perm: simple.shape.length > 0 ? simple.perm : [0] }, backend }) as TensorInfo;
        return { ...out, shape: outShape };
      }
      const w = backend as unknown as WasmInternals;
      const out = w.makeOutput(outShape, x.dtype);
      const src = w.typedArrayFromHeap(x);
      const dst = w.typedArrayFromHeap(out);
      const s = simple.shape;
      const rank = s.length;
      const inStrides = new Array<number>(rank);
      for (let d = rank - 1, st = 1; d >= 0; d--) { inStrides[d] = st; st *= s[d]; }
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
    }) as KernelFunc,
  };
}

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

/**
 * The fused softmax-cross-entropy kernel, outputs [nll [N], grad [N, V]]. On wasm the stock
 * (XNNPACK, SIMD) Softmax writes the probabilities straight into the gradient's memory and a
 * JS pass touches one entry per row; on cpu a plain JS row loop.
 */
function softmaxCrossEntropyKernel(backendName: 'wasm' | 'cpu'): KernelConfig {
  const softmax = backendName === 'wasm' ? captureStock('Softmax') : undefined;
  return {
    kernelName: SOFTMAX_CROSS_ENTROPY,
    backendName,
    kernelFunc: (({ inputs, backend }) => {
      const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
      const [rows, cols] = logits.shape;
      if (backendName === 'wasm') {
        const w = backend as unknown as WasmInternals;
        const nll = w.makeOutput([rows], 'float32');
        if (softmax && rows * cols > 0) {
          const grad = softmax.kernelFunc({ inputs: { logits }, attrs: { dim: 1 }, backend }) as TensorInfo;
          finishCrossEntropy(w.typedArrayFromHeap(logits), w.typedArrayFromHeap(targets) as unknown as Int32Array, w.typedArrayFromHeap(nll), w.typedArrayFromHeap(grad), rows, cols);
          return [nll, grad];
        }
        const grad = w.makeOutput([rows, cols], 'float32');
        softmaxCrossEntropyRows(w.typedArrayFromHeap(logits), w.typedArrayFromHeap(targets) as unknown as Int32Array, w.typedArrayFromHeap(nll), w.typedArrayFromHeap(grad), rows, cols);
        return [nll, grad];
      }
      const b = backend as unknown as Backend;
      const nll = new Float32Array(rows);
      const grad = new Float32Array(rows * cols);
      softmaxCrossEntropyRows(b.readSync(logits.dataId) as Float32Array, Int32Array.from(b.readSync(targets.dataId)), nll, grad, rows, cols);
      return [b.makeTensorInfo([rows], 'float32', nll), b.makeTensorInfo([rows, cols], 'float32', grad)];
    }) as KernelFunc,
  };
}

/** The Adam(W) update over flat arrays (float64 arithmetic, float32 storage). */
export function adamRows(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array, c: AdamUpdateConfig): void {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, c1, c2, gradScale: s } = c;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  const ic1 = 1 / c1;
  const ic2 = 1 / c2;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] * s;
    const mi = b1 * m[i] + a1 * gi;
    const vi = b2 * v[i] + a2 * gi * gi;
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = x[i] - lr * ((mi * ic1) / (Math.sqrt(vi * ic2) + eps) + wd * x[i]);
  }
}

function adamKernel(backendName: 'wasm' | 'cpu'): KernelConfig {
  return {
    kernelName: ADAM_UPDATE,
    backendName,
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { x, g, m, v } = inputs as { x: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
      const config = attrs as unknown as AdamUpdateConfig;
      if (backendName === 'wasm') {
        const w = backend as unknown as WasmInternals;
        const outs = [w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32')];
        const [xo, mo, vo] = outs.map((t) => w.typedArrayFromHeap(t));
        adamRows(w.typedArrayFromHeap(x), w.typedArrayFromHeap(g), w.typedArrayFromHeap(m), w.typedArrayFromHeap(v), xo, mo, vo, config);
        return outs;
      }
      const b = backend as unknown as Backend;
      const n = x.shape.reduce((p, d) => p * d, 1);
      const [xo, mo, vo] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const read = (t: TensorInfo) => b.readSync(t.dataId) as Float32Array;
      adamRows(read(x), read(g), read(m), read(v), xo, mo, vo, config);
      return [b.makeTensorInfo(x.shape, 'float32', xo), b.makeTensorInfo(x.shape, 'float32', mo), b.makeTensorInfo(x.shape, 'float32', vo)];
    }) as KernelFunc,
  };
}

let gradientsPatched = false;

/**
 * TopK has no gradient in tfjs, so a router that only takes indices from it still fails inside a
 * gradient tape. The gradient scatters dy back to the chosen positions (checked against finite
 * differences in the tests); indices carry no gradient.
 */
export function registerMissingGradients(): void {
  if (gradientsPatched) return;
  gradientsPatched = true;
  if (!tf.getGradient('TopK')) {
    tf.registerGradient({
      kernelName: 'TopK',
      inputsToSave: ['x'],
      outputsToSave: [false, true],
      gradFunc: (dy, saved) => {
        const [x, indices] = saved as [tf.Tensor, tf.Tensor];
        const values = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
        return {
          x: () => {
            const n = x.shape[x.shape.length - 1]!;
            const oneHot = tf.cast(tf.oneHot(indices as tf.Tensor, n), 'float32'); // int32 then cast: see oneHotFloat // [..., k, n]
            return tf.sum(tf.mul(oneHot, tf.expandDims(values, -1)), -2);
          },
        };
      },
    });
  }
}

const wasmPatched = { done: false, names: [] as string[] };

const patched = new Map<string, KernelConfig>();
/** The labbench patch of a wasm kernel (after patchWasm), if any. */
export function patchedKernel(name: string): KernelConfig | undefined {
  return patched.get(name);
}
/** Kernels wasm lacks entirely: even the `stock` kernel set keeps labbench's (training needs them). */
export const wasmAdditions: ReadonlySet<string> = new Set(['UnsortedSegmentSum']);

/** Names of the wasm kernels labbench patches or adds, plus those native kernels replace. */
export function patchedKernelNames(): string[] {
  return [...new Set([...patched.keys(), 'BatchMatMul', '_FusedMatMul', SOFTMAX_CROSS_ENTROPY, ADAM_UPDATE])];
}

/** Replaces (or adds) a wasm kernel, keeping the stock one for benchmarks. */
function replaceWasm(config: KernelConfig): void {
  captureStock(config.kernelName);
  patched.set(config.kernelName, config);
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Registers the wasm patches once; returns the names of the kernels replaced or added. */
export function patchWasm(): readonly string[] {
  if (wasmPatched.done) return wasmPatched.names;
  wasmPatched.done = true;
  for (const name of ['BatchMatMul', 'Transpose', '_FusedMatMul', 'Softmax', 'Prelu', 'Identity', 'Cast', 'SplitV', 'UnsortedSegmentSum', SOFTMAX_CROSS_ENTROPY, ADAM_UPDATE]) captureStock(name);
  stockFrozen = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    replaceWasm(unsortedSegmentSum());
    wasmPatched.names.push('UnsortedSegmentSum');
  }
  const identity = captureStock('Identity');
  if (identity) {
    replaceWasm(sharedIdentity(identity));
    wasmPatched.names.push('Identity(shared)');
  }
  const cast = captureStock('Cast');
  if (cast) {
    replaceWasm(sharedCast(cast));
    wasmPatched.names.push('Cast(same dtype, shared)');
  }
  const split = captureStock('SplitV');
  if (split) {
    replaceWasm(blockSplit(split));
    wasmPatched.names.push('SplitV(block copies)');
  }
  const transpose = captureStock('Transpose');
  if (transpose) {
    replaceWasm(transposeKernel(transpose));
    wasmPatched.names.push('Transpose(merged dims)');
  }
  const matMul = patchedMatMul();
  if (matMul) {
    replaceWasm(matMul);
    wasmPatched.names.push('BatchMatMul(transposed, batched)');
    const fusedMatMul = patchedFusedMatMul(matMul);
    if (fusedMatMul) {
      replaceWasm(fusedMatMul);
      wasmPatched.names.push('_FusedMatMul(transposed, batched)');
    }
  }
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, 'wasm')) {
    replaceWasm(softmaxCrossEntropyKernel('wasm'));
    wasmPatched.names.push(SOFTMAX_CROSS_ENTROPY);
  }
  // no JS Adam kernel on wasm: a JS loop over the heap measured slower than wasm's SIMD
  // elementwise kernels (labbench bench kernels); the native addon registers a C one
  return wasmPatched.names;
}

let cpuPatched = false;
/** The fused softmax-cross-entropy on the cpu backend (the same JS kernel). */
export function patchCpu(): void {
  if (cpuPatched) return;
  cpuPatched = true;
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, 'cpu')) tf.registerKernel(softmaxCrossEntropyKernel('cpu'));
  if (!tf.getKernel(ADAM_UPDATE, 'cpu')) tf.registerKernel(adamKernel('cpu'));
}

/** Builders of the patched kernels, for benchmarks and parity tests. */
export const wasmPatchKernels = { patchedMatMul, patchedFusedMatMul, transposeKernel, softmaxCrossEntropyKernel, adamKernel };
