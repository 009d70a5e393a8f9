import { moeConfigSchema, moeLayerDefaults, sharedExpertSchemaProperties, type MoeLayerConfig, type SharedExpertConfig } from '@labbench/plugin-moe';

/**
 * CartesianMoE config (architectures.md §5.2-5.3): the shared MoE layer fields (from the moe
 * plugin) per routed sub-layer, plus the extra norm. Widths are multiples of the profile's
 * `ffnHidden` (one full expert = the dense FFN width D); the default layer, 2 x (8 half experts +
 * 1 shared half), top-(2+2), holds the parameters of 8 full experts + 1 full shared expert and
 * activates 3 full experts' worth, like SMoE-Share. The balance coefficient applies per router
 * (two balance losses per layer, summed).
 */
export interface CartesianMoeConfig extends MoeLayerConfig, SharedExpertConfig {
  readonly routing: 'softmax-topk' | 'random';
  /** The extra RMSNorm before sub-layer B (the code's mlp_layernorm); 'none' only for the §5.6 sanity check. */
  readonly midNorm: 'rmsnorm' | 'none';
}

export const cartesianDefaults: CartesianMoeConfig = {
  ...moeLayerDefaults,
  experts: 8,
  topK: 2,
  expertHiddenScale: 0.5,
  sharedExperts: 1,
  sharedHiddenScale: 0.5,
  sharedMix: 'softmax2',
  routing: 'softmax-topk',
  midNorm: 'rmsnorm',
};

export const cartesianConfigSchema = moeConfigSchema(['softmax-topk'], { ...sharedExpertSchemaProperties, midNorm: { enum: ['rmsnorm', 'none'] } });
