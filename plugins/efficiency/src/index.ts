import { defineBoard, definePlugin } from '@labbench/core';
import { efficiencyEvaluator } from './evaluator.js';

export { efficiencyEvaluator, forwardLatencyMs } from './evaluator.js';
export { decoderAttentionCost, isCostAware } from './cost.js';
export type { CostReport, CostAware } from './cost.js';
export default definePlugin({
  id: 'efficiency',
  evaluators: [efficiencyEvaluator],
  boards: [defineBoard({ id: 'efficiency', title: 'Inference cost: FLOPs, attention rows and KV-cache floats per token', headline: 'flops_per_token.inference', direction: 'lower' })],
});
