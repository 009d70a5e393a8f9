import { ConfigError } from '@labbench/core';
import { decoderDefaults, type DecoderConfig, decoderSchemaProperties } from '@labbench/tensor';

/**
 * DSMoE's choices (spec §3). Shapes: d = dModel, D = ffnHidden, n experts of width D / n (contiguous
 * slices of the dense FFN), L layers, N tokens.
 */
export interface DsmoeConfig extends DecoderConfig {
  /**
   * 'dsmoe': thresholded sigmoid gates with the STE (eq. 11); 'no-ste': the same gate without the
   * STE (eq. 7, ablation); 'soft': trained with plain sigmoid gates, thresholded only at evaluation
   * (ablation); 'topk': LLaMA-MoE-style softmax top-k router with balance loss; 'prune': static
   * block pruning (keep `pruneKeep` slices of largest ||W_d|| per layer).
   */
  readonly variant: 'dsmoe' | 'no-ste' | 'soft' | 'topk' | 'prune';
  readonly experts: number; // n (paper: 8)
  readonly threshold: number; // tau (paper: 0.5)
  /** [PROP] std of the new gate matrix Y (paper: random, std unspecified). */
  readonly gateInitStd: number;
  /** Initial sparsity-loss coefficient lambda (paper: no coefficient, i.e. 1). */
  readonly sparsityLambda: number;
  /** [PROP] mean activation (share of experts) lambda is steered to; null keeps lambda fixed. */
  readonly sparsityTarget: number | null;
  /** [PROP] controller gain: lambda *= exp(rate * (active share - target)) after every training step. */
  readonly sparsityRate: number;
  /** [REC] L1 on the literal G(q) (only active gates feel it; default) or on the STE'd gate S(q). */
  readonly sparsityOn: 'G' | 'S';
  /**
   * How the gated variants are brought to the target activation before evaluation:
   * 'threshold' (default): the dsmoe-activation evaluator bisects one global evaluation threshold so
   * the mean active experts per token on its held-out windows is target x n (within 0.1 expert), so
   * DSMoE is compared with top-k and pruning at exactly their k of n; 'lambda' (the first version):
   * only the training-time lambda controller, which left DSMoE at 2.4-2.7 of 8 against 3 of 8.
   * 'soft' is always calibrated (it has no threshold in training).
   */
  readonly activationMatch: 'threshold' | 'lambda';
  /** The evaluation threshold (set by the dsmoe-activation evaluator); null = `threshold` ('soft': none). */
  readonly evalThreshold: number | null;
  /** [REC] 'soft' only: apply the n / #active rescale when thresholding at evaluation. */
  readonly softEvalRescale: boolean;
  readonly topK: number; // 'topk': experts per token (paper baseline: 3 of 8)
  readonly balanceCoefficient: number; // 'topk': DeepSpeed balance loss weight (0.01)
  /** [REC] 'topk': renormalised gates times n, so equal gates give n/k times the chosen slices (like DSMoE's rescale); 'none' leaves them summing to 1. */
  readonly topKOutputScale: 'n' | 'none';
  readonly pruneKeep: number; // 'prune': slices kept per layer (3 of 8)
}

export const dsmoeDefaults: DsmoeConfig = {
  ...decoderDefaults,
  variant: 'dsmoe',
  experts: 8,
  threshold: 0.5,
  gateInitStd: 0.02,
  sparsityLambda: 1,
  sparsityTarget: 0.375,
  sparsityRate: 1,
  sparsityOn: 'G',
  activationMatch: 'threshold',
  evalThreshold: null,
  softEvalRescale: false,
  topK: 3,
  balanceCoefficient: 0.01,
  topKOutputScale: 'n',
  pruneKeep: 3,
};

export const dsmoeConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...decoderSchemaProperties,
    causal: { const: true },
    variant: { enum: ['dsmoe', 'no-ste', 'soft', 'topk', 'prune'] },
    experts: { type: 'integer', minimum: 1 },
    threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    gateInitStd: { type: 'number', minimum: 0 },
    sparsityLambda: { type: 'number', minimum: 0 },
    sparsityTarget: { anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 1 }, { type: 'null' }] },
    sparsityRate: { type: 'number', minimum: 0 },
    sparsityOn: { enum: ['G', 'S'] },
    activationMatch: { enum: ['threshold', 'lambda'] },
    evalThreshold: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }] },
    softEvalRescale: { type: 'boolean' },
    topK: { type: 'integer', minimum: 1 },
    balanceCoefficient: { type: 'number', minimum: 0 },
    topKOutputScale: { enum: ['n', 'none'] },
    pruneKeep: { type: 'integer', minimum: 1 },
  },
} as const;

/** Expert width D / n; throws when n does not divide D. */
export function sliceWidth(c: DsmoeConfig): number {
  if (c.ffnHidden % c.experts !== 0) {
    throw new ConfigError('dsmoe › modelConfig.experts', `ffnHidden (${c.ffnHidden}) must be divisible by experts (${c.experts}).`, 'Pick a number of experts that divides ffnHidden.');
  }
  return c.ffnHidden / c.experts;
}

/** Weights of the dense FFN of one layer (3 d D SwiGLU, 2 d D ReLU). */
export const ffnWeights = (c: DsmoeConfig, hidden = c.ffnHidden) => (c.activation === 'swiglu' ? 3 : 2) * c.dModel * hidden;
