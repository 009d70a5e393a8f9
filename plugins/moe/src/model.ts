import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { DenseFeedForward, RoutedDecoderLM, hashTable, tf, type RoutingControl } from '@labbench/tensor';
import { isMoeLayer, moeConfigSchema, moeDefaults, scaledWidth, type MoeConfig } from './config.js';
import { MoeFeedForward } from './layer.js';

/** A routed decoder that also frees its frozen tables. */
class MoeLM extends RoutedDecoderLM {
  frozen: tf.Tensor[] = [];
  override dispose(): void {
    super.dispose();
    tf.dispose(this.frozen);
  }
}

/** Builds the SMoE baselines on the reference decoder: MoE FFN every other layer, dense elsewhere. */
export function createMoe(config: Partial<MoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: MoeConfig = { ...moeDefaults, ...config };
  if (c.topK > c.experts) throw new Error(`moe: topK (${c.topK}) must be <= experts (${c.experts}).`);
  const control: RoutingControl = { disableTop1: false };
  const frozen: tf.Tensor[] = [];
  const outStd = c.initStd / Math.sqrt(2 * c.layers);
  const model = new MoeLM({ ...c, seqLen: context.seqLen }, context, {
    feedForward: (layer, params) => {
      if (!isMoeLayer(layer, c.moeLayers)) return new DenseFeedForward(params, c.dModel, c.ffnHidden, c.activation, c.initStd, outStd);
      const table = c.routing === 'hash'
        ? hashTable(context.vocabSize, c.experts, c.topK, c.hashMode, deriveSeed(context.seed, `layer${layer}.hash`), context.tokenCounts)
        : undefined;
      if (table) frozen.push(table);
      return new MoeFeedForward(params, {
        dModel: c.dModel, experts: c.experts, topK: c.topK, expertHidden: scaledWidth(c.ffnHidden, c.expertHiddenScale),
        routing: c.routing, topP: c.topP, sharedExperts: c.sharedExperts, sharedHidden: scaledWidth(c.ffnHidden, c.sharedHiddenScale),
        sharedMix: c.sharedMix, balanceCoefficient: c.balanceCoefficient, renormalize: c.renormalize, initStd: c.initStd, outStd, hashTable: table,
      });
    },
  }, control);
  model.frozen = frozen;
  return model;
}

export const moeModel: ModelFactory<MoeConfig> = {
  id: 'moe',
  kind: 'causal',
  description: 'Sparse MoE decoder (baselines of CartesianMoE/MaskMoE): softmax top-k (fp32, renormalised), hash or top-p routing, shared expert with a 2-way softmax mix, load-balancing loss; MoE every other layer.',
  defaults: moeDefaults,
  configSchema: moeConfigSchema,
  create: createMoe,
};
