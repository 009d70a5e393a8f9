import * as tf from '#tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '#tfjs';

/**
 * The typed side of tfjs's kernel registry. tfjs hands a kernel untyped maps (`inputs`, `attrs`)
 * and an opaque backend; `defineKernel` casts them once to the shapes a kernel declares, so the
 * kernel files read as plain typed functions.
 */

/** The wasm backend's internals labbench's kernels use (tfjs-backend-wasm 4.x). */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfo;
  /** A view of a tensor's memory on the wasm heap (typed by the tensor's dtype). */
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): void;
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number }; delete(dataId: object): boolean };
  wasm: { HEAPF32: Float32Array; tfjs: { disposeData(id: number): void } };
}

/** The cpu backend's surface labbench's cpu kernels use. */
export interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: string, values?: ArrayLike<number>): TensorInfo;
}

export type BackendName = 'wasm' | 'cpu';
type BackendOf<B extends BackendName> = B extends 'wasm' ? WasmBackend : CpuBackend;

/** What a kernel receives: its named inputs and attributes, the backend, and the untyped call (to hand to a stock kernel unchanged). */
export interface KernelCall<I, A, B> {
  readonly inputs: I;
  readonly attrs: A;
  readonly backend: B;
  readonly raw: Parameters<KernelFunc>[0];
}

/** A kernel config from a typed function (the one place tfjs's maps are cast). */
export function defineKernel<I, A = Record<string, never>, B extends BackendName = 'wasm'>(
  kernelName: string,
  backendName: B,
  run: (call: KernelCall<I, A, BackendOf<B>>) => TensorInfo | TensorInfo[],
): KernelConfig {
  const kernelFunc: KernelFunc = (raw) => run({ inputs: raw.inputs as unknown as I, attrs: (raw.attrs ?? {}) as unknown as A, backend: raw.backend as BackendOf<B>, raw });
  return { kernelName, backendName, kernelFunc };
}

/** Runs a kernel that has one output. */
export function runKernel(kernel: KernelConfig, inputs: Record<string, TensorInfo>, attrs: object, backend: unknown): TensorInfo {
  return kernel.kernelFunc({ inputs, attrs: attrs as Record<string, never>, backend: backend as object }) as TensorInfo;
}

/** An int32 tensor's memory on the wasm heap (the backend returns the dtype's array type). */
export function heapInt32(backend: WasmBackend, info: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(info) as unknown as Int32Array;
}

/**
 * A float32 tensor's memory as a view of the current wasm backend's heap (no copy), or undefined
 * when the tensor is not held there (another backend or dtype). Valid until the next allocation,
 * which may grow the heap and detach the view (its length becomes 0).
 */
export function heapFloat32(tensor: TensorInfo): Float32Array | undefined {
  if (tf.getBackend() !== 'wasm' || tensor.dtype !== 'float32') return undefined;
  const backend = tf.backend() as unknown as WasmBackend;
  return backend.dataIdMap.get(tensor.dataId) === undefined ? undefined : backend.typedArrayFromHeap(tensor);
}

/** A tensor over part of another tensor's wasm memory (no copy); release it with `releaseView`. */
export function heapView(backend: WasmBackend, of: TensorInfo, offsetElements: number, shape: number[]): TensorInfo {
  const base = backend.dataIdMap.get(of.dataId).memoryOffset;
  return backend.makeOutput(shape, of.dtype, base + 4 * offsetElements);
}

/** Forgets a view without freeing the memory it points into (the owner frees it). */
export function releaseView(backend: WasmBackend, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/** Product of a shape's dims (1 for a scalar). */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * A kernel computed on the host over float32 arrays, for both backends: on wasm it works on views
 * of the heap (no copies; the outputs are allocated first, since an allocation may grow the heap
 * and detach earlier views), on cpu on the backend's arrays. `outputs` gives the output shapes
 * from the inputs; `run` fills the outputs (freshly allocated, not zeroed) from the inputs.
 */
export function hostKernel<A = Record<string, never>>(
  kernelName: string,
  backendName: BackendName,
  inputNames: readonly string[],
  outputs: (shapes: number[][], attrs: A) => number[][],
  run: (inputs: Float32Array[], outs: Float32Array[], shapes: number[][], attrs: A) => void,
): KernelConfig {
  if (backendName === 'cpu') {
    return defineKernel<Record<string, TensorInfo>, A, 'cpu'>(kernelName, 'cpu', ({ inputs, attrs, backend }) => {
      const infos = inputNames.map((n) => inputs[n]);
      const shapes = infos.map((t) => [...t.shape]);
      const outShapes = outputs(shapes, attrs);
      const outs = outShapes.map((s) => new Float32Array(sizeOf(s)));
      run(infos.map((t) => Float32Array.from(backend.readSync(t.dataId))), outs, shapes, attrs);
      const infosOut = outShapes.map((s, i) => backend.makeTensorInfo(s, 'float32', outs[i]));
      return infosOut.length === 1 ? infosOut[0] : infosOut;
    });
  }
  return defineKernel<Record<string, TensorInfo>, A>(kernelName, 'wasm', ({ inputs, attrs, backend }) => {
    const infos = inputNames.map((n) => inputs[n]);
    const shapes = infos.map((t) => [...t.shape]);
    const outInfos = outputs(shapes, attrs).map((s) => backend.makeOutput(s, 'float32'));
    run(infos.map((t) => backend.typedArrayFromHeap(t)), outInfos.map((t) => backend.typedArrayFromHeap(t)), shapes, attrs);
    return outInfos.length === 1 ? outInfos[0] : outInfos;
  });
}
