import { definePlugin } from '@labbench/core';
import { dsmoeModel } from './model.js';
import { dsmoeActivationEvaluator } from './evaluator.js';
import { dsmoeStudy } from './studies.js';

export { dsmoeModel, DsmoeLM } from './model.js';
export { dsmoeDefaults, dsmoeConfigSchema, sliceWidth, ffnWeights } from './config.js';
export type { DsmoeConfig } from './config.js';
export { DsmoeFeedForward, PartitionedFfn } from './layer.js';
export type { SparsityControl } from './layer.js';
export { activeMask, thresholded, straightThroughGate, rescale } from './gate.js';
export { dsmoeActivationEvaluator, calibrateThreshold } from './evaluator.js';
export { dsmoeStudy } from './studies.js';
export default definePlugin({ id: 'dsmoe', models: [dsmoeModel], evaluators: [dsmoeActivationEvaluator], studies: [dsmoeStudy] });
