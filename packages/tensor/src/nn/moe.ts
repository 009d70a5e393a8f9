import * as tf from '@tensorflow/tfjs';
import type { ParameterFactory } from './init.js';
import type { BlockContext, BlockOutput } from './blocks.js';
import { oneHotFloat, stopGradient, swiglu, topKMask } from '../ops/index.js';
import { loadBalancingLoss, routerStats } from '../ops/moe.js';

/**
 * Routed-expert building blocks shared by the MoE plugins (moe, cartesian-moe, maskmoe), following
 * the authors' code as the spec (architectures.md §1.2) describes it. Shapes: n tokens, D model
 * width, N routed experts, k experts per token, h expert width, S shared experts of width hs.
 *
 * Dispatch is dense-masked: every expert runs on every token and a gate matrix that is zero for
 * unselected experts mixes them (outputs and gradients equal sparse dispatch); parameter and FLOP
 * counts are analytic (selected experts only).
 */

/** Which router decides the experts of a token. */
export type RoutingKind = 'softmax-topk' | 'hash' | 'top-p';
/** How a shared expert enters: the authors' learned 2-way softmax mix, DeepSeekMoE's sum, or none. */
export type SharedMix = 'softmax2' | 'additive' | 'none';

/** Evaluation switches that change routing (set through the model, read by every routed layer). */
export interface RoutingControl {
  /** CartesianMoE Table 4: drop each token's top-1 expert, then take the next k. */
  disableTop1: boolean;
}

export interface RoutedLayerOptions {
  readonly dModel: number;
  readonly experts: number;
  readonly topK: number;
  readonly expertHidden: number;
  readonly routing: RoutingKind;
  /** Top-p threshold (routing 'top-p'); kept weights are the raw probabilities. */
  readonly topP: number;
  /** Shared experts averaged into one shared branch (Fine-grained: 2 halves), 0 for none. */
  readonly sharedExperts: number;
  readonly sharedHidden: number;
  readonly sharedMix: SharedMix;
  /** Load-balancing coefficient (the papers' value was not recovered; 0.01 by convention). */
  readonly balanceCoefficient: number;
  /** Renormalise the selected probabilities: only when k > 1 (authors' code) or always. */
  readonly renormalize: 'k>1' | 'always';
  readonly initStd: number;
  readonly outStd: number;
  /** Frozen routing logits per token id [V, N] (routing 'hash'); not a variable. */
  readonly hashTable?: tf.Tensor2D;
  /** Frozen per-token visibility [V, N] of 0/1 (MaskMoE); masked experts get probability 0. */
  readonly tokenMask?: tf.Tensor2D;
}

/** The decoder context the routed layers need beyond BlockContext. */
export interface RoutedBlockContext extends BlockContext {
  /** [N, D] residual stream before the FFN's pre-norm (CartesianMoE's second sub-layer adds to it). */
  readonly residual?: tf.Tensor2D;
  readonly routing?: RoutingControl;
}

/** N SwiGLU experts with fused weights: wIn [D, N*2h] (gate then up per expert), wOut [N*h, D]. */
export class ExpertBank {
  readonly wIn: tf.Variable;
  readonly wOut: tf.Variable;

  constructor(params: ParameterFactory, name: string, readonly dModel: number, readonly count: number, readonly hidden: number, std: number, outStd: number) {
    this.wIn = params.normal(`${name}.wIn`, [dModel, count * 2 * hidden], std);
    this.wOut = params.normal(`${name}.wOut`, [count * hidden, dModel], outStd);
  }

  /** x [n, D], gates [n, N] -> sum_e gates[:, e] * E_e(x), [n, D]. */
  apply(x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const up = tf.reshape(tf.matMul(x, this.wIn as tf.Tensor2D), [n, this.count, 2 * this.hidden]); // [n, N, 2h]
    const [gate, value] = tf.split(up, 2, 2);
    const hidden = tf.mul(swiglu(gate, value), tf.expandDims(gates, 2)); // [n, N, h]
    return tf.matMul(tf.reshape(hidden, [n, this.count * this.hidden]), this.wOut as tf.Tensor2D) as tf.Tensor2D; // [n, D]
  }

  /** Parameters of one expert. */
  expertParams(): number {
    return 3 * this.dModel * this.hidden;
  }
}

/** The selected experts [n, N] (0/1) and their gates [n, N] of one routed sub-layer. */
export interface Routing {
  readonly logits: tf.Tensor2D;
  readonly probs: tf.Tensor2D;
  readonly selected: tf.Tensor2D;
  readonly gates: tf.Tensor2D;
  /** 0/1 [n, N] experts a token may use (mask and disable-top-1 applied). */
  readonly visible: tf.Tensor2D;
}

/**
 * Top-p selection (the authors' code): sort descending, keep the shortest prefix whose cumulative
 * probability exceeds p (the crossing expert included). Returns the 0/1 mask [n, N].
 */
export function topPMask(probs: tf.Tensor2D, p: number): tf.Tensor2D {
  // one custom-gradient op (zero gradient), so the comparisons inside never enter the tape
  const op = tf.customGrad((input, save) => {
    void save;
    const x = input as tf.Tensor2D;
    const experts = x.shape[1];
    const value = tf.tidy(() => {
      if (experts === 1) return tf.cast(tf.greater(x, 0), 'float32'); // the only expert (oneHot needs depth >= 2)
      const { values, indices } = tf.topk(x, experts, true); // [n, N] sorted descending
      const before = tf.sub(tf.cumsum(values, 1), values); // exclusive cumulative sum [n, N]
      const keep = tf.mul(tf.cast(tf.lessEqual(before, p), 'float32'), tf.cast(tf.greater(values, 0), 'float32')); // [n, N]
      return tf.sum(tf.mul(tf.expandDims(keep, 2), oneHotFloat(indices, experts)), 1); // back to expert order [n, N]
    });
    return { value, gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(probs) as tf.Tensor2D;
}

/** 0/1 mask [n, N] of each row's argmax (oneHot needs depth >= 2; one expert is always the argmax). */
function argmaxMask(logits: tf.Tensor2D): tf.Tensor2D {
  const experts = logits.shape[1];
  return (experts === 1 ? tf.onesLike(logits) : oneHotFloat(tf.argMax(logits, 1), experts)) as tf.Tensor2D;
}

/** One routed sub-layer: router, N experts, optional shared branch and its mix. */
export class RoutedExperts {
  readonly router?: tf.Variable; // [D, N]; absent for hash routing (a frozen table)
  readonly experts: ExpertBank;
  readonly shared?: ExpertBank;
  readonly mixW?: tf.Variable; // [D, 2]
  readonly mixB?: tf.Variable; // [2]

  constructor(params: ParameterFactory, readonly name: string, readonly options: RoutedLayerOptions) {
    const { dModel, experts, topK, expertHidden, initStd, outStd } = options;
    if (!Number.isInteger(topK) || topK < 1 || topK > experts) throw new Error(`${name}: topK must be in [1, ${experts}] (experts), got ${topK}.`);
    if (options.routing === 'hash' && !options.hashTable) throw new Error(`${name}: routing 'hash' needs a hashTable [vocab, ${experts}].`);
    if (options.routing !== 'hash') this.router = params.normal(`${name}.router.w`, [dModel, experts], initStd);
    this.experts = new ExpertBank(params, `${name}.experts`, dModel, experts, expertHidden, initStd, outStd);
    if (options.sharedExperts > 0 && options.sharedMix !== 'none') {
      this.shared = new ExpertBank(params, `${name}.shared`, dModel, options.sharedExperts, options.sharedHidden, initStd, outStd);
      if (options.sharedMix === 'softmax2') {
        this.mixW = params.normal(`${name}.mix.w`, [dModel, 2], initStd);
        this.mixB = params.zeros(`${name}.mix.b`, [2]);
      }
    }
  }

  /** Router probabilities in float32, the selection and the gates (§1.2 items 1, 5, 6). */
  route(x: tf.Tensor2D, tokenIds: tf.Tensor1D, control?: RoutingControl): Routing {
    const { experts, topK, routing, tokenMask, hashTable } = this.options;
    const raw = routing === 'hash' ? tf.gather(hashTable!, tokenIds) : tf.matMul(tf.cast(x, 'float32'), this.router as tf.Tensor2D); // [n, N]
    let visible = (tokenMask ? tf.gather(tokenMask, tokenIds) : tf.onesLike(raw)) as tf.Tensor2D; // [n, N]
    const logits = (tokenMask ? tf.add(raw, tf.mul(tf.sub(visible, 1), 1e9)) : raw) as tf.Tensor2D; // masked -> -1e9
    const probs = tf.softmax(logits) as tf.Tensor2D; // [n, N]; masked experts are exactly 0
    if (control?.disableTop1) visible = tf.mul(visible, tf.sub(1, argmaxMask(logits))) as tf.Tensor2D;
    const scores = tf.add(stopGradient(logits), tf.mul(tf.sub(visible, 1), 4e9)); // invisible far below masked
    const selected = (routing === 'top-p'
      ? tf.mul(topPMask(tf.mul(probs, visible) as tf.Tensor2D, this.options.topP), visible)
      : tf.mul(topKMask(scores, topK), visible)) as tf.Tensor2D; // [n, N], |I| = min(k, visible)
    let gates = tf.mul(probs, selected) as tf.Tensor2D;
    const renormalize = routing !== 'top-p' && (this.options.renormalize === 'always' || topK > 1);
    if (renormalize) gates = tf.div(gates, tf.maximum(tf.sum(gates, 1, true), 1e-30)) as tf.Tensor2D;
    return { logits, probs, selected, gates, visible };
  }

  /** y = c0 * routed + c1 * shared (softmax2), routed + shared (additive) or routed. */
  apply(x: tf.Tensor2D, context: RoutedBlockContext, statsPrefix: string): BlockOutput & { auxUnscaled?: tf.Scalar } {
    const r = this.route(x, context.tokenIds, context.routing);
    const routed = this.experts.apply(x, r.gates); // [n, D]
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
    const aux = auxUnscaled && this.options.balanceCoefficient > 0 ? tf.mul(auxUnscaled, this.options.balanceCoefficient) as tf.Scalar : undefined;
    if (context.training) return { y, aux, auxUnscaled };
    const stats: Record<string, tf.Tensor> = {};
    const rs = routerStats(r.probs, r.selected);
    for (const [key, value] of Object.entries(rs)) stats[`${statsPrefix}.${key}`] = value;
    stats[`${statsPrefix}.activeExperts`] = tf.mean(tf.sum(r.selected, 1));
    if (auxUnscaled) {
      stats[`${statsPrefix}.auxLoss`] = auxUnscaled;
      stats[`${statsPrefix}.auxLossScaled`] = tf.mul(auxUnscaled, this.options.balanceCoefficient);
    }
    if (mix) stats[`${statsPrefix}.sharedWeight`] = tf.mean(tf.slice(mix, [0, 1], [-1, 1]));
    return { y, aux, auxUnscaled, stats };
  }

  /** DeepSpeed's assignment mask: top-1 for k <= 2 (and top-p), all top-k for k > 2. */
  private balanceAssignment(r: Routing): tf.Tensor2D {
    if (this.options.routing !== 'top-p' && this.options.topK > 2) return r.selected;
    return argmaxMask(r.logits);
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

  /** Forward FLOPs per token: 2 x the active multiply-adds (top-p counts its nominal k). */
  flopsPerToken(): number {
    return 2 * this.params().active;
  }
}

/**
 * Frozen hash-routing logits [V, N] (Roller et al. 2021 as the authors' code uses it: a per-token
 * table whose row is the router logits). 'balanced' gives each token k experts, heaviest tokens
 * first, each to the currently least-loaded experts by training-count mass (balanced hashing);
 * 'random' draws the table from N(0, 1). Chosen experts get logit 0, others -1e9 (gates 1/k).
 */
export function hashTable(vocab: number, experts: number, k: number, mode: 'balanced' | 'random', seed: number, counts?: ArrayLike<number>): tf.Tensor2D {
  if (mode === 'random') return tf.keep(tf.randomNormal([vocab, experts], 0, 1, 'float32', seed || 1)) as tf.Tensor2D;
  const table = new Float32Array(vocab * experts).fill(-1e9);
  const load = new Float64Array(experts);
  const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => (counts?.[b] ?? 0) - (counts?.[a] ?? 0) || a - b);
  for (const id of order) {
    const picks = Array.from({ length: experts }, (_, e) => e).sort((a, b) => load[a] - load[b] || a - b).slice(0, k);
    for (const e of picks) {
      table[id * experts + e] = 0;
      load[e] += Math.max(1, counts?.[id] ?? 0) / k;
    }
  }
  return tf.keep(tf.tensor2d(table, [vocab, experts]));
}
