import { ConfigError } from '@labbench/core';

/**
 * Dial-MAE model config: one factory, four training objectives (the stages of the paper).
 *
 * Shapes: B batch, T window length (the profile's seqLen), L encoder/decoder sequence length
 * (<= T), D model width, V tokenizer vocabulary, Ve = V + 4 (the encoder's own [CLS] [SEP] [MASK] [PAD]).
 */
export type DialObjective =
  /** Stage 0: whole-word MLM on plain training windows. */
  | 'mlm'
  /** Stage 1 baseline: MLM-only post-training on `[CLS] context [SEP] response [SEP]` (no decoder). */
  | 'mlm-pairs'
  /** Stage 1: Dial-MAE (masked context -> encoder -> h_c; shallow decoder rebuilds the masked response). */
  | 'dial-mae'
  /** Stage 2: two encoders (context, response), dot-product scores, in-batch InfoNCE. */
  | 'infonce';

export interface DialMaeConfig {
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  readonly ffnHidden: number;
  readonly activation: 'swiglu' | 'relu';
  readonly initStd: number;
  readonly objective: DialObjective;
  /** Masking rate of Stage-0 MLM (BERT's 15%). */
  readonly mlmMaskRate: number;
  /** m_enc: encoder masking of post-training (paper 0.30, both datasets). */
  readonly encoderMaskRate: number;
  /** m_dec: decoder masking of the response (paper 0.75 Ubuntu, 0.45 E-commerce). */
  readonly decoderMaskRate: number;
  /** Fresh decoder layers (paper 1 Ubuntu, 2 E-commerce). */
  readonly decoderLayers: number;
  /** Weight of the decoder MLM loss (paper 1.0). */
  readonly decoderWeight: number;
  /** Response tokens kept (right truncation); the spec's small plan uses 32. Capped at T - 2. */
  readonly responseLength: number;
  /** Fewest tokens a context or a response of a training pair may have. */
  readonly minPairTokens: number;
  /** Tokens dropped between a training pair's context and response (0: adjacent text); `windows` only. */
  readonly pairGap: number;
  /**
   * Where post-training and fine-tuning pairs come from. `threads` (default): the pair documents of
   * the arm's training stream (mixture `email-pairs`: reply pairs of training-split e-mail threads);
   * a stream without pairs is an error. `windows`: the old behaviour, each training window split at
   * a line break into "context" and "response" (continuity, not dialogue; kept for comparison).
   */
  readonly pairSource: 'threads' | 'windows';
}

export const dialMaeDefaults: DialMaeConfig = {
  dModel: 64, layers: 2, heads: 2, ffnHidden: 256, activation: 'swiglu', initStd: 0.02,
  objective: 'mlm',
  mlmMaskRate: 0.15,
  encoderMaskRate: 0.3,
  decoderMaskRate: 0.75,
  decoderLayers: 1,
  decoderWeight: 1,
  responseLength: 32,
  minPairTokens: 4,
  pairGap: 0,
  pairSource: 'threads',
};

export const dialMaeConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dModel: { type: 'integer', minimum: 4 },
    layers: { type: 'integer', minimum: 1 },
    heads: { type: 'integer', minimum: 1 },
    ffnHidden: { type: 'integer', minimum: 1 },
    activation: { enum: ['swiglu', 'relu'] },
    initStd: { type: 'number', exclusiveMinimum: 0 },
    objective: { enum: ['mlm', 'mlm-pairs', 'dial-mae', 'infonce'] },
    mlmMaskRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    encoderMaskRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    decoderMaskRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    decoderLayers: { type: 'integer', minimum: 1 },
    decoderWeight: { type: 'number', minimum: 0 },
    responseLength: { type: 'integer', minimum: 1 },
    minPairTokens: { type: 'integer', minimum: 1 },
    pairGap: { type: 'integer', minimum: 0 },
    pairSource: { enum: ['threads', 'windows'] },
  },
} as const;

/** Resolves a partial config (study overrides merged over the profile's size) and checks it. */
export function resolveConfig(config: Partial<DialMaeConfig> & Record<string, unknown>): DialMaeConfig & Record<string, unknown> {
  const resolved = { ...dialMaeDefaults } as Record<string, unknown>;
  for (const key of Object.keys(dialMaeDefaults)) if (config[key] !== undefined) resolved[key] = config[key];
  const c = resolved as unknown as DialMaeConfig & Record<string, unknown>;
  if (c.dModel % c.heads !== 0) throw new Error(`dial-mae: dModel (${c.dModel}) must be divisible by heads (${c.heads}).`);
  if (c.pairSource !== 'threads' && c.pairSource !== 'windows') {
    throw new ConfigError('dial-mae › modelConfig.pairSource', `must be 'threads' or 'windows', got '${String(c.pairSource)}'.`, "Use 'threads' (pairs of e-mail threads) or 'windows' (the old window split).");
  }
  for (const key of ['mlmMaskRate', 'encoderMaskRate', 'decoderMaskRate'] as const) {
    if (!(c[key] > 0 && c[key] <= 1)) throw new Error(`dial-mae: ${key} must be in (0, 1], got ${c[key]}.`);
  }
  return c;
}
