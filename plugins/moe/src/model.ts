import type { LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import {
  RoutedDecoderLM,
  RoutedExperts,
  softmaxTopK,
  tf,
  type BlockContext,
  type BlockOutput,
  type FeedForward,
  type ParameterFactory,
  type RoutedLayerOptions,
  type RoutingPolicy,
} from '@labbench/tensor';
import { moeDefaults, moeSchema, type MoeConfig } from './config.js';
import { checkMoeConfig, routedFeedForwards, routedLayerOptions, routingKnockout } from './build.js';
import { hashRouting, hashTable, topPRouting } from './routing.js';

/**
 * The SMoE FFN sublayer (architectures.md §1.2): y = c0 * sum_{i in I} g_i E_i(x) + c1 * S(x),
 * with I = TopK(softmax(x W_r), k) (or hash / top-p routing) and c = softmax(x W_mix + b_mix).
 * Stats are named `moe.<metric>` (the decoder appends `.layer<i>`).
 */
export class MoeFeedForward implements FeedForward {
  readonly routed: RoutedExperts;

  constructor(params: ParameterFactory, options: RoutedLayerOptions) {
    this.routed = new RoutedExperts(params, 'ffn', options);
  }

  apply(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    const { y, aux, stats } = this.routed.apply(x, context, 'moe');
    return { y, aux, stats };
  }

  params(): { total: number; active: number } {
    return this.routed.params();
  }

  flopsPerToken(): number {
    return this.routed.flopsPerToken();
  }
}

/**
 * A routed decoder that also frees its frozen tables (hash tables, routing masks): tensors the
 * model owns that are not variables, so `dispose` of the decoder alone would leak them.
 */
export class MoeLM extends RoutedDecoderLM {
  frozen: tf.Tensor[] = [];
  override dispose(): void {
    super.dispose();
    tf.dispose(this.frozen);
  }
}

/** Builds the SMoE baselines on the reference decoder: MoE FFN every other layer, dense elsewhere. */
export function createMoe(config: Partial<MoeConfig>, context: ModelBuildContext): LanguageModel {
  const c: MoeConfig = { ...moeDefaults, ...config };
  checkMoeConfig('moe', c);
  const frozen: tf.Tensor[] = [];
  const policy = (layer: number): RoutingPolicy => {
    if (c.routing === 'top-p') return topPRouting(c.topP);
    if (c.routing !== 'hash') return softmaxTopK(c.renormalize);
    const table = hashTable(context.vocabSize, c.experts, c.topK, c.hashMode, deriveSeed(context.seed, `layer${layer}.hash`), context.tokenCounts);
    frozen.push(table);
    return hashRouting(table, c.renormalize);
  };
  const model = new MoeLM(
    { ...c, seqLen: context.seqLen },
    context,
    routedFeedForwards(c, (build) => new MoeFeedForward(build.params, routedLayerOptions(c, build, context, policy(build.layer)))),
  );
  model.frozen = frozen;
  return model;
}

export const moeModel: ModelFactory<MoeConfig> = {
  id: 'moe',
  kind: 'causal',
  description:
    'Sparse MoE decoder (baselines of CartesianMoE/MaskMoE): softmax top-k (fp32, renormalised), hash or top-p routing, shared expert with a 2-way softmax mix, load-balancing loss; MoE every other layer.',
  defaults: moeDefaults,
  configSchema: moeSchema,
  create: createMoe,
  knockout: routingKnockout('moe'),
};
