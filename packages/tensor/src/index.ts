/**
 * @labbench/tensor: TensorFlow.js backend choice and kernel patches, custom ops, neural-net blocks,
 * the reference decoder LM, AdamW, checkpoints, and the training engine and scorer the runner uses.
 */
export * as tf from '#tfjs';
export { initBackend, currentBackend } from './backend/select.js';
export type { BackendPreference } from './backend/select.js';
export { patchWasm, registerMissingGradients } from './backend/patches.js';
export { oneHotFloat, stopGradient, straightThrough, sumRows, topKMask, rmsNorm, swiglu, tokenCrossEntropy } from './ops/index.js';
export { ParameterFactory, countParameters, localName } from './nn/init.js';
export { linear, DenseFeedForward, CausalSelfAttention, causalMask, ownsResidual } from './nn/blocks.js';
export type { BlockOutput, BlockContext, FeedForward, ResidualFeedForward, Attention } from './nn/blocks.js';
export { DecoderLM, decoderDefaults, decoderSchemaProperties } from './nn/decoder.js';
export { copyMatchingWeights } from './nn/copy.js';
export type { DecoderConfig, DecoderHooks, DecoderLayer } from './nn/decoder.js';
export { AdamW, adamWDefaults, learningRateAt } from './train/adamw.js';
export { WindowSampler, fixedWindows } from './train/batches.js';
export { trainModel, positionLosses } from './train/trainer.js';
export { CausalScorer, sampleToken } from './train/scorer.js';
export { cachedTokenizer, encodeCached, tokenizerHash } from './eval/encode-cache.js';
export { saveVariables, loadVariables } from './train/checkpoint.js';
export { createEngine, modelSeqLen } from './train/engine.js';
export { loadBalancingLoss, routerStats, type RouterStats } from './ops/moe.js';
export { ExpertBank, RoutedExperts, expertBuckets, routeTokens, softmaxTopK, gatesFor, argmaxMask, type Renormalize, type SharedMix, type RoutingControl, type GateNormalization, type RoutingInput, type RoutingDecision, type RoutingPolicy, type RoutedLayerOptions, type RoutedBlockContext, type Routing } from './nn/moe.js';
export { RoutedDecoderLM, type RoutingProbe } from './nn/moe-decoder.js';
export {
  heldOutWindows,
  heldOutForwardStats,
  heldOutEvaluator,
  inDomainWindows,
  subjectWindows,
  sliceWindows,
  type HeldOutEvaluatorSpec,
  type TokenWindows,
} from './eval/held-out-stats.js';
export { phaseSchedule } from './train/trainer.js';
export { harnessBenchmarks, throughputWithArms, type ArmModelSpec, type ArmResolver } from './bench/index.js';
export { crossEntropyLoss } from './train/cross-entropy.js';
export { softmaxCrossEntropy, composedCrossEntropy, adamUpdate, SOFTMAX_CROSS_ENTROPY, ADAM_UPDATE } from './ops/index.js';
export type { AdamUpdateConfig } from './ops/index.js';
export { setWasmKernels, nativeUnavailableReason } from './backend/select.js';
export type { WasmKernelMode } from './backend/select.js';
