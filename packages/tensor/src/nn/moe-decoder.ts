import * as tf from '#tfjs';
import type { ForwardOptions, ForwardOutput, ModelBuildContext } from '@labbench/core';
import { DecoderLM, type DecoderConfig, type DecoderHooks } from './decoder.js';
import type { RoutingControl } from './moe.js';

/** One routing snapshot: the top-1 experts of the first validation batch after some training steps. */
export interface RoutingProbe {
  readonly step: number;
  readonly shape: readonly [number, number];
  readonly tokenIds: Int32Array;
  /** Per router stat name (e.g. `moe.top1.layer0`): top-1 expert per token, -1 when none. */
  readonly top1: Readonly<Record<string, Float32Array>>;
}

const TOP1 = /\.top1\.layer\d+$/;

/**
 * The reference decoder with what routed models need on top:
 * - the residual stream and a routing control in every block's context (a second stacked routed
 *   sub-layer adds to the residual; `setRoutingMode({ ... })` sets evaluation switches that the
 *   plugins' routing policies read, e.g. disabling each token's top-1 expert);
 * - routing probes for the routing-fluctuation metric: the first forward pass without training
 *   after training steps (the trainer's first validation batch at a checkpoint) records each
 *   router's top-1 expert per token. At every later such probe the model adds the earlier probe
 *   closest to half of its training steps to the pass's stats (`probe.*`), so the trainer stores
 *   it in `modelStats` and an evaluator can compare it with the final model's routing;
 * - the training-split token counts it was built with (`trainingTokenCounts`, for by-frequency
 *   evaluation: core does not hand them to evaluators).
 */
export class RoutedDecoderLM extends DecoderLM {
  readonly control: RoutingControl;
  readonly trainingTokenCounts?: Float64Array;
  /** Training forward passes so far: the training step, since the trainer runs one per step. */
  private trainingSteps = 0;
  private probedAtStep = 0;
  private readonly probes: RoutingProbe[] = [];

  constructor(config: DecoderConfig & Record<string, unknown>, context: ModelBuildContext, hooks: DecoderHooks, control: RoutingControl = {}) {
    super(config, context, hooks);
    this.control = control;
    this.trainingTokenCounts = context.tokenCounts;
  }

  /** Evaluation switches; returns the previous mode so callers can restore it. */
  setRoutingMode(mode: Partial<RoutingControl>): RoutingControl {
    // the previous value of every switch it sets (off when never set), so restoring turns them back
    const previous = Object.fromEntries(Object.keys(mode).map((key) => [key, this.control[key] ?? false]));
    Object.assign(this.control, mode);
    return previous;
  }

  /** Probes recorded so far (in memory only; a model loaded from a checkpoint has none). */
  routingProbes(): readonly RoutingProbe[] {
    return this.probes;
  }

  override forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    if (options.training) {
      this.trainingSteps++;
      return this.decode(ids, options);
    }
    const out = this.decode(ids, options);
    if (this.trainingSteps > this.probedAtStep && out.stats) this.probe(ids, out.stats as Record<string, tf.Tensor>);
    return out;
  }

  private probe(ids: tf.Tensor2D, stats: Record<string, tf.Tensor>): void {
    this.probedAtStep = this.trainingSteps;
    const top1: Record<string, Float32Array> = {};
    for (const [name, value] of Object.entries(stats)) if (TOP1.test(name)) top1[name] = Float32Array.from(value.dataSync() as Float32Array);
    if (Object.keys(top1).length === 0) return;
    const earlier = this.probes.filter((p) => p.step < this.trainingSteps);
    this.probes.push({ step: this.trainingSteps, shape: [ids.shape[0], ids.shape[1]], tokenIds: Int32Array.from(ids.dataSync() as Int32Array), top1 });
    if (earlier.length === 0) return;
    const half = this.trainingSteps / 2;
    const mid = earlier.reduce((best, p) => (Math.abs(p.step - half) < Math.abs(best.step - half) ? p : best));
    stats['probe.step'] = tf.scalar(mid.step);
    stats['probe.finalStep'] = tf.scalar(this.trainingSteps);
    stats['probe.shape'] = tf.tensor1d([...mid.shape]);
    stats['probe.tokenIds'] = tf.tensor1d(Float32Array.from(mid.tokenIds));
    for (const [name, values] of Object.entries(mid.top1)) stats[`probe.${name}`] = tf.tensor1d(values);
  }

  /** The training passes seen and the routing probes: what a resumed training must get back. */
  trainingState(): unknown {
    return { trainingSteps: this.trainingSteps, probedAtStep: this.probedAtStep, probes: this.probes };
  }

  restoreTrainingState(state: unknown): void {
    const s = state as { trainingSteps: number; probedAtStep: number; probes: RoutingProbe[] };
    if (!Number.isInteger(s?.trainingSteps) || !Number.isInteger(s.probedAtStep) || !Array.isArray(s.probes)) throw new Error('RoutedDecoderLM.restoreTrainingState: not a state its trainingState() returned.');
    this.trainingSteps = s.trainingSteps;
    this.probedAtStep = s.probedAtStep;
    this.probes.splice(0, this.probes.length, ...s.probes);
  }

  /** The reference decoder's forward pass with the routing control (and, training, the step) in every block's context. */
  private decode(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    return this.run(ids, options, { routing: this.control, ...(options.training ? { trainingStep: this.trainingSteps } : {}) }).output;
  }
}
