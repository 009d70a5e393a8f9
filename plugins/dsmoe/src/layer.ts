import { DenseFeedForward, loadBalancingLoss, tf, topKMask, type BlockContext, type BlockOutput, type FeedForward, type ParameterFactory } from '@labbench/tensor';
import { ffnWeights, sliceWidth, type DsmoeConfig } from './config.js';
import { activeMask, rescale, straightThroughGate, thresholded } from './gate.js';

/** The sparsity-loss coefficient, shared by every layer of a model and steered by the model. */
export interface SparsityControl {
  lambda: number;
}

/**
 * The reference decoder's dense FFN read as n contiguous experts (spec §3.2): expert i is column
 * block i of W_gate and W_up and row block i of W_down, so sum_i o_i equals the dense FFN (eq. 6).
 * It is the dense FFN itself (same variables `ffn.wIn` [d, 2D], `ffn.wOut` [D, d], names and init),
 * so a trained dense model converts by name.
 */
export class PartitionedFfn extends DenseFeedForward {
  constructor(
    params: ParameterFactory,
    readonly c: DsmoeConfig,
    std: number,
    outStd: number,
  ) {
    super(params, c.dModel, c.ffnHidden, c.activation, std, outStd);
  }

  /** Expert outputs o_i [n, N, d]. */
  expertOutputs(x: tf.Tensor2D): tf.Tensor3D {
    const { experts: n, dModel: d } = this.c;
    const width = sliceWidth(this.c);
    const hidden = this.hiddenActivations(x); // [N, D]
    const rows = x.shape[0];
    const h = tf.transpose(tf.reshape(hidden, [rows, n, width]), [1, 0, 2]); // [n, N, D/n]
    return tf.matMul(h, tf.reshape(this.wOut, [n, width, d])) as tf.Tensor3D; // [n, N, d]
  }
}

/** sum_i o_i w_i: o [n, N, d], w [N, n] -> [N, d]. */
function mixExperts(o: tf.Tensor3D, w: tf.Tensor): tf.Tensor2D {
  return tf.sum(tf.mul(o, tf.expandDims(tf.transpose(w), 2)), 0) as tf.Tensor2D;
}

/**
 * The DSMoE FFN and its gated ablations ('dsmoe', 'no-ste', 'soft') and the LLaMA-MoE-style
 * top-k conversion ('topk'). All experts are computed (training FLOPs = dense); `dsmoe.activeExperts`
 * is the mean number of experts over threshold per token.
 */
export class DsmoeFeedForward implements FeedForward {
  readonly ffn: PartitionedFfn;
  readonly gate: tf.Variable; // [d, n]: Y (gated variants) or the router W_r ('topk')

  constructor(
    params: ParameterFactory,
    readonly c: DsmoeConfig,
    std: number,
    outStd: number,
    readonly control: SparsityControl,
  ) {
    this.ffn = new PartitionedFfn(params, c, std, outStd);
    this.gate = params.normal(c.variant === 'topk' ? 'ffn.router' : 'ffn.gate', [c.dModel, c.experts], c.variant === 'topk' ? std : c.gateInitStd);
  }

  apply(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    return this.c.variant === 'topk' ? this.applyTopK(x, context) : this.applyGated(x, context);
  }

  private applyGated(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    const { experts: n, threshold: tau, variant, layers } = this.c;
    const o = this.ffn.expertOutputs(x); // [n, N, d]
    const q = tf.sigmoid(tf.matMul(x, this.gate as tf.Tensor2D)); // [N, n]
    // training always uses tau ('soft': no threshold); evaluation uses the calibrated threshold when set
    const evalTau = context.training ? (variant === 'soft' ? null : tau) : (this.c.evalThreshold ?? (variant === 'soft' ? null : tau));
    let g: tf.Tensor; // [N, n] gate values used
    let mask: tf.Tensor; // [N, n] experts over threshold
    let scale: tf.Tensor | number = 1;
    if (evalTau === null) {
      g = q;
      mask = tf.onesLike(q);
    } else {
      mask = activeMask(q, evalTau);
      g = variant === 'dsmoe' ? straightThroughGate(q, evalTau) : thresholded(q, evalTau);
      if (variant !== 'soft' || this.c.softEvalRescale) scale = rescale(mask, n); // [N, 1]
    }
    const y = tf.mul(mixExperts(o, g), scale) as tf.Tensor2D; // [N, d]
    const stats = { 'dsmoe.activeExperts': tf.mean(tf.sum(mask, 1)) };
    if (!context.training) return { y, stats };
    // eq. 19: (1 / (L n)) sum_l sum_i G(q_i), averaged over tokens; 'soft' penalises sigmoid(q) itself
    const penalised = variant === 'soft' ? q : this.c.sparsityOn === 'S' ? g : thresholded(q, tau);
    const aux = tf.mul(tf.mean(tf.sum(penalised, 1)), this.control.lambda / (layers * n)) as tf.Scalar;
    return { y, aux, stats };
  }

  private applyTopK(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    const { experts: n, topK: k } = this.c;
    const o = this.ffn.expertOutputs(x); // [n, N, d]
    const p = tf.softmax(tf.matMul(x, this.gate as tf.Tensor2D)) as tf.Tensor2D; // [N, n]
    const mask = topKMask(p, k) as tf.Tensor2D; // [N, n], k ones per row
    const chosen = tf.mul(p, mask); // [N, n]
    const g = tf.div(chosen, tf.sum(chosen, 1, true)); // [N, n], rows sum to 1
    const y = mixExperts(o, this.c.topKOutputScale === 'n' ? tf.mul(g, n) : g); // [N, d]
    const stats = { 'dsmoe.activeExperts': tf.scalar(k) };
    if (!context.training) return { y, stats };
    return { y, aux: tf.mul(loadBalancingLoss(p, mask), this.c.balanceCoefficient) as tf.Scalar, stats };
  }

  params() {
    const total = this.ffn.wIn.size + this.ffn.wOut.size + this.gate.size;
    const experts = ffnWeights(this.c);
    // 'topk' activates k of n slices by construction; the gated variants' activation is an outcome (see cost())
    const active = this.c.variant === 'topk' ? total - experts + (experts * this.c.topK) / this.c.experts : total;
    return { total, active };
  }

  /** As implemented: every expert computed, plus the gate (DSMoE inference FLOPs at the measured activation come from the model's cost()). */
  flopsPerToken(): number {
    const experts = ffnWeights(this.c);
    const computed = this.c.variant === 'topk' ? (experts * this.c.topK) / this.c.experts : experts;
    return 2 * computed + 2 * this.gate.size;
  }
}
