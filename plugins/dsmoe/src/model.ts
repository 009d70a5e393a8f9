import type { ForwardOptions, ForwardOutput, LanguageModel, ModelBuildContext, ModelFactory } from '@labbench/core';
import { ConfigError } from '@labbench/core';
import { DecoderLM, DenseFeedForward, copyMatchingWeights, localName, tf } from '@labbench/tensor';
import { dsmoeConfigSchema, dsmoeDefaults, ffnWeights, sliceWidth, type DsmoeConfig } from './config.js';
import { DsmoeFeedForward, type SparsityControl } from './layer.js';

const ACTIVE = /^dsmoe\.activeExperts\.layer(\d+)$/;
const LAMBDA_RANGE = [1e-4, 1e4] as const;

/**
 * A dense decoder converted to DSMoE (or one of the study's conversions). Training passes steer the
 * sparsity coefficient lambda towards the target activation (one global lambda, so the per-layer
 * profile stays free); `cost(stats)` gives inference FLOPs and active parameters at the measured
 * activation.
 */
export class DsmoeLM extends DecoderLM {
  readonly control: SparsityControl;

  constructor(
    readonly c: DsmoeConfig,
    context: ModelBuildContext,
    control: SparsityControl,
  ) {
    const outStd = c.initStd / Math.sqrt(2 * c.layers);
    const keep = c.pruneKeep * sliceWidth(c);
    super({ ...c, seqLen: context.seqLen }, context, {
      feedForward: (_layer, params) =>
        c.variant === 'prune'
          ? new DenseFeedForward(params, c.dModel, keep, c.activation, c.initStd, outStd)
          : new DsmoeFeedForward(params, c, c.initStd, outStd, control),
    });
    this.control = control;
  }

  /** Sets the evaluation threshold of a 'soft' model (the dsmoe-activation evaluator calibrates it). */
  setEvalThreshold(tau: number | null): void {
    (this.c as { evalThreshold: number | null }).evalThreshold = tau;
  }

  override forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    const out = super.forward(ids, options);
    const stats = { ...out.stats, 'dsmoe.lambda': tf.scalar(this.control.lambda) };
    const { sparsityTarget: target, variant, experts } = this.c;
    if (options.training && target !== null && (variant === 'dsmoe' || variant === 'no-ste')) {
      const active = Object.entries(out.stats ?? {})
        .filter(([name]) => ACTIVE.test(name))
        .map(([, t]) => t.dataSync()[0]);
      const share = active.reduce((a, b) => a + b, 0) / Math.max(1, active.length) / experts;
      const next = this.control.lambda * Math.exp(this.c.sparsityRate * (share - target));
      this.control.lambda = Math.min(LAMBDA_RANGE[1], Math.max(LAMBDA_RANGE[0], next));
    }
    return { ...out, stats };
  }

  /** The steered lambda: what a resumed training must get back. */
  trainingState(): unknown {
    return { lambda: this.control.lambda };
  }

  restoreTrainingState(state: unknown): void {
    const lambda = (state as { lambda?: unknown })?.lambda;
    if (typeof lambda !== 'number') throw new Error('DsmoeLM.restoreTrainingState: not a state its trainingState() returned.');
    this.control.lambda = lambda;
  }

  /** Efficiency at the measured activation: `dsmoe.activeExperts.layer<l>` averaged over held-out tokens. */
  cost(stats: Readonly<Record<string, readonly number[]>>) {
    const { experts: n, variant } = this.c;
    if (variant === 'prune' || variant === 'topk') return {};
    const full = ffnWeights(this.c);
    let flops = this.flopsPerToken().inference;
    let params = this.params().total;
    for (const [name, value] of Object.entries(stats)) {
      if (!ACTIVE.test(name)) continue;
      const share = value[0] / n;
      flops -= 2 * full * (1 - share); // (#active / n) 6dD + 2dn per layer (SwiGLU)
      params -= full * (1 - share);
    }
    return { inferenceFlopsPerToken: flops, activeParams: params };
  }
}

/** Static block pruning: per layer, keep the `keep` slices with the largest ||W_d slice||_F, in order. */
function pruneFrom(from: LanguageModel, to: DsmoeLM): void {
  const c = to.c;
  const width = sliceWidth(c);
  const source = new Map(from.variables.map((v) => [localName(v), v]));
  to.layers.forEach((block, layer) => {
    const wIn = source.get(`layer${layer}.ffn.wIn`);
    const wOut = source.get(`layer${layer}.ffn.wOut`);
    const ffn = block.feedForward as DenseFeedForward;
    if (!wIn || !wOut) throw new ConfigError('dsmoe › initFrom', `the model to convert has no layer${layer}.ffn.wIn / wOut.`, 'Point initFrom at an arm whose model is a dense decoder.');
    tf.tidy(() => {
      const norms = tf.sqrt(tf.sum(tf.square(tf.reshape(wOut, [c.experts, width * c.dModel])), 1)).arraySync() as number[]; // [n]
      const kept = norms
        .map((v, i) => [v, i] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, c.pruneKeep)
        .map(([, i]) => i)
        .sort((a, b) => a - b);
      const columns = kept.flatMap((i) => Array.from({ length: width }, (_, j) => i * width + j)); // [keep D/n]
      const index = tf.tensor1d(columns, 'int32');
      const upIndex = tf.tensor1d(
        columns.map((j) => j + c.ffnHidden),
        'int32',
      ); // the up projection's columns
      const gathered =
        c.activation === 'swiglu'
          ? tf.concat([tf.gather(wIn, index, 1), tf.gather(wIn, upIndex, 1)], 1) // [d, 2 keep D/n]
          : tf.gather(wIn, index, 1);
      ffn.wIn.assign(gathered);
      ffn.wOut.assign(tf.gather(wOut, index, 0)); // [keep D/n, d]
    });
  });
}

export const dsmoeModel: ModelFactory<DsmoeConfig> = {
  id: 'dsmoe',
  kind: 'causal',
  description:
    'DSMoE: a trained dense FFN cut into n contiguous experts with thresholded sigmoid gates (STE, L1 sparsity, rescale n/#active); also the top-k conversion, static pruning and the no-STE / threshold-at-eval ablations.',
  defaults: dsmoeDefaults,
  configSchema: dsmoeConfigSchema,
  create(config, context): LanguageModel {
    const c: DsmoeConfig = { ...dsmoeDefaults, ...config };
    sliceWidth(c);
    if (c.variant === 'topk' && c.topK > c.experts) throw new ConfigError('dsmoe › modelConfig.topK', `topK (${c.topK}) must be <= experts (${c.experts}).`, 'Lower topK or raise experts.');
    if (c.variant === 'prune' && c.pruneKeep > c.experts) throw new ConfigError('dsmoe › modelConfig.pruneKeep', `pruneKeep (${c.pruneKeep}) must be <= experts (${c.experts}).`, 'Lower pruneKeep or raise experts.');
    const model = new DsmoeLM(c, context, { lambda: c.sparsityLambda });
    if (context.initFrom) {
      copyMatchingWeights(context.initFrom, model);
      if (c.variant === 'prune') pruneFrom(context.initFrom, model);
    }
    return model;
  },
};
