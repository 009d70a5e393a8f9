import { ContractError, type LanguageModel, type ModelFactory } from '@labbench/core';
import { DecoderLM, copyMatchingWeights } from '@labbench/tensor';
import { expertWidth, finedeepConfigSchema, finedeepDefaults, type FinedeepConfig } from './config.js';
import { DenseNsarFeedForward, FinedeepFeedForward } from './experts.js';

/**
 * Knock-outs, as configs trained from scratch: `ffn` is the dense layout with one hidden unit (the
 * FFN the paper re-cuts can then carry almost nothing; width 1 cannot be split into M x K experts).
 */
export function knockoutFinedeep(component: string, config: Readonly<Record<string, unknown>>, layers?: readonly number[]): Record<string, unknown> {
  if (component !== 'ffn')
    throw new ContractError("model 'finedeep'", `cannot knock out '${component}'.`, "Finedeep knocks out 'ffn' (the dense layout with width 1).");
  if (layers && layers.length > 0) throw new ContractError("model 'finedeep'", 'the ffn knock-out applies to every layer.', 'Omit layers.');
  const { subLayers, expertsPerSubLayer, ...rest } = config; // the expert grid does not apply to width 1
  void subLayers;
  void expertsPerSubLayer;
  return { ...rest, layout: 'dense', ffnHidden: 1 };
}

/** Finedeep on the reference decoder (the FFN slot replaced; attention and embeddings as dense). */
export const finedeepModel: ModelFactory<FinedeepConfig> = {
  id: 'finedeep',
  kind: 'causal',
  description:
    'Finedeep: the dense FFN re-cut into M sequential sub-layers of K small experts (same expert parameters), all computed, output-guided sigmoid router, RMSNorm and residual per sub-layer; layout "dense" is the dense baseline with NSAR stats.',
  defaults: finedeepDefaults,
  configSchema: finedeepConfigSchema,
  create(config, context): LanguageModel {
    const c: FinedeepConfig = { ...finedeepDefaults, ...config };
    if (c.layout === 'finedeep') expertWidth(c); // fail early on an indivisible M x K
    const outStd = c.initStd / Math.sqrt(2 * c.layers * (c.layout === 'finedeep' && c.outInit === 'depth' ? c.subLayers : 1));
    const model = new DecoderLM({ ...c, seqLen: context.seqLen }, context, {
      feedForward: (_layer, params) =>
        c.layout === 'dense' ? new DenseNsarFeedForward(params, c, c.initStd, outStd) : new FinedeepFeedForward(params, c, c.initStd, outStd),
    });
    if (context.initFrom) copyMatchingWeights(context.initFrom, model);
    return model;
  },
  knockout: knockoutFinedeep,
};
