/**
 * @labbench/tensor-native: optional OpenBLAS kernels registered over the TensorFlow.js wasm backend.
 *
 * The addon (src/addon.c, built at install time when `pkg-config openblas` finds a CBLAS) works
 * directly on Float32Array views of the wasm heap: the kernels allocate their outputs with the wasm
 * backend and let OpenBLAS (two threads on two cores) read and write the heap in place, no copies.
 * When the addon is missing, `available` is false, `loadError` says why, and `register()` returns
 * false: everything keeps running on wasm.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

// required, not imported: the same instance either way, and an import of the bundle costs 3-5x the
// CPU of every process that loads this package (see @labbench/tensor's tfjs/generate.mjs)
const tf = createRequire(import.meta.url)('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');

/** The raw addon. Every array is a Float32Array (Int32Array for targets) view; sizes in elements. */
export interface NativeBinding {
  sgemm(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean, strideA: number, strideB: number, strideC: number, alpha: number, beta: number): void;
  softmaxCrossEntropy(logits: Float32Array, targets: Int32Array, nll: Float32Array, grad: Float32Array, rows: number, cols: number): void;
  softmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /**
   * Evaluation scores from raw logits [rows, cols] (the twin of @labbench/tensor's eval/logit-stats.ts loop):
   * for rows with target >= 0, writes at [offset + row] the target's log-probability; flags & 1: the argmax
   * (first maximum); flags & 2: the rank (1 + strictly larger logits), entropy and Var[ln p]. Rows with
   * target < 0 are left untouched. RangeError when a view is too short or a target is >= cols.
   */
  logitStats(logits: Float32Array, targets: Int32Array, logProbs: Float32Array, argmax: Int32Array, ranks: Int32Array, entropies: Float32Array, variances: Float32Array, rows: number, cols: number, offset: number, flags: number): void;
  adam(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, c1: number, c2: number, gradScale: number): void;
  biasActivation(c: Float32Array, bias: Float32Array | null, rows: number, n: number, activation: number, alpha: number): void;
  // row loops of @labbench/tensor's fused kernels (backend/kernels/*.ts wraps them; the same signatures as its JS loops)
  rmsNorm(x: Float32Array, gain: Float32Array, y: Float32Array, rinv: Float32Array, rows: number, cols: number, eps: number): void;
  rmsNormGrad(dy: Float32Array, x: Float32Array, gain: Float32Array, rinv: Float32Array, dx: Float32Array, dgain: Float32Array, rows: number, cols: number): void;
  layerNorm(x: Float32Array, gain: Float32Array, bias: Float32Array, y: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, cols: number, eps: number): void;
  layerNormGrad(dy: Float32Array, x: Float32Array, gain: Float32Array, mean: Float32Array, rstd: Float32Array, dx: Float32Array, dgain: Float32Array, dbias: Float32Array, rows: number, cols: number): void;
  swiglu(x: Float32Array, y: Float32Array, rows: number, hidden: number): void;
  swigluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, rows: number, hidden: number): void;
  attentionSoftmax(scores: Float32Array, probs: Float32Array, rows: number, tq: number, tk: number, scale: number, causal: boolean): void;
  attentionSoftmaxGrad(dy: Float32Array, probs: Float32Array, ds: Float32Array, rows: number, cols: number, scale: number): void;
  /** The decoder's input and its gradient, attention's heads to rows and back (absent from an addon built before them). */
  embed?(table: Float32Array, ids: Int32Array, positions: Float32Array, out: Float32Array, tokens: number, time: number, d: number, scale: number, vocab: number): void;
  embedGrad?(dy: Float32Array, ids: Int32Array, dTable: Float32Array, dPositions: Float32Array, tokens: number, time: number, d: number, scale: number): void;
  /** heads [B, H, T, Dh] <-> rows at (b * T + t) * rowStride + rowOffset + h * Dh (default stride H * Dh, offset 0). */
  headsToRows?(rows: Float32Array, heads: Float32Array, batch: number, headCount: number, time: number, dh: number, toRows: boolean, rowStride?: number, rowOffset?: number): void;
  setThreads(n?: number): number;
  config(): string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addonPath = process.env.LABBENCH_NATIVE_ADDON ?? join(root, 'build', 'Release', 'tensor_native.node');

function load(): { binding?: NativeBinding; error?: string } {
  if (!existsSync(addonPath)) return { error: `the addon was not built (${addonPath} is missing): install libopenblas-dev and a C compiler, then npm rebuild @labbench/tensor-native` };
  try {
    return { binding: createRequire(import.meta.url)(addonPath) as NativeBinding };
  } catch (error) {
    return { error: `the addon failed to load: ${(error as Error).message}` };
  }
}

const loaded = load();
/** The addon, when it was built and loads. */
export const binding: NativeBinding | undefined = loaded.binding;
export const available = binding !== undefined;
/** Why the addon is not available (what to install), or undefined. */
export const loadError: string | undefined = loaded.error;

/** The wasm backend's surface these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}

/** The wasm kernels `register()` replaced (labbench's patched ones when the harness patched first). */
export const stockKernels = new Map<string, KernelConfig>();
/** Names of the kernels `register()` put in place. */
export const registered: string[] = [];

/**
 * Geometry of a (batched) matmul as tfjs defines it: outer dims broadcast, the last two are the
 * matrices. Returns the output shape and, per output batch, the matrix index into a and b.
 */
export function matMulGeometry(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean) {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb) throw new Error(`matMul: inner dimensions ${k} and ${kb} of shapes [${aShape}] and [${bShape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match.`);
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const rank = Math.max(outerA.length, outerB.length);
  const padA = [...Array(rank - outerA.length).fill(1), ...outerA];
  const padB = [...Array(rank - outerB.length).fill(1), ...outerB];
  const outer = padA.map((d, i) => {
    const e = padB[i];
    if (d !== e && d !== 1 && e !== 1) throw new Error(`matMul: batch dimensions of [${aShape}] and [${bShape}] do not broadcast.`);
    return Math.max(d, e);
  });
  const batchA = padA.reduce((p, d) => p * d, 1);
  const batchB = padB.reduce((p, d) => p * d, 1);
  const batch = outer.reduce((p, d) => p * d, 1);
  // uniform strides when one side is a single matrix or both have the same batch shape
  const uniform = batchA === 1 || batchB === 1 || padA.every((d, i) => d === padB[i]);
  let indexA: Int32Array | undefined;
  let indexB: Int32Array | undefined;
  if (!uniform) {
    indexA = new Int32Array(batch);
    indexB = new Int32Array(batch);
    for (let o = 0; o < batch; o++) {
      let rest = o;
      let ia = 0;
      let ib = 0;
      let sa = 1;
      let sb = 1;
      for (let d = rank - 1; d >= 0; d--) {
        const coord = rest % outer[d];
        rest = Math.floor(rest / outer[d]);
        ia += (padA[d] === 1 ? 0 : coord) * sa;
        ib += (padB[d] === 1 ? 0 : coord) * sb;
        sa *= padA[d];
        sb *= padB[d];
      }
      indexA[o] = ia;
      indexB[o] = ib;
    }
  }
  return { m, n, k, batch, batchA, batchB, outShape: [...outer, m, n], indexA, indexB };
}

/** C = op(A) op(B) on the heap, any broadcast batch; `out` already allocated. */
function sgemmInto(native: NativeBinding, backend: WasmBackend, a: TensorInfo, b: TensorInfo, out: TensorInfo, transposeA: boolean, transposeB: boolean): void {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const av = backend.typedArrayFromHeap(a) as Float32Array;
  const bv = backend.typedArrayFromHeap(b) as Float32Array;
  const cv = backend.typedArrayFromHeap(out) as Float32Array;
  const { m, n, k } = g;
  if (!g.indexA || !g.indexB) {
    native.sgemm(av, bv, cv, g.batch, m, n, k, transposeA, transposeB, g.batchA === 1 ? 0 : m * k, g.batchB === 1 ? 0 : k * n, m * n, 1, 0);
    return;
  }
  for (let o = 0; o < g.batch; o++) {
    native.sgemm(av.subarray(g.indexA[o] * m * k), bv.subarray(g.indexB[o] * k * n), cv.subarray(o * m * n), 1, m, n, k, transposeA, transposeB, 0, 0, 0, 1, 0);
  }
}

function batchMatMul(native: NativeBinding): KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul: only float32 is supported.');
      const w = backend as unknown as WasmBackend;
      const out = w.makeOutput(matMulGeometry(a.shape, b.shape, transposeA, transposeB).outShape, 'float32');
      sgemmInto(native, w, a, b, out, transposeA, transposeB);
      return out;
    }) as KernelFunc,
  };
}

/**
 * Names of labbench's own fused kernels. They are defined once, in @labbench/tensor
 * (backend/kernel-names.ts), which passes them to `kernels()` and `register()`: this package has
 * no dependency on @labbench/tensor and no copy of the names.
 */
export interface LabbenchKernelNames {
  readonly softmaxCrossEntropy: string;
  readonly adamUpdate: string;
}

/** The native fused softmax-cross-entropy kernel (the one behind @labbench/tensor's softmaxCrossEntropy op; not registered by default, see kernels()). */
export function softmaxCrossEntropyKernel(native: NativeBinding, names: LabbenchKernelNames): KernelConfig {
  return {
    kernelName: names.softmaxCrossEntropy,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }) => {
      const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
      const w = backend as unknown as WasmBackend;
      const [rows, cols] = logits.shape;
      const nll = w.makeOutput([rows], 'float32');
      const grad = w.makeOutput([rows, cols], 'float32');
      native.softmaxCrossEntropy(w.typedArrayFromHeap(logits) as Float32Array, w.typedArrayFromHeap(targets) as Int32Array, w.typedArrayFromHeap(nll) as Float32Array, w.typedArrayFromHeap(grad) as Float32Array, rows, cols);
      return [nll, grad];
    }) as KernelFunc,
  };
}

/** Fused Adam(W) update (the kernel behind @labbench/tensor's adamUpdate op). */
function adamUpdate(native: NativeBinding, names: LabbenchKernelNames): KernelConfig {
  return {
    kernelName: names.adamUpdate,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { x, g, m, v } = inputs as { x: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
      const c = attrs as unknown as { learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number; c1: number; c2: number; gradScale: number };
      const w = backend as unknown as WasmBackend;
      const outs = [w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32')];
      const view = (t: TensorInfo) => w.typedArrayFromHeap(t) as Float32Array;
      native.adam(view(x), view(g), view(m), view(v), view(outs[0]), view(outs[1]), view(outs[2]), c.learningRate, c.beta1, c.beta2, c.epsilon, c.weightDecay, c.c1, c.c2, c.gradScale);
      return outs;
    }) as KernelFunc,
  };
}

/** The native kernel configs (for `register()`, benchmarks and the harness's kernel-mode switch). */
export function kernels(names: LabbenchKernelNames): KernelConfig[] {
  if (!binding) return [];
  // softmaxCrossEntropy stays unregistered: labbench's wasm patch (XNNPACK's SIMD softmax written
  // straight into the gradient, one JS pass per row) measured faster (labbench bench kernels)
  // _FusedMatMul is @labbench/tensor's (backend/kernels/fused-mat-mul.ts), over this BatchMatMul and biasActivation
  return [batchMatMul(binding), adamUpdate(binding, names)];
}

/** OpenBLAS threads (set with n; returns the count in force), or 0 without the addon. */
export function threads(n?: number): number {
  return binding ? binding.setThreads(n) : 0;
}

/**
 * Registers the native kernels over the wasm backend (call after the wasm backend is registered
 * and patched). Returns true when the kernels are active. `LABBENCH_NATIVE_THREADS` sets OpenBLAS's
 * thread count (default: OpenBLAS's own, one per core).
 */
export function register(names: LabbenchKernelNames): boolean {
  if (!binding) return false;
  if (registered.length > 0) return true;
  if (!tf.findBackendFactory('wasm')) return false;
  if (process.env.LABBENCH_NATIVE_THREADS) binding.setThreads(Number(process.env.LABBENCH_NATIVE_THREADS));
  for (const config of kernels(names)) {
    const previous = tf.getKernel(config.kernelName, 'wasm');
    if (previous) {
      if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, previous);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return true;
}
