import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { RoutedDecoderLM } from '@labbench/tensor';
import { checkMoeConfig, routedFeedForwards, routedLayerOptions, routingKnockout } from '@labbench/plugin-moe';
import { cartesianConfigSchema, cartesianDefaults, type CartesianMoeConfig } from './config.js';
import { CartesianFeedForward } from './layer.js';

/** CartesianMoE on the reference decoder: the Cartesian FFN every other layer (layer % 2 == 0), dense elsewhere. */
export function createCartesianMoe(config: Partial<CartesianMoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: CartesianMoeConfig = { ...cartesianDefaults, ...config };
  checkMoeConfig('cartesian-moe', c);
  return new RoutedDecoderLM(
    { ...c, seqLen: context.seqLen },
    context,
    routedFeedForwards(c, (build) => new CartesianFeedForward(build.params, routedLayerOptions(c, build, context), c.midNorm)),
  );
}

export const cartesianMoeModel: ModelFactory<CartesianMoeConfig> = {
  id: 'cartesian-moe',
  kind: 'causal',
  description:
    'CartesianMoE: two stacked routed sub-layers (half-width experts, own router, top-k, shared half expert with 2-way softmax mix, residual, extra RMSNorm between); MoE every other layer.',
  defaults: cartesianDefaults,
  configSchema: cartesianConfigSchema,
  create: createCartesianMoe,
  knockout: routingKnockout('cartesian-moe'),
};
