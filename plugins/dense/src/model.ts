import { ConfigError, ContractError, type LanguageModel, type ModelFactory } from '@labbench/core';
import { DecoderLM, decoderDefaults, type DecoderConfig, decoderSchemaProperties } from '@labbench/tensor';
import { copyMatchingWeights } from '@labbench/tensor';

/** The reference decoder's config; `ffnHiddenScale` widens the FFN relative to the profile's size. */
export type DenseConfig = DecoderConfig & { readonly ffnHiddenScale?: number };

export const denseConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { type: 'boolean' },
    ffnHiddenScale: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

/**
 * Knock-outs of the dense decoder, as configs trained from scratch: `ffn` keeps one hidden unit
 * (width 1: the FFN can carry almost nothing, yet every shape and the optimiser stay as they are);
 * `attention` drops attention in the given layers (all when none are given).
 */
export function knockoutDense(component: string, config: Readonly<Record<string, unknown>>, layers?: readonly number[]): Record<string, unknown> {
  if (component === 'ffn') {
    const { ffnHiddenScale, ...rest } = config; // a scale would widen the single unit again
    void ffnHiddenScale;
    return { ...rest, ffnHidden: 1 };
  }
  if (component === 'attention') return { ...config, attentionFreeLayers: layers ? [...layers] : 'all' };
  throw new ContractError("model 'dense'", `cannot knock out '${component}'.`, "The dense decoder knocks out 'ffn' (width 1) and 'attention' (in given layers, or all).");
}

/** The dense decoder LM: the reference model of every study. */
export const denseModel: ModelFactory<DenseConfig> = {
  id: 'dense',
  kind: 'causal',
  description: 'Decoder-only transformer: pre-norm RMSNorm, causal multi-head attention, SwiGLU (or ReLU) FFN, learned positions, tied embeddings.',
  defaults: decoderDefaults,
  configSchema: denseConfigSchema,
  create(config, context): LanguageModel {
    const resolved = { ...decoderDefaults, ...config };
    const free = resolved.attentionFreeLayers;
    if (Array.isArray(free) && free.some((l) => l >= resolved.layers)) {
      throw new ConfigError('model dense › attentionFreeLayers', `layers ${JSON.stringify(free)} include one past the last layer (${resolved.layers - 1}).`, `Use layer indices from 0 to ${resolved.layers - 1}.`);
    }
    const ffnHidden = Math.max(1, Math.round(resolved.ffnHidden * (config.ffnHiddenScale ?? 1)));
    const model = new DecoderLM({ ...resolved, ffnHidden, seqLen: context.seqLen }, context);
    if (context.initFrom) copyMatchingWeights(context.initFrom, model);
    return model;
  },
  knockout: knockoutDense,
};
