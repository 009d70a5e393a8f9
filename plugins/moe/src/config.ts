import { decoderDefaults, type DecoderConfig, type RoutingKind, type SharedMix, decoderSchemaProperties as referenceDecoderProperties } from '@labbench/tensor';

/**
 * Config of the sparse MoE baselines (architectures.md §1.2, §5.5). Expert widths are multiples of
 * the profile's `ffnHidden` (one "full" expert = the dense FFN width), so arms match in size at
 * every profile.
 */
export interface MoeConfig extends DecoderConfig {
  /** Which blocks are MoE: every other one from layer 0 (GShard style, fits the papers' totals) or all. */
  readonly moeLayers: 'every-other' | 'all';
  /** N routed experts per MoE layer. */
  readonly experts: number;
  /** k experts per token (top-p: the nominal k used for the analytic active count). */
  readonly topK: number;
  /** Expert width = round(ffnHidden * scale); 0.5 for the fine-grained (half-width) baseline. */
  readonly expertHiddenScale: number;
  readonly routing: RoutingKind;
  /** Top-p threshold; the authors' code uses 0.4 with raw (not renormalised) probabilities. */
  readonly topP: number;
  /** Shared experts averaged into the shared branch (1 full; Fine-grained: 2 halves); 0 for none. */
  readonly sharedExperts: number;
  readonly sharedHiddenScale: number;
  /** 'softmax2' is the papers' learned 2-way mix; 'additive' is DeepSeekMoE's sum (a flag). */
  readonly sharedMix: SharedMix;
  /** [verify] coefficient not recovered from the papers; 0.01 is the Switch/GShard convention. */
  readonly balanceCoefficient: number;
  /** Renormalise selected probabilities when k > 1 (authors' code) or always. */
  readonly renormalize: 'k>1' | 'always';
  /** Hash routing table: balanced by training-count mass (balanced hashing) or random logits. */
  readonly hashMode: 'balanced' | 'random';
}

export const moeDefaults: MoeConfig = {
  ...decoderDefaults,
  moeLayers: 'every-other', experts: 8, topK: 2, expertHiddenScale: 1, routing: 'softmax-topk', topP: 0.4,
  sharedExperts: 1, sharedHiddenScale: 1, sharedMix: 'softmax2', balanceCoefficient: 0.01, renormalize: 'k>1', hashMode: 'balanced',
};

/** Decoder fields every MoE plugin's schema accepts (the runner merges the profile's size in). */
export const decoderSchemaProperties = {
  ...referenceDecoderProperties,
  causal: { const: true },
  moeLayers: { enum: ['every-other', 'all'] },
  balanceCoefficient: { type: 'number', minimum: 0 },
  renormalize: { enum: ['k>1', 'always'] },
} as const;

export const moeConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    experts: { type: 'integer', minimum: 1, maximum: 256 },
    topK: { type: 'integer', minimum: 1 },
    expertHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    routing: { enum: ['softmax-topk', 'hash', 'top-p'] },
    topP: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    sharedExperts: { type: 'integer', minimum: 0 },
    sharedHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    sharedMix: { enum: ['softmax2', 'additive', 'none'] },
    hashMode: { enum: ['balanced', 'random'] },
  },
} as const;

/** Whether block `layer` carries the MoE FFN. */
export function isMoeLayer(layer: number, placement: MoeConfig['moeLayers']): boolean {
  return placement === 'all' || layer % 2 === 0;
}

/** A width scaled from the profile's FFN width, at least 1. */
export function scaledWidth(ffnHidden: number, scale: number): number {
  return Math.max(1, Math.round(ffnHidden * scale));
}
