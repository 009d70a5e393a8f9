import { moeConfigSchema, moeLayerDefaults, type MoeLayerConfig } from '@labbench/plugin-moe';

/**
 * MaskMoE config (architectures.md §6.2, §7.5): the shared MoE layer fields (from the moe plugin)
 * plus the mask. The split rule, V_freq, N and k were not recovered from the paper: the defaults are
 * the spec's toy plan and are marked [verify].
 */
export interface MaskMoeConfig extends MoeLayerConfig {
  /** 'masked': softmax top-k under the frozen per-token mask; 'random': the routing knock-out. */
  readonly routing: 'masked' | 'random';
  /** How the frequent set F is chosen: the top share of seen types by count, or the types covering a share of training tokens. [verify] */
  readonly frequentRule: 'top-types' | 'token-mass';
  /** [verify] 0.3: the top 30% of types by training count are frequent (spec §7.5c). */
  readonly frequentShare: number;
  /** V_freq: experts a frequent token may use ([verify] 4 of 8). */
  readonly visibleFrequent: number;
  /** V_rare: experts a rare token may use (1 in the paper; N only for the SMoE-equivalence check). */
  readonly visibleRare: number;
  /** Independent masks per MoE layer ([verify] the Korean digest says per layer) or one for all. */
  readonly maskPerLayer: boolean;
}

/**
 * `renormalize: 'always'` (v2): with k = 1 every gate is exactly 1 (rare tokens' gates are 1 by
 * construction, hash gates too), so the arms differ in routing, not in the scale of the expert
 * output; v1's `'k>1'` left SMoE gates at about 0.15.
 */
export const maskMoeDefaults: MaskMoeConfig = {
  ...moeLayerDefaults,
  routing: 'masked',
  experts: 8,
  topK: 1,
  renormalize: 'always',
  frequentRule: 'top-types',
  frequentShare: 0.3,
  visibleFrequent: 4,
  visibleRare: 1,
  maskPerLayer: true,
};

export const maskMoeConfigSchema = moeConfigSchema(['masked'], {
  frequentRule: { enum: ['top-types', 'token-mass'] },
  frequentShare: { type: 'number', minimum: 0, maximum: 1 },
  visibleFrequent: { type: 'integer', minimum: 1 },
  visibleRare: { type: 'integer', minimum: 1 },
  maskPerLayer: { type: 'boolean' },
});
