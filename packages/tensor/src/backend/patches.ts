import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

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
      const b = backend as unknown as Backend;
      const values = b.readSync(x.dataId) as Float32Array;
      const ids = b.readSync(segmentIds.dataId) as Int32Array;
      const inner = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
      const out = new Float32Array(numSegments * inner);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < 0 || id >= numSegments) continue;
        const src = i * inner;
        const dst = id * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += values[src + j];
      }
      return b.makeOutput!([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, undefined, out);
    }) as KernelFunc,
  };
}

/**
 * wasm's BatchMatMul with a transpose flag falls to a slow path (~50x slower; see
 * notes/tfjs-wasm.md). Every dense-layer gradient hits it, so materialise the transpose with the
 * fast Transpose kernel and call the plain kernel.
 */
function materialisedTransposeMatMul(): KernelConfig | undefined {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!stock || !transpose) return undefined;
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return stock.kernelFunc({ inputs, attrs, backend });
      const temporaries: TensorInfo[] = [];
      const swapLast = (t: TensorInfo): TensorInfo => {
        const perm = t.shape.map((_, i) => i);
        [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2], perm[perm.length - 1]];
        const out = transpose.kernelFunc({ inputs: { x: t }, attrs: { perm }, backend }) as TensorInfo;
        temporaries.push(out);
        return out;
      };
      const left = transposeA ? swapLast(a) : a;
      const right = transposeB ? swapLast(b) : b;
      const out = stock.kernelFunc({ inputs: { a: left, b: right }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
      for (const t of temporaries) (backend as unknown as Backend).disposeData(t.dataId);
      return out;
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

/** Registers the wasm patches once; returns the names of the kernels replaced or added. */
export function patchWasm(): readonly string[] {
  if (wasmPatched.done) return wasmPatched.names;
  wasmPatched.done = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel(unsortedSegmentSum());
    wasmPatched.names.push('UnsortedSegmentSum');
  }
  const matMul = materialisedTransposeMatMul();
  if (matMul) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(matMul);
    wasmPatched.names.push('BatchMatMul(transposed)');
  }
  return wasmPatched.names;
}
