import { decoderDefaults, type DecoderConfig, decoderSchemaProperties } from '@labbench/tensor';

/**
 * UniAttn's choices (spec §4, §7.3). Shapes: d = dModel, H heads, T positions, L layers.
 * Layers l in [b, e) form SuperBlocks of G layers; the first of each is the anchor (own softmax),
 * the others reuse its attention matrix.
 */
export interface UniAttnConfig extends DecoderConfig {
  /**
   * 'plain': no reuse layers (the base model, plain fine-tuning); 'softmax': reuse layers take the
   * anchor's softmax, no compensation; 'uniattn': plus W_c (least squares, two stages); 'cla':
   * reuse layers take the anchor's K and V (own queries and softmax); 'drop': reuse layers have
   * no attention sub-block (LLMDrop-style).
   */
  readonly variant: 'plain' | 'softmax' | 'uniattn' | 'cla' | 'drop';
  readonly groupSize: number; // G (code default 4)
  /** b; null = floor(L / 2) (the code unifies the upper half). */
  readonly rangeStart: number | null;
  /** e (exclusive); null = L. */
  readonly rangeEnd: number | null;
  /** How W_c starts: layer-sequential least squares on calibration windows (default) or zero. */
  readonly compensationInit: 'least-squares' | 'zero';
  /** [verify] 'pinv': SVD pseudo-inverse dropping singular values < 1e-10 (the code); 'ridge': (X^T X + lambda I)^-1 X^T Delta. */
  readonly solver: 'pinv' | 'ridge';
  /** [PROP] ridge: lambda = ridge * tr(X^T X) / d. */
  readonly ridge: number;
  /** [PROP] calibration windows of T tokens from the start of the post-training stream (spec: 200 sequences). */
  readonly calibrationWindows: number;
  /** Windows after the calibration ones on which the loss right after surgery is measured. */
  readonly lossWindows: number;
  /** [verify] share of the cell's steps in stage 1 (W_c only; the code trains one epoch per stage). */
  readonly stage1Fraction: number;
}

export const uniattnDefaults: UniAttnConfig = {
  ...decoderDefaults,
  variant: 'uniattn',
  groupSize: 4,
  rangeStart: null,
  rangeEnd: null,
  compensationInit: 'least-squares',
  solver: 'pinv',
  ridge: 1e-4,
  calibrationWindows: 32,
  lossWindows: 16,
  stage1Fraction: 0.5,
};

export const uniattnConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { const: true },
    variant: { enum: ['plain', 'softmax', 'uniattn', 'cla', 'drop'] },
    groupSize: { type: 'integer', minimum: 1 },
    rangeStart: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
    rangeEnd: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
    compensationInit: { enum: ['least-squares', 'zero'] },
    solver: { enum: ['pinv', 'ridge'] },
    ridge: { type: 'number', minimum: 0 },
    calibrationWindows: { type: 'integer', minimum: 1 },
    lossWindows: { type: 'integer', minimum: 1 },
    stage1Fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  },
} as const;

export interface LayerRole {
  readonly role: 'normal' | 'anchor' | 'reuse';
  /** The SuperBlock's anchor layer (itself for anchors and normal layers). */
  readonly anchor: number;
}

/** Role of every layer: reuse iff b <= l < e and (l - b) mod G != 0; 'plain' has none. */
export function layerRoles(c: UniAttnConfig): LayerRole[] {
  const b = c.rangeStart ?? Math.floor(c.layers / 2);
  const e = Math.min(c.rangeEnd ?? c.layers, c.layers);
  return Array.from({ length: c.layers }, (_, l) => {
    if (c.variant === 'plain' || l < b || l >= e) return { role: 'normal', anchor: l };
    const anchor = b + Math.floor((l - b) / c.groupSize) * c.groupSize;
    return anchor === l ? { role: 'anchor', anchor } : { role: 'reuse', anchor };
  });
}
