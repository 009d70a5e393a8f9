import type { LanguageModel, ModelFactory } from '@labbench/core';
import { DecoderLM, copyMatchingWeights } from '@labbench/tensor';
import { expertWidth, finedeepConfigSchema, finedeepDefaults, type FinedeepConfig } from './config.js';
import { DenseNsarFeedForward, FinedeepFeedForward } from './experts.js';

/** Finedeep on the reference decoder (the FFN slot replaced; attention and embeddings as dense). */
export const finedeepModel: ModelFactory<FinedeepConfig> = {
  id: 'finedeep',
  kind: 'causal',
  description: 'Finedeep: the dense FFN re-cut into M sequential sub-layers of K small experts (same expert parameters), all computed, output-guided sigmoid router, RMSNorm and residual per sub-layer; layout "dense" is the dense baseline with NSAR stats.',
  defaults: finedeepDefaults,
  configSchema: finedeepConfigSchema,
  create(config, context): LanguageModel {
    const c: FinedeepConfig = { ...finedeepDefaults, ...config };
    if (c.layout === 'finedeep') expertWidth(c); // fail early on an indivisible M x K
    const outStd = c.initStd / Math.sqrt(2 * c.layers * (c.layout === 'finedeep' && c.outInit === 'depth' ? c.subLayers : 1));
    const model = new DecoderLM({ ...c, seqLen: context.seqLen }, context, {
      feedForward: (_layer, params) => (c.layout === 'dense' ? new DenseNsarFeedForward(params, c, c.initStd, outStd) : new FinedeepFeedForward(params, c, c.initStd, outStd)),
    });
    if (context.initFrom) copyMatchingWeights(context.initFrom, model);
    return model;
  },
};
