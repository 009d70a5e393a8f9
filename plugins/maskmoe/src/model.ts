import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { tf, type ParameterFactory, type RoutedLayerOptions } from '@labbench/tensor';
import { MoeFeedForward, MoeLM, checkMoeConfig, routedFeedForwards, routedLayerOptions, routingKnockout } from '@labbench/plugin-moe';
import { maskMoeConfigSchema, maskMoeDefaults, type MaskMoeConfig } from './config.js';
import { buildRoutingMask, type RoutingMask } from './mask.js';
import { maskedRouting } from './routing.js';

/**
 * The MaskMoE FFN (§6.2): p_t = softmax(x_t W_r + m_{v_t}) with m = 0 / -1e9 from the frozen mask,
 * I_t = TopK(p_t, min(k, V_{v_t})). Same variable names as the SMoE baseline ('ffn.*'), so with
 * V = N everywhere it is the SMoE model bit for bit. Stats are `moe.*`.
 */
export class MaskMoeFeedForward extends MoeFeedForward {
  constructor(
    params: ParameterFactory,
    options: RoutedLayerOptions,
    readonly mask: RoutingMask,
    readonly maskTensor: tf.Tensor2D,
  ) {
    super(params, options);
  }
}

/** The decoder with MaskMoE FFNs; its frozen tables are the mask tensors (never variables, never trained). */
export class MaskMoeLM extends MoeLM {
  masks = new Map<number, RoutingMask>();

  /** The frozen visibility table [V, N] of an MoE layer (tests: unchanged by training). */
  maskOf(layer: number): tf.Tensor2D | undefined {
    const ffn = this.layers[layer]?.feedForward;
    return ffn instanceof MaskMoeFeedForward ? ffn.maskTensor : undefined;
  }
}

export function createMaskMoe(config: Partial<MaskMoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: MaskMoeConfig = { ...maskMoeDefaults, ...config };
  checkMoeConfig('maskmoe', c);
  const built: { layer: number; mask: RoutingMask; tensor: tf.Tensor2D }[] = [];
  const model = new MaskMoeLM(
    { ...c, seqLen: context.seqLen },
    context,
    routedFeedForwards(c, (build) => {
      const mask = buildRoutingMask(context.tokenCounts, context.vocabSize, c, context.seed, build.layer);
      const tensor = tf.tensor2d(mask.visible, [context.vocabSize, c.experts]);
      built.push({ layer: build.layer, mask, tensor });
      return new MaskMoeFeedForward(build.params, routedLayerOptions(c, build, context, maskedRouting(tensor, c.renormalize)), mask, tensor);
    }),
  );
  model.frozen = built.map((b) => b.tensor);
  for (const b of built) model.masks.set(b.layer, b.mask);
  return model;
}

export const maskMoeModel: ModelFactory<MaskMoeConfig> = {
  id: 'maskmoe',
  kind: 'causal',
  description:
    'MaskMoE: SMoE whose router sees a frozen per-token mask from training-split frequencies (rare tokens: 1 expert, frequent tokens: V_freq experts); MoE every other layer.',
  defaults: maskMoeDefaults,
  configSchema: maskMoeConfigSchema,
  create: createMaskMoe,
  knockout: routingKnockout('maskmoe'),
};
