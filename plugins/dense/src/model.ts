import type { LanguageModel, ModelFactory } from '@labbench/core';
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

/** The dense decoder LM: the reference model of every study. */
export const denseModel: ModelFactory<DenseConfig> = {
  id: 'dense',
  kind: 'causal',
  description: 'Decoder-only transformer: pre-norm RMSNorm, causal multi-head attention, SwiGLU (or ReLU) FFN, learned positions, tied embeddings.',
  defaults: decoderDefaults,
  configSchema: denseConfigSchema,
  create(config, context): LanguageModel {
    const resolved = { ...decoderDefaults, ...config };
    const ffnHidden = Math.max(1, Math.round(resolved.ffnHidden * (config.ffnHiddenScale ?? 1)));
    const model = new DecoderLM({ ...resolved, ffnHidden, seqLen: context.seqLen }, context);
    if (context.initFrom) copyMatchingWeights(context.initFrom, model);
    return model;
  },
};
