import { ConfigError, ContractError, deriveSeed, type ModelBuildContext } from '@labbench/core';
import {
  DenseFeedForward,
  softmaxTopK,
  type DecoderHooks,
  type FeedForward,
  type ParameterFactory,
  type RoutedLayerOptions,
  type RoutingPolicy,
} from '@labbench/tensor';
import { isMoeLayer, scaledWidth, type MoeLayerConfig, type SharedExpertConfig } from './config.js';
import { randomRouting, withEvaluationSwitches } from './routing.js';

/** What the three routed plugins build once per MoE layer from their config. */
export interface MoeLayerBuild {
  readonly layer: number;
  readonly params: ParameterFactory;
  /** W_d init std of this depth: initStd / sqrt(2 L). */
  readonly outStd: number;
}

/** Bad k for the experts: a ConfigError naming the factory and the fix. */
export function checkMoeConfig(factory: string, c: MoeLayerConfig): void {
  if (c.topK > c.experts) throw new ConfigError(`${factory} config`, `topK (${c.topK}) is larger than experts (${c.experts})`, 'set topK <= experts');
}

/** Decoder hooks: the plugin's MoE FFN on MoE layers, the reference dense FFN elsewhere. */
export function routedFeedForwards(c: MoeLayerConfig, moe: (build: MoeLayerBuild) => FeedForward): DecoderHooks {
  const outStd = c.initStd / Math.sqrt(2 * c.layers);
  return {
    feedForward: (layer, params) =>
      isMoeLayer(layer, c.moeLayers) ? moe({ layer, params, outStd }) : new DenseFeedForward(params, c.dModel, c.ffnHidden, c.activation, c.initStd, outStd),
  };
}

/**
 * Options of a routed sub-layer from the shared config: the plugin's policy (or uniform random
 * routing when the config says `routing: 'random'`), wrapped with the evaluation switches.
 */
export function routedLayerOptions(
  c: MoeLayerConfig & Partial<SharedExpertConfig>,
  build: MoeLayerBuild,
  context: ModelBuildContext,
  policy: RoutingPolicy = softmaxTopK(c.renormalize),
): RoutedLayerOptions {
  const chosen = c.routing === 'random' ? randomRouting(deriveSeed(context.seed, `layer${build.layer}.random-routing`)) : policy;
  const sharedExperts = c.sharedExperts ?? 0;
  return {
    dModel: c.dModel,
    experts: c.experts,
    topK: c.topK,
    expertHidden: scaledWidth(c.ffnHidden, c.expertHiddenScale),
    policy: withEvaluationSwitches(chosen),
    sharedExperts,
    sharedHidden: scaledWidth(c.ffnHidden, c.sharedHiddenScale ?? 1),
    sharedMix: sharedExperts > 0 ? (c.sharedMix ?? 'softmax2') : 'none',
    balanceCoefficient: c.balanceCoefficient,
    initStd: c.initStd,
    outStd: build.outStd,
  };
}

/**
 * The knock-out hook of the routed factories: `routing` becomes uniform random routing (the
 * experts stay, the router goes). Other components are not defined for these models.
 */
export function routingKnockout(factory: string) {
  return (component: string, config: Readonly<Record<string, unknown>>, layers?: readonly number[]): Record<string, unknown> => {
    if (component !== 'routing')
      throw new ContractError(
        `${factory}.knockout`,
        `component '${component}' is not defined for this model`,
        "use 'routing' (uniform random routing), or knock out 'ffn' / 'attention' on the dense baseline",
      );
    if (layers && layers.length > 0) throw new ContractError(`${factory}.knockout`, 'routing knock-outs apply to every MoE layer', 'omit layers');
    return { ...config, routing: 'random' };
  };
}
