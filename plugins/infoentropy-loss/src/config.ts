import { ConfigError } from '@labbench/core';

/** MiLe (InfoEntropy) loss settings. */
export interface MileConfig {
  readonly gamma: number; // exponent of the weight (sigma + H)^gamma; 0 recovers cross-entropy exactly
  readonly sigma: number; // offset of the weight; the official code fixes it at 1
}
/** Focal-loss baseline settings (normalised like MiLe). */
export interface FocalConfig {
  readonly gamma: number; // exponent of (1 - p_t)^gamma
}

// gamma = 1: the default of the official configs; sigma = 1: fixed in the official code.
export const mileDefaults = { gamma: 1, sigma: 1 } as const satisfies MileConfig;
// gamma = 1: the focal arm of the spec's small-scale plan (6.2) [verify the paper's focal gamma].
export const focalDefaults = { gamma: 1 } as const satisfies FocalConfig;

/** Probabilities are clamped to [PROB_FLOOR, 1] before the log of the entropy (official code). */
export const PROB_FLOOR = 1e-8;
/** Guard of the normaliser 1 / mean(w) when every weight is ~0 (focal loss with p_t -> 1). */
export const MEAN_WEIGHT_FLOOR = 1e-12;

export const mileConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    gamma: { type: 'number', minimum: 0, description: 'Weight exponent; 0 gives plain cross-entropy.' },
    sigma: { type: 'number', exclusiveMinimum: 0, description: 'Weight offset (sigma + H); 1 in the paper.' },
  },
} as const;

export const focalConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { gamma: { type: 'number', minimum: 0, description: 'Focusing exponent; 0 gives plain cross-entropy.' } },
} as const;

/** Boundary check of a resolved config (the runner validates studies by schema first). */
export function checkGamma(where: string, gamma: number): void {
  if (!(Number.isFinite(gamma) && gamma >= 0)) {
    throw new ConfigError(`${where} › gamma`, `gamma must be a finite number >= 0, got ${gamma}.`, 'Use 0 to recover plain cross-entropy.');
  }
}
