import type { LanguageModel } from '@labbench/core';

/**
 * What a model may report beyond `params()` and `flopsPerToken()` (optional `cost` method), given
 * its forward stats averaged over held-out tokens: DSMoE's inference FLOPs and active parameters
 * at the measured activation, UniAttn's softmax rows and K/V cache per token.
 */
export interface CostReport {
  readonly activeParams?: number;
  readonly inferenceFlopsPerToken?: number;
  readonly softmaxRowsPerToken?: number;
  readonly kCacheFloatsPerToken?: number;
  readonly vCacheFloatsPerToken?: number;
}

export interface CostAware {
  cost(stats: Readonly<Record<string, readonly number[]>>): CostReport;
}

export function isCostAware(model: LanguageModel): model is LanguageModel & CostAware {
  return typeof (model as Partial<CostAware>).cost === 'function';
}

interface AttentionLike {
  cost?(seqLen: number): { softmaxRows: number; kCacheFloats: number; vCacheFloats?: number };
}

/**
 * Attention cost of a model built on the reference decoder (its `layers[i].attention.cost`):
 * softmax rows (heads) and K/V cache floats per token, summed over layers. V defaults to K.
 */
export function decoderAttentionCost(model: LanguageModel, seqLen: number): CostReport | undefined {
  const layers = (model as { layers?: readonly { attention?: AttentionLike }[] }).layers;
  if (!Array.isArray(layers) || layers.some((l) => typeof l.attention?.cost !== 'function')) return undefined;
  let softmax = 0;
  let k = 0;
  let v = 0;
  for (const layer of layers) {
    const c = layer.attention!.cost!(seqLen);
    softmax += c.softmaxRows;
    k += c.kCacheFloats;
    v += c.vCacheFloats ?? c.kCacheFloats;
  }
  return { softmaxRowsPerToken: softmax, kCacheFloatsPerToken: k, vCacheFloatsPerToken: v };
}
