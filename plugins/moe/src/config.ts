import { decoderDefaults, decoderSchemaProperties, type DecoderConfig, type Renormalize, type SharedMix } from '@labbench/tensor';

/**
 * The MoE layer config every routed-expert plugin shares (moe, cartesian-moe, maskmoe): placement,
 * experts, k, expert width, balance loss, gate normalisation and the routing knock-out. Expert
 * widths are multiples of the profile's `ffnHidden` (one "full" expert = the dense FFN width), so
 * arms match in size at every profile.
 */
export interface MoeLayerConfig extends DecoderConfig {
  /** Which blocks are MoE: every other one from layer 0 (GShard style, fits the papers' totals) or all. */
  readonly moeLayers: 'every-other' | 'all';
  /** N routed experts per MoE layer (per routed sub-layer). */
  readonly experts: number;
  /** k experts per token (variable-size policies: the nominal k used for the analytic active count). */
  readonly topK: number;
  /** Expert width = round(ffnHidden * scale); 0.5 for half-width experts. */
  readonly expertHiddenScale: number;
  /** [verify] coefficient not recovered from the papers; 0.01 is the Switch/GShard convention. */
  readonly balanceCoefficient: number;
  /** Renormalise selected probabilities when k > 1 (authors' code) or always (k = 1: the gate is exactly 1). */
  readonly renormalize: Renormalize;
  /**
   * The plugin's routers (softmax top-k by default) or 'random': each token's experts drawn
   * uniformly at random with equal gates, no trainable router (the `routing` knock-out control).
   */
  readonly routing: string;
}

/** A shared-expert branch (moe, cartesian-moe). */
export interface SharedExpertConfig {
  /** Shared experts averaged into the shared branch (1 full; Fine-grained: 2 halves); 0 for none. */
  readonly sharedExperts: number;
  readonly sharedHiddenScale: number;
  /** 'softmax2' is the papers' learned 2-way mix; 'additive' is DeepSeekMoE's sum (a flag). */
  readonly sharedMix: SharedMix;
}

export const moeLayerDefaults = {
  ...decoderDefaults,
  moeLayers: 'every-other',
  experts: 8,
  topK: 2,
  expertHiddenScale: 1,
  balanceCoefficient: 0.01,
  renormalize: 'k>1',
  routing: 'softmax-topk',
} as const satisfies MoeLayerConfig;

export const sharedExpertDefaults = { sharedExperts: 1, sharedHiddenScale: 1, sharedMix: 'softmax2' } as const satisfies SharedExpertConfig;

/** JSON Schema properties of MoeLayerConfig (`routing` takes the plugin's own routers plus 'random'). */
export function moeLayerSchemaProperties(routers: readonly string[]) {
  return {
    ...decoderSchemaProperties,
    causal: { const: true },
    moeLayers: { enum: ['every-other', 'all'] },
    experts: { type: 'integer', minimum: 1, maximum: 256 },
    topK: { type: 'integer', minimum: 1 },
    expertHiddenScale: { type: 'number', exclusiveMinimum: 0 },
    balanceCoefficient: { type: 'number', minimum: 0 },
    renormalize: { enum: ['k>1', 'always'] },
    routing: { enum: [...routers, 'random'] },
  } as const;
}

export const sharedExpertSchemaProperties = {
  sharedExperts: { type: 'integer', minimum: 0 },
  sharedHiddenScale: { type: 'number', exclusiveMinimum: 0 },
  sharedMix: { enum: ['softmax2', 'additive', 'none'] },
} as const;

/** A complete config schema: the shared MoE layer fields plus the plugin's own. */
export function moeConfigSchema(routers: readonly string[], own: Record<string, object>) {
  return { type: 'object', additionalProperties: false, properties: { ...moeLayerSchemaProperties(routers), ...own } } as const;
}

/** Whether block `layer` carries the MoE FFN. */
export function isMoeLayer(layer: number, placement: MoeLayerConfig['moeLayers']): boolean {
  return placement === 'all' || layer % 2 === 0;
}

/** A width scaled from the profile's FFN width, at least 1. */
export function scaledWidth(ffnHidden: number, scale: number): number {
  return Math.max(1, Math.round(ffnHidden * scale));
}

/** Config of the SMoE baselines (architectures.md §1.2, §5.5). */
export interface MoeConfig extends MoeLayerConfig, SharedExpertConfig {
  /** 'softmax-topk', 'hash' (token-id table), 'top-p' (authors' code, p = topP) or 'random' (knock-out). */
  readonly routing: 'softmax-topk' | 'hash' | 'top-p' | 'random';
  /** Top-p threshold; the authors' code uses 0.4 with raw (not renormalised) probabilities. */
  readonly topP: number;
  /** Hash routing table: balanced by training-count mass (balanced hashing) or random logits. */
  readonly hashMode: 'balanced' | 'random';
}

export const moeDefaults: MoeConfig = { ...moeLayerDefaults, ...sharedExpertDefaults, routing: 'softmax-topk', topP: 0.4, hashMode: 'balanced' };

export const moeSchema = moeConfigSchema(['softmax-topk', 'hash', 'top-p'], {
  ...sharedExpertSchemaProperties,
  topP: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  hashMode: { enum: ['balanced', 'random'] },
});
