import * as tf from '#tfjs';
import type { ParameterFactory } from './init.js';
import type { BlockContext, BlockOutput } from './blocks.js';
import { oneHotFloat, stopGradient, sumRows, swiglu, topKMask } from '../ops/index.js';
import { loadBalancingLoss, routerStats } from '../ops/moe.js';

/**
 * Routed-expert building blocks (architectures.md §1.2): an expert bank, a routing primitive and a
 * routed sub-layer that takes its routing policy from the plugin that owns it (hash, top-p, masks
 * and evaluation switches live in the MoE plugins). Shapes: n tokens, D model width, N routed
 * experts, k experts per token, h expert width, S shared experts of width hs.
 *
 * Routed experts use sparse dispatch: each expert runs only on the tokens routed to it (gathered
 * rows, summed back per token), with no capacity limit, so no token is dropped. Shared experts, which
 * see every token, run dense. Parameter and FLOP counts are analytic (selected experts only).
 * Campaign tag campaign-v1 ran the routed experts dense-masked (every expert on every token, gates
 * zero for unselected experts): the same outputs and gradients up to float rounding, at N / k times
 * the expert compute (8x for top-1 of 8).
 */

/** How a shared expert enters: the learned 2-way softmax mix (DeepSpeed Residual-MoE), a plain sum, or none. */
export type SharedMix = 'softmax2' | 'additive' | 'none';

/** Evaluation switches a model hands to its routing policies (named by the plugin that reads them). */
export type RoutingControl = Record<string, boolean>;

/**
 * How the selected probabilities become gates: `raw` keeps p; `renormalize` divides by their sum
 * over the selected experts. With one expert per token, full renormalisation would give the router
 * no gradient (p / p), so for k = 1 the denominator is held constant: the gate is exactly 1 and the
 * router still learns through d(log p).
 */
export type GateNormalization = 'raw' | 'renormalize';

/** What a routing policy sees for one batch of tokens. */
export interface RoutingInput {
  /** [n, N] float32 logits x W_r of the layer's trainable router; absent when the policy has none. */
  readonly logits?: tf.Tensor2D;
  /** [n] int32 token ids. */
  readonly tokenIds: tf.Tensor1D;
  readonly experts: number;
  readonly k: number;
  readonly training: boolean;
  readonly control?: RoutingControl;
  /**
   * In a training pass, the model's count of training passes, this one included (1 at the first
   * step): a policy that draws anew every step seeds its draw with it, so the draw is a function of
   * the step, not of a counter a resumed training would have to restore.
   */
  readonly step?: number;
}

/** A policy's decision, which the routing primitive `routeTokens` turns into selection and gates. */
export interface RoutingDecision {
  /** [n, N] router logits (probabilities are their softmax, in float32). */
  readonly logits: tf.Tensor2D;
  /** 0/1 [n, N] experts a token may use at all; the others get logit -1e9, i.e. probability 0. */
  readonly visible?: tf.Tensor2D;
  /** [n, N] selection scores (default: the logits); never differentiated. */
  readonly scores?: tf.Tensor2D;
  /** 0/1 [n, N] experts removed from the selection only (probabilities unchanged), from the masked ranking (scores, else logits). */
  readonly exclude?: (ranking: tf.Tensor2D) => tf.Tensor2D;
  /** 0/1 [n, N] selection from the probabilities and eligible experts (default: top-k of the scores). */
  readonly select?: (probs: tf.Tensor2D, eligible: tf.Tensor2D) => tf.Tensor2D;
  readonly gates: GateNormalization;
}

/** A routing policy: what a routed sub-layer asks its owner plugin for every batch. */
export interface RoutingPolicy {
  /** Whether the sub-layer trains a router W_r [D, N] (a frozen table or a random policy does not). */
  readonly learnedRouter: boolean;
  decide(input: RoutingInput): RoutingDecision;
}

/** The selected experts [n, N] (0/1) and their gates [n, N] of one routed sub-layer. */
export interface Routing {
  /** [n, N] logits after the visibility mask. */
  readonly logits: tf.Tensor2D;
  readonly probs: tf.Tensor2D;
  readonly selected: tf.Tensor2D;
  readonly gates: tf.Tensor2D;
  /** 0/1 [n, N] experts a token could be routed to (visibility and exclusions applied). */
  readonly visible: tf.Tensor2D;
}

/** 0/1 mask [n, N] of each row's argmax (oneHot needs depth >= 2; one expert is always the argmax). */
export function argmaxMask(logits: tf.Tensor2D): tf.Tensor2D {
  const experts = logits.shape[1];
  return (experts === 1 ? tf.onesLike(logits) : oneHotFloat(tf.argMax(logits, 1), experts)) as tf.Tensor2D;
}

/**
 * The routing primitive: softmax over the (visibility-masked) logits in float32, the selection
 * among eligible experts (|I| = min(k, eligible)), and the gates.
 */
export function routeTokens(decision: RoutingDecision, k: number): Routing {
  const { logits: raw, visible } = decision;
  const mask = (t: tf.Tensor2D) => (visible ? tf.add(t, tf.mul(tf.sub(visible, 1), 1e9)) : t) as tf.Tensor2D; // invisible -> -1e9
  const logits = mask(raw);
  const probs = tf.softmax(logits) as tf.Tensor2D; // [n, N]; invisible experts are exactly 0
  let eligible = (visible ?? tf.onesLike(raw)) as tf.Tensor2D;
  const excluded = decision.exclude?.(decision.scores ? mask(decision.scores) : logits); // e.g. each token's top-ranked expert
  if (excluded) eligible = tf.mul(eligible, tf.sub(1, excluded)) as tf.Tensor2D;
  const selected = (
    decision.select
      ? tf.mul(decision.select(probs, eligible), eligible)
      : tf.mul(topKMask(tf.add(stopGradient(decision.scores ?? logits), tf.mul(tf.sub(eligible, 1), 4e9)), k), eligible)
  ) as tf.Tensor2D; // ineligible far below masked
  let gates = tf.mul(probs, selected) as tf.Tensor2D;
  if (decision.gates === 'renormalize') {
    const sum = tf.maximum(tf.sum(gates, 1, true), 1e-30); // [n, 1]
    gates = tf.div(gates, k === 1 ? stopGradient(sum) : sum) as tf.Tensor2D;
  }
  return { logits, probs, selected, gates, visible: eligible };
}

/** When selected probabilities are renormalised: only for k > 1 (the authors' code) or always. */
export type Renormalize = 'k>1' | 'always';

export function gatesFor(renormalize: Renormalize, k: number): GateNormalization {
  return renormalize === 'always' || k > 1 ? 'renormalize' : 'raw';
}

/** The standard router: softmax top-k of x W_r, renormalised when k > 1 (the authors' code) or always. */
export function softmaxTopK(renormalize: Renormalize = 'k>1'): RoutingPolicy {
  return { learnedRouter: true, decide: ({ logits, k }) => ({ logits: logits!, gates: gatesFor(renormalize, k) }) };
}

export interface RoutedLayerOptions {
  readonly dModel: number;
  readonly experts: number;
  readonly topK: number;
  readonly expertHidden: number;
  /** The owner plugin's routing policy (default: softmax top-k, renormalised when k > 1). */
  readonly policy?: RoutingPolicy;
  /** Shared experts averaged into one shared branch (Fine-grained: 2 halves), 0 for none. */
  readonly sharedExperts: number;
  readonly sharedHidden: number;
  readonly sharedMix: SharedMix;
  /** Load-balancing coefficient (the papers' value was not recovered; 0.01 by convention). */
  readonly balanceCoefficient: number;
  readonly initStd: number;
  readonly outStd: number;
}

/** The decoder context the routed layers need beyond BlockContext. */
export interface RoutedBlockContext extends BlockContext {
  /** [N, D] residual stream before the FFN's pre-norm (a second routed sub-layer adds to it). */
  readonly residual?: tf.Tensor2D;
  readonly routing?: RoutingControl;
  /** `RoutingInput.step` of a training pass. */
  readonly trainingStep?: number;
}

/**
 * Host-side dispatch plan from a 0/1 selection [n * N] (row-major): the token of each selected
 * (token, expert) pair grouped by expert and in token order within one (`rows`), the pair's index
 * into the flattened [n, N] gates (`cells`), and the number of tokens per expert.
 */
export function expertBuckets(selected: ArrayLike<number>, n: number, experts: number): { rows: Int32Array; cells: Int32Array; counts: number[] } {
  const counts = new Array<number>(experts).fill(0);
  for (let t = 0; t < n; t++) for (let e = 0; e < experts; e++) if (selected[t * experts + e] !== 0) counts[e]++;
  const starts = counts.map((_, e) => counts.slice(0, e).reduce((a, b) => a + b, 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const rows = new Int32Array(total);
  const cells = new Int32Array(total);
  for (let t = 0; t < n; t++) {
    for (let e = 0; e < experts; e++) {
      if (selected[t * experts + e] === 0) continue;
      const at = starts[e]++;
      rows[at] = t;
      cells[at] = t * experts + e;
    }
  }
  return { rows, cells, counts };
}

/** tf.split, except that one part is the tensor itself (the gradient of a one-way split fails in tfjs). */
function splitParts(t: tf.Tensor, parts: number | number[], axis: number): tf.Tensor[] {
  const count = typeof parts === 'number' ? parts : parts.length;
  return count > 1 ? tf.split(t, parts, axis) : [t];
}

/** N SwiGLU experts with fused weights: wIn [D, N*2h] (gate then up per expert), wOut [N*h, D]. */
export class ExpertBank {
  readonly wIn: tf.Variable;
  readonly wOut: tf.Variable;

  constructor(
    params: ParameterFactory,
    name: string,
    readonly dModel: number,
    readonly count: number,
    readonly hidden: number,
    std: number,
    outStd: number,
  ) {
    this.wIn = params.normal(`${name}.wIn`, [dModel, count * 2 * hidden], std);
    this.wOut = params.normal(`${name}.wOut`, [count * hidden, dModel], outStd);
  }

  /** Dense: x [n, D], gates [n, N] -> sum_e gates[:, e] * E_e(x), [n, D], every expert on every token. */
  apply(x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const up = tf.reshape(tf.matMul(x, this.wIn as tf.Tensor2D), [n, this.count, 2 * this.hidden]); // [n, N, 2h]
    const [gate, value] = tf.split(up, 2, 2);
    const hidden = tf.mul(swiglu(gate, value), tf.expandDims(gates, 2)); // [n, N, h]
    return tf.matMul(tf.reshape(hidden, [n, this.count * this.hidden]), this.wOut as tf.Tensor2D) as tf.Tensor2D; // [n, D]
  }

  /**
   * Sparse: the same sum over the selected experts only (0/1 `selected` [n, N]; gates of unselected
   * experts are ignored, as they are zero in a routing). Reads the selection on the host, gathers
   * each expert's tokens (in token order) into one [M, D] block, runs expert e on its rows only,
   * and sums the M outputs back into their tokens: gather and segment-sum carry the gradients to x
   * and to the gates, and a split of the fused weights carries them to each expert's slice. The
   * host read is cheap on the CPU backends; on a GPU backend it is a sync point per routed layer.
   */
  applySelected(x: tf.Tensor2D, gates: tf.Tensor2D, selected: tf.Tensor2D): tf.Tensor2D {
    const [n, experts] = [x.shape[0], this.count];
    const { rows, cells, counts } = expertBuckets(selected.dataSync(), n, experts);
    if (rows.length === 0) return tf.zeros([n, this.dModel]);
    const used = counts.flatMap((c, e) => (c > 0 ? [e] : []));
    const sizes = used.map((e) => counts[e]);
    const rowIndex = tf.tensor1d(rows, 'int32');
    const xs = tf.gather(x, rowIndex); // [M, D], grouped by expert
    const gs = tf.expandDims(tf.gather(tf.reshape(gates, [n * experts]), tf.tensor1d(cells, 'int32')), 1); // [M, 1]
    const xParts = splitParts(xs, sizes, 0);
    const gParts = splitParts(gs, sizes, 0);
    const wIn = splitParts(this.wIn, experts, 1); // [D, 2h] each
    const wOut = splitParts(this.wOut, experts, 0); // [h, D] each
    const outs = used.map((e, i) => {
      const [gate, value] = tf.split(tf.matMul(xParts[i], wIn[e]), 2, 1); // [m, h] each
      return tf.matMul(tf.mul(swiglu(gate, value), gParts[i]), wOut[e]); // [m, D]
    });
    const ys = outs.length > 1 ? tf.concat(outs, 0) : outs[0]; // [M, D]
    return sumRows(ys, rowIndex, n) as tf.Tensor2D;
  }

  /** Parameters of one expert. */
  expertParams(): number {
    return 3 * this.dModel * this.hidden;
  }
}

/** One routed sub-layer: router (when the policy learns one), N experts, optional shared branch and its mix. */
export class RoutedExperts {
  readonly router?: tf.Variable; // [D, N]
  readonly experts: ExpertBank;
  readonly shared?: ExpertBank;
  readonly mixW?: tf.Variable; // [D, 2]
  readonly mixB?: tf.Variable; // [2]
  readonly policy: RoutingPolicy;

  constructor(
    params: ParameterFactory,
    readonly name: string,
    readonly options: RoutedLayerOptions,
  ) {
    const { dModel, experts, topK, expertHidden, initStd, outStd } = options;
    if (!Number.isInteger(topK) || topK < 1 || topK > experts) throw new Error(`${name}: topK must be in [1, ${experts}] (experts), got ${topK}.`);
    this.policy = options.policy ?? softmaxTopK();
    if (this.policy.learnedRouter) this.router = params.normal(`${name}.router.w`, [dModel, experts], initStd);
    this.experts = new ExpertBank(params, `${name}.experts`, dModel, experts, expertHidden, initStd, outStd);
    if (options.sharedExperts > 0 && options.sharedMix !== 'none') {
      this.shared = new ExpertBank(params, `${name}.shared`, dModel, options.sharedExperts, options.sharedHidden, initStd, outStd);
      if (options.sharedMix === 'softmax2') {
        this.mixW = params.normal(`${name}.mix.w`, [dModel, 2], initStd);
        this.mixB = params.zeros(`${name}.mix.b`, [2]);
      }
    }
  }

  /** Router logits in float32 (when learned), the policy's decision, and the routing primitive. */
  route(x: tf.Tensor2D, tokenIds: tf.Tensor1D, control?: RoutingControl, training = false, step?: number): Routing {
    const { experts, topK } = this.options;
    const logits = this.router ? (tf.matMul(tf.cast(x, 'float32'), this.router as tf.Tensor2D) as tf.Tensor2D) : undefined; // [n, N]
    return routeTokens(this.policy.decide({ logits, tokenIds, experts, k: topK, training, control, step }), topK);
  }

  /** y = c0 * routed + c1 * shared (softmax2), routed + shared (additive) or routed. */
  apply(x: tf.Tensor2D, context: RoutedBlockContext, statsPrefix: string): BlockOutput & { auxUnscaled?: tf.Scalar } {
    const r = this.route(x, context.tokenIds, context.routing, context.training, context.trainingStep);
    const routed = this.experts.applySelected(x, r.gates, r.selected); // [n, D]
    let y = routed;
    let mix: tf.Tensor2D | undefined;
    if (this.shared) {
      const s = this.options.sharedExperts;
      const shared = this.shared.apply(x, tf.fill([x.shape[0], s], 1 / s) as tf.Tensor2D); // mean of S shared experts [n, D]
      if (this.mixW) {
        mix = tf.softmax(tf.add(tf.matMul(x, this.mixW as tf.Tensor2D), this.mixB!)) as tf.Tensor2D; // [n, 2]
        const [c0, c1] = tf.split(mix, 2, 1);
        y = tf.add(tf.mul(c0, routed), tf.mul(c1, shared)) as tf.Tensor2D;
      } else y = tf.add(routed, shared) as tf.Tensor2D;
    }
    const auxUnscaled = this.router ? loadBalancingLoss(r.probs, this.balanceAssignment(r)) : undefined;
    const aux = auxUnscaled && this.options.balanceCoefficient > 0 ? (tf.mul(auxUnscaled, this.options.balanceCoefficient) as tf.Scalar) : undefined;
    if (context.training) return { y, aux, auxUnscaled };
    const stats: Record<string, tf.Tensor> = {};
    const rs = routerStats(r.probs, r.selected);
    for (const [key, value] of Object.entries(rs)) stats[`${statsPrefix}.${key}`] = value;
    stats[`${statsPrefix}.activeExperts`] = tf.mean(tf.sum(r.selected, 1));
    stats[`${statsPrefix}.gateSum`] = tf.mean(tf.sum(r.gates, 1));
    if (auxUnscaled) {
      stats[`${statsPrefix}.auxLoss`] = auxUnscaled;
      stats[`${statsPrefix}.auxLossScaled`] = tf.mul(auxUnscaled, this.options.balanceCoefficient);
    }
    if (mix) stats[`${statsPrefix}.sharedWeight`] = tf.mean(tf.slice(mix, [0, 1], [-1, 1]));
    return { y, aux, auxUnscaled, stats };
  }

  /** DeepSpeed's assignment mask: top-1 for k <= 2, all top-k for k > 2. */
  private balanceAssignment(r: Routing): tf.Tensor2D {
    return this.options.topK > 2 ? r.selected : argmaxMask(r.logits);
  }

  /** Analytic counts: all weights, and what one token uses (router, k experts, shared, mix). */
  params(): { total: number; active: number } {
    const { dModel, experts, topK } = this.options;
    const router = this.router ? dModel * experts : 0;
    const shared = this.shared ? this.shared.count * this.shared.expertParams() : 0;
    const mix = this.mixW ? 2 * dModel + 2 : 0;
    const expert = this.experts.expertParams();
    return { total: router + experts * expert + shared + mix, active: router + topK * expert + shared + mix };
  }

  /** Forward FLOPs per token: 2 x the active multiply-adds (a variable-size policy counts its nominal k). */
  flopsPerToken(): number {
    return 2 * this.params().active;
  }
}
