import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { DenseFeedForward, RoutedDecoderLM, RoutedExperts, tf, type BlockContext, type BlockOutput, type FeedForward, type ParameterFactory, type RoutedLayerOptions, type RoutingControl } from '@labbench/tensor';
import { maskMoeConfigSchema, maskMoeDefaults, type MaskMoeConfig } from './config.js';
import { buildRoutingMask, type RoutingMask } from './mask.js';

/**
 * The MaskMoE FFN (§6.2): p_t = softmax(x_t W_r + m_{v_t}) with m = 0 / -1e9 from the frozen mask,
 * I_t = TopK(p_t, min(k, V_{v_t})). Same variable names as the SMoE baseline ('ffn.*'), so with
 * V = N everywhere it is the SMoE model bit for bit. Stats are `moe.*`.
 */
export class MaskMoeFeedForward implements FeedForward {
  readonly routed: RoutedExperts;

  constructor(params: ParameterFactory, options: RoutedLayerOptions, readonly mask: RoutingMask) {
    this.routed = new RoutedExperts(params, 'ffn', options);
  }

  apply(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    const { y, aux, stats } = this.routed.apply(x, context, 'moe');
    return { y, aux, stats };
  }

  params() {
    return this.routed.params();
  }

  flopsPerToken(): number {
    return this.routed.flopsPerToken();
  }
}

/** The decoder with MaskMoE FFNs; owns the frozen mask tensors (never variables, never trained). */
export class MaskMoeLM extends RoutedDecoderLM {
  maskTensors: tf.Tensor2D[] = [];
  masks = new Map<number, RoutingMask>();

  /** The frozen visibility table [V, N] of an MoE layer (tests: unchanged by training). */
  maskOf(layer: number): tf.Tensor2D | undefined {
    const ffn = this.layers[layer]?.feedForward;
    return ffn instanceof MaskMoeFeedForward ? ffn.routed.options.tokenMask : undefined;
  }

  override dispose(): void {
    super.dispose();
    tf.dispose(this.maskTensors);
  }
}

export function createMaskMoe(config: Partial<MaskMoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: MaskMoeConfig = { ...maskMoeDefaults, ...config };
  if (c.topK > c.experts) throw new Error(`maskmoe: topK (${c.topK}) must be <= experts (${c.experts}).`);
  const control: RoutingControl = { disableTop1: false };
  const outStd = c.initStd / Math.sqrt(2 * c.layers);
  const built: { layer: number; mask: RoutingMask; tensor: tf.Tensor2D }[] = [];
  const model = new MaskMoeLM({ ...c, seqLen: context.seqLen }, context, {
    feedForward: (layer, params) => {
      if (c.moeLayers === 'every-other' && layer % 2 !== 0) return new DenseFeedForward(params, c.dModel, c.ffnHidden, c.activation, c.initStd, outStd);
      const mask = buildRoutingMask(context.tokenCounts, context.vocabSize, c, context.seed, layer);
      const tensor = tf.tensor2d(mask.visible, [context.vocabSize, c.experts]);
      built.push({ layer, mask, tensor });
      return new MaskMoeFeedForward(params, {
        dModel: c.dModel, experts: c.experts, topK: c.topK, expertHidden: Math.max(1, Math.round(c.ffnHidden * c.expertHiddenScale)),
        routing: 'softmax-topk', topP: 1, sharedExperts: 0, sharedHidden: 1, sharedMix: 'none',
        balanceCoefficient: c.balanceCoefficient, renormalize: c.renormalize, initStd: c.initStd, outStd, tokenMask: tensor,
      }, mask);
    },
  }, control);
  model.maskTensors = built.map((b) => b.tensor);
  for (const b of built) model.masks.set(b.layer, b.mask);
  return model;
}

export const maskMoeModel: ModelFactory<MaskMoeConfig> = {
  id: 'maskmoe',
  kind: 'causal',
  description: 'MaskMoE: SMoE whose router sees a frozen per-token mask from training-split frequencies (rare tokens: 1 expert, frequent tokens: V_freq experts); MoE every other layer.',
  defaults: maskMoeDefaults,
  configSchema: maskMoeConfigSchema,
  create: createMaskMoe,
};
