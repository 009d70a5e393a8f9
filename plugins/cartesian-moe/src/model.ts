import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { DenseFeedForward, RoutedDecoderLM, type RoutingControl } from '@labbench/tensor';
import { cartesianConfigSchema, cartesianDefaults, type CartesianMoeConfig } from './config.js';
import { CartesianFeedForward } from './layer.js';

const width = (ffnHidden: number, scale: number) => Math.max(1, Math.round(ffnHidden * scale));

/** CartesianMoE on the reference decoder: the Cartesian FFN every other layer (layer % 2 == 0), dense elsewhere. */
export function createCartesianMoe(config: Partial<CartesianMoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: CartesianMoeConfig = { ...cartesianDefaults, ...config };
  if (c.topK > c.experts) throw new Error(`cartesian-moe: topK (${c.topK}) must be <= experts (${c.experts}).`);
  const control: RoutingControl = { disableTop1: false };
  const outStd = c.initStd / Math.sqrt(2 * c.layers);
  return new RoutedDecoderLM({ ...c, seqLen: context.seqLen }, context, {
    feedForward: (layer, params) => {
      if (c.moeLayers === 'every-other' && layer % 2 !== 0) return new DenseFeedForward(params, c.dModel, c.ffnHidden, c.activation, c.initStd, outStd);
      return new CartesianFeedForward(params, {
        dModel: c.dModel, experts: c.experts, topK: c.topK, expertHidden: width(c.ffnHidden, c.expertHiddenScale), routing: 'softmax-topk', topP: 1,
        sharedExperts: c.sharedExperts, sharedHidden: width(c.ffnHidden, c.sharedHiddenScale), sharedMix: c.sharedExperts > 0 ? c.sharedMix : 'none',
        balanceCoefficient: c.balanceCoefficient, renormalize: c.renormalize, initStd: c.initStd, outStd,
      }, c.midNorm);
    },
  }, control);
}

export const cartesianMoeModel: ModelFactory<CartesianMoeConfig> = {
  id: 'cartesian-moe',
  kind: 'causal',
  description: 'CartesianMoE: two stacked routed sub-layers (half-width experts, own router, top-k, shared half expert with 2-way softmax mix, residual, extra RMSNorm between); MoE every other layer.',
  defaults: cartesianDefaults,
  configSchema: cartesianConfigSchema,
  create: createCartesianMoe,
};
