import * as tf from '#tfjs';
import { ADAM_UPDATE, SOFTMAX_CROSS_ENTROPY } from './kernel-names.js';
import { adamKernel } from './kernels/adam-update.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { fusedMatMulKernel } from './kernels/fused-mat-mul.js';
import { sharedCast, sharedIdentity } from './kernels/shared-memory.js';
import { softmaxCrossEntropyKernel } from './kernels/softmax-cross-entropy.js';
import { blockSplit } from './kernels/split-v.js';
import { topKGradConfig } from './kernels/top-k-grad.js';
import { transposeKernel } from './kernels/transpose.js';
import { unsortedSegmentSum } from './kernels/unsorted-segment-sum.js';
import { freezeStock, patchedNames, replaceWasm, stockWasmKernel } from './registry.js';

/**
 * Kernels the wasm backend lacks or runs on a slow path, registered once for every plugin (one
 * file per kernel under kernels/, like tfjs-core; each is tested against the stock or cpu kernel
 * in packages/tensor/test/kernel-parity.test.ts).
 */

export { adamRows } from './kernels/adam-update.js';
export { softmaxCrossEntropyRows } from './kernels/softmax-cross-entropy.js';
export { simplifyTranspose } from './kernels/transpose.js';
export { patchedKernel, stockWasmKernel } from './registry.js';

let gradientsPatched = false;
/** Gradients tfjs lacks (TopK's). */
export function registerMissingGradients(): void {
  if (gradientsPatched) return;
  gradientsPatched = true;
  if (!tf.getGradient(tf.TopK)) tf.registerGradient(topKGradConfig);
}

/** Kernels wasm lacks entirely: even the `stock` kernel set keeps labbench's (training needs them). */
export const wasmAdditions: ReadonlySet<string> = new Set([tf.UnsortedSegmentSum]);

/** Names of the wasm kernels labbench patches or adds, plus those native kernels replace. */
export function patchedKernelNames(): string[] {
  return [...new Set([...patchedNames(), tf.BatchMatMul, tf._FusedMatMul, SOFTMAX_CROSS_ENTROPY, ADAM_UPDATE])];
}

const wasmPatched = { done: false, names: [] as string[] };

/** Registers the wasm patches once; returns the names of the kernels replaced or added. */
export function patchWasm(): readonly string[] {
  if (wasmPatched.done) return wasmPatched.names;
  wasmPatched.done = true;
  const { names } = wasmPatched;
  freezeStock([tf.BatchMatMul, tf.Transpose, tf._FusedMatMul, tf.Softmax, tf.Prelu, tf.Identity, tf.Cast, tf.SplitV, tf.UnsortedSegmentSum, SOFTMAX_CROSS_ENTROPY, ADAM_UPDATE]);
  if (!tf.getKernel(tf.UnsortedSegmentSum, 'wasm')) {
    replaceWasm(unsortedSegmentSum());
    names.push('UnsortedSegmentSum');
  }
  const identity = stockWasmKernel(tf.Identity);
  if (identity) {
    replaceWasm(sharedIdentity(identity));
    names.push('Identity(shared)');
  }
  const cast = stockWasmKernel(tf.Cast);
  if (cast) {
    replaceWasm(sharedCast(cast));
    names.push('Cast(same dtype, shared)');
  }
  const split = stockWasmKernel(tf.SplitV);
  if (split) {
    replaceWasm(blockSplit(split));
    names.push('SplitV(block copies)');
  }
  const transpose = stockWasmKernel(tf.Transpose);
  if (transpose) {
    replaceWasm(transposeKernel(transpose));
    names.push('Transpose(merged dims)');
  }
  const plainMatMul = stockWasmKernel(tf.BatchMatMul);
  if (plainMatMul && transpose) {
    const matMul = batchMatMulKernel(plainMatMul, transpose);
    replaceWasm(matMul);
    names.push('BatchMatMul(transposed, batched)');
    const fused = stockWasmKernel(tf._FusedMatMul);
    if (fused) {
      replaceWasm(fusedMatMulKernel(matMul, fused, stockWasmKernel(tf.Prelu)));
      names.push('_FusedMatMul(transposed, batched)');
    }
  }
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, 'wasm')) {
    replaceWasm(softmaxCrossEntropyKernel('wasm'));
    names.push(SOFTMAX_CROSS_ENTROPY);
  }
  // no JS Adam kernel on wasm: a JS loop over the heap measured slower than wasm's SIMD
  // elementwise kernels (labbench bench kernels); the native addon registers a C one
  return names;
}

let cpuPatched = false;
/** The fused softmax-cross-entropy and Adam kernels on the cpu backend (the same JS loops). */
export function patchCpu(): void {
  if (cpuPatched) return;
  cpuPatched = true;
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, 'cpu')) tf.registerKernel(softmaxCrossEntropyKernel('cpu'));
  if (!tf.getKernel(ADAM_UPDATE, 'cpu')) tf.registerKernel(adamKernel('cpu'));
}
