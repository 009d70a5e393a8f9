import { DenseFeedForward, rmsNorm, swiglu, tf, type BlockContext, type BlockOutput, type ParameterFactory, type ResidualFeedForward } from '@labbench/tensor';
import { expertParams, expertWidth, ffnFlops, overheadParams, type FinedeepConfig } from './config.js';
import { nsarStats } from './nsar.js';

/**
 * One Finedeep expert sub-layer m: K SwiGLU experts of width D_e, all computed, weighted by the
 * output-guided sigmoid router. Weights are stored fused like the dense FFN, so sub-layer m holds
 * columns [gate | up] of K D_e each and rows K D_e of W_d; with M = 1 the split of the dense FFN
 * is exact (partition identity).
 */
export class ExpertSubLayer {
  readonly wIn: tf.Variable; // [d, 2 K D_e] (SwiGLU: gate blocks then up blocks) or [d, K D_e] (ReLU)
  readonly wOut: tf.Variable; // [K D_e, d]
  readonly router: tf.Variable; // [K, d] per-expert r_{m,k}, or [1, d] shared r_m
  readonly norm?: tf.Variable; // [d] RMSNorm_m for m >= 2 (sub-layer 1 uses the decoder's pre-FFN norm)

  constructor(
    params: ParameterFactory,
    readonly c: FinedeepConfig,
    readonly m: number,
    std: number,
    outStd: number,
  ) {
    const { dModel: d, expertsPerSubLayer: K } = c;
    const width = K * expertWidth(c);
    this.wIn = params.normal(`ffn.sub${m}.wIn`, [d, c.activation === 'swiglu' ? 2 * width : width], std);
    this.wOut = params.normal(`ffn.sub${m}.wOut`, [width, d], outStd);
    this.router = params.normal(`ffn.sub${m}.router`, [c.router === 'per-expert' ? K : 1, d], std);
    if (m > 0) this.norm = params.ones(`ffn.sub${m}.norm`, [d]);
  }

  /** The hidden h [N, K D_e] fed to W_d and, when asked (NSAR, evaluation only), the activation outputs (SiLU(x W_g) or relu). */
  hidden(x: tf.Tensor2D, withActivation = true): { activation?: tf.Tensor2D; hidden: tf.Tensor2D } {
    const up = tf.matMul(x, this.wIn as tf.Tensor2D); // [N, 2 K D_e] or [N, K D_e]
    if (this.c.activation === 'relu') {
      const a = tf.relu(up) as tf.Tensor2D;
      return { activation: a, hidden: a };
    }
    const [gate, value] = tf.split(up, 2, 1); // 2 x [N, K D_e]
    return { activation: withActivation ? (tf.mul(gate, tf.sigmoid(gate)) as tf.Tensor2D) : undefined, hidden: swiglu(gate, value) as tf.Tensor2D };
  }

  /** Expert outputs e_{m,k} [K, N, d]: the paper's form (tests check apply() against it). */
  expertOutputs(hidden: tf.Tensor2D): tf.Tensor3D {
    const { dModel: d, expertsPerSubLayer: K } = this.c;
    const De = expertWidth(this.c);
    const n = hidden.shape[0];
    const h = tf.transpose(tf.reshape(hidden, [n, K, De]), [1, 0, 2]); // [K, N, D_e]
    return tf.matMul(h, tf.reshape(this.wOut, [K, De, d])) as tf.Tensor3D; // [K, N, d]
  }

  /** Gates g_{m,k} [K, N] from the expert outputs: sigmoid(<e_{m,k}, r_{m,k}>), sum-normalised by default (the paper's form). */
  gates(e: tf.Tensor3D): tf.Tensor2D {
    const r = tf.expandDims(this.router, 1); // [K or 1, 1, d]
    return this.normalizeGates(tf.sigmoid(tf.sum(tf.mul(e, r), -1)) as tf.Tensor2D, 0);
  }

  private normalizeGates(s: tf.Tensor2D, expertAxis: number): tf.Tensor2D {
    return (this.c.gateNorm === 'sum' ? tf.div(s, tf.sum(s, expertAxis, true)) : s) as tf.Tensor2D;
  }

  /**
   * y_m = sum_k g_{m,k} e_{m,k}: [N, d], plus the activation outputs for NSAR when asked. Computed
   * without the [K, N, d] expert outputs, by associativity: <e_k, r_k> = h_k (W_k r_k), and
   * sum_k g_k (h_k W_k) = (g-scaled h) W. So the sub-layer costs one output matmul, as the dense FFN
   * does, and no broadcast products over [K, N, d] (with them, a Finedeep step took 3.1-3.5x a
   * dense one at the campaign size).
   */
  apply(x: tf.Tensor2D, withActivation = true): { y: tf.Tensor2D; activation?: tf.Tensor2D } {
    const { dModel: d, expertsPerSubLayer: K } = this.c;
    const De = expertWidth(this.c);
    const { activation, hidden } = this.hidden(x, withActivation); // [N, K D_e]
    const router = this.router.shape[0] === K ? this.router : tf.tile(this.router, [K, 1]); // [K, d]
    const v = tf.reshape(tf.matMul(tf.reshape(this.wOut, [K, De, d]), tf.reshape(router, [K, d, 1])), [K * De, 1]); // W_k r_k, stacked
    const blocks = this.expertBlocks(); // [K D_e, K]: 1 where hidden unit i belongs to expert k
    const g = this.normalizeGates(tf.sigmoid(tf.matMul(hidden, tf.mul(v, blocks))) as tf.Tensor2D, 1); // [N, K]
    const scaled = tf.mul(hidden, tf.matMul(g, blocks, false, true)); // g_k on each of expert k's hidden units
    return { y: tf.matMul(scaled, this.wOut as tf.Tensor2D) as tf.Tensor2D, activation };
  }

  private blockMask?: Float32Array;
  private expertBlocks(): tf.Tensor2D {
    const K = this.c.expertsPerSubLayer;
    const De = expertWidth(this.c);
    if (!this.blockMask) {
      this.blockMask = new Float32Array(K * De * K);
      for (let i = 0; i < K * De; i++) this.blockMask[i * K + Math.floor(i / De)] = 1;
    }
    return tf.tensor2d(this.blockMask, [K * De, K]);
  }
}

/**
 * The Finedeep FFN slot: u_0 = h'; for m = 1..M: x_m = RMSNorm_m(u_{m-1}) (m = 1: the decoder's
 * pre-FFN norm), u_m = u_{m-1} + sum_k g_{m,k} e_{m,k}(x_m); returns u_M. Emits `ffn.nsar` [numTaus]
 * over all experts' activation outputs (evaluation passes only).
 */
export class FinedeepFeedForward implements ResidualFeedForward {
  readonly subLayers: ExpertSubLayer[] = [];

  constructor(
    params: ParameterFactory,
    readonly c: FinedeepConfig,
    std: number,
    outStd: number,
  ) {
    for (let m = 0; m < c.subLayers; m++) this.subLayers.push(new ExpertSubLayer(params, c, m, std, outStd));
  }

  applyResidual(h: tf.Tensor2D, normed: tf.Tensor2D, context: BlockContext): BlockOutput {
    let u = h; // [N, d]
    const activations: tf.Tensor2D[] = [];
    for (const sub of this.subLayers) {
      const x = sub.norm ? (rmsNorm(u, sub.norm) as tf.Tensor2D) : normed; // [N, d]
      const out = sub.apply(x, !context.training);
      u = tf.add(u, out.y) as tf.Tensor2D; // [N, d]
      if (out.activation) activations.push(out.activation);
    }
    const stats = context.training ? undefined : nsarStats(tf.concat(activations, 1), this.c.nsarTaus, this.c.nsarThreshold);
    return { y: u, stats };
  }

  /** Sub-layers 2..M need the residual stream, which the plain FFN slot does not give. */
  apply(): BlockOutput {
    throw new Error('finedeep: FinedeepFeedForward owns its residual connection; build it on DecoderLM (@labbench/tensor), which calls applyResidual().');
  }

  params() {
    const n = expertParams(this.c) + overheadParams(this.c);
    return { total: n, active: n };
  }

  flopsPerToken(): number {
    return ffnFlops(this.c);
  }
}

/**
 * The reference decoder's dense FFN (same variables, init and output) that also emits NSAR stats in
 * evaluation passes. The activation-function output SiLU(x W_g) is not what the FFN keeps
 * (it keeps the SwiGLU product), so evaluation recomputes x W_g once more; training is unchanged.
 */
export class DenseNsarFeedForward extends DenseFeedForward {
  constructor(
    params: ParameterFactory,
    readonly c: FinedeepConfig,
    std: number,
    outStd: number,
  ) {
    super(params, c.dModel, c.ffnHidden, c.activation, std, outStd);
  }

  override apply(x: tf.Tensor2D, context?: BlockContext): BlockOutput {
    const out = super.apply(x);
    if (!context || context.training) return out;
    return { ...out, stats: nsarStats(this.activationOutputs(x), this.c.nsarTaus, this.c.nsarThreshold) };
  }

  /** SiLU(x W_g) [N, F] (ReLU models: relu(x W_in)), the tensor NSAR reads. */
  activationOutputs(x: tf.Tensor2D): tf.Tensor2D {
    const up = tf.matMul(x, this.wIn as tf.Tensor2D); // [N, 2F] or [N, F]
    if (this.c.activation === 'relu') return tf.relu(up) as tf.Tensor2D;
    const gate = tf.slice(up, [0, 0], [-1, this.c.ffnHidden]); // [N, F]
    return tf.mul(gate, tf.sigmoid(gate)) as tf.Tensor2D;
  }
}
