import { decoderDefaults, type DecoderConfig, type SharedMix, decoderSchemaProperties } from '@labbench/tensor';

/**
 * CartesianMoE config (architectures.md §5.2-5.3). Widths are multiples of the profile's
 * `ffnHidden` (one full expert = the dense FFN width D); the default layer, 2 x (8 half experts +
 * 1 shared half), top-(2+2), holds the parameters of 8 full experts + 1 full shared expert and
 * activates 3 full experts' worth, like SMoE-Share.
 */
export interface CartesianMoeConfig extends DecoderConfig {
  readonly moeLayers: 'every-other' | 'all';
  /** N routed sub-experts per sub-layer. */
  readonly experts: number;
  /** k per sub-layer ("topK = (2+2)"). */
  readonly topK: number;
  /** Sub-expert width = round(ffnHidden * scale); the code's grain_level 2 is 0.5. */
  readonly expertHiddenScale: number;
  /** Shared sub-experts per sub-layer (0 for the "without shared expert" ablation). */
  readonly sharedExperts: number;
  readonly sharedHiddenScale: number;
  /** The authors' learned 2-way softmax mix (DeepSpeed Residual-MoE); 'additive' as a flag. */
  readonly sharedMix: SharedMix;
  /** [verify] per router (two balance losses per layer, summed); 0.01 by convention. */
  readonly balanceCoefficient: number;
  readonly renormalize: 'k>1' | 'always';
  /** The extra RMSNorm before sub-layer B (the code's mlp_layernorm); 'none' only for the §5.6 sanity check. */
  readonly midNorm: 'rmsnorm' | 'none';
}

export const cartesianDefaults: CartesianMoeConfig = {
  ...decoderDefaults,
  moeLayers: 'every-other', experts: 8, topK: 2, expertHiddenScale: 0.5, sharedExperts: 1, sharedHiddenScale: 0.5,
  sharedMix: 'softmax2', balanceCoefficient: 0.01, renormalize: 'k>1', midNorm: 'rmsnorm',
};

export const cartesianConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { const: true },
    moeLayers: { enum: ['every-other', 'all'] },
    experts: { type: 'integer', minimum: 1, maximum: 256 },
    topK: { type: 'integer', minimum: 1 },
    expertHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    sharedExperts: { type: 'integer', minimum: 0 },
    sharedHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    sharedMix: { enum: ['softmax2', 'additive', 'none'] },
    balanceCoefficient: { type: 'number', minimum: 0 },
    renormalize: { enum: ['k>1', 'always'] },
    midNorm: { enum: ['rmsnorm', 'none'] },
  },
} as const;
