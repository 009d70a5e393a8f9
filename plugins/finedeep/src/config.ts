import { decoderDefaults, type DecoderConfig, decoderSchemaProperties } from '@labbench/tensor';
import type { NsarThreshold } from './nsar.js';

/**
 * Finedeep's choices (spec §2.2, §2.7). Every [REC] item of the spec is a flag here; defaults are
 * our reconstruction, not the paper's text. Shapes: d = dModel, D = ffnHidden (dense FFN width),
 * M sub-layers, K experts per sub-layer, D_e = D / (M K) expert width.
 */
export interface FinedeepConfig extends DecoderConfig {
  /** 'finedeep' re-cuts the FFN; 'dense' is the dense FFN with NSAR stats (the study's baseline). */
  readonly layout: 'finedeep' | 'dense';
  readonly subLayers: number; // M
  readonly expertsPerSubLayer: number; // K
  /** [REC] per-expert vector r_{m,k} over the expert's output (default) or one vector r_m per sub-layer. */
  readonly router: 'per-expert' | 'shared';
  /** [REC] sigmoid scores sum-normalised over the K experts of a sub-layer (default) or raw sigmoid. */
  readonly gateNorm: 'sum' | 'none';
  /** [REC] W_d init std: the dense baseline's initStd/sqrt(2L) per expert (default) or /sqrt(2LM) for the added depth. */
  readonly outInit: 'dense' | 'depth';
  /** [REC] NSAR reads SiLU(x W_g) (the activation function's output; ReLU models: relu(x W_in)). */
  readonly nsarTensor: 'activation';
  /**
   * 'rms' (default): tau is relative to each layer's activation RMS, so the sum-normalised router's
   * 1/K (offset in training by larger W_g / W_u) does not decide NSAR; 'absolute': the first
   * version's fixed tau (with nsarTaus [0.01, 0.05, 0.1, 0.2]).
   */
  readonly nsarThreshold: NsarThreshold;
  /** NSAR thresholds tau (multiples of the layer's activation RMS in 'rms' mode). */
  readonly nsarTaus: readonly number[];
}

export const finedeepDefaults: FinedeepConfig = {
  ...decoderDefaults,
  layout: 'finedeep',
  subLayers: 2,
  expertsPerSubLayer: 8,
  router: 'per-expert',
  gateNorm: 'sum',
  outInit: 'dense',
  nsarTensor: 'activation',
  nsarThreshold: 'rms',
  nsarTaus: [0.1, 0.25, 0.5, 1],
};

export const finedeepConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { const: true },
    layout: { enum: ['finedeep', 'dense'] },
    subLayers: { type: 'integer', minimum: 1 },
    expertsPerSubLayer: { type: 'integer', minimum: 1 },
    router: { enum: ['per-expert', 'shared'] },
    gateNorm: { enum: ['sum', 'none'] },
    outInit: { enum: ['dense', 'depth'] },
    nsarTensor: { const: 'activation' },
    nsarThreshold: { enum: ['rms', 'absolute'] },
    nsarTaus: { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1 },
  },
} as const;

/** Expert width D_e; throws when M K does not divide D. */
export function expertWidth(c: FinedeepConfig): number {
  const parts = c.subLayers * c.expertsPerSubLayer;
  if (c.ffnHidden % parts !== 0) {
    throw new Error(
      `finedeep: ffnHidden (${c.ffnHidden}) must be divisible by subLayers x expertsPerSubLayer (${c.subLayers} x ${c.expertsPerSubLayer} = ${parts}); pick M, K with M*K dividing D.`,
    );
  }
  return c.ffnHidden / parts;
}

/** Expert weights of one layer: 3 d D (SwiGLU) or 2 d D (ReLU), exactly the dense FFN's. */
export const expertParams = (c: FinedeepConfig) => (c.activation === 'swiglu' ? 3 : 2) * c.dModel * c.ffnHidden;
/** Router vectors (M K d, or M d shared) plus the (M - 1) extra sub-layer RMSNorm gains of one layer. */
export const overheadParams = (c: FinedeepConfig) =>
  c.subLayers * (c.router === 'per-expert' ? c.expertsPerSubLayer : 1) * c.dModel + (c.subLayers - 1) * c.dModel;
/** Forward FLOPs per token of one layer's FFN: experts 2 x weights, router 2 M K d (norms neglected). */
export const ffnFlops = (c: FinedeepConfig) => 2 * expertParams(c) + 2 * c.subLayers * c.expertsPerSubLayer * c.dModel;
