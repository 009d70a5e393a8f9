import { definePlugin } from '@labbench/core';
import { moeModel } from './model.js';
import { routingEvaluator } from './evaluators/routing.js';
import { disableTop1Evaluator } from './evaluators/disable-top1.js';

export { moeModel, createMoe } from './model.js';
export { moeDefaults, moeConfigSchema, isMoeLayer, scaledWidth, decoderSchemaProperties } from './config.js';
export type { MoeConfig } from './config.js';
export { routingEvaluator } from './evaluators/routing.js';
export { disableTop1Evaluator } from './evaluators/disable-top1.js';
export default definePlugin({ id: 'moe', models: [moeModel], evaluators: [routingEvaluator, disableTop1Evaluator] });
