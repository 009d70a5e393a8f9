import { definePlugin } from '@labbench/core';
import { efficiencyEvaluator } from './evaluator.js';

export { efficiencyEvaluator, forwardLatencyMs } from './evaluator.js';
export { decoderAttentionCost, isCostAware } from './cost.js';
export type { CostReport, CostAware } from './cost.js';
export default definePlugin({ id: 'efficiency', evaluators: [efficiencyEvaluator] });
