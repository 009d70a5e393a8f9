import { defineBoard, definePlugin } from '@labbench/core';
import { moeModel } from './model.js';
import { routingEvaluator } from './evaluators/routing.js';
import { disableTop1Evaluator } from './evaluators/disable-top1.js';

export { moeModel, createMoe, MoeFeedForward, MoeLM } from './model.js';
export {
  moeDefaults,
  moeSchema,
  moeLayerDefaults,
  sharedExpertDefaults,
  moeLayerSchemaProperties,
  sharedExpertSchemaProperties,
  moeConfigSchema,
  isMoeLayer,
  scaledWidth,
} from './config.js';
export type { MoeConfig, MoeLayerConfig, SharedExpertConfig } from './config.js';
export { checkMoeConfig, routedFeedForwards, routedLayerOptions, routingKnockout } from './build.js';
export type { MoeLayerBuild } from './build.js';
export { DISABLE_TOP1, withEvaluationSwitches, hashRouting, topPRouting, randomRouting, topPMask, hashTable, softmaxTopK } from './routing.js';
export { routingEvaluator } from './evaluators/routing.js';
export { disableTop1Evaluator } from './evaluators/disable-top1.js';
export default definePlugin({
  id: 'moe',
  models: [moeModel],
  evaluators: [routingEvaluator, disableTop1Evaluator],
  boards: [defineBoard({ id: 'routing', title: 'Routing and activation mechanisms: expert load, routing fluctuation, active share', headline: 'fluctuation.occurrences', direction: 'lower' })],
});
