import { decoderDefaults, type DecoderConfig, decoderSchemaProperties } from '@labbench/tensor';

/**
 * MaskMoE config (architectures.md §6.2, §7.5). The split rule, V_freq, N and k were not recovered
 * from the paper: the defaults are the spec's toy plan and are marked [verify].
 */
export interface MaskMoeConfig extends DecoderConfig {
  readonly moeLayers: 'every-other' | 'all';
  /** N routed experts. */
  readonly experts: number;
  /** k ([verify] top-1 in the toy plan; |I_t| = min(k, V_v)). */
  readonly topK: number;
  readonly expertHiddenScale: number;
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
  /** [verify] 0.01 by convention. */
  readonly balanceCoefficient: number;
  readonly renormalize: 'k>1' | 'always';
}

export const maskMoeDefaults: MaskMoeConfig = {
  ...decoderDefaults,
  moeLayers: 'every-other', experts: 8, topK: 1, expertHiddenScale: 1, frequentRule: 'top-types', frequentShare: 0.3,
  visibleFrequent: 4, visibleRare: 1, maskPerLayer: true, balanceCoefficient: 0.01, renormalize: 'k>1',
};

export const maskMoeConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { const: true },
    moeLayers: { enum: ['every-other', 'all'] },
    experts: { type: 'integer', minimum: 1, maximum: 256 },
    topK: { type: 'integer', minimum: 1 },
    expertHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    frequentRule: { enum: ['top-types', 'token-mass'] },
    frequentShare: { type: 'number', minimum: 0, maximum: 1 },
    visibleFrequent: { type: 'integer', minimum: 1 },
    visibleRare: { type: 'integer', minimum: 1 },
    maskPerLayer: { type: 'boolean' },
    balanceCoefficient: { type: 'number', minimum: 0 },
    renormalize: { enum: ['k>1', 'always'] },
  },
} as const;
