import * as tf from '#tfjs';
import { ADAM_UPDATE, ADAM_UPDATE_ALL, ATTENTION_SOFTMAX, ATTENTION_SOFTMAX_GRAD, EMBED, EMBED_GRAD, HEADS_TO_ROWS, LAYER_NORM, LAYER_NORM_GRAD, MERGE_HEADS, RESIDUAL_ADD, RMS_NORM, RMS_NORM_GRAD, ROWS_TO_HEADS, SOFTMAX_CROSS_ENTROPY, SPLIT_HEADS, SUM_OF_SQUARES, SWIGLU, SWIGLU_GRAD } from './kernel-names.js';
import type { BackendName } from './kernel.js';
import { adamKernel } from './kernels/adam-update.js';
import { adamUpdateAllKernel } from './kernels/adam-update-all.js';
import { attentionSoftmaxGradKernel, attentionSoftmaxKernel } from './kernels/attention-softmax.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { type BiasActivation, fusedMatMulKernel } from './kernels/fused-mat-mul.js';
import { embedGradConfig, embedGradKernel, embedKernel } from './kernels/embed.js';
import { rowGather } from './kernels/gather.js';
import { type HeadsToRowsLoop, headsToRowsGradConfig, headsToRowsKernel, rowsToHeadsKernel } from './kernels/heads-to-rows.js';
import { layerNormGradKernel, layerNormKernel } from './kernels/layer-norm.js';
import { residualAddGradConfig, residualAddKernel } from './kernels/residual-add.js';
import { rmsNormGradKernel, rmsNormKernel } from './kernels/rms-norm.js';
import { sharedCast, sharedIdentity } from './kernels/shared-memory.js';
import { softmaxCrossEntropyKernel } from './kernels/softmax-cross-entropy.js';
import { mergeHeadsKernel, splitHeadsGradConfig, splitHeadsKernel } from './kernels/split-heads.js';
import { blockSplit } from './kernels/split-v.js';
import { sumOfSquaresKernel } from './kernels/sum-of-squares.js';
import { swigluGradKernel, swigluKernel } from './kernels/swiglu.js';
import { topKGradConfig } from './kernels/top-k-grad.js';
import { transposeKernel } from './kernels/transpose.js';
import { unsortedSegmentSum } from './kernels/unsorted-segment-sum.js';
import { freezeStock, patchedNames, replaceWasm, stockWasmKernel } from './registry.js';

/**
 * Kernels the wasm backend lacks or runs on a slow path, and labbench's fused kernels, registered
 * once for every plugin: one file per kernel under kernels/ (like tfjs-core), with its gradient and
 * its op beside it, and one parity test per kernel in packages/tensor/test/kernels/<kernel>.test.ts
 * (against the stock kernel, the cpu backend or the composed ops).
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
  if (!tf.getGradient(SPLIT_HEADS)) tf.registerGradient(splitHeadsGradConfig);
  if (!tf.getGradient(HEADS_TO_ROWS)) tf.registerGradient(headsToRowsGradConfig);
  if (!tf.getGradient(RESIDUAL_ADD)) tf.registerGradient(residualAddGradConfig);
  if (!tf.getGradient(EMBED)) tf.registerGradient(embedGradConfig);
}

/** Kernels wasm lacks entirely: even the `stock` kernel set keeps labbench's (training needs them). */
export const wasmAdditions: ReadonlySet<string> = new Set([tf.UnsortedSegmentSum]);

/** labbench's fused kernels that run on both backends (their ops compose stock kernels where these are missing). */
const fusedKernels: readonly ((b: BackendName) => tf.KernelConfig)[] = [
  softmaxCrossEntropyKernel, rmsNormKernel, rmsNormGradKernel, layerNormKernel, layerNormGradKernel, swigluKernel, swigluGradKernel, attentionSoftmaxKernel, attentionSoftmaxGradKernel, sumOfSquaresKernel, splitHeadsKernel, mergeHeadsKernel,
  headsToRowsKernel, rowsToHeadsKernel, residualAddKernel, adamUpdateAllKernel, embedKernel, embedGradKernel,
];
const fusedNames = [SOFTMAX_CROSS_ENTROPY, RMS_NORM, RMS_NORM_GRAD, LAYER_NORM, LAYER_NORM_GRAD, SWIGLU, SWIGLU_GRAD, ATTENTION_SOFTMAX, ATTENTION_SOFTMAX_GRAD, SUM_OF_SQUARES, SPLIT_HEADS, MERGE_HEADS, HEADS_TO_ROWS, ROWS_TO_HEADS, RESIDUAL_ADD, ADAM_UPDATE_ALL, EMBED, EMBED_GRAD];

/** The raw fused functions of @labbench/tensor-native (same signatures as the JS row loops). */
export interface NativeFused {
  rmsNorm: Parameters<typeof rmsNormKernel>[1];
  rmsNormGrad: Parameters<typeof rmsNormGradKernel>[1];
  layerNorm: Parameters<typeof layerNormKernel>[1];
  layerNormGrad: Parameters<typeof layerNormGradKernel>[1];
  swiglu: Parameters<typeof swigluKernel>[1];
  swigluGrad: Parameters<typeof swigluGradKernel>[1];
  attentionSoftmax: Parameters<typeof attentionSoftmaxKernel>[1];
  attentionSoftmaxGrad: Parameters<typeof attentionSoftmaxGradKernel>[1];
  biasActivation: BiasActivation;
  /** Optional: an addon built before these loops lacks them (the JS loops stay registered). */
  embed?: Parameters<typeof embedKernel>[1];
  embedGrad?: Parameters<typeof embedGradKernel>[1];
  headsToRows?: HeadsToRowsLoop;
}

/**
 * The fused kernels on wasm with the native loops (registered over the JS ones in native mode),
 * and _FusedMatMul over the native BatchMatMul with the addon's bias-activation epilogue.
 */
export function nativeFusedKernels(native: NativeFused, nativeMatMul: tf.KernelConfig | undefined): tf.KernelConfig[] {
  const matMul = nativeMatMul ? [fusedMatMulKernel(nativeMatMul, undefined, stockWasmKernel(tf.Prelu), native.biasActivation)] : [];
  return [
    ...matMul,
    rmsNormKernel('wasm', native.rmsNorm), rmsNormGradKernel('wasm', native.rmsNormGrad), layerNormKernel('wasm', native.layerNorm), layerNormGradKernel('wasm', native.layerNormGrad),
    swigluKernel('wasm', native.swiglu), swigluGradKernel('wasm', native.swigluGrad),
    attentionSoftmaxKernel('wasm', native.attentionSoftmax), attentionSoftmaxGradKernel('wasm', native.attentionSoftmaxGrad),
    ...(native.embed && native.embedGrad ? [embedKernel('wasm', native.embed), embedGradKernel('wasm', native.embedGrad)] : []),
    ...(native.headsToRows
      ? [headsToRowsKernel('wasm', native.headsToRows), rowsToHeadsKernel('wasm', native.headsToRows), splitHeadsKernel('wasm', native.headsToRows), mergeHeadsKernel('wasm', native.headsToRows)]
      : []),
  ];
}

/**
 * The elementwise fusions (RMSNorm, LayerNorm, SwiGLU, attention softmax, global norm: each op
 * falls back to stock kernels without them) and the row GatherV2: what `bench throughput
 * --unfused` switches off to measure them in the same process.
 */
export const elementwiseFusions: readonly string[] = [RMS_NORM, RMS_NORM_GRAD, LAYER_NORM, LAYER_NORM_GRAD, SWIGLU, SWIGLU_GRAD, ATTENTION_SOFTMAX, ATTENTION_SOFTMAX_GRAD, SUM_OF_SQUARES, SPLIT_HEADS, MERGE_HEADS, HEADS_TO_ROWS, ROWS_TO_HEADS, RESIDUAL_ADD, ADAM_UPDATE_ALL, EMBED, EMBED_GRAD, tf.GatherV2];

/** Names of the wasm kernels labbench patches or adds, plus those native kernels replace. */
export function patchedKernelNames(): string[] {
  return [...new Set([...patchedNames(), tf.BatchMatMul, tf._FusedMatMul, ...fusedNames, ADAM_UPDATE])];
}

const wasmPatched = { done: false, names: [] as string[] };

/** Registers the wasm patches once; returns the names of the kernels replaced or added. */
export function patchWasm(): readonly string[] {
  if (wasmPatched.done) return wasmPatched.names;
  wasmPatched.done = true;
  const { names } = wasmPatched;
  freezeStock([tf.BatchMatMul, tf.Transpose, tf._FusedMatMul, tf.Softmax, tf.Prelu, tf.Identity, tf.Cast, tf.SplitV, tf.GatherV2, tf.UnsortedSegmentSum, ...fusedNames, ADAM_UPDATE]);
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
  const gather = stockWasmKernel(tf.GatherV2);
  if (gather) {
    replaceWasm(rowGather(gather));
    names.push('GatherV2(rows)');
  }
  for (const kernel of fusedKernels) {
    const config = kernel('wasm');
    // SwiGLU's JS loop (an exp per element) measured slower than wasm's SIMD Sigmoid and products
    // (bench kernels: 32 ms against 3.5 forward): on pure wasm the op composes stock kernels; the
    // addon's vectorised loop is registered in native mode
    if (config.kernelName === SWIGLU || config.kernelName === SWIGLU_GRAD) continue;
    if (tf.getKernel(config.kernelName, 'wasm')) continue;
    replaceWasm(config);
    names.push(config.kernelName);
  }
  // no JS Adam kernel on wasm: a JS loop over the heap measured slower than wasm's SIMD
  // elementwise kernels (labbench bench kernels); the native addon registers a C one
  return names;
}

let cpuPatched = false;
/** The fused kernels and Adam on the cpu backend (the same JS loops). */
export function patchCpu(): void {
  if (cpuPatched) return;
  cpuPatched = true;
  for (const kernel of [...fusedKernels, adamKernel]) {
    const config = kernel('cpu');
    if (!tf.getKernel(config.kernelName, 'cpu')) tf.registerKernel(config);
  }
}
